"""Snapshot-aware resolution: drop leaves whose constraints the measured cluster fails.

Pure. reference/recipe.md §3.7 "Snapshot mode" (current): each candidate leaf's own constraints
are evaluated against the snapshot; a failing reading or a missing measurement excludes the
leaf (with a warning), any other evaluation error aborts. Constraints contributed by mixins are
checked on the merged result and exclude every leaf whose chain brought that mixin in.
Each evaluation is logged on stderr (overlay, constraint, expected, actual, passed), and
`explain_exclusions` names the failing constraints of the excluded overlays in an error.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from aicr import logs
from aicr.errors import AicrError, Code
from aicr.recipe.matching import resolve_chain
from aicr.validate.constraints import check

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from aicr.catalog.catalog import Catalog
    from aicr.recipe.merge import Spec


Row = tuple[str, str, str, str, str]
_ROW_FIELDS = ("overlay", "name", "expected", "actual", "passed")
_ROWS: ContextVar[list[Row] | None] = ContextVar("aicr_snapshot_constraint_rows", default=None)


@contextmanager
def collected_evaluations() -> Iterator[list[Row]]:
    """Within the block, evaluations are collected as rows (for a table) instead of logged."""
    rows: list[Row] = []
    token = _ROWS.set(rows)
    try:
        yield rows
    finally:
        _ROWS.reset(token)


def _evaluate(
    constraint: dict[str, Any], snapshot: dict[str, Any], overlay: str
) -> tuple[bool, str, str | None]:
    """(passed, actual, reason-when-failed) for one constraint, logged as one line."""
    passed, actual, reason = _outcome(constraint, snapshot)
    row = (
        overlay,
        constraint["name"],
        constraint["value"],
        actual or reason or "",
        "yes" if passed else "no",
    )
    rows = _ROWS.get()
    if rows is not None:
        rows.append(row)
    else:
        log = logs.info if passed else logs.warn
        log("constraint evaluated", **dict(zip(_ROW_FIELDS, row, strict=True)))
    return passed, actual, reason


def evaluate_constraint(
    constraint: dict[str, Any], snapshot: dict[str, Any], source: str
) -> tuple[bool, str, str | None]:
    """(passed, actual, reason-when-failed) for one constraint from `source`, logged like the rest."""
    return _evaluate(constraint, snapshot, source)


def _outcome(constraint: dict[str, Any], snapshot: dict[str, Any]) -> tuple[bool, str, str | None]:
    if not constraint.get("name"):
        raise AicrError(Code.INVALID_REQUEST, "constraint name is required for snapshot evaluation")
    if not constraint.get("value"):
        raise AicrError(
            Code.INVALID_REQUEST,
            f'constraint "{constraint["name"]}" value is required for snapshot evaluation',
        )
    try:
        passed, actual = check(constraint, snapshot)
    except AicrError as exc:
        if exc.code is Code.NOT_FOUND:
            return False, "", f"[NOT_FOUND] {exc.message}"
        raise exc.wrap("constraint evaluation failed") from None
    if passed:
        return True, actual, None
    return False, actual, f"expected {constraint['value']}, got {actual}"


def _warning(overlay: str, constraint: dict[str, Any], actual: str, reason: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "overlay": overlay,
        "constraint": constraint["name"],
        "expected": constraint["value"],
    }
    if actual:
        out["actual"] = actual
    out["reason"] = reason
    return out


def exclude_failing_leaves(
    leaves: list[dict[str, Any]],
    snapshot: dict[str, Any],
    excluded: list[dict[str, Any]],
    warnings: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Leaves whose own constraints all pass; the others are recorded as excluded."""
    kept = []
    for leaf in leaves:
        failed = False
        for constraint in leaf.get("constraints") or []:
            passed, actual, reason = _evaluate(constraint, snapshot, leaf["name"])
            if not passed:
                failed = True
                warnings.append(_warning(leaf["name"], constraint, actual, reason or ""))
        if failed:
            excluded.append({"name": leaf["name"], "reason": "constraint-failed"})
        else:
            kept.append(leaf)
    return kept


def exclude_mixin_failures(
    catalog: Catalog,
    leaves: list[dict[str, Any]],
    spec: Spec,
    snapshot: dict[str, Any],
    excluded: list[dict[str, Any]],
    warnings: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Leaves left after dropping those whose mixins carry a failing constraint.

    Returns `leaves` itself when nothing failed, so the caller can skip rebuilding.
    """
    owners: dict[str, list[str]] = {}  # mixin constraint name -> mixins declaring it
    for name in spec.mixins:
        for constraint in (catalog.mixins.get(name) or {}).get("constraints") or []:
            owners.setdefault(constraint["name"], []).append(name)
    dropped: dict[str, None] = {}
    for cname, mixins in owners.items():
        constraint = spec.constraints.get(cname)
        if constraint is None:
            continue
        passed, actual, reason = _evaluate(constraint, snapshot, "mixins " + ", ".join(mixins))
        if passed:
            continue
        affected = [leaf["name"] for leaf in leaves if _chain_mixins(catalog, leaf["name"]) & set(mixins)]
        if not affected:
            raise AicrError(
                Code.INTERNAL,
                "failed to map mixin constraint to candidate chain",
                {"constraint": cname, "candidate_count": len(leaves)},
            )
        for name in affected:
            warnings.append(_warning(name, constraint, actual, f"mixin-constraint-failed: {reason}"))
            dropped[name] = None
    if not dropped:
        return leaves
    for name in dropped:
        excluded.append({"name": name, "reason": "mixin-constraint-failed"})
    return [leaf for leaf in leaves if leaf["name"] not in dropped]


def _chain_mixins(catalog: Catalog, leaf: str) -> set[str]:
    names = [catalog.base_name, *resolve_chain(leaf, catalog.overlays, catalog.base_name)]
    out: set[str] = set()
    for name in names:
        out.update(catalog.overlays[name].get("mixins") or [])
    return out


def failing_constraints(warnings: list[dict[str, Any]]) -> list[str]:
    """`overlay: constraint expected X, got Y` for each constraint warning (one per failure)."""
    lines = []
    for w in warnings:
        got = f"got {w['actual']}" if w.get("actual") else str(w.get("reason") or "no reading")
        lines.append(f"{w['overlay']}: {w['constraint']} expected {w['expected']}, {got}")
    return lines


def explain_exclusions(exc: AicrError) -> AicrError:
    """`exc` with the failing constraints of the excluded overlays appended (when it has any)."""
    lines = failing_constraints(list(exc.details.get("constraintWarnings") or []))
    if not lines or not exc.details.get("excludedOverlays"):
        return exc
    message = f"{exc.message}; failing constraints of the excluded overlays: {'; '.join(lines)}"
    return AicrError(exc.code, message, exc.details)
