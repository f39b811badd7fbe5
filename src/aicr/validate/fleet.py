"""The readiness gate over a FleetSnapshot: every constraint on every measured node.

Pure. A constraint passes only when it passes on each measured node; the first constraint any
node misses stops the run with INVALID_REQUEST naming those nodes (`… on 3 of 196 nodes:
node-7, …`). Nodes the fleet snapshot could not measure are named in a warning, never counted
as passing. The results shown (and returned) are the most typical node's, whose Snapshot the
rest of the run uses.
"""

from __future__ import annotations

from aicr import logs
from aicr.errors import AicrError, Code
from aicr.snapshot.fleet_report import majority_snapshot, measured_nodes
from aicr.validate.readiness import evaluate_constraints

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

    from aicr.validate.readiness import ConstraintResult

SHOWN_NODES = 10


def check_fleet_readiness(
    recipe: Any,
    fleet: dict[str, Any],
    on_results: Callable[[list[ConstraintResult]], None] | None = None,
    *,
    skip: Sequence[str] = (),
) -> list[ConstraintResult]:
    """The gate for a fleet: raise for the first constraint a measured node fails."""
    unmeasured = [n["name"] for n in fleet.get("nodes") or [] if n.get("status") != "measured"]
    if unmeasured:
        logs.warn("fleet nodes without a snapshot are not checked", nodes=", ".join(unmeasured))
    typical = majority_snapshot(fleet)["metadata"]["source-node"]
    per_node = {
        s["metadata"]["source-node"]: evaluate_constraints(recipe, s, skip=skip)
        for s in measured_nodes(fleet)
    }
    shown = per_node[typical]
    if on_results is not None:
        on_results(shown)
    for index, result in enumerate(shown):
        failing = [node for node, results in per_node.items() if results[index].gate_error() is not None]
        if not failing:
            continue
        first = per_node[failing[0]][index].gate_error()
        assert first is not None
        names = ", ".join(failing[:SHOWN_NODES]) + (
            f", and {len(failing) - SHOWN_NODES} more" if len(failing) > SHOWN_NODES else ""
        )
        raise AicrError(
            Code.INVALID_REQUEST,
            f"{first.message.splitlines()[0]} (on node {failing[0]}); {result.name} fails on "
            f"{len(failing)} of {len(per_node)} measured nodes: {names}",
            {**first.details, "nodes": failing},
        )
    return shown
