"""Discovery over a tiny catalog with a stub chart source (no Helm, no network)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.tiny_catalog import helm, overlay, tiny_catalog

import aicr
from aicr.catalog.catalog import Catalog
from aicr.errors import AicrError, Code
from aicr.mirror.collect import Settings, discover


class NoCharts:
    """Every chart is missing; records what was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str, str]] = []

    def fetch(self, source: str, chart: str, version: str) -> bytes:
        self.asked.append((source, chart, version))
        raise AicrError(Code.NOT_FOUND, f'chart "{chart}" version "{version}" not found')


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    pinned = helm(
        "pinned",
        nodeScheduling={"accelerated": {"requireNodeSelector": True, "nodeSelectorPaths": ["nodeSelector"]}},
    )
    kustomized = {
        "name": "kust",
        "displayName": "kust",
        "kustomize": {
            "defaultSource": "https://github.com/example/k",
            "defaultPath": "deploy",
            "defaultTag": "v1",
        },
    }
    refs = [
        {"name": "op"},
        {"name": "pinned"},
        {"name": "kust"},
        {"name": "off", "overrides": {"enabled": False}},
    ]
    return tiny_catalog(
        tmp_path,
        registry=[helm("op", "2.0.0"), pinned, kustomized, helm("off")],
        overlays=[overlay("eks", {"service": "eks"}, componentRefs=refs)],
    )


def _doc(catalog: Catalog) -> dict[str, object]:
    doc: dict[str, object] = catalog.resolve(aicr.Criteria(service="eks"), version="v0.1.0").to_dict()
    return doc


def test_a_missing_chart_is_a_warning_and_the_chart_is_still_listed(catalog: Catalog) -> None:
    charts = NoCharts()
    mirror = discover(_doc(catalog), catalog, charts, Settings(version="0.1.0"))
    op = next(c for c in mirror.components if c.component == "op")
    assert op.warnings == ['chart pull failed: chart "op" version "2.0.0" not found']
    assert ("https://charts.example.com/op", "op", "2.0.0") in charts.asked
    assert [c.name for c in mirror.charts] == ["op", "pinned"]


def test_a_required_node_selector_is_a_warning_not_a_failure(catalog: Catalog) -> None:
    mirror = discover(_doc(catalog), catalog, NoCharts(), Settings(version="0.1.0"))
    pinned = next(c for c in mirror.components if c.component == "pinned")
    assert len(pinned.warnings) == 1 and pinned.warnings[0].startswith("failed to load values:")
    assert "--accelerated-node-selector" in pinned.warnings[0]


def test_kustomize_component_has_no_chart_and_disabled_component_is_absent(catalog: Catalog) -> None:
    mirror = discover(_doc(catalog), catalog, NoCharts(), Settings(version="0.1.0"))
    kinds = {c.component: c.type for c in mirror.components}
    assert kinds == {"op": "helm", "pinned": "helm", "kust": "kustomize"}


def test_re_enabling_a_recipe_disabled_component_is_invalid_request(catalog: Catalog) -> None:
    with pytest.raises(AicrError) as err:
        discover(_doc(catalog), catalog, NoCharts(), Settings(["off:enabled=true"], version="0.1.0"))
    assert err.value.code is Code.INVALID_REQUEST
