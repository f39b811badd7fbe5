"""Query: a resolved recipe hydrated with component values, and dotted-path selection into it.

Pure apart from reading values files through the catalog. reference/recipe.md §5: `components`
is a map keyed by component name holding each component's merged `values`; a selector descends
maps only (no list indexes) and a miss is NOT_FOUND listing the keys that do exist.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.catalog.catalog import Catalog
    from aicr.recipe.result import RecipeResult

_OPTIONAL = ("namespace", "chart", "version", "tag", "path", "dependencyRefs")


def hydrate(result: RecipeResult, catalog: Catalog) -> dict[str, Any]:
    """The query document: result metadata, criteria, constraints, order and valued components."""
    doc = result.doc
    meta = doc.get("metadata", {})
    criteria = dict(doc.get("criteria") or {})
    criteria.setdefault("nodes", 0)
    out: dict[str, Any] = {
        "kind": doc["kind"],
        "apiVersion": doc["apiVersion"],
        "metadata": {
            "version": meta.get("version", ""),
            "appliedOverlays": meta.get("appliedOverlays", []),
            "excludedOverlays": meta.get("excludedOverlays", []),
            "constraintWarnings": meta.get("constraintWarnings", []),
        },
        "deploymentOrder": doc.get("deploymentOrder", []),
        "criteria": criteria,
    }
    if doc.get("constraints"):
        out["constraints"] = doc["constraints"]
    components: dict[str, Any] = {}
    for ref in doc.get("componentRefs", []):
        entry: dict[str, Any] = {
            "name": ref["name"],
            "type": ref.get("type", ""),
            "source": ref.get("source", ""),
        }
        for field in _OPTIONAL:
            if ref.get(field):
                entry[field] = ref[field]
        if ref.get("type") == "Helm" and ref.get("source") and not ref.get("chart"):
            entry["chart"] = ref["name"]
        try:
            values = catalog.component_values(ref)
        except AicrError as exc:
            raise exc.wrap(f'failed to hydrate values for component "{ref["name"]}"') from None
        if values:
            entry["values"] = values
        components[ref["name"]] = entry
    out["components"] = components
    return out


def select(doc: Any, selector: str) -> Any:
    """Value at a dotted path (one leading `.` allowed; `""` selects the whole document)."""
    path = selector[1:] if selector.startswith(".") else selector
    if not path:
        return doc
    current = doc
    for part in path.split("."):
        if not isinstance(current, dict):
            raise AicrError(
                Code.NOT_FOUND,
                f'selector "{path}": cannot descend into non-map value at "{part}"',
                {"selector": path, "key": part},
            )
        if part not in current:
            keys = ", ".join(sorted(current))
            raise AicrError(
                Code.NOT_FOUND,
                f'selector "{path}": key "{part}" not found, available keys: {keys}',
                {"selector": path, "key": part, "available": sorted(current)},
            )
        current = current[part]
    return current
