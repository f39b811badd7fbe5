"""Deep merge of plain data: maps merge recursively, everything else is replaced.

Pure. Used for component values (base values, values file, overrides, `--set`) and for
overlay `overrides` (reference/recipe.md §3.4 and §5: lists replace, never append).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def copy_tree(value: Any) -> Any:
    """Deep copy of plain data (dicts and lists are copied; scalars are shared)."""
    if isinstance(value, dict):
        return {k: copy_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_tree(v) for v in value]
    return value


def deep_merge(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    """Return a new dict: `overlay` merged over `base`. Neither input is modified."""
    out = {k: copy_tree(v) for k, v in base.items()}
    merge_into(out, overlay)
    return out


def merge_into(target: dict[str, Any], overlay: dict[str, Any]) -> None:
    """Merge `overlay` into `target` in place (maps recurse, lists and scalars replace)."""
    for key, value in overlay.items():
        current = target.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            merge_into(current, value)
        else:
            target[key] = copy_tree(value)
