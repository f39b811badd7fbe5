"""The strict `/v2` routes: `/v2/recipe`, `/v2/query` (GET and POST) and `/v2/bundle` (POST).

Translation only, like `/v1` (aicr.server.handlers) and over the same service, so both versions
resolve identically. `/v2` differs in its contract (reference/surface.md §3): unknown or
conflicting query parameters are 400, `profile=name=value` and `slurmAccountingMode` are
accepted, POST bodies are the envelope `{criteria, profile?, slurmAccountingMode?, selector?}`
with a Content-Type of exactly application/json or application/x-yaml (else 415), and
`/v2/query` requires a selector. `/v2/bundle` takes a resolved RecipeResult: the profile was
chosen when the recipe was resolved and travels in its `metadata.selectedProfile`, whose
locked paths the bundler enforces.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import QueryParameter
from litestar.response import Stream

from aicr.errors import AicrError, Code
from aicr.server import v2_parsing
from aicr.server.bundles import LIST_PARAMS, STRING_PARAMS
from aicr.server.errorbody import ApiError
from aicr.server.handlers import (
    Text,
    _bundle_request_options,
    _checked_recipe,
    _criteria_error,
    _decode,
    _json,
    _select_bundlers,
    _state,
    bundle_response,
)

Profile = Annotated[
    str | None,
    QueryParameter(description="Configuration profile value, name=value (e.g. gpuStack=gke-default)"),
]
SlurmMode = Annotated[
    str | None,
    QueryParameter(
        name="slurmAccountingMode", description="Slurm recipes: disabled, customer-managed or aicr-provided"
    ),
]
Gpu = Annotated[
    str | None, QueryParameter(description="Alias of accelerator; must agree with it when both are given")
]
Os = Annotated[str | None, QueryParameter(name="os")]
Nodes = Annotated[str | None, QueryParameter(description="Number of GPU nodes, >= 0 (0 = any)")]
BUNDLE_PARAMS = frozenset({*LIST_PARAMS, *STRING_PARAMS, "deployer", "nodes", "serial", "attest", "vendor-charts",
                           "bundlers"})  # fmt: skip
BUNDLE_REPEATABLE = frozenset({*LIST_PARAMS, "bundlers"})


async def _envelope(request: Request[Any, Any, Any], *, query: bool, message: str) -> v2_parsing.Request:
    state = _state(request)
    yaml_body = v2_parsing.body_is_yaml(request.headers.get("content-type", ""))
    try:
        allowed = state.service.allowed_values()
        doc = await _decode(state, await request.body(), yaml_body=yaml_body)
        return v2_parsing.request_from_envelope(doc, allowed, query=query)
    except AicrError as exc:
        raise _criteria_error(exc, message) from None


def _from_query(request: Request[Any, Any, Any], known: frozenset[str], message: str) -> v2_parsing.Request:
    state = _state(request)
    params = v2_parsing.strict_params(request.scope["query_string"], known)
    try:
        return v2_parsing.request_from_params(params, state.service.allowed_values())
    except AicrError as exc:
        raise _criteria_error(exc, message) from None


@get("/v2/recipe", operation_id="getRecipeV2", summary="Resolve criteria (and a profile) to a recipe",
     tags=["v2"])  # fmt: skip
async def get_recipe_v2(
    request: Request[Any, Any, Any],
    service: Text = None,
    accelerator: Text = None,
    gpu: Gpu = None,
    intent: Text = None,
    os_: Os = None,
    platform: Text = None,
    nodes: Nodes = None,
    profile: Profile = None,
    slurm_accounting_mode: SlurmMode = None,
) -> Response[bytes]:
    """The RecipeResult for the query-string criteria; unknown or conflicting parameters are 400."""
    wanted = _from_query(request, v2_parsing.RECIPE_PARAMS, "Invalid recipe criteria")
    body = await _state(request).service.recipe(wanted.criteria, wanted.profile, wanted.slurm_mode)
    return _json(body, cache=True)


@post("/v2/recipe", operation_id="postRecipeV2", summary="Resolve a {criteria, profile?} envelope",
      tags=["v2"], status_code=200)  # fmt: skip
async def post_recipe_v2(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The RecipeResult for `{criteria, profile?, slurmAccountingMode?}` (JSON or x-yaml only)."""
    wanted = await _envelope(request, query=False, message="Invalid recipe request body")
    body = await _state(request).service.recipe(wanted.criteria, wanted.profile, wanted.slurm_mode)
    return _json(body, cache=True)


@get("/v2/query", operation_id="getQueryV2", summary="Select one value of a hydrated recipe", tags=["v2"])
async def get_query_v2(
    request: Request[Any, Any, Any],
    selector: Annotated[str, QueryParameter(description="Dotted path; '' or '.' selects everything")],
    service: Text = None,
    accelerator: Text = None,
    gpu: Gpu = None,
    intent: Text = None,
    os_: Os = None,
    platform: Text = None,
    nodes: Nodes = None,
    profile: Profile = None,
    slurm_accounting_mode: SlurmMode = None,
) -> Response[bytes]:
    """The JSON value at the required `selector` for the query-string criteria and profile."""
    wanted = _from_query(request, v2_parsing.QUERY_PARAMS, "Invalid query criteria")
    return await _answer_query(request, wanted)


@post("/v2/query", operation_id="postQueryV2", summary="Select one value for a {criteria, selector} envelope",
      tags=["v2"], status_code=200)  # fmt: skip
async def post_query_v2(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The JSON value at `selector` for `{criteria, selector, profile?, slurmAccountingMode?}`."""
    wanted = await _envelope(request, query=True, message="Invalid query request body")
    return await _answer_query(request, wanted)


async def _answer_query(request: Request[Any, Any, Any], wanted: v2_parsing.Request) -> Response[bytes]:
    if wanted.selector is None:
        raise ApiError(
            Code.INVALID_REQUEST, "Invalid query criteria", {"error": "selector is required on /v2/query"}
        )
    state = _state(request)
    try:
        body = await state.service.query(wanted.criteria, wanted.selector, wanted.profile, wanted.slurm_mode)
    except AicrError as exc:
        if exc.code == Code.NOT_FOUND and "key" in exc.details and "selector" in exc.details:
            details = {"selector": wanted.selector, "error": exc.message}
            raise ApiError(Code.NOT_FOUND, "Selector path not found", details) from None
        raise
    return _json(body, cache=True)


@post("/v2/bundle", operation_id="postBundleV2", summary="Generate a deployment bundle (zip), strict parameters",
      tags=["v2"], status_code=200)  # fmt: skip
async def post_bundle_v2(request: Request[Any, Any, Any]) -> Stream:
    """A zip of the bundle for the RecipeResult body; the recipe's profile locks its paths."""
    state = _state(request)
    params = v2_parsing.strict_params(request.scope["query_string"], BUNDLE_PARAMS, BUNDLE_REPEATABLE)
    yaml_body = v2_parsing.body_is_yaml(request.headers.get("content-type", ""))
    deployer_name, options = _bundle_request_options(params)
    try:
        doc = await _decode(state, await request.body(), yaml_body=yaml_body)
    except AicrError as exc:
        raise ApiError.wrapping("Invalid request body", exc) from None
    if not isinstance(doc, dict):
        raise ApiError(
            Code.INVALID_REQUEST, "Invalid request body", {"error": "body must be a RecipeResult object"}
        )
    recipe = _checked_recipe(state, doc)
    _select_bundlers(params.get("bundlers", []), recipe, options)
    return await bundle_response(state, recipe, deployer_name, options)


V2_HANDLERS = [get_recipe_v2, post_recipe_v2, get_query_v2, post_query_v2, post_bundle_v2]
