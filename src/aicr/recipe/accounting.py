"""Slurm accounting mode: one typed choice that owns the accounting gates of a Slurm recipe.

Pure. The mode is not a criteria axis (it matches no overlay); it is applied to the merged
component refs of a recipe that declares a Slinky Slurm cluster, before dependency order is
computed, and recorded in the result as `configuration.slurm.accounting.mode`:

| mode | slinky-slurm accounting.enabled | MariaDB CRDs, operator, database |
|---|---|---|
| disabled (default) | false | declared, `install: false` |
| customer-managed | true | declared, `install: false` |
| aicr-provided | true | installed |

Giving a mode for a recipe without a Slurm cluster is INVALID_REQUEST.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MODES = ("disabled", "customer-managed", "aicr-provided")
DEFAULT_MODE = "disabled"
SLURM_CLUSTER = "slinky-slurm"
DATABASE_COMPONENTS = ("mariadb-operator-crds", "mariadb-operator", "slurm-accounting-mariadb")


def parse_mode(raw: str) -> str:
    """Normalise a user-given mode (trimmed, lowercased); INVALID_REQUEST when unknown."""
    value = raw.strip().lower()
    if value not in MODES:
        raise AicrError(
            Code.INVALID_REQUEST,
            f"invalid slurm accounting mode: {raw} (valid: {', '.join(MODES)})",
            {"value": raw, "valid": list(MODES)},
        )
    return value


def apply_mode(refs: dict[str, dict[str, Any]], mode: str | None, where: str) -> str | None:
    """Set the mode-owned gates in `refs` (in place); the effective mode, or None for non-Slurm.

    `where` names the query in error messages (the criteria text).
    """
    if SLURM_CLUSTER not in refs:
        if mode is not None:
            raise AicrError(
                Code.INVALID_REQUEST,
                f"slurm accounting mode applies only to Slurm recipes (platform slurm); {where} has no "
                f"{SLURM_CLUSTER} component",
                {"mode": mode},
            )
        return None
    effective = DEFAULT_MODE if mode is None else parse_mode(mode)
    missing = [name for name in DATABASE_COMPONENTS if name not in refs]
    if missing and effective == "aicr-provided":
        raise AicrError(
            Code.INVALID_REQUEST,
            f"slurm accounting mode aicr-provided needs component {missing[0]}, which {where} does not declare",
            {"mode": effective, "missing": missing},
        )
    _set(refs[SLURM_CLUSTER], ("accounting", "enabled"), effective != "disabled")
    for name in DATABASE_COMPONENTS:
        if name in refs:
            _set(refs[name], ("install",), effective == "aicr-provided")
    return effective


def configuration_block(mode: str) -> dict[str, Any]:
    """The RecipeResult `configuration` block recording `mode`."""
    return {"slurm": {"accounting": {"mode": mode}}}


def _set(ref: dict[str, Any], path: tuple[str, ...], value: bool) -> None:
    node = ref.setdefault("overrides", {})
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    node[path[-1]] = value
