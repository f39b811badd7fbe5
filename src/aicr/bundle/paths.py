"""Dotted value paths (`driver.version`): get, set, remove and merge inside nested values maps.

Pure. These are the primitives behind `--set`, `--set-json`, `--set-file`, `--dynamic` and node
scheduling injection (reference/bundle.md §1-§2): a path never indexes into lists, missing
intermediate maps are created, and a non-map intermediate is an error in strict mode.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code
from aicr.recipe.deepmerge import copy_tree

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any


def parent_of(values: dict[str, Any], path: str, *, strict: bool = True) -> tuple[dict[str, Any], str]:
    """(map holding the last segment, last segment), creating intermediate maps on the way."""
    parts = path.split(".")
    current = values
    for part in parts[:-1]:
        nxt = current.get(part)
        if isinstance(nxt, dict):
            current = nxt
            continue
        if strict and part in current:
            raise AicrError(
                Code.INVALID_REQUEST,
                f'path segment "{part}" exists but is not a map (type: {_type_name(nxt)})',
            )
        fresh: dict[str, Any] = {}
        current[part] = fresh
        current = fresh
    return current, parts[-1]


def _type_name(value: Any) -> str:
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "[]interface {}"
    return type(value).__name__


def get_path(values: dict[str, Any], path: str) -> tuple[Any, bool]:
    """(value, found) at `path`; intermediate segments must all be maps."""
    current: Any = values
    for part in path.split("."):
        if not isinstance(current, dict) or part not in current:
            return None, False
        current = current[part]
    return current, True


def remove_path(values: dict[str, Any], path: str) -> tuple[Any, bool]:
    """Remove and return the value at `path`; (None, False) when absent."""
    parts = path.split(".")
    current: Any = values
    for part in parts[:-1]:
        if not isinstance(current, dict) or not isinstance(current.get(part), dict):
            return None, False
        current = current[part]
    if parts[-1] not in current:
        return None, False
    return current.pop(parts[-1]), True


def set_path(values: dict[str, Any], path: str, value: Any, *, strict: bool = True) -> None:
    """Set `path` to `value` (deep-copied)."""
    parent, key = parent_of(values, path, strict=strict)
    parent[key] = copy_tree(value)


def ordered_paths(paths: Iterable[str]) -> list[str]:
    """Shallowest first, then lexicographic: a prefix always lands before what extends it."""
    return sorted(paths, key=lambda p: (p.count("."), p))


def merge_typed(values: dict[str, Any], path: str, value: Any) -> None:
    """`--set-json`/`--set-file` semantics: a map deep-merges into a map, anything else replaces."""
    parent, key = parent_of(values, path, strict=True)
    if isinstance(value, dict):
        target = parent.get(key)
        if not isinstance(target, dict):
            target = {}
            parent[key] = target
        _merge_keeping_nulls(target, value)
        return
    parent[key] = copy_tree(value)


def _merge_keeping_nulls(target: dict[str, Any], source: dict[str, Any]) -> None:
    """Deep merge where a null is a value: it reaches values.yaml so Helm drops the chart default."""
    for key, value in source.items():
        if isinstance(value, dict):
            current = target.get(key)
            if not isinstance(current, dict):
                current = {}
                target[key] = current
            _merge_keeping_nulls(current, value)
        else:
            target[key] = copy_tree(value)


def paths_intersect(a: str, b: str) -> bool:
    """Whether one dotted path equals or contains the other."""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")
