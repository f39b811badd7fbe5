"""The readiness gate: a recipe's top-level constraints checked against a snapshot before any Job.

Pure, except that a recipe or snapshot given as a path or URL is read first. reference/validate.md
§1.1 and §1.5 (current, fail-closed): the gate evaluates the recipe's
`constraints` followed by `validation.readiness.constraints`, in order (all of them, so each can
be shown as expected / actual / passed). The first constraint that is not met aborts the run with INVALID_REQUEST `readiness check failed: <name> expected
<value>, got <actual>` (plus the constraint's remediation on the next line); a constraint that
cannot be evaluated (missing reading, bad path, unparsable version) aborts with
`readiness check could not evaluate: <name>: <why>` and says how to supply the reading. The only
"skipped" outcome is one the caller asks for by name (`--skip-constraint`), shown as skipped.
"""

from __future__ import annotations

from os import PathLike

from aicr.errors import AicrError, Code
from aicr.validate.constraints import check

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any


class ConstraintResult:
    """The outcome of one readiness constraint: passed, failed, or an evaluation error."""

    __slots__ = ("actual", "error", "name", "passed", "remediation", "skipped", "value")

    def __init__(
        self,
        name: str,
        value: str,
        *,
        passed: bool,
        actual: str = "",
        error: AicrError | None = None,
        remediation: str = "",
        skipped: bool = False,
    ) -> None:
        self.skipped = skipped
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
        if self.skipped:
            out["skipped"] = True
        if self.actual:
            out["actual"] = self.actual
        if self.error is not None:
            out["error"] = self.error.message
        if self.remediation:
            out["remediation"] = self.remediation
        return out

    def row(self) -> tuple[str, str, str, str]:
        """(name, expected, actual, passed) for display; an evaluation error shows as the actual."""
        if self.skipped:
            return self.name, self.value, "not evaluated (--skip-constraint)", "skipped"
        actual = f"error: {self.error.message}" if self.error is not None else self.actual
        return self.name, self.value, actual, "yes" if self.passed else "no"

    def gate_error(self) -> AicrError | None:
        """The INVALID_REQUEST that stops the run, or None when the constraint passed."""
        if self.skipped:
            return None
        if self.error is not None:
            return AicrError(
                Code.INVALID_REQUEST,
                f"readiness check could not evaluate: {self.name}: {self.error.message}. {_supply_hint(self.name)}",
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


def _supply_hint(name: str) -> str:
    """How to give the gate the reading it lacks, or to skip the constraint knowingly."""
    skip = f"or pass --skip-constraint {name} to skip this constraint explicitly."
    if name.startswith("K8s."):
        return (
            "The snapshot has no Kubernetes readings (aicr snapshot --local measures only the host it "
            f"runs on): take the snapshot with cluster access (aicr snapshot), {skip}"
        )
    return f"Take the snapshot on a node of the cluster (aicr snapshot), {skip}"


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


def evaluate_constraints(recipe: Any, snapshot: Any, *, skip: Sequence[str] = ()) -> list[ConstraintResult]:
    """Evaluate every readiness constraint of `recipe` against `snapshot` (never raises for a miss).

    `recipe` is a RecipeResult, its document, or a path/URL of one; `snapshot` a Snapshot, its
    document, a path/URL of one, or None. Constraints named in `skip` are reported skipped; a
    name that is not a constraint of the recipe is an error. Use `check_readiness` (or
    `first_gate_error`) for the fail-closed gate.
    """
    snap = _plain(_load(snapshot, "snapshot"))
    constraints = readiness_constraints(_load(recipe, "recipe"))
    unknown = sorted(set(skip) - {str(c.get("name") or "") for c in constraints})
    if unknown:
        raise AicrError(
            Code.INVALID_REQUEST,
            f"--skip-constraint names no constraint of the recipe: {', '.join(unknown)}",
            {"unknown": unknown},
        )
    return [_skipped(c) if str(c.get("name") or "") in skip else evaluate_one(c, snap) for c in constraints]


def _skipped(constraint: dict[str, Any]) -> ConstraintResult:
    return ConstraintResult(
        str(constraint.get("name") or ""), str(constraint.get("value") or ""), passed=False, skipped=True
    )


def _load(obj: Any, what: str) -> Any:
    """A path or URL is read as the recipe/snapshot document it names (as `aicr.validate` does)."""
    if isinstance(obj, str | PathLike):
        if what == "recipe":
            from aicr.recipe.document import load_recipe

            return load_recipe(str(obj))
        from aicr.snapshot.document import load_snapshot_document

        return load_snapshot_document(str(obj))
    return obj


def first_gate_error(results: list[ConstraintResult]) -> AicrError | None:
    """The error of the first constraint that did not pass, in evaluation order."""
    for result in results:
        error = result.gate_error()
        if error is not None:
            return error
    return None


def check_readiness(
    recipe: Any,
    snapshot: Any,
    on_results: Callable[[list[ConstraintResult]], None] | None = None,
    *,
    skip: Sequence[str] = (),
) -> list[ConstraintResult]:
    """The gate: raise INVALID_REQUEST for the first constraint that fails or cannot be evaluated.

    Every constraint is evaluated (pure, cheap) and passed to `on_results` first, so a user sees
    the whole picture — expected, actual, passed — and not only the first miss.
    """
    results = evaluate_constraints(recipe, snapshot, skip=skip)
    if on_results is not None:
        on_results(results)
    error = first_gate_error(results)
    if error is not None:
        raise error
    return results
