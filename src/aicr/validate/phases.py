"""Phases and check selection: which catalog entries run, in what order, and what a phase's status is.

Pure. reference/validate.md §2 (current): phases run deployment → conformance → performance;
`--phase` keeps the user's order, drops duplicates and accepts `all` only alone; a phase runs
the catalog entries (in catalog order) whose names its `validation.<phase>.checks` lists; every
declared check must match exactly one catalog entry of its phase, and all mismatches are
reported together before anything touches a cluster.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any

PHASE_ORDER = ("deployment", "conformance", "performance")
# The reference lists the valid values in this (declaration) order in its error text.
_PHASE_CHOICES = "deployment, performance, conformance, all"

STATUS_PASSED = "passed"
STATUS_FAILED = "failed"
STATUS_SKIPPED = "skipped"
STATUS_PENDING = "pending"
STATUS_OTHER = "other"


def parse_phases(values: Iterable[str] | None) -> list[str]:
    """The phases to run: user order, duplicates removed; none or `all` alone = every phase."""
    chosen: list[str] = []
    saw_all = False
    for raw in values or ():
        for part in str(raw).split(","):
            name = part.strip()
            if name == "all":
                saw_all = True
                continue
            if name not in PHASE_ORDER:
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f'invalid phase "{name}": must be one of: {_PHASE_CHOICES}',
                    {"phase": name},
                )
            if name not in chosen:
                chosen.append(name)
    if saw_all and chosen:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'phase "all" cannot be combined with other phases (got all, {", ".join(chosen)})',
        )
    return chosen or list(PHASE_ORDER)


def declared_checks(recipe_doc: dict[str, Any], phase: str) -> list[str]:
    """`validation.<phase>.checks` of a recipe (empty when the phase or list is absent)."""
    block = (recipe_doc.get("validation") or {}).get(phase) or {}
    return [str(c) for c in block.get("checks") or []]


def entries_for_phase(validators: Sequence[dict[str, Any]], phase: str) -> list[dict[str, Any]]:
    """Catalog entries of one phase, in catalog order."""
    return [v for v in validators if v.get("phase") == phase]


def select_entries(
    validators: Sequence[dict[str, Any]], phase: str, recipe_doc: dict[str, Any]
) -> list[dict[str, Any]]:
    """The entries a phase runs: those its checks list names, in catalog order."""
    wanted = set(declared_checks(recipe_doc, phase))
    return [v for v in entries_for_phase(validators, phase) if v.get("name") in wanted]


def declared_check_problems(
    validators: Sequence[dict[str, Any]], phases: Sequence[str], recipe_doc: dict[str, Any]
) -> list[str]:
    """Every declared check of the requested phases that matches no entry of its phase, or repeats."""
    phase_of = {str(v.get("name")): str(v.get("phase")) for v in validators}
    problems: list[str] = []
    for phase in phases:
        seen: set[str] = set()
        repeated: list[str] = []
        for name in declared_checks(recipe_doc, phase):
            if name in seen:
                if name not in repeated:
                    repeated.append(name)
                continue
            seen.add(name)
            other = phase_of.get(name)
            if other is None:
                problems.append(
                    f'declared check "{name}" in phase {phase} matches no validator in the catalog'
                )
            elif other != phase:
                problems.append(
                    f'declared check "{name}" in phase {phase} matches no validator in that phase '
                    f"(found under phase: {other})"
                )
        problems.extend(
            f'declared check "{name}" is declared more than once in phase {phase}' for name in repeated
        )
    return problems


def preflight_declared_checks(
    validators: Sequence[dict[str, Any]], phases: Sequence[str], recipe_doc: dict[str, Any]
) -> None:
    """INVALID_REQUEST listing every unmatched, cross-phase or repeated declared check."""
    problems = declared_check_problems(validators, phases, recipe_doc)
    if problems:
        raise AicrError(
            Code.INVALID_REQUEST,
            "validation declares checks that do not match the validator catalog:\n  - "
            + "\n  - ".join(problems),
            {"problems": problems},
        )


def preflight_skip_checks(
    validators: Sequence[dict[str, Any]],
    phases: Sequence[str],
    recipe_doc: dict[str, Any],
    skips: Sequence[str],
) -> list[str]:
    """INVALID_REQUEST for unknown skip names or a skip list emptying a requested phase.

    Returns the skip names no requested phase declares (harmless; the caller warns).
    """
    if not skips:
        return []
    known = {str(v.get("name")) for v in validators}
    problems = [
        f'skip-check "{name}" matches no validator in the catalog' for name in skips if name not in known
    ]
    acted: set[str] = set()
    for phase in phases:
        declared = [str(e.get("name")) for e in select_entries(validators, phase, recipe_doc)]
        if not declared:
            continue
        kept = [name for name in declared if name not in skips]
        acted.update(name for name in declared if name in skips)
        if not kept:
            problems.append(
                f"skip-check removes every declared check from phase {phase}; drop the phase from the run "
                "(--phase) instead of emptying it"
            )
    if problems:
        raise AicrError(
            Code.INVALID_REQUEST,
            "invalid --skip-check:\n  - " + "\n  - ".join(problems),
            {"problems": problems},
        )
    return [name for name in skips if name in known and name not in acted]


def phase_status(statuses: Iterable[str]) -> str:
    """A phase's status from its tests: failed > other > skipped (no tests) > passed."""
    seen = list(statuses)
    if STATUS_FAILED in seen:
        return STATUS_FAILED
    if STATUS_OTHER in seen:
        return STATUS_OTHER
    if not seen:
        return STATUS_SKIPPED
    return STATUS_PASSED


def is_failing(status: str) -> bool:
    """Whether a phase status fails the run (and stops it under --fail-fast)."""
    return status in (STATUS_FAILED, STATUS_OTHER)


def status_for_exit_code(code: int) -> str:
    """Container exit code → CTRF status: 0 passed, 1 failed, 2 skipped, anything else other."""
    return {0: STATUS_PASSED, 1: STATUS_FAILED, 2: STATUS_SKIPPED}.get(code, STATUS_OTHER)
