"""A Zarf package config (`ZarfPackageConfig`, `zarf.dev/v1alpha1`) for a mirror list.

Pure and deterministic: keys sorted. One required component `aicr-images` holds every image
and chart (reference/surface.md §4). An `oci://` chart's `url` is the chart's own OCI reference
(`<repository>/<chart>`); an HTTP(S) chart keeps the repository URL and names the chart in
`repoName`. Empty `images`/`charts` and an empty `namespace` are omitted; warnings are dropped.
"""

from __future__ import annotations

from aicr.bundle.charts import sort_keys
from aicr.io.yamlout import dump

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.mirror.model import ChartRef, MirrorList

API_VERSION = "zarf.dev/v1alpha1"
PACKAGE_NAME = "aicr"
COMPONENT_NAME = "aicr-images"
DESCRIPTION = "NVIDIA AI Cluster Runtime container images and Helm charts for air-gapped deployment"


def chart_entry(chart: ChartRef) -> dict[str, Any]:
    """One `charts[]` item."""
    entry: dict[str, Any] = {"name": chart.chart, "version": chart.version}
    if chart.repository.startswith("oci://"):
        entry["url"] = f"{chart.repository.rstrip('/')}/{chart.chart}"
    else:
        entry["url"] = chart.repository
        entry["repoName"] = chart.chart
    if chart.namespace:
        entry["namespace"] = chart.namespace
    return entry


def document(mirror: MirrorList) -> dict[str, Any]:
    """The ZarfPackageConfig as plain data."""
    component: dict[str, Any] = {"name": COMPONENT_NAME, "required": True}
    if mirror.images:
        component["images"] = mirror.images
    if mirror.charts:
        component["charts"] = [chart_entry(c) for c in mirror.charts]
    return {
        "apiVersion": API_VERSION,
        "kind": "ZarfPackageConfig",
        "metadata": {"name": PACKAGE_NAME, "description": DESCRIPTION},
        "components": [component],
    }


def render(mirror: MirrorList) -> str:
    """The YAML text."""
    return dump(sort_keys(document(mirror)))
