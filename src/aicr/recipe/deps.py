"""Component dependencies: validation and deployment order.

Pure. reference/recipe.md §3.7: every `dependencyRefs` entry must name a declared component;
cycles among enabled components are errors; the order is Kahn's algorithm taking the smallest
ready name first. Disabled components are left out of the order, and an edge to a declared but
disabled component counts as satisfied; dependency validation still covers disabled components.
"""

from __future__ import annotations

from aicr import logs
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

_GATES = ("enabled", "install")


def is_enabled(ref: dict[str, Any]) -> bool:
    """False when `overrides.enabled` or `overrides.install` is the bool false."""
    overrides = ref.get("overrides") or {}
    for key in _GATES:
        if key not in overrides:
            continue
        value = overrides[key]
        if not isinstance(value, bool):
            logs.warn(
                "component deployment gate is not a bool, treating component as enabled",
                component=ref["name"],
                key=key,
                value=value,
            )
            continue
        if not value:
            return False
    return True


def check_dependencies(refs: Sequence[dict[str, Any]]) -> None:
    """Raise for an unknown dependency or a dependency cycle (disabled components included)."""
    by_name = {r["name"]: r for r in refs}
    for ref in refs:
        for dep in ref.get("dependencyRefs") or ():
            if dep not in by_name:
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f'component "{ref["name"]}" references unknown dependency "{dep}"',
                    {"component": ref["name"], "dependency": dep},
                )
    state: dict[str, int] = {}  # 1 = on the DFS stack, 2 = done
    stack: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        stack.append(name)
        for dep in by_name[name].get("dependencyRefs") or ():
            if state.get(dep) == 1:
                cycle = [*stack[stack.index(dep) :], dep]
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f"dependency validation failed: circular dependency detected: [{' '.join(cycle)}]",
                    {"cycle": cycle},
                )
            if dep not in state:
                visit(dep)
        stack.pop()
        state[name] = 2

    for ref in refs:
        if ref["name"] not in state:
            visit(ref["name"])


def deployment_order(refs: Sequence[dict[str, Any]]) -> list[str]:
    """Enabled component names, dependencies first, smallest ready name first."""
    enabled = {r["name"]: r for r in refs if is_enabled(r)}
    indegree = {name: 0 for name in enabled}
    dependents: dict[str, list[str]] = {name: [] for name in enabled}
    for name, ref in enabled.items():
        for dep in dict.fromkeys(ref.get("dependencyRefs") or ()):
            if dep in enabled:
                indegree[name] += 1
                dependents[dep].append(name)
    # A recipe has tens of components: taking the smallest ready name with min() costs less than
    # importing heapq on the `aicr recipe` start-up path.
    ready = {name for name, degree in indegree.items() if degree == 0}
    order: list[str] = []
    while ready:
        name = min(ready)
        ready.discard(name)
        order.append(name)
        for dependent in dependents[name]:
            indegree[dependent] -= 1
            if indegree[dependent] == 0:
                ready.add(dependent)
    if len(order) != len(enabled):
        raise AicrError(
            Code.INVALID_REQUEST,
            "cannot determine deployment order: circular dependencies exist",
            {"components": sorted(set(enabled) - set(order))},
        )
    return order
