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
    """Raise when a stated dimension is honoured by no applied overlay: one message per failure."""
    uncovered: list[dict[str, Any]] = []
    for dim in _uncovered_dims(query, applied, overlays):
        want = query.get(dim)
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
    if uncovered:
        message = _uncovered_message(query, uncovered, overlays, base_name)
        raise AicrError(Code.INVALID_REQUEST, message, {"uncovered": uncovered, **details})


def _uncovered_dims(query: Criteria, applied: list[str], overlays: dict[str, dict[str, Any]]) -> list[str]:
    dims = []
    for dim in FIELDS:
        want = query.get(dim)
        if _stated(want) and not any((_crit(overlays.get(n)) or {}).get(dim) == want for n in applied):
            dims.append(dim)
    return dims


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _uncovered_message(
    query: Criteria, uncovered: list[dict[str, Any]], overlays: dict[str, dict[str, Any]], base_name: str
) -> str:
    """One sentence per distinct cause: a missing dimension, a conflicting one, or no recipe at all."""
    clauses: list[str] = []
    needs: dict[str, tuple[list[str], set[str]]] = {}
    orphans: list[dict[str, Any]] = []
    for item in uncovered:
        tuples = [tuple(sorted(c.items())) for c in item["validCompletions"]]
        said = f"{item['dimension']} '{item['requestedValue']}'"
        if not tuples and item["constraintExcluded"]:
            clauses.append(
                f"{said} is provided only by overlays excluded by failing constraints (see excludedOverlays)"
            )
        elif not tuples:
            orphans.append(item)
        elif all(len(t) == 1 for t in tuples) and len({t[0][0] for t in tuples}) == 1:
            saids, values = needs.setdefault(tuples[0][0][0], ([], set()))
            saids.append(said)
            values.update(t[0][1] for t in tuples)
        else:
            combos = ", ".join(f"({_tuple_key(t)})" for t in tuples)
            clauses.append(f"{said} requires additional criteria; supported combinations: {combos}")
    for dim, (saids, values) in needs.items():
        valid = ", ".join(sorted(values))
        clauses.insert(
            0,
            f"{query} requires {dim} (valid: {valid}): {_and(saids)} "
            f"{'is' if len(saids) == 1 else 'are'} provided only together with it; specify {dim}",
        )
    if orphans:
        clauses.append(_orphan_clause(query, orphans, overlays, base_name))
    return "; ".join(clauses) + "."


# When several stated values cannot be combined, the one blamed is the first in this order whose
# removal leaves a coverable query: the os is the value most often carried over by mistake
# (a criteria file plus --service gke), the service the one users mean most.
BLAME_ORDER = ("os", "platform", "intent", "accelerator", "service")


def _coverable(query: Criteria, overlays: dict[str, dict[str, Any]], base_name: str) -> bool:
    """True when every stated value is honoured, or could be by stating more criteria."""
    applied: set[str] = set()
    for leaf in select_leaves(query, overlays, base_name):
        applied.update(chain(leaf["name"], overlays, base_name))
    return all(
        completions(query, dim, query.get(dim), overlays, base_name)
        for dim in _uncovered_dims(query, sorted(applied), overlays)
    )


def _orphan_clause(
    query: Criteria, orphans: list[dict[str, Any]], overlays: dict[str, dict[str, Any]], base_name: str
) -> str:
    stated = [f for f in BLAME_ORDER if _stated(query.get(f))]
    named = {(d, c[d]) for n, o in overlays.items() if n != base_name and (c := _crit(o)) for d in c}
    unknown = [o for o in orphans if (o["dimension"], o["requestedValue"]) not in named]
    if unknown:
        orphans = unknown
    elif len(stated) > 1:
        for dim in stated:
            rest = query.replace(**{dim: ANY})
            if not _coverable(rest, overlays, base_name):
                continue
            values = sorted(
                {
                    c[dim]
                    for n, o in overlays.items()
                    if n != base_name and (c := _crit(o)) and _stated(c.get(dim, ANY))
                    if _coverable(query.replace(**{dim: c[dim]}), overlays, base_name)
                }
            )
            hint = (
                f"valid {dim}: {', '.join(values)}"
                if values
                else f"these recipes take no {dim}; leave it unset"
            )
            return f"{dim} '{query.get(dim)}' is not available for {rest} ({hint})"
    saids = [f"{o['dimension']} '{o['requestedValue']}'" for o in orphans]
    if len(saids) == 1:
        return f"no recipe provides {saids[0]} for {query}"
    return f"no recipe provides {_and(saids)} together ({query})"


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
    needed = _and([f"{dim} (valid: {', '.join(vals)})" for dim, vals in gaps])
    which = gaps[0][0] if len(gaps) == 1 else "them"
    raise AicrError(
        Code.INVALID_REQUEST,
        f"{described} requires {needed}: no single recipe covers {query} without it; specify {which}.",
        {"strictDimensions": [{"dimension": d, "validValues": v} for d, v in gaps], **details},
    )
