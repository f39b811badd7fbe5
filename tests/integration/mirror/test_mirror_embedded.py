"""`mirror list` discovery over an embedded-catalog leaf, with no network.

The GPU Operator chart is replaced by a stand-in packaged here (a ClusterPolicy whose descriptors
come from the leaf's real values); every other upstream chart is "unreachable", which must give
one warning per component and never fail the run.
"""

from __future__ import annotations

import pytest
from tests.integration.mirror.conftest import make_chart

import aicr
from aicr.errors import AicrError, Code
from aicr.mirror.collect import Settings, discover
from aicr.mirror.model import MirrorList

LEAF = aicr.Criteria(service="eks", accelerator="h100", intent="training", os="ubuntu", platform="kubeflow")
GPU_OPERATOR_STAND_IN = {
    "clusterpolicy.yaml": """\
apiVersion: nvidia.com/v1
kind: ClusterPolicy
metadata:
  name: cluster-policy
spec:
  driver:
    enabled: {{ .Values.driver.enabled }}
    repository: {{ .Values.driver.repository | default "nvcr.io/nvidia" }}
    image: {{ .Values.driver.image | default "driver" }}
    version: {{ .Values.driver.version | quote }}
""",
}


class LocalCharts:
    """Serves the stand-in for one chart; every other repository is unreachable."""

    def __init__(self, archives: dict[str, bytes]) -> None:
        self.archives = archives
        self.asked: list[str] = []

    def fetch(self, source: str, chart: str, version: str) -> bytes:
        self.asked.append(chart)
        if chart in self.archives:
            return self.archives[chart]
        raise AicrError(Code.UNAVAILABLE, f"chart repository {source} is unreachable: no network in tests")


@pytest.fixture(scope="module")
def leaf_list(tmp_path_factory: pytest.TempPathFactory) -> tuple[MirrorList, LocalCharts]:
    catalog = aicr.load_catalog()
    doc = catalog.resolve(LEAF, version="v0.1.0").to_dict()
    gpu_operator = next(r for r in doc["componentRefs"] if r["name"] == "gpu-operator")
    archive = make_chart(
        tmp_path_factory.mktemp("standin"),
        "gpu-operator",
        gpu_operator["version"].lstrip("v"),
        GPU_OPERATOR_STAND_IN,
    )
    charts = LocalCharts({"gpu-operator": archive.read_bytes()})
    return discover(doc, catalog, charts, Settings(version="0.1.0")), charts


def test_every_unreachable_chart_is_one_warning_on_its_component(
    leaf_list: tuple[MirrorList, LocalCharts],
) -> None:
    mirror, charts = leaf_list
    unreachable = {c.name for c in mirror.charts} - {"gpu-operator"}
    warned = {c.component for c in mirror.components if any("unreachable" in w for w in c.warnings)}
    assert unreachable and warned == unreachable
    assert sorted(charts.asked) == sorted(c.chart for c in mirror.charts)


def test_stand_in_chart_renders_with_the_leafs_driver_values(
    leaf_list: tuple[MirrorList, LocalCharts],
) -> None:
    mirror, _charts = leaf_list
    (gpu,) = [c for c in mirror.components if c.component == "gpu-operator"]
    assert gpu.warnings == []
    assert len(gpu.images) == 1 and gpu.images[0].startswith("nvcr.io/nvidia/driver:")


def test_manifest_and_validator_images_are_listed_without_any_chart(
    leaf_list: tuple[MirrorList, LocalCharts],
) -> None:
    mirror, _charts = leaf_list
    assert "ghcr.io/nvidia/aicr-validators/deployment:v0.1.0" in mirror.images
    assert any(image.startswith("ghcr.io/nvidia/nodewright-packages/") for image in mirror.images)
    assert mirror.components[-1].component == "aicr-validators"


def test_discovery_is_deterministic(leaf_list: tuple[MirrorList, LocalCharts]) -> None:
    mirror, charts = leaf_list
    catalog = aicr.load_catalog()
    doc = catalog.resolve(LEAF, version="v0.1.0").to_dict()
    again = discover(doc, catalog, LocalCharts(charts.archives), Settings(version="0.1.0"))
    assert again.to_dict() == mirror.to_dict()
