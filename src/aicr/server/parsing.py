"""Request parsing: query strings and JSON/YAML bodies into library inputs (Criteria, selector).

Translation only; every value check is the library's (`aicr.recipe.criteria.parse_value`,
`parse_nodes`, `aicr.recipe.criteria_document`), so the API accepts and rejects exactly
what the CLI does, with the same texts. Errors are raised as AicrError; handlers put the HTTP
message on top (reference/surface.md §3: "Invalid recipe criteria" + `details.error`).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import msgspec

from aicr.errors import AicrError, Code
from aicr.recipe.criteria import FIELDS, Criteria, parse_nodes, parse_value
from aicr.server import limits

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

# reference/recipe.md §1: POST bodies are YAML for these media types, JSON otherwise.
YAML_MEDIA_TYPES = frozenset({"application/x-yaml", "application/yaml", "text/yaml"})
NO_CRITERIA = (
    "no criteria provided: specify at least one of service, accelerator, intent, os, platform, nodes"
)
_QUERY_FIELDS = frozenset({"criteria", "selector"})


class NoCriteriaError(AicrError):
    """The request states no criteria at all (reference: 400 "no criteria provided")."""

    def __init__(self) -> None:
        super().__init__(Code.INVALID_REQUEST, NO_CRITERIA)


def first_values(query_string: bytes) -> dict[str, str]:
    """Each parameter's first value (a repeated parameter keeps its first occurrence)."""
    out: dict[str, str] = {}
    if query_string:
        for key, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
            out.setdefault(key, value)
    return out


def all_values(query_string: bytes) -> dict[str, list[str]]:
    """Every value of each parameter, in order."""
    out: dict[str, list[str]] = {}
    if query_string:
        for key, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
            out.setdefault(key, []).append(value)
    return out


def criteria_from_params(params: Mapping[str, str], allowed: Mapping[str, frozenset[str]]) -> Criteria:
    """Criteria from query parameters (`gpu` stands in for a missing `accelerator`).

    Raises INVALID_REQUEST with the reference's texts; NO_CRITERIA when no criteria parameter
    has a value.
    """
    values: dict[str, Any] = {}
    provided = False
    for field in FIELDS:
        raw = params.get(field)
        if not raw and field == "accelerator":
            raw = params.get("gpu")
        if not raw:
            continue
        provided = True
        try:
            values[field] = parse_value(field, raw, allowed)
        except AicrError as exc:
            raise exc.wrap(f"invalid {field} parameter") from None
    nodes = params.get("nodes")
    if nodes:
        provided = True
        limits.check_nodes(nodes)
        values["nodes"] = parse_nodes(nodes)
    if not provided:
        raise NoCriteriaError
    return Criteria(**values)


def media_type(content_type: str) -> str:
    """`application/json; charset=utf-8` -> `application/json`."""
    return content_type.split(";", 1)[0].strip().lower()


def decode_body(body: bytes, *, yaml_body: bool) -> Any:
    """Parse a request body as YAML (strict loader, no aliases) or JSON."""
    if not body.strip():
        raise AicrError(Code.INVALID_REQUEST, "request body is empty")
    try:
        doc = _decode_yaml(body) if yaml_body else msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        raise AicrError(Code.INVALID_REQUEST, f"invalid JSON: {exc}") from None
    except RecursionError:
        raise AicrError(Code.INVALID_REQUEST, "request body is nested too deeply") from None
    except ValueError:  # a YAML integer over Python's 4,300-digit conversion limit
        raise limits.int_too_long("request body") from None
    return limits.check_tree(doc, "request body")


def _decode_yaml(body: bytes) -> Any:
    from aicr.io.yamlin import load_yaml, plain

    doc = load_yaml(body, "request body")  # syntax errors first, with their position
    if b"*" in body and _has_alias(body):
        # An alias can expand exponentially when the document is walked; bodies never need one.
        raise AicrError(Code.INVALID_REQUEST, "YAML aliases are not allowed in request bodies")
    return plain(doc)


def _has_alias(body: bytes) -> bool:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(body, Loader=loader))


def criteria_from_document(doc: Any, allowed: Mapping[str, frozenset[str]]) -> Criteria:
    """Criteria from a RecipeCriteria document (`kind`/`apiVersion` optional but checked)."""
    from aicr.recipe.criteria_document import criteria_spec

    return criteria_from_spec(criteria_spec(doc, "request body"), allowed)


def criteria_from_spec(spec: Any, allowed: Mapping[str, frozenset[str]]) -> Criteria:
    """Criteria from a `spec` (or query `criteria`) mapping; NO_CRITERIA when it states nothing."""
    from aicr.recipe.criteria_document import spec_values

    if spec is None:
        spec = {}
    if not isinstance(spec, dict):
        raise AicrError(Code.INVALID_REQUEST, "criteria spec must be a mapping")
    if all(spec.get(f) in (None, "") for f in (*FIELDS, "nodes")) and not set(spec) - {*FIELDS, "nodes"}:
        raise NoCriteriaError
    limits.check_nodes(spec.get("nodes"))
    values: dict[str, Any] = spec_values(spec, allowed)
    return Criteria(**values)


def query_request(doc: Any) -> tuple[Any, str]:
    """(criteria mapping, selector) from a query body `{criteria: {...}, selector: "..."}`.

    Structure only; `criteria_from_spec` checks the criteria. A missing `selector` selects the
    whole document, as in the reference.
    """
    if not isinstance(doc, dict):
        raise AicrError(Code.INVALID_REQUEST, "request body must be a mapping with criteria and selector")
    unknown = sorted(set(doc) - _QUERY_FIELDS)
    if unknown:
        raise AicrError(Code.INVALID_REQUEST, f'query request: unknown field "{unknown[0]}"')
    selector = doc.get("selector")
    if selector is None:
        selector = ""
    if not isinstance(selector, str):
        raise AicrError(Code.INVALID_REQUEST, "query request: selector must be a string")
    return doc.get("criteria"), selector
