"""RecipeCriteria documents (criteria files and POST bodies): shape checks and spec parsing.

Pure. Shared by `aicr recipe -c FILE` and aicrd's POST /v1/recipe so both reject the same
documents with the same messages: `kind` and `apiVersion` are optional but checked when present
(reference/recipe.md §1), unknown fields are errors, and spec values carry the reference's
`invalid <field> in criteria spec` wrapper.
"""

from __future__ import annotations

from aicr.documents import KIND_CRITERIA, READ_API_VERSIONS
from aicr.errors import AicrError, Code
from aicr.recipe.criteria import FIELDS, parse_nodes, parse_value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any

DOCUMENT_FIELDS = frozenset({"kind", "apiVersion", "metadata", "spec"})
SPEC_FIELDS = frozenset({*FIELDS, "nodes"})


def criteria_spec(doc: Any, what: str = "criteria document") -> dict[str, Any]:
    """The `spec` mapping of a RecipeCriteria document, after checking its envelope."""
    if not isinstance(doc, dict):
        raise AicrError(Code.INVALID_REQUEST, f"{what} must be a RecipeCriteria mapping")
    unknown = sorted(set(doc) - DOCUMENT_FIELDS)
    if unknown:
        raise AicrError(Code.INVALID_REQUEST, f'{what}: unknown field "{unknown[0]}"')
    for field in ("kind", "apiVersion"):
        if doc.get(field) is not None and not isinstance(doc[field], str):
            raise AicrError(Code.INVALID_REQUEST, f"{what}: {field} must be a string")
    kind = doc.get("kind") or ""
    if kind and kind != KIND_CRITERIA:
        raise AicrError(Code.INVALID_REQUEST, f'invalid kind "{kind}", expected "{KIND_CRITERIA}"')
    version = doc.get("apiVersion") or ""
    if version and version not in READ_API_VERSIONS:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'invalid apiVersion "{version}" for {KIND_CRITERIA}, expected one of: '
            f"{', '.join(sorted(READ_API_VERSIONS))}",
        )
    metadata = doc.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise AicrError(Code.INVALID_REQUEST, f"{what}: metadata must be a mapping")
    spec = doc.get("spec")
    if spec is None:
        return {}
    if not isinstance(spec, dict):
        raise AicrError(Code.INVALID_REQUEST, f"{what}: spec must be a mapping")
    return spec


def spec_values(spec: Mapping[str, Any], allowed: Mapping[str, Iterable[str]]) -> dict[str, Any]:
    """Validated criteria values of a spec (or a query body's `criteria`), ready for Criteria()."""
    unknown = sorted(set(spec) - SPEC_FIELDS)
    if unknown:
        raise AicrError(Code.INVALID_REQUEST, f'criteria spec: unknown field "{unknown[0]}"')
    values: dict[str, Any] = {}
    for field in FIELDS:
        raw = spec.get(field)
        if raw is None:
            continue
        if not isinstance(raw, str):
            raise AicrError(
                Code.INVALID_REQUEST, f"invalid {field} in criteria spec: invalid {field} type: {raw}"
            )
        try:
            values[field] = parse_value(field, raw, allowed)
        except AicrError as exc:
            raise exc.wrap(f"invalid {field} in criteria spec") from None
    nodes = spec.get("nodes")
    if nodes is not None:
        if isinstance(nodes, bool) or not isinstance(nodes, int | str):
            raise AicrError(Code.INVALID_REQUEST, f"invalid nodes value: {nodes}")
        values["nodes"] = parse_nodes(nodes)
    return values
