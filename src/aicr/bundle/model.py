"""What a deployer receives (`BundlePlan`) and what it reports back (`DeployerOutput`).

Pure data. The bundler resolves components, values and folders once; each deployer module turns
a `BundlePlan` into files of a `BundleTree` and returns a `DeployerOutput` describing the result.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.bundle.components import Component
    from aicr.bundle.layout import Folder
    from aicr.bundle.options import BundleOptions


class BundlePlan:
    """Everything a deployer needs: the filtered recipe, components, folders and settings."""

    __slots__ = ("aicr_version", "components", "doc", "folders", "opts")

    def __init__(
        self,
        doc: dict[str, Any],
        components: list[Component],
        folders: list[Folder],
        opts: BundleOptions,
        aicr_version: str,
    ) -> None:
        self.doc = doc
        self.components = components
        self.folders = folders
        self.opts = opts
        self.aicr_version = aicr_version

    @property
    def recipe_version(self) -> str:
        """`metadata.version` of the recipe (the aicr that resolved it), or ""."""
        return str((self.doc.get("metadata") or {}).get("version") or "")

    @property
    def criteria(self) -> dict[str, Any]:
        """The recipe's criteria block."""
        result: dict[str, Any] = self.doc.get("criteria") or {}
        return result

    def namespaces(self) -> list[str]:
        """Distinct component namespaces, sorted."""
        return sorted({c.namespace for c in self.components})


class DeployerOutput:
    """A deployer's report: what was produced and how to deploy it."""

    __slots__ = ("entrypoint", "label", "notes", "releases", "settings", "steps", "warnings")

    def __init__(self, label: str, entrypoint: str) -> None:
        self.label = label  # e.g. "Helm per-component bundle"
        self.entrypoint = entrypoint  # e.g. "deploy.sh"
        self.steps: list[str] = []
        self.notes: list[str] = []
        self.warnings: list[str] = []  # component validation findings, repeated in the summary
        self.releases: list[dict[str, str]] = []
        self.settings: dict[str, Any] = {}
