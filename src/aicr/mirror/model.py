"""The `mirror list` result: every image and chart a recipe needs, overall and per component.

Pure data. Field names and order follow the reference's yaml/json output
(reference/surface.md §4): `images`, `charts[{name, repository, chart, version, namespace?}]`,
`components[{component, type, images, warnings?}]`, `metadata{recipeVersion?, criteria?}`.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class ChartRef:
    """One Helm chart a component installs."""

    __slots__ = ("chart", "name", "namespace", "repository", "version")

    def __init__(self, name: str, repository: str, chart: str, version: str, namespace: str = "") -> None:
        self.name = name
        self.repository = repository
        self.chart = chart
        self.version = version
        self.namespace = namespace

    def to_dict(self) -> dict[str, Any]:
        """Plain data in the reference's key order (`namespace` omitted when empty)."""
        out: dict[str, Any] = {
            "name": self.name,
            "repository": self.repository,
            "chart": self.chart,
            "version": self.version,
        }
        if self.namespace:
            out["namespace"] = self.namespace
        return out


class ComponentImages:
    """The images one component needs, and what could not be discovered for it."""

    __slots__ = ("component", "images", "type", "warnings")

    def __init__(self, component: str, type_: str) -> None:
        self.component = component
        self.type = type_
        self.images: list[str] = []
        self.warnings: list[str] = []

    def warn(self, message: str) -> None:
        """Record a non-fatal problem (kept once)."""
        if message not in self.warnings:
            self.warnings.append(message)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (`warnings` omitted when empty)."""
        out: dict[str, Any] = {"component": self.component, "type": self.type, "images": list(self.images)}
        if self.warnings:
            out["warnings"] = list(self.warnings)
        return out


class MirrorList:
    """Images (sorted, deduplicated), charts and per-component detail, in deployment order."""

    __slots__ = ("charts", "components", "criteria", "recipe_version")

    def __init__(self, recipe_version: str = "", criteria: str = "") -> None:
        self.charts: list[ChartRef] = []
        self.components: list[ComponentImages] = []
        self.recipe_version = recipe_version
        self.criteria = criteria

    @property
    def images(self) -> list[str]:
        """Every component's images, sorted and deduplicated."""
        return sorted({image for comp in self.components for image in comp.images})

    @property
    def warnings(self) -> list[str]:
        """`<component>: <warning>` for every warning, in component order."""
        return [f"{c.component}: {w}" for c in self.components for w in c.warnings]

    def to_dict(self) -> dict[str, Any]:
        """Plain data in the reference's key order."""
        metadata: dict[str, Any] = {}
        if self.recipe_version:
            metadata["recipeVersion"] = self.recipe_version
        if self.criteria:
            metadata["criteria"] = self.criteria
        return {
            "images": self.images,
            "charts": [c.to_dict() for c in self.charts],
            "components": [c.to_dict() for c in self.components],
            "metadata": metadata,
        }
