"""Litestar route handlers: parse the request, call the service, render the answer.

Each handler follows the reference's contract (reference/surface.md §3): messages such as
"Invalid recipe criteria" sit on top and the library's own text goes into `details.error`.
Query parameters are declared in the signatures for OpenAPI; the handlers read the raw query
string with `aicr.server.parsing` so the gateway's cache fast path and the handlers can never
parse a request differently. Translation only: no criteria, recipe or bundle logic lives here.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import QueryParameter
from litestar.response import Stream

from aicr.errors import AicrError, Code
from aicr.server import parsing
from aicr.server.bundles import bundle_options, format_duration, parse_bool
from aicr.server.errorbody import ApiError, encode, timestamp
from aicr.server.limits import check_option_paths
from aicr.server.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from aicr.server.state import STATE_KEY, ServerState

JSON = "application/json"
CACHE_CONTROL = {"Cache-Control": "public, max-age=600"}
_OFF_LOOP_BYTES = 64 * 1024  # bodies larger than this are parsed in a worker thread

Text = Annotated[str | None, QueryParameter(required=False)]


def _state(request: Request[Any, Any, Any]) -> ServerState:
    state: ServerState = request.app.state[STATE_KEY]
    return state


def _json(body: bytes, *, status: int = 200, cache: bool = False) -> Response[bytes]:
    return Response(
        content=body, status_code=status, media_type=JSON, headers=CACHE_CONTROL if cache else None
    )


def _criteria_error(exc: AicrError, message: str) -> Exception:
    """NO_CRITERIA stands alone; other INVALID_REQUEST errors go under `message`."""
    if isinstance(exc, parsing.NoCriteriaError):
        return ApiError(Code.INVALID_REQUEST, exc.message)
    if exc.code == Code.INVALID_REQUEST:
        return ApiError.wrapping(message, exc)
    return exc


def _reject_profile(params: Any, message: str) -> None:
    """/v1 takes no profile (reference/surface.md §3): the profile-aware routes are /v2."""
    if "profile" in params:
        error = "profile is not supported on /v1; use the /v2 routes to choose a profile"
        raise ApiError(Code.INVALID_REQUEST, message, {"error": error, "param": "profile"})


async def _decode(state: ServerState, body: bytes, *, yaml_body: bool) -> Any:
    if len(body) > _OFF_LOOP_BYTES:
        return await state.service.blocking(lambda: parsing.decode_body(body, yaml_body=yaml_body))
    return parsing.decode_body(body, yaml_body=yaml_body)


# -- service information -------------------------------------------------------------------


@get(
    "/",
    operation_id="getRoot",
    summary="Service name, version and routes",
    tags=["service"],
    sync_to_thread=False,
)
def root(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The service, its version and its application routes, sorted."""
    return _json(_state(request).root_body)


@get("/health", operation_id="getHealth", summary="Liveness", tags=["service"], sync_to_thread=False)
def health() -> Response[bytes]:
    """Always 200 while the process serves requests."""
    return _json(encode({"status": "healthy", "timestamp": timestamp()}))


@get("/ready", operation_id="getReady", summary="Readiness", tags=["service"], sync_to_thread=False)
def ready(request: Request[Any, Any, Any]) -> Response[bytes]:
    """200 once the catalog is loaded; 503 before that and while shutting down."""
    state = _state(request)
    if state.ready:
        return _json(encode({"status": "ready", "timestamp": timestamp()}))
    reason = "service is shutting down" if state.draining else "service is initializing"
    return _json(encode({"status": "not_ready", "reason": reason}), status=503)


@get(
    "/metrics",
    operation_id="getMetrics",
    summary="Prometheus metrics",
    tags=["service"],
    sync_to_thread=False,
)
def metrics(request: Request[Any, Any, Any]) -> Response[bytes]:
    """Prometheus text exposition (route-template `path` labels)."""
    body = _state(request).metrics.render()
    return Response(content=body, media_type=METRICS_CONTENT_TYPE)


@get("/openapi.json", operation_id="getOpenAPI", summary="This API's OpenAPI 3.1 document", tags=["service"],
     sync_to_thread=False)  # fmt: skip
def openapi(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The OpenAPI document (also committed as api/openapi.json); rendered on first use."""
    state = _state(request)
    if not state.openapi_body:
        from aicr.server.openapi import render_openapi

        state.openapi_body = render_openapi(request.app, compact=True)
    return _json(state.openapi_body)


# -- recipe and query ----------------------------------------------------------------------


@get("/v1/recipe", operation_id="getRecipe", summary="Resolve criteria to a recipe", tags=["recipe"])
async def get_recipe(
    request: Request[Any, Any, Any],
    service: Text = None,
    accelerator: Text = None,
    gpu: Annotated[
        str | None, QueryParameter(description="Alias of accelerator, used when accelerator is absent")
    ] = None,
    intent: Text = None,
    os_: Annotated[str | None, QueryParameter(name="os")] = None,
    platform: Text = None,
    nodes: Annotated[str | None, QueryParameter(description="Number of GPU nodes, >= 0 (0 = any)")] = None,
    explain: Annotated[
        str | None, QueryParameter(description="true: add `provenance` (which layer set each value)")
    ] = None,
) -> Response[bytes]:
    """The RecipeResult for the criteria in the query string (with `provenance` if explain=true)."""
    state = _state(request)
    params = parsing.first_values(request.scope["query_string"])
    _reject_profile(params, "Invalid recipe criteria")
    try:
        criteria = parsing.criteria_from_params(params, state.service.allowed_values())
        explained = parse_bool("explain", params["explain"]) if params.get("explain") else False
    except AicrError as exc:
        raise _criteria_error(exc, "Invalid recipe criteria") from None
    return _json(await state.service.recipe(criteria, explain=explained), cache=True)


@post("/v1/recipe", operation_id="postRecipe", summary="Resolve a RecipeCriteria document", tags=["recipe"],
      status_code=200)  # fmt: skip
async def post_recipe(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The RecipeResult for a RecipeCriteria body (JSON, or YAML for YAML content types)."""
    state = _state(request)
    yaml_body = parsing.media_type(request.headers.get("content-type", "")) in parsing.YAML_MEDIA_TYPES
    try:
        allowed = state.service.allowed_values()
        doc = await _decode(state, await request.body(), yaml_body=yaml_body)
        criteria = parsing.criteria_from_document(doc, allowed)
    except AicrError as exc:
        raise _criteria_error(exc, "Invalid recipe criteria") from None
    return _json(await state.service.recipe(criteria), cache=True)


@get("/v1/query", operation_id="getQuery", summary="Select one value of a hydrated recipe", tags=["recipe"])
async def get_query(
    request: Request[Any, Any, Any],
    selector: Annotated[
        str | None, QueryParameter(description="Dotted path; '' or '.' selects everything")
    ] = None,
    service: Text = None,
    accelerator: Text = None,
    gpu: Annotated[
        str | None, QueryParameter(description="Alias of accelerator, used when accelerator is absent")
    ] = None,
    intent: Text = None,
    os_: Annotated[str | None, QueryParameter(name="os")] = None,
    platform: Text = None,
    nodes: Annotated[str | None, QueryParameter(description="Number of GPU nodes, >= 0 (0 = any)")] = None,
) -> Response[bytes]:
    """The JSON value at `selector` in the hydrated recipe for the query-string criteria."""
    state = _state(request)
    params = parsing.first_values(request.scope["query_string"])
    _reject_profile(params, "Invalid query criteria")
    if "selector" not in params:
        raise ApiError(
            Code.INVALID_REQUEST, "Invalid query criteria", {"error": "selector is required on /v1/query"}
        )
    try:
        criteria = parsing.criteria_from_params(params, state.service.allowed_values())
    except AicrError as exc:
        raise _criteria_error(exc, "Invalid query criteria") from None
    return _json(await _select(state, criteria, params["selector"]), cache=True)


@post("/v1/query", operation_id="postQuery", summary="Select one value of a hydrated recipe", tags=["recipe"],
      status_code=200)  # fmt: skip
async def post_query(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The JSON value at `selector` for `{criteria, selector}` (JSON if the type says json, else YAML)."""
    state = _state(request)
    yaml_body = "json" not in request.headers.get("content-type", "").lower()
    try:
        allowed = state.service.allowed_values()
        doc = await _decode(state, await request.body(), yaml_body=yaml_body)
        spec, selector = parsing.query_request(doc)
    except AicrError as exc:
        raise _criteria_error(exc, "Invalid query request body") from None
    if spec is None:
        raise ApiError(Code.INVALID_REQUEST, "Recipe criteria cannot be empty")
    try:
        criteria = parsing.criteria_from_spec(spec, allowed)
    except AicrError as exc:
        raise _criteria_error(exc, "Invalid criteria in request body") from None
    return _json(await _select(state, criteria, selector), cache=True)


async def _select(state: ServerState, criteria: Any, selector: str) -> bytes:
    try:
        return await state.service.query(criteria, selector)
    except AicrError as exc:
        if exc.code == Code.NOT_FOUND and "key" in exc.details and "selector" in exc.details:
            details = {"selector": selector, "error": exc.message}
            raise ApiError(Code.NOT_FOUND, "Selector path not found", details) from None
        raise


# -- bundle --------------------------------------------------------------------------------

Many = Annotated[list[str] | None, QueryParameter(required=False)]


@post("/v1/bundle", operation_id="postBundle", summary="Generate a deployment bundle (zip)", tags=["bundle"],
      status_code=200)  # fmt: skip
async def post_bundle(
    request: Request[Any, Any, Any],
    deployer: Annotated[
        str | None, QueryParameter(description="helm (default), helmfile, argocd, argocd-helm, flux, fleet")
    ] = None,
    set_: Annotated[list[str] | None, QueryParameter(name="set", description="component:path=value")] = None,
    dynamic: Many = None,
    system_node_selector: Annotated[list[str] | None, QueryParameter(name="system-node-selector")] = None,
    system_node_toleration: Annotated[list[str] | None, QueryParameter(name="system-node-toleration")] = None,
    accelerated_node_selector: Annotated[
        list[str] | None, QueryParameter(name="accelerated-node-selector")
    ] = None,
    accelerated_node_toleration: Annotated[
        list[str] | None, QueryParameter(name="accelerated-node-toleration")
    ] = None,
    workload_gate: Annotated[str | None, QueryParameter(name="workload-gate")] = None,
    workload_selector: Annotated[list[str] | None, QueryParameter(name="workload-selector")] = None,
    nodes: Text = None,
    repo: Text = None,
    serial: Text = None,
    app_name: Annotated[str | None, QueryParameter(name="app-name")] = None,
    attest: Text = None,
    vendor_charts: Annotated[str | None, QueryParameter(name="vendor-charts")] = None,
    bundlers: Annotated[
        list[str] | None, QueryParameter(description="Comma-separated components to bundle (default: all)")
    ] = None,
) -> Stream:
    """A zip of the bundle for the RecipeResult body, with the query parameters as bundle flags."""
    state = _state(request)
    params = parsing.all_values(request.scope["query_string"])
    _reject_profile(params, "Invalid query parameters")
    deployer_name, options = _bundle_request_options(params, allow_vendor=state.settings.allow_vendor_charts)
    content_type = parsing.media_type(request.headers.get("content-type", ""))
    try:
        doc = await _decode(state, await request.body(), yaml_body=content_type in parsing.YAML_MEDIA_TYPES)
    except AicrError as exc:
        raise ApiError.wrapping("Invalid request body", exc) from None
    if not isinstance(doc, dict):
        raise ApiError(
            Code.INVALID_REQUEST, "Invalid request body", {"error": "body must be a RecipeResult object"}
        )
    if not doc.get("componentRefs"):
        raise ApiError(Code.INVALID_REQUEST, "Recipe must contain at least one component reference")
    recipe = _checked_recipe(state, doc)
    _select_bundlers(params.get("bundlers", []), recipe, options)
    return await bundle_response(state, recipe, deployer_name, options)


async def bundle_response(state: ServerState, recipe: dict[str, Any], deployer_name: str,
                          options: dict[str, Any]) -> Stream:  # fmt: skip
    """Build the bundle and stream it as `bundles.zip` with the X-Bundle-* headers."""
    try:
        archive = await state.service.bundle(recipe, deployer_name, options)
    except AicrError as exc:
        if exc.code == Code.INTERNAL:
            raise ApiError(Code.INTERNAL, "Bundle generation failed") from exc
        raise
    headers = {
        "Content-Disposition": 'attachment; filename="bundles.zip"',
        "Content-Length": str(archive.length),
        "X-Bundle-Files": str(archive.files),
        "X-Bundle-Size": str(archive.size),
        "X-Bundle-Duration": format_duration(archive.duration),
    }
    return Stream(archive.chunks(), media_type="application/zip", headers=headers)


def _bundle_request_options(
    params: dict[str, list[str]], *, allow_vendor: bool = False
) -> tuple[str, dict[str, Any]]:
    """(deployer, library options); every value checked by the library before the body is read."""
    from aicr.bundle.options import BundleOptions, parse_deployer
    from aicr.bundle.options import parse_nodes as parse_bundle_nodes

    def first(name: str) -> str:
        return params.get(name, [""])[0]

    try:
        deployer = parse_deployer(first("deployer") or "helm")
    except AicrError as exc:
        raise ApiError.wrapping("Invalid deployer parameter", exc) from None
    try:
        parse_bundle_nodes(first("nodes"))
    except AicrError as exc:
        raise ApiError.wrapping("nodes must be a non-negative integer", exc) from None
    try:
        for param in ("set", "dynamic"):
            check_option_paths(params.get(param, []), param)
        options = bundle_options(params)
        BundleOptions.parse(deployer, options)
    except AicrError as exc:
        raise ApiError.wrapping("Invalid query parameters", exc) from None
    if first("vendor-charts"):
        try:
            vendor = parse_bool("vendor-charts", first("vendor-charts"))
        except AicrError as exc:
            raise ApiError.wrapping("Invalid query parameters", exc) from None
        if vendor and not allow_vendor:
            raise ApiError(
                Code.INVALID_REQUEST,
                "vendor-charts is not enabled on this server",
                {"param": "vendor-charts"},
            )
        options["vendor_charts"] = vendor
    if first("attest"):
        try:
            attest = parse_bool("attest", first("attest"))
        except AicrError:
            raise ApiError(
                Code.INVALID_REQUEST,
                "Invalid attest parameter (want true or false)",
                {"error": first("attest")},
            ) from None
        if attest:
            raise ApiError(Code.INVALID_REQUEST, "Server is not configured for attestation")
    return deployer, options


def _select_bundlers(values: list[str], recipe: dict[str, Any], options: dict[str, Any]) -> None:
    """`bundlers=a,b`: bundle only those components (the others get `--set <name>:enabled=false`)."""
    wanted = {name.strip() for value in values for name in value.split(",") if name.strip()}
    if not wanted:
        return
    names = [ref["name"] for ref in recipe.get("componentRefs") or []]
    unknown = sorted(wanted - set(names))
    if unknown:
        error = f'bundlers: component "{unknown[0]}" is not in the recipe (components: {", ".join(names)})'
        raise ApiError(Code.INVALID_REQUEST, "Invalid query parameters", {"error": error})
    options["set"] = [
        *options.get("set", []),
        *(f"{name}:enabled=false" for name in names if name not in wanted),
    ]


def _checked_recipe(state: ServerState, doc: dict[str, Any]) -> dict[str, Any]:
    """The strictly validated recipe document; its criteria must pass the allowlists."""
    from aicr.recipe.criteria import Criteria
    from aicr.recipe.document import validate_recipe

    try:
        recipe = validate_recipe(doc, "request body")
        criteria = Criteria.from_mapping(recipe.get("criteria") or {})
    except AicrError as exc:
        raise ApiError.wrapping("Invalid request body", exc) from None
    state.settings.allowlist.check(criteria)
    catalog = state.service.require_catalog()
    for ref in recipe.get("componentRefs") or ():
        values_file = ref.get("valuesFile") if isinstance(ref, dict) else None
        if values_file and not catalog.has_file(values_file):  # a caller's path: 404, never a 500
            raise ApiError(
                Code.NOT_FOUND,
                f'valuesFile "{values_file}" is not a file of the catalog',
                {"component": ref.get("name"), "path": values_file},
            )
    return recipe


HANDLERS = [
    root,
    health,
    ready,
    metrics,
    openapi,
    get_recipe,
    post_recipe,
    get_query,
    post_query,
    post_bundle,
]
