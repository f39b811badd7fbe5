"""Request parsing for the strict `/v2` routes: query strings, POST envelopes, content types.

Translation only; criteria values are checked by the same library functions `/v1` uses. What
`/v2` adds (reference/surface.md §3): an unknown query parameter, or a single-valued one given
twice with different values, is 400; `profile=name=value` and `slurmAccountingMode` are
accepted; a POST body is the envelope `{criteria: {...}, profile?, slurmAccountingMode?,
selector?}` and its Content-Type must be exactly application/json or application/x-yaml (415
otherwise, parameters such as `charset` aside).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from aicr.errors import AicrError, Code
from aicr.recipe.criteria import FIELDS
from aicr.server import parsing
from aicr.server.errorbody import ApiError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any

    from aicr.recipe.criteria import Criteria

JSON_TYPE = "application/json"
YAML_TYPE = "application/x-yaml"
CRITERIA_PARAMS = frozenset({*FIELDS, "gpu", "nodes"})
RECIPE_PARAMS = CRITERIA_PARAMS | {"profile", "slurmAccountingMode"}
QUERY_PARAMS = RECIPE_PARAMS | {"selector"}
_RECIPE_FIELDS = frozenset({"criteria", "profile", "slurmAccountingMode"})
_QUERY_FIELDS = _RECIPE_FIELDS | {"selector"}


class Request:
    """What a /v2 recipe or query request asks for."""

    __slots__ = ("criteria", "profile", "selector", "slurm_mode")

    def __init__(
        self, criteria: Criteria, profile: str | None, slurm_mode: str | None, selector: str | None = None
    ) -> None:
        self.criteria = criteria
        self.profile = profile
        self.slurm_mode = slurm_mode
        self.selector = selector


def _bad_params(error: str, **details: Any) -> ApiError:
    return ApiError(Code.INVALID_REQUEST, "Invalid query parameters", {"error": error, **details})


def strict_params(
    query_string: bytes, known: Iterable[str], repeatable: Iterable[str] = ()
) -> dict[str, list[str]]:
    """Every parameter's values; unknown names and conflicting single values are 400."""
    known_set, repeat = frozenset(known), frozenset(repeatable)
    out: dict[str, list[str]] = {}
    if query_string:
        for key, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
            out.setdefault(key, []).append(value)
    for name in sorted(out):
        if name not in known_set:
            hint = (
                " (the profile is part of the recipe: choose it on /v2/recipe)" if name == "profile" else ""
            )
            raise _bad_params(f'unknown query parameter "{name}"{hint}', param=name, valid=sorted(known_set))
        if name not in repeat and len(set(out[name])) > 1:
            raise _bad_params(f'query parameter "{name}" is given with conflicting values', param=name)
    accelerator, gpu = out.get("accelerator"), out.get("gpu")
    if accelerator and gpu and accelerator[0] != gpu[0]:
        raise _bad_params('"accelerator" and "gpu" name different accelerators', param="gpu")
    return out


def _optional_string(value: Any, field: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise AicrError(Code.INVALID_REQUEST, f"{field} must be a string")
    return value


def request_from_params(params: Mapping[str, list[str]], allowed: Mapping[str, frozenset[str]]) -> Request:
    """Criteria, profile, Slurm mode and selector from strict query parameters."""
    first = {name: values[0] for name, values in params.items()}
    criteria = parsing.criteria_from_params(first, allowed)
    return Request(criteria, first.get("profile") or None, first.get("slurmAccountingMode") or None,
                   first.get("selector"))  # fmt: skip


def request_from_envelope(doc: Any, allowed: Mapping[str, frozenset[str]], *, query: bool) -> Request:
    """`{criteria, profile?, slurmAccountingMode?, selector?}`; `query` requires the selector."""
    fields = _QUERY_FIELDS if query else _RECIPE_FIELDS
    if not isinstance(doc, dict):
        raise AicrError(Code.INVALID_REQUEST, "request body must be a mapping with a criteria mapping")
    unknown = sorted(set(doc) - fields)
    if unknown:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'request body: unknown field "{unknown[0]}" (valid: {", ".join(sorted(fields))})',
            {"field": unknown[0]},
        )
    if "criteria" not in doc:
        raise AicrError(Code.INVALID_REQUEST, "request body: criteria is required")
    criteria = parsing.criteria_from_spec(doc["criteria"], allowed)
    selector = None
    if query:
        selector = doc.get("selector")
        if not isinstance(selector, str):
            raise AicrError(Code.INVALID_REQUEST, "request body: selector is required and must be a string")
    profile = _optional_string(doc.get("profile"), "profile")
    slurm = _optional_string(doc.get("slurmAccountingMode"), "slurmAccountingMode")
    return Request(criteria, profile, slurm, selector)


def body_is_yaml(content_type: str) -> bool:
    """True for application/x-yaml, False for application/json; anything else is 415."""
    media = parsing.media_type(content_type)
    if media == JSON_TYPE:
        return False
    if media == YAML_TYPE:
        return True
    raise ApiError(
        Code.INVALID_REQUEST,
        "Unsupported Content-Type",
        {"error": f'Content-Type must be {JSON_TYPE} or {YAML_TYPE} (got "{content_type}")'},
        status=415,
    )
