"""`mirror list` discovery: for each bundled component, the images its chart and manifests use.

Pure over its inputs except for what it is handed: chart archives come from a `ChartSource`
(aicr.mirror.sources) and rendering goes through real Helm (aicr.mirror.render). Components,
their order and their values come from the bundle pipeline itself (aicr.bundle.components:
`--set` overrides, aliases, `enabled=false`), so the list matches what `aicr bundle` installs.
Best effort (reference/surface.md §4): a chart that cannot be pulled or rendered, a manifest that
cannot be read or rendered, or a string that is not an image becomes a warning on its
component; bad input (`--set` errors, a malformed CRD image descriptor) is INVALID_REQUEST.
"""

from __future__ import annotations

from aicr.bundle import components, manifests
from aicr.bundle.options import BundleOptions
from aicr.errors import AicrError, Code
from aicr.mirror import images as imagerefs
from aicr.mirror import validators
from aicr.mirror.model import ChartRef, ComponentImages, MirrorList
from aicr.mirror.render import RenderError, render_archive, render_manifests

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.catalog.catalog import Catalog
    from aicr.mirror.sources import ChartSource

CRITERIA_FIELDS = ("service", "accelerator", "intent", "os", "platform")
NOTES = "NOTES.txt"


class Settings:
    """What `mirror list` needs besides the recipe and the catalog."""

    __slots__ = ("commit", "registry", "set_values", "tag", "version")

    def __init__(
        self,
        set_values: list[str] | None = None,
        *,
        version: str = "",
        commit: str = "",
        registry: str = "",
        tag: str = "",
    ) -> None:
        self.set_values = list(set_values or [])
        self.version = version  # the aicr version (metadata.recipeVersion, validator image pins)
        self.commit = commit
        self.registry = registry  # AICR_VALIDATOR_IMAGE_REGISTRY
        self.tag = tag  # AICR_VALIDATOR_IMAGE_TAG


def criteria_summary(criteria: dict[str, Any]) -> str:
    """`criteria(service=eks, accelerator=h100, …)` without `any` fields; `criteria(any)` if none."""
    parts = [f"{f}={criteria[f]}" for f in CRITERIA_FIELDS if criteria.get(f) not in (None, "", "any")]
    if criteria.get("nodes"):
        parts.append(f"nodes={criteria['nodes']}")
    return f"criteria({', '.join(parts)})" if parts else "criteria(any)"


def discover(doc: dict[str, Any], catalog: Catalog, charts: ChartSource, settings: Settings) -> MirrorList:
    """The mirror list of a recipe document."""
    opts = BundleOptions.parse("helm", {"set": settings.set_values})
    enabled, order, excluded = components.select(doc, catalog, opts)
    components.check_absent_overrides(doc, catalog, opts, enabled, excluded)
    result = MirrorList(settings.version, criteria_summary(doc.get("criteria") or {}))
    for ref in components.order_refs(enabled, order):
        found, chart = _component(ref, catalog, opts, charts)
        result.components.append(found)
        if chart is not None:
            result.charts.append(chart)
    raw = validators.validator_images(
        doc,
        catalog.validators,
        version=settings.version,
        commit=settings.commit,
        registry=settings.registry,
        tag=settings.tag,
    )
    if raw:
        found = ComponentImages(validators.COMPONENT, validators.TYPE)
        _add_images(found, raw)
        result.components.append(found)
    return result


def _component(
    ref: dict[str, Any], catalog: Catalog, opts: BundleOptions, charts: ChartSource
) -> tuple[ComponentImages, ChartRef | None]:
    found = ComponentImages(ref["name"], str(ref.get("type") or "Helm").lower())
    comp = components.Component(ref, catalog.registry_by_name(ref["name"]), [])
    values: dict[str, Any] | None = None
    try:
        comp = components.build_component(ref, catalog, opts)
        values = comp.values
    except AicrError as exc:
        if "paths" not in exc.details:  # only a missing install-time node selector is not fatal here
            raise
        found.warn(f"failed to load values: {exc.message}")
    chart = None
    if comp.is_upstream:
        chart = ChartRef(comp.name, comp.source, comp.chart_name, comp.version, comp.namespace)
        if values is not None:
            _render_chart(found, comp, values, charts)
    _render_manifests(found, comp, ref, catalog, values or {})
    return found, chart


def _render_chart(
    found: ComponentImages, comp: components.Component, values: dict[str, Any], charts: ChartSource
) -> None:
    try:
        archive = charts.fetch(comp.source, comp.chart_name, comp.version)
    except AicrError as exc:
        found.warn(f"chart pull failed: {exc.message}")
        return
    try:
        rendered = render_archive(archive, values, name=comp.name, namespace=comp.namespace)
    except RenderError as exc:
        found.warn(f"helm template failed: {exc}")
        return
    _scan(found, rendered)


def _render_manifests(
    found: ComponentImages,
    comp: components.Component,
    ref: dict[str, Any],
    catalog: Catalog,
    values: dict[str, Any],
) -> None:
    texts: list[tuple[str, str]] = []
    for key, what in (("preManifestFiles", "pre-manifest"), ("manifestFiles", "manifest")):
        try:
            texts.extend(manifests.load(catalog, comp.name, ref.get(key) or [], what=what))
        except AicrError as exc:
            found.warn(f"manifest read failed: {exc.message}")
    if not texts:
        return
    try:
        rendered = render_manifests(comp.name, comp.namespace, texts, values)
    except RenderError as exc:
        found.warn(f"manifest render failed: {exc}")
        return
    _scan(found, rendered)


def _scan(found: ComponentImages, rendered: dict[str, str]) -> None:
    """Extract the images of rendered templates (sorted by template path) into `found`."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw: list[str] = []
    for path in sorted(rendered):
        if path.endswith(NOTES):
            continue  # release notes text, not a manifest (helm template leaves it out too)
        try:
            docs = list(yaml.load_all(rendered[path], Loader=loader))
        except yaml.YAMLError as exc:
            found.warn(f"image extraction failed {path}: {' '.join(str(exc).split())}")
            continue
        for doc in docs:
            try:
                raw.extend(imagerefs.document_images(doc))
            except AicrError as exc:
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f'component "{found.component}" {path}: {exc.message}',
                    {**exc.details, "component": found.component},
                ) from None
    _add_images(found, raw)


def _add_images(found: ComponentImages, raw: list[str]) -> None:
    normalized, problems = imagerefs.normalized_set([*found.images, *raw])
    found.images = normalized
    for problem in problems:
        found.warn(f"skipped image: {problem}")
