"""Overlay matching, specificity and inheritance chains.

Pure. reference/recipe.md §3.1-§3.3 (current): asymmetric per-field matching with `""` and
`any` meaning any; specificity counts stated fields; a match that is a base ancestor of another
match is dropped (maximal leaves); ties sort by name.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code
from aicr.recipe.criteria import ANY, FIELDS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.recipe.criteria import Criteria


def matches(overlay_criteria: dict[str, str], query: Criteria) -> bool:
    """Whether an overlay's criteria match a query (overlay `any` matches everything)."""
    for field in FIELDS:
        want = overlay_criteria.get(field, ANY)
        if want == ANY:
            continue
        if getattr(query, field) != want:
            return False
    return True


def specificity(overlay_criteria: dict[str, str]) -> int:
    """Number of non-any fields of an overlay's criteria."""
    return sum(1 for f in FIELDS if overlay_criteria.get(f, ANY) != ANY)


def is_root(parent: str, base_name: str) -> bool:
    """Whether a `spec.base` value points at the root overlay."""
    return parent in ("", base_name)


def chain(name: str, overlays: dict[str, dict[str, Any]], base_name: str) -> list[str]:
    """Names from the root's child down to `name` (the root itself excluded)."""
    path: list[str] = []
    seen: set[str] = set()
    current = name
    while True:
        if current in seen:
            raise AicrError(
                Code.INVALID_REQUEST,
                f'circular inheritance detected: recipe "{current}" references itself in inheritance chain',
                {"recipe": current},
            )
        seen.add(current)
        overlay = overlays.get(current)
        if overlay is None:
            raise AicrError(
                Code.NOT_FOUND,
                f'recipe "{current}" not found (referenced in inheritance chain)',
                {"recipe": current},
            )
        path.append(current)
        parent = overlay.get("base", "")
        if is_root(parent, base_name):
            break
        current = parent
    path.reverse()
    return path


def resolve_chain(name: str, overlays: dict[str, dict[str, Any]], base_name: str) -> list[str]:
    """`chain` with its errors prefixed the way the reference reports them."""
    try:
        return chain(name, overlays, base_name)
    except AicrError as exc:
        raise exc.wrap("failed to resolve inheritance chain") from None


def select_leaves(
    query: Criteria, overlays: dict[str, dict[str, Any]], base_name: str
) -> list[dict[str, Any]]:
    """Matching overlays, ancestors of other matches removed, sorted by (specificity, name)."""
    matched = [
        o
        for name, o in overlays.items()
        if name != base_name and o.get("criteria") is not None and matches(o["criteria"], query)
    ]
    ancestors: set[str] = set()
    for overlay in matched:
        ancestors.update(resolve_chain(overlay["name"], overlays, base_name)[:-1])
    leaves = [o for o in matched if o["name"] not in ancestors]
    leaves.sort(key=lambda o: (specificity(o["criteria"]), o["name"]))
    return leaves
