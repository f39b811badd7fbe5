"""Component values: the component's base values file, the recipe's values file, then overrides.

Reads catalog files (through the Catalog's file index) and merges them as the reference does
(reference/recipe.md §5): with a `valuesFile` that is not the component's own `values.yaml`,
that base file is loaded first (when it exists) and the values file is merged over it; the
`overrides` are merged last. Without a `valuesFile` nothing is read. Maps merge, lists and
scalars replace, and a null replaces what it lands on and is kept: it reaches the written values
file as `null`, which is how Helm is told to delete that key from the chart's own defaults.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code
from aicr.recipe.deepmerge import copy_tree

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.catalog.catalog import Catalog


def load_values_file(catalog: Catalog, relpath: str) -> dict[str, Any]:
    """Parse one values file of the catalog (cached per catalog); INTERNAL when unreadable."""
    cache = catalog.values_cache
    cached = cache.get(relpath)
    if cached is None:
        catalog.load_preparsed_values()
        cached = cache.get(relpath)
    if cached is None:
        from aicr.io.yamlin import load_yaml, plain

        if not catalog.has_file(relpath):
            raise AicrError(
                Code.NOT_FOUND, f'valuesFile "{relpath}" is not a file of the catalog', {"path": relpath}
            )
        try:
            text = catalog.read_text(relpath)
        except OSError as exc:
            raise AicrError(
                Code.INTERNAL, f"failed to read values file {relpath}: {exc}", {"path": relpath}
            ) from None
        doc = plain(load_yaml(text, relpath))
        if doc is None:
            doc = {}
        if not isinstance(doc, dict):
            raise AicrError(Code.INTERNAL, f"values file {relpath} must hold a mapping", {"path": relpath})
        cache[relpath] = cached = doc
    result: dict[str, Any] = copy_tree(cached)
    return result


def merge_values(target: dict[str, Any], overlay: dict[str, Any]) -> None:
    """Merge values in place: maps recurse; lists, scalars and null replace (null is kept for Helm)."""
    for key, value in overlay.items():
        current = target.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            merge_values(current, value)
        else:
            target[key] = copy_tree(value)


def component_values(catalog: Catalog, ref: dict[str, Any]) -> dict[str, Any]:
    """Merged values of one resolved component ref."""
    base_file = f"components/{ref['name']}/values.yaml"
    values_file = ref.get("valuesFile") or ""
    values: dict[str, Any] = {}
    if values_file:
        if values_file != base_file and catalog.has_file(base_file):
            values = load_values_file(catalog, base_file)
        merge_values(values, load_values_file(catalog, values_file))
    overrides = ref.get("overrides")
    if overrides:
        merge_values(values, overrides)
    return values
