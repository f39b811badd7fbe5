"""Coverage post-conditions: every stated criterion must be honoured by some applied overlay.

Pure. reference/recipe.md §3.6 (current): a stated dimension that no applied overlay names is an
INVALID_REQUEST listing the criteria that would complete the query; when every dimension is
covered but no single overlay carries them all, a strict dimension (default `os`) the user did
not state, and whose values would pull in more overlays, must be stated.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code
from aicr.recipe.criteria import ANY, FIELDS
from aicr.recipe.matching import chain, select_leaves

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.recipe.criteria import Criteria

DEFAULT_STRICT = ("os",)


def _crit(overlay: dict[str, Any] | None) -> dict[str, str] | None:
    if overlay is None:
        return None
    result: dict[str, str] | None = overlay.get("criteria")
    return result


def _stated(value: str) -> bool:
    return value not in ("", ANY)


def _tuple_key(items: tuple[tuple[str, str], ...]) -> str:
    order = {f: i for i, f in enumerate(FIELDS)}
    return ", ".join(f"{k}={v}" for k, v in sorted(items, key=lambda kv: order[kv[0]]))


def completions(
    query: Criteria, dim: str, want: str, overlays: dict[str, dict[str, Any]], base_name: str
) -> list[tuple[tuple[str, str], ...]]:
    """Minimal sets of extra criteria that would bring in an overlay with `dim == want`."""
    found: set[tuple[tuple[str, str], ...]] = set()
    for name, overlay in overlays.items():
        crit = _crit(overlay) if name != base_name else None
        if crit is None or crit.get(dim) != want:
            continue
        extra: list[tuple[str, str]] = []
        compatible = True
        for other in FIELDS:
            if other == dim or not _stated(crit.get(other, ANY)):
                continue
            if _stated(query.get(other)):
                if query.get(other) != crit[other]:
                    compatible = False
                    break
            else:
                extra.append((other, crit[other]))
        if compatible and extra:
            found.add(tuple(sorted(extra)))
    minimal = [t for t in found if not any(set(o) < set(t) for o in found)]
    minimal.sort(key=lambda t: (len(t), _tuple_key(t)))
    return minimal


def check_completeness(
    query: Criteria,
    applied: list[str],
    overlays: dict[str, dict[str, Any]],
    base_name: str,
    excluded: list[dict[str, Any]],
    details: dict[str, Any],
) -> None:
    """Raise when a stated dimension is honoured by no applied overlay."""
    clauses: list[str] = []
    uncovered: list[dict[str, Any]] = []
    for dim in FIELDS:
        want = query.get(dim)
        if not _stated(want):
            continue
        if any((_crit(overlays.get(name)) or {}).get(dim) == want for name in applied):
            continue
        tuples = completions(query, dim, want, overlays, base_name)
        constraint_excluded = any((_crit(overlays.get(e["name"])) or {}).get(dim) == want for e in excluded)
        uncovered.append(
            {
                "dimension": dim,
                "requestedValue": want,
                "validCompletions": [dict(t) for t in tuples],
                "constraintExcluded": constraint_excluded,
            }
        )
        if not tuples and constraint_excluded:
            clauses.append(
                f"{dim} '{want}' for {query} is provided only by overlays excluded by failing constraints "
                "(see excludedOverlays)"
            )
        elif not tuples:
            clauses.append(f"no recipe provides {dim} '{want}' for {query}")
        elif all(len(t) == 1 for t in tuples) and len({t[0][0] for t in tuples}) == 1:
            valid = ", ".join(sorted(t[0][1] for t in tuples))
            clauses.append(f"{dim} '{want}' for {query} requires {tuples[0][0][0]} (valid: {valid})")
        else:
            combos = ", ".join(f"({_tuple_key(t)})" for t in tuples)
            clauses.append(f"{dim} '{want}' requires additional criteria; supported combinations: {combos}")
    if clauses:
        raise AicrError(Code.INVALID_REQUEST, "; ".join(clauses), {"uncovered": uncovered, **details})


def check_joint_sufficiency(
    query: Criteria,
    applied: list[str],
    overlays: dict[str, dict[str, Any]],
    base_name: str,
    strict_dimensions: list[str] | None,
    details: dict[str, Any],
) -> None:
    """Raise when an unstated strict dimension would change which overlays apply."""
    stated = {f: query.get(f) for f in FIELDS if _stated(query.get(f))}
    for name in applied:
        crit = _crit(overlays.get(name))
        if crit is not None and all(crit.get(f) == v for f, v in stated.items()):
            return
    gaps: list[tuple[str, list[str]]] = []
    applied_set = set(applied)
    for dim in strict_dimensions if strict_dimensions is not None else DEFAULT_STRICT:
        if dim in stated:
            continue
        values = sorted(
            {
                c[dim]
                for n, o in overlays.items()
                if n != base_name and (c := _crit(o)) and _stated(c.get(dim, ANY))
            }
        )
        reachable = []
        for value in values:
            probe = query.replace(**{dim: value})
            for leaf in select_leaves(probe, overlays, base_name):
                if any(n not in applied_set for n in chain(leaf["name"], overlays, base_name)):
                    reachable.append(value)
                    break
        if reachable:
            gaps.append((dim, reachable))
    if not gaps:
        return
    described = " with ".join(f"{f} '{v}'" for f, v in stated.items())
    specify = ", ".join(f"{dim} (valid: {', '.join(vals)})" for dim, vals in gaps)
    first = gaps[0]
    raise AicrError(
        Code.INVALID_REQUEST,
        f"{described} requires {first[0]} (valid: {', '.join(first[1])}): "
        f"{query} has no recipe covering that combination; specify {specify}",
        {"strictDimensions": [{"dimension": d, "validValues": v} for d, v in gaps], **details},
    )
