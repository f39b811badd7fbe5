"""Hauler manifests (`content.hauler.cattle.io/v1`) for a mirror list: `Images` and `Charts`.

Pure and deterministic: keys sorted, images in the list's sorted order, charts in deployment
order. The `Charts` document is written only when the recipe has charts (reference/surface.md
§4). Warnings are dropped: Hauler reads only these documents (`hauler store sync -f`).
"""

from __future__ import annotations

from aicr.bundle.charts import sort_keys
from aicr.io.yamlout import dump

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.mirror.model import MirrorList

API_VERSION = "content.hauler.cattle.io/v1"
IMAGES_NAME = "aicr-images"
CHARTS_NAME = "aicr-charts"


def documents(mirror: MirrorList) -> list[dict[str, Any]]:
    """The Images document, then the Charts document when there are charts."""
    docs: list[dict[str, Any]] = [
        {
            "apiVersion": API_VERSION,
            "kind": "Images",
            "metadata": {"name": IMAGES_NAME},
            "spec": {"images": [{"name": image} for image in mirror.images]},
        }
    ]
    if mirror.charts:
        docs.append({
            "apiVersion": API_VERSION,
            "kind": "Charts",
            "metadata": {"name": CHARTS_NAME},
            "spec": {
                "charts": [{"name": c.chart, "repoURL": c.repository, "version": c.version} for c in mirror.charts]
            },
        })  # fmt: skip
    return docs


def render(mirror: MirrorList) -> str:
    """The multi-document YAML text."""
    return "---\n".join(dump(sort_keys(doc)) for doc in documents(mirror))
