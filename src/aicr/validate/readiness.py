"""The readiness gate: a recipe's top-level constraints checked against a snapshot before any Job.

Pure. reference/validate.md §1.1 and §1.5 (current, fail-closed): the gate evaluates the recipe's
`constraints` followed by `validation.readiness.constraints`, in order (all of them, so each can
be shown as expected / actual / passed). The first constraint that is not met aborts the run with INVALID_REQUEST `readiness check failed: <name> expected
<value>, got <actual>` (plus the constraint's remediation on the next line); a constraint that
cannot be evaluated (missing reading, bad path, unparsable version) aborts with
`readiness check could not evaluate: <name>: <why>`. There is no "skipped" outcome.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code
from aicr.validate.constraints import check

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


class ConstraintResult:
    """The outcome of one readiness constraint: passed, failed, or an evaluation error."""

    __slots__ = ("actual", "error", "name", "passed", "remediation", "value")

    def __init__(
        self,
        name: str,
        value: str,
        *,
        passed: bool,
        actual: str = "",
        error: AicrError | None = None,
        remediation: str = "",
    ) -> None:
        self.name = name
        self.value = value
        self.passed = passed
        self.actual = actual
        self.error = error
        self.remediation = remediation

    def __repr__(self) -> str:
        state = "error" if self.error else ("passed" if self.passed else "failed")
        return f"ConstraintResult({self.name!r}, {self.value!r}, {state}, actual={self.actual!r})"

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (for `--log-json` and the library)."""
        out: dict[str, Any] = {"name": self.name, "value": self.value, "passed": self.passed}
        if self.actual:
            out["actual"] = self.actual
        if self.error is not None:
            out["error"] = self.error.message
        if self.remediation:
            out["remediation"] = self.remediation
        return out

    def row(self) -> tuple[str, str, str, str]:
        """(name, expected, actual, passed) for display; an evaluation error shows as the actual."""
        actual = f"error: {self.error.message}" if self.error is not None else self.actual
        return self.name, self.value, actual, "yes" if self.passed else "no"

    def gate_error(self) -> AicrError | None:
        """The INVALID_REQUEST that stops the run, or None when the constraint passed."""
        if self.error is not None:
            return AicrError(
                Code.INVALID_REQUEST,
                f"readiness check could not evaluate: {self.name}: {self.error.message}",
                {"constraint": self.name, "expected": self.value, "cause": self.error.code.value},
            )
        if self.passed:
            return None
        message = f"readiness check failed: {self.name} expected {self.value}, got {self.actual}"
        if self.remediation.strip():
            message += "\n" + self.remediation.strip()
        return AicrError(
            Code.INVALID_REQUEST,
            message,
            {"constraint": self.name, "expected": self.value, "actual": self.actual},
        )


def _plain(obj: Any) -> dict[str, Any] | None:
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj
    doc = getattr(obj, "doc", None)  # RecipeResult
    if isinstance(doc, dict):
        return doc
    to_dict = getattr(obj, "to_dict", None)  # Snapshot
    if callable(to_dict):
        plain = to_dict()
        if isinstance(plain, dict):
            return plain
    raise AicrError(Code.INVALID_REQUEST, f"expected a document mapping, got {type(obj).__name__}")


def readiness_constraints(recipe: Any) -> list[dict[str, Any]]:
    """Top-level constraints followed by `validation.readiness.constraints` (declaration order)."""
    doc = _plain(recipe) or {}
    found: list[dict[str, Any]] = []
    found.extend(c for c in doc.get("constraints") or [] if isinstance(c, dict))
    readiness = (doc.get("validation") or {}).get("readiness") or {}
    found.extend(c for c in readiness.get("constraints") or [] if isinstance(c, dict))
    return found


def evaluate_one(constraint: dict[str, Any], snapshot: dict[str, Any] | None) -> ConstraintResult:
    """Evaluate one constraint; errors are captured in the result, never raised."""
    name = str(constraint.get("name") or "")
    value = str(constraint.get("value") or "")
    remediation = str(constraint.get("remediation") or "")
    if snapshot is None:
        error = AicrError(
            Code.INVALID_REQUEST, "no snapshot is available to evaluate it; supply one with --snapshot"
        )
        return ConstraintResult(name, value, passed=False, error=error, remediation=remediation)
    try:
        passed, actual = check(constraint, snapshot)
    except AicrError as exc:
        return ConstraintResult(name, value, passed=False, error=exc, remediation=remediation)
    return ConstraintResult(name, value, passed=passed, actual=actual, remediation=remediation)


def evaluate_constraints(recipe: Any, snapshot: Any) -> list[ConstraintResult]:
    """Evaluate every readiness constraint of `recipe` against `snapshot` (never raises for a miss).

    `recipe` is a RecipeResult or its document; `snapshot` a Snapshot, its document, or None.
    Use `check_readiness` (or `first_gate_error`) for the fail-closed gate.
    """
    snap = _plain(snapshot)
    return [evaluate_one(c, snap) for c in readiness_constraints(recipe)]


def first_gate_error(results: list[ConstraintResult]) -> AicrError | None:
    """The error of the first constraint that did not pass, in evaluation order."""
    for result in results:
        error = result.gate_error()
        if error is not None:
            return error
    return None


def check_readiness(
    recipe: Any, snapshot: Any, on_results: Callable[[list[ConstraintResult]], None] | None = None
) -> list[ConstraintResult]:
    """The gate: raise INVALID_REQUEST for the first constraint that fails or cannot be evaluated.

    Every constraint is evaluated (pure, cheap) and passed to `on_results` first, so a user sees
    the whole picture — expected, actual, passed — and not only the first miss.
    """
    results = evaluate_constraints(recipe, snapshot)
    if on_results is not None:
        on_results(results)
    error = first_gate_error(results)
    if error is not None:
        raise error
    return results
