"""The OpenAPI 3.1 document of aicrd: Litestar's paths and parameters plus the models' schemas.

Litestar generates the paths, operations and query parameters from the handler signatures; the
request and response bodies come from the msgspec Structs in `aicr.server.models` (their JSON
Schemas become `components.schemas`). The result is served at GET /openapi.json and committed
as `api/openapi.json`; `python -m aicr.server.openapi --write` refreshes the committed copy and a
test fails when the two drift.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import msgspec

from aicr.bundle.options import DEPLOYERS
from aicr.documents import READ_API_VERSIONS
from aicr.recipe.accounting import MODES
from aicr.recipe.criteria import ANY, FIELDS, STATIC_VALUES
from aicr.server import models
from aicr.server.limits import MAX_NODES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from litestar import Litestar

REF = "#/components/schemas/{name}"
COMMITTED = Path("api") / "openapi.json"
YAML_TYPES = ("application/x-yaml", "application/yaml", "text/yaml")

_ERRORS = {
    "400": "Invalid request (bad criteria, parameters or body)",
    "404": "Not found (unknown selector path or catalog entry)",
    "413": "Request body exceeds the size limit (1 MiB recipe/query, 8 MiB bundle)",
    "415": "Unsupported Content-Type (/v2 takes exactly application/json or application/x-yaml)",
    "429": "Rate limit exceeded (see Retry-After and X-RateLimit-* headers)",
    "500": "Internal error",
    "503": "Service unavailable (catalog still loading)",
    "504": "Handler timed out",
}
_GET_ERRORS = ("400", "404", "429", "500", "503", "504")
_POST_ERRORS = ("400", "404", "413", "429", "500", "503", "504")
_V2_POST_ERRORS = ("400", "404", "413", "415", "429", "500", "503", "504")
_V2_TYPES = ("application/x-yaml",)

# (path, method) -> responses and request body. A model name refers to models.COMPONENTS.
_OPERATIONS: dict[tuple[str, str], dict[str, Any]] = {
    ("/", "get"): {"200": ("RootInfo", "Service name, version and application routes"), "errors": ("429",)},
    ("/health", "get"): {"200": ("Health", "The process is alive")},
    ("/ready", "get"): {"200": ("Readiness", "Ready for traffic"), "503": ("Readiness", "Not ready")},
    ("/metrics", "get"): {"200": ("text/plain", "Prometheus text exposition")},
    ("/openapi.json", "get"): {"200": ("object", "This document"), "errors": ("429",)},
    ("/v1/recipe", "get"): {"200": ("RecipeResult", "The resolved recipe"), "errors": _GET_ERRORS},
    ("/v1/recipe", "post"): {
        "200": ("RecipeResult", "The resolved recipe"),
        "errors": _POST_ERRORS,
        "body": ("RecipeCriteria", YAML_TYPES),
    },
    ("/v1/query", "get"): {"200": ("any", "The selected value"), "errors": _GET_ERRORS},
    ("/v1/query", "post"): {
        "200": ("any", "The selected value"),
        "errors": _POST_ERRORS,
        "body": ("QueryRequest", ("application/x-yaml",)),
    },
    ("/v1/bundle", "post"): {
        "200": ("zip", "The bundle as a zip archive"),
        "errors": _POST_ERRORS,
        "body": ("RecipeResult", ()),
    },
    ("/v2/recipe", "get"): {"200": ("RecipeResult", "The resolved recipe"), "errors": _GET_ERRORS},
    ("/v2/recipe", "post"): {
        "200": ("RecipeResult", "The resolved recipe"),
        "errors": _V2_POST_ERRORS,
        "body": ("RecipeRequestV2", _V2_TYPES),
    },
    ("/v2/query", "get"): {"200": ("any", "The selected value"), "errors": _GET_ERRORS},
    ("/v2/query", "post"): {
        "200": ("any", "The selected value"),
        "errors": _V2_POST_ERRORS,
        "body": ("QueryRequestV2", _V2_TYPES),
    },
    ("/v2/bundle", "post"): {
        "200": ("zip", "The bundle as a zip archive"),
        "errors": _V2_POST_ERRORS,
        "body": ("RecipeResult", _V2_TYPES),
    },
}
_REQUIRED_PARAMS = {("/v1/query", "get"): {"selector"}, ("/v2/query", "get"): {"selector"}}


def build_openapi(app: Litestar) -> dict[str, Any]:
    """The OpenAPI document as plain data."""
    doc: dict[str, Any] = app.openapi_schema.to_schema()
    _schemas, components = msgspec.json.schema_components(models.COMPONENTS, ref_template=REF)
    doc["info"]["description"] = (
        "AICR REST API: resolve cluster criteria to version-locked recipes, query their values and "
        "generate deployment bundles. Errors are {code, message, details, requestId, timestamp, retryable}."
    )
    for (path, method), spec in _OPERATIONS.items():
        operation = doc["paths"][path][method]
        operation["responses"] = _responses(spec)
        if "body" in spec:
            model, extra_types = spec["body"]
            schema = {"$ref": REF.format(name=model)}
            content = {"application/json": {"schema": schema}}
            content.update({media: {"schema": schema} for media in extra_types})
            operation["requestBody"] = {"required": True, "content": content}
        for param in operation.get("parameters", []):
            _plain_parameter(param, _REQUIRED_PARAMS.get((path, method), set()))
    components.update(_criteria_schemas())
    doc["components"] = {"schemas": dict(sorted(components.items()))}
    for (path, method), params in _PARAMETERS.items():
        for param in doc["paths"][path][method].get("parameters", []):
            if param["name"] in params:
                param["schema"] = {**params[param["name"]], **_described(param["schema"])}
    return doc


# The schema states what the server accepts, no more (schemathesis checks both ways): criteria
# values from the static lists (overlays may add more), `nodes` a whole number up to the cap,
# booleans in Go's spellings, and only the deployers that exist. An empty query value is unset.
_GO_TRUE, _GO_FALSE = ["1", "t", "T", "TRUE", "true", "True"], ["0", "f", "F", "FALSE", "false", "False"]
_NODES = r"^\+?([0-9]{1,6}|1000000)$"
_NODES_OR_EMPTY = r"^(\+?([0-9]{1,6}|1000000))?$"


def _values(field: str) -> list[str]:
    return sorted(STATIC_VALUES[field] | {ANY})


def _query_params() -> dict[str, dict[str, Any]]:
    params = {f: {"type": "string", "enum": ["", *_values(f)]} for f in FIELDS}
    params["gpu"] = params["accelerator"]
    params["nodes"] = {"type": "string", "pattern": _NODES_OR_EMPTY}
    return params


_PROFILE = {"type": "string", "pattern": r"^([A-Za-z0-9._-]+=[A-Za-z0-9._-]+)?$"}
_SLURM_MODE = {"type": "string", "enum": ["", *MODES]}


def _v2_query_params() -> dict[str, dict[str, Any]]:
    return {**_query_params(), "profile": _PROFILE, "slurmAccountingMode": _SLURM_MODE}


_BUNDLE_PARAMS: dict[str, dict[str, Any]] = {
    "deployer": {"type": "string", "enum": sorted(DEPLOYERS)},
    "nodes": {"type": "string", "pattern": _NODES_OR_EMPTY},
    "serial": {"type": "string", "enum": ["", *_GO_TRUE, *_GO_FALSE]},
    "attest": {"type": "string", "enum": ["", *_GO_FALSE]},  # attestation is not offered
    # true only when AICR_ALLOW_VENDOR_CHARTS is set; otherwise answered with 400
    "vendor-charts": {"type": "string", "enum": ["", *_GO_TRUE, *_GO_FALSE]},
}
_PARAMETERS: dict[tuple[str, str], dict[str, dict[str, Any]]] = {
    ("/v1/recipe", "get"): {
        **_query_params(),
        "explain": {"type": "string", "enum": ["", *_GO_TRUE, *_GO_FALSE]},
    },
    ("/v1/query", "get"): _query_params(),
    ("/v1/bundle", "post"): _BUNDLE_PARAMS,
    ("/v2/recipe", "get"): _v2_query_params(),
    ("/v2/query", "get"): _v2_query_params(),
    ("/v2/bundle", "post"): _BUNDLE_PARAMS,
}


def _described(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": schema["description"]} if "description" in schema else {}


def _criteria_schemas() -> dict[str, Any]:
    """CriteriaSpec (at least one criterion stated) and RecipeCriteria (a `spec` required)."""
    nodes = {
        "anyOf": [
            {"type": "integer", "minimum": 0, "maximum": MAX_NODES},
            {"type": "string", "pattern": _NODES},
        ]
    }
    stated = {f: {"type": "string", "enum": _values(f)} for f in FIELDS}
    properties: dict[str, Any] = {f: {"anyOf": [schema, {"type": "null"}]} for f, schema in stated.items()}
    properties["nodes"] = {"anyOf": [*nodes["anyOf"], {"type": "null"}]}  # "" is refused in a body
    one_of_them = [
        {"required": [f], "properties": {f: schema}} for f, schema in {**stated, "nodes": nodes}.items()
    ]
    spec = {
        "type": "object",
        "title": "CriteriaSpec",
        "description": "Cluster criteria; at least one must be stated (null means unstated).",
        "properties": properties,
        "additionalProperties": False,
        "anyOf": one_of_them,
    }
    document = {
        "type": "object",
        "title": "RecipeCriteria",
        "description": "POST /v1/recipe body; `kind` and `apiVersion` are optional but checked when present.",
        "properties": {
            "kind": {"anyOf": [{"enum": ["RecipeCriteria", ""]}, {"type": "null"}]},
            "apiVersion": {"anyOf": [{"enum": ["", *sorted(READ_API_VERSIONS)]}, {"type": "null"}]},
            "metadata": {"anyOf": [{"$ref": REF.format(name="CriteriaMetadata")}, {"type": "null"}]},
            "spec": {"$ref": REF.format(name="CriteriaSpec")},
        },
        "required": ["spec"],
        "additionalProperties": False,
    }
    return {"CriteriaSpec": spec, "RecipeCriteria": document, **_v2_envelopes()}


def _v2_envelopes() -> dict[str, Any]:
    """RecipeRequestV2 `{criteria, profile?, slurmAccountingMode?}` and QueryRequestV2 (+ selector)."""
    properties: dict[str, Any] = {
        "criteria": {"$ref": REF.format(name="CriteriaSpec")},
        "profile": {"anyOf": [{**_PROFILE, "description": "name=value, e.g. gpuStack=gke-default"},
                              {"type": "null"}]},
        "slurmAccountingMode": {"anyOf": [_SLURM_MODE, {"type": "null"}]},
    }  # fmt: skip
    recipe = {
        "type": "object",
        "title": "RecipeRequestV2",
        "description": "POST /v2/recipe body.",
        "properties": properties,
        "required": ["criteria"],
        "additionalProperties": False,
    }
    query = {
        **recipe,
        "title": "QueryRequestV2",
        "description": "POST /v2/query body; the selector is required ('' or '.' selects everything).",
        "properties": {**properties, "selector": {"type": "string"}},
        "required": ["criteria", "selector"],
    }
    return {"RecipeRequestV2": recipe, "QueryRequestV2": query}


def _responses(spec: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for status in ("200", "503"):
        if status in spec:
            kind, description = spec[status]
            out[status] = {"description": description, "content": _content(kind)}
    for status in spec.get("errors", ()):
        error = {"application/json": {"schema": {"$ref": REF.format(name="ErrorBody")}}}
        out[status] = {"description": _ERRORS[status], "content": error}
    return dict(sorted(out.items()))


def _content(kind: str) -> dict[str, Any]:
    if kind == "text/plain":
        return {"text/plain": {"schema": {"type": "string"}}}
    if kind == "zip":
        return {"application/zip": {"schema": {"type": "string", "contentMediaType": "application/zip"}}}
    if kind == "any":
        return {"application/json": {"schema": {}}}
    if kind == "object":
        return {"application/json": {"schema": {"type": "object"}}}
    return {"application/json": {"schema": {"$ref": REF.format(name=kind)}}}


def _plain_parameter(param: dict[str, Any], required: set[str]) -> None:
    """A query parameter is a string (or a list of strings), never null."""
    schema = param.get("schema", {})
    variants = schema.pop("oneOf", None)
    if variants:
        kept = [v for v in variants if v.get("type") != "null"]
        schema.update(kept[0] if len(kept) == 1 else {"oneOf": kept})
    if param["name"] in required:
        param["required"] = True


def render_openapi(app: Litestar, *, compact: bool = False) -> bytes:
    """The document as JSON bytes (pretty, with a trailing newline, unless `compact`)."""
    doc = build_openapi(app)
    if compact:
        return json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode()


def generate() -> bytes:
    """The pretty document for an app with default settings (no catalog needed)."""
    from aicr.server.app import create_app
    from aicr.server.settings import Settings

    app = create_app(settings=Settings())
    return render_openapi(app.litestar)


def main(argv: list[str] | None = None) -> int:
    """`python -m aicr.server.openapi [--write]`: print or refresh api/openapi.json."""
    args = sys.argv[1:] if argv is None else argv
    body = generate()
    if "--write" in args:
        COMMITTED.parent.mkdir(parents=True, exist_ok=True)
        COMMITTED.write_bytes(body)
        sys.stderr.write(f"wrote {COMMITTED}\n")
    else:
        sys.stdout.write(body.decode())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
