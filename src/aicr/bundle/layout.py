"""The numbered folder plan shared by every deployer: `NNN-<c>-pre/`, `NNN-<c>/`, `NNN-<c>-post/`.

Pure. reference/bundle.md §2 "Folders": per component, in deployment order, an optional `-pre`
wrapper chart (pre-manifests), the primary folder (upstream chart, or a local wrapper chart for a
manifest-only component) and, for an upstream chart with manifests, a `-post` wrapper chart.
Numbers are 1-based, contiguous, `%03d`. The folder rules (unsafe names, `-readiness` names,
collisions with injected folders, more than 999 folders, Kustomize) are checked here.
"""

from __future__ import annotations

from aicr.bundle.manifests import defines_namespace
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from aicr.bundle.components import Component
    from aicr.bundle.vendor import VendoredChart

MAX_FOLDERS = 999


class Folder:
    """One numbered folder = one Helm release."""

    __slots__ = (
        "component",
        "create_namespace",
        "dir",
        "index",
        "local",
        "name",
        "role",
        "templates",
        "vendored",
    )

    def __init__(self, index: int, name: str, component: Component, role: str, local: bool) -> None:
        self.index = index
        self.name = name
        self.dir = f"{index:03d}-{name}"
        self.component = component
        self.role = role  # "pre" | "primary" | "post"
        self.local = local  # a wrapper chart (Chart.yaml + templates/) rather than an upstream chart
        self.templates: list[tuple[str, str]] = []
        self.create_namespace = True
        self.vendored: VendoredChart | None = None  # --vendor-charts: the pulled upstream chart

    @property
    def namespace(self) -> str:
        """Namespace of the release (the component's)."""
        return self.component.namespace


def check_name(name: str) -> None:
    """A component name must be a single safe path element and not use a reserved suffix."""
    if not name or "/" in name or "\\" in name or name in (".", "..") or name.startswith(".."):
        raise AicrError(Code.INVALID_REQUEST, f'invalid component name "{name}"')
    if name.endswith("-readiness"):
        raise AicrError(
            Code.INVALID_REQUEST,
            f'component name "{name}" ends with the reserved suffix "-readiness" (used for readiness gate folders)',
        )


def plan(components: list[Component]) -> list[Folder]:
    """Folders for `components` (already in deployment order, manifests loaded)."""
    declared = {c.name for c in components}
    folders: list[Folder] = []
    for comp in components:
        check_name(comp.name)
        kustomize = comp.type.lower() == "kustomize" or comp.tag or comp.path
        if kustomize and comp.post:
            raise AicrError(
                Code.INVALID_REQUEST,
                f'component "{comp.name}" has both kustomize (Tag/Path) and raw manifests; use one',
            )
        if kustomize:
            raise AicrError(
                Code.INVALID_REQUEST,
                f'component "{comp.name}" is a Kustomize component; bundling Kustomize components is not supported yet',
            )
        if comp.pre:
            _check_injected(comp.name, "-pre", declared, "has pre-manifests")
            folders.append(_wrapper(len(folders) + 1, comp.name + "-pre", comp, "pre", comp.pre))
        if comp.is_upstream:
            folders.append(Folder(len(folders) + 1, comp.name, comp, "primary", local=False))
            if comp.post:
                _check_injected(comp.name, "-post", declared, "is mixed (helm + manifests)")
                folders.append(_wrapper(len(folders) + 1, comp.name + "-post", comp, "post", comp.post))
        else:
            folders.append(_wrapper(len(folders) + 1, comp.name, comp, "primary", comp.post))
        if len(folders) > MAX_FOLDERS:
            raise AicrError(
                Code.INVALID_REQUEST,
                f"too many components ({len(components)}): NNN- folder prefix supports at most {MAX_FOLDERS} entries",
            )
    return folders


def _wrapper(index: int, name: str, comp: Component, role: str, templates: list[tuple[str, str]]) -> Folder:
    """A wrapper-chart folder holding `templates`; it creates the namespace unless one of them does."""
    folder = Folder(index, name, comp, role, local=True)
    folder.templates = templates
    folder.create_namespace = not any(defines_namespace(text) for _, text in templates)
    return folder


def _check_injected(name: str, suffix: str, declared: set[str], why: str) -> None:
    if name + suffix in declared:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'component "{name}" {why} and would inject "{name}{suffix}", but a component named '
            f'"{name}{suffix}" is already declared in the recipe — rename one to avoid collision',
        )
