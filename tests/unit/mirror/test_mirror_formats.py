"""yaml/json/Hauler/Zarf writing of a mirror list: field names, order, determinism, schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from aicr.errors import AicrError, Code
from aicr.mirror import hauler, zarf
from aicr.mirror.model import ChartRef, ComponentImages, MirrorList
from aicr.mirror.output import render

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def _mirror(*, charts: bool = True, warn: bool = True) -> MirrorList:
    mirror = MirrorList("0.1.0", "criteria(service=eks)")
    op = ComponentImages("gpu-operator", "helm")
    op.images = ["nvcr.io/nvidia/gpu-operator:v26.7.0", "nvcr.io/nvidia/driver:580"]
    other = ComponentImages("kai", "helm")
    other.images = ["ghcr.io/kai/scheduler:v1", "nvcr.io/nvidia/driver:580"]
    if warn:
        other.warn("chart pull failed: unreachable")
    mirror.components = [op, other]
    if charts:
        mirror.charts = [
            ChartRef(
                "gpu-operator",
                "https://helm.ngc.nvidia.com/nvidia",
                "gpu-operator",
                "v26.7.0",
                "gpu-operator",
            ),
            ChartRef("kai", "oci://ghcr.io/kai/charts/", "kai-scheduler", "v0.16.9", ""),
        ]
    return mirror


def _schema(name: str, doc: Any) -> None:
    schema = json.loads((SCHEMAS / name).read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(doc)


def test_yaml_keeps_reference_key_order_and_global_images_sorted_unique() -> None:
    doc = yaml.safe_load(render(_mirror(), "yaml"))
    assert list(doc) == ["images", "charts", "components", "metadata"]
    assert doc["images"] == [
        "ghcr.io/kai/scheduler:v1",
        "nvcr.io/nvidia/driver:580",
        "nvcr.io/nvidia/gpu-operator:v26.7.0",
    ]
    assert list(doc["charts"][0]) == ["name", "repository", "chart", "version", "namespace"]
    assert "namespace" not in doc["charts"][1]
    assert doc["metadata"] == {"recipeVersion": "0.1.0", "criteria": "criteria(service=eks)"}


def test_json_carries_warnings_only_on_components_that_have_them() -> None:
    doc = json.loads(render(_mirror(), "json"))
    assert "warnings" not in doc["components"][0]
    assert doc["components"][1]["warnings"] == ["chart pull failed: unreachable"]


def test_hauler_writes_images_then_charts_and_drops_warnings() -> None:
    text = render(_mirror(), "hauler")
    docs = list(yaml.safe_load_all(text))
    assert [d["kind"] for d in docs] == ["Images", "Charts"]
    assert docs[0]["metadata"]["name"] == "aicr-images" and docs[1]["metadata"]["name"] == "aicr-charts"
    assert [i["name"] for i in docs[0]["spec"]["images"]] == _mirror().images
    assert docs[1]["spec"]["charts"][1] == {
        "name": "kai-scheduler",
        "repoURL": "oci://ghcr.io/kai/charts/",
        "version": "v0.16.9",
    }
    assert "warning" not in text
    _schema("hauler-images.json", docs[0])
    _schema("hauler-charts.json", docs[1])


def test_hauler_without_charts_is_one_document() -> None:
    docs = list(yaml.safe_load_all(render(_mirror(charts=False), "hauler")))
    assert [d["kind"] for d in docs] == ["Images"]


def test_zarf_has_one_required_component_with_sorted_keys() -> None:
    text = render(_mirror(), "zarf")
    doc = yaml.safe_load(text)
    assert list(doc) == sorted(doc)
    assert doc["kind"] == "ZarfPackageConfig" and doc["apiVersion"] == "zarf.dev/v1alpha1"
    (component,) = doc["components"]
    assert component["name"] == "aicr-images" and component["required"] is True
    assert component["images"] == _mirror().images
    assert "warning" not in text
    _schema("zarf-package-config.json", doc)


def test_zarf_chart_url_is_the_oci_chart_or_the_repository_with_repo_name() -> None:
    http, oci = (zarf.chart_entry(c) for c in _mirror().charts)
    assert http == {
        "name": "gpu-operator",
        "version": "v26.7.0",
        "url": "https://helm.ngc.nvidia.com/nvidia",
        "repoName": "gpu-operator",
        "namespace": "gpu-operator",
    }
    assert oci == {
        "name": "kai-scheduler",
        "version": "v0.16.9",
        "url": "oci://ghcr.io/kai/charts/kai-scheduler",
    }


def test_empty_list_still_gives_valid_documents() -> None:
    empty = MirrorList()
    (images_doc,) = hauler.documents(empty)
    _schema("hauler-images.json", images_doc)
    doc = zarf.document(empty)
    assert doc["components"] == [{"name": "aicr-images", "required": True}]
    _schema("zarf-package-config.json", doc)


@pytest.mark.parametrize("fmt", ["yaml", "json", "hauler", "zarf"])
def test_rendering_is_byte_identical_across_runs(fmt: str) -> None:
    assert render(_mirror(), fmt) == render(_mirror(), fmt)


def test_unknown_format_is_invalid_request() -> None:
    with pytest.raises(AicrError) as err:
        render(_mirror(), "xml")
    assert err.value.code is Code.INVALID_REQUEST
