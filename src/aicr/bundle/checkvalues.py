"""What registry checks read: the bundle-wide context and typed lookups in final values.

Pure. A `CheckContext` carries the recipe's criteria, metadata and configuration, the parsed
options and every bundled component by name, so a check on one component can read a sibling's
final values (after `--set`, `--set-json`, `--set-file` and the `--dynamic` split). The readers
distinguish "absent" (the chart default applies) from "present but unreadable" (fail closed).
"""

from __future__ import annotations

from aicr.bundle import paths as vpaths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.bundle.components import Component
    from aicr.bundle.options import BundleOptions


class CheckContext:
    """Everything a registry check may look at besides its own component."""

    __slots__ = ("components", "configuration", "criteria", "metadata", "opts")

    def __init__(
        self,
        components: list[Component],
        criteria: dict[str, Any],
        opts: BundleOptions,
        metadata: dict[str, Any] | None = None,
        configuration: dict[str, Any] | None = None,
    ) -> None:
        self.components = {comp.name: comp for comp in components}
        self.criteria = criteria
        self.opts = opts
        self.metadata = metadata or {}
        self.configuration = configuration or {}

    def first(self, names: tuple[str, ...]) -> Component | None:
        """The first bundled component among `names`."""
        for name in names:
            if name in self.components:
                return self.components[name]
        return None


def dynamic_hits(comp: Component, guarded: tuple[str, ...]) -> list[str]:
    """Guarded value paths that a `--dynamic` path of `comp` equals or contains."""
    return [p for p in guarded if any(vpaths.paths_intersect(p, d) for d in comp.dynamic_paths)]


def helm_truthy(value: Any) -> bool:
    """Go template truth (what `{{ if }}` in a chart sees): empty, zero, false and null are false."""
    if value is None or value is False:
        return False
    if isinstance(value, int | float | str | list | dict):
        return bool(value)
    return True


def string_at(values: dict[str, Any], path: str) -> tuple[str | None, bool]:
    """(string, valid): (None, True) when absent, (None, False) when present but not a string."""
    value, found = vpaths.get_path(values, path)
    if not found:
        return None, True
    if isinstance(value, str):
        return value, True
    return None, False


def subchart_disabled(values: dict[str, Any], key: str) -> bool:
    """`global.<key>.enabled` is literally false (absent or malformed counts as enabled)."""
    value, found = vpaths.get_path(values, f"global.{key}.enabled")
    return found and value is False


def toggle(values: dict[str, Any], section: str) -> tuple[bool | None, str]:
    """`<section>.enabled` as (bool or None when absent, problem text when unreadable)."""
    if section not in values:
        return None, ""
    raw = values[section]
    if raw is None:
        return None, f"{section} is explicitly null, so {section}.enabled cannot be read"
    if not isinstance(raw, dict):
        return None, f"{section}={raw!r} is not a map, so {section}.enabled cannot be read"
    if "enabled" not in raw:
        return None, ""
    flag = raw["enabled"]
    if not isinstance(flag, bool):
        return None, f"{section}.enabled={flag!r} is not a boolean"
    return flag, ""
