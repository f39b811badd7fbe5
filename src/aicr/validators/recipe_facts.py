"""What a check reads from the recipe it validates: phase constraints, components, criteria.

Pure: functions over the RecipeResult document (a plain dict), no I/O. reference/validate.md
§1.1: phase-level constraints are not evaluated by the orchestrator; the owning check looks
its constraint up by name here.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def phase_constraint(recipe: dict[str, Any], phase: str, name: str) -> str | None:
    """The `value` of constraint `name` under `validation.<phase>.constraints`, or None."""
    body = (recipe.get("validation") or {}).get(phase) or {}
    for entry in body.get("constraints") or []:
        if isinstance(entry, dict) and entry.get("name") == name:
            value = entry.get("value")
            return None if value is None else str(value)
    return None


def component(recipe: dict[str, Any], name: str) -> dict[str, Any] | None:
    """The componentRef called `name`, or None when the recipe does not declare it."""
    for ref in recipe.get("componentRefs") or []:
        if isinstance(ref, dict) and ref.get("name") == name:
            return ref
    return None


def criteria(recipe: dict[str, Any]) -> dict[str, str]:
    """The recipe's criteria with absent fields as `any` (service, accelerator, intent, ...)."""
    raw = recipe.get("criteria") or {}
    keys = ("service", "accelerator", "intent", "os", "platform")
    return {key: str(raw.get(key) or "any") for key in keys}
