"""The bundle SBOM (CycloneDX 1.6): components, dependencies, images, determinism."""

from __future__ import annotations

import json
from typing import Any

import pytest

from aicr.bundle.sbom import image_purl, render_sbom


def test_every_recipe_component_is_listed_with_chart_version_and_repository(
    training_doc: dict[str, Any],
) -> None:
    bom = json.loads(render_sbom(training_doc, "v0.1.0"))
    assert bom["bomFormat"] == "CycloneDX" and bom["specVersion"] == "1.6"
    by_name = {c["name"]: c for c in bom["components"]}
    for ref in training_doc["componentRefs"]:
        comp = by_name[ref["name"]]
        assert comp["version"] == (ref.get("version") or ref.get("tag") or "")
        if ref.get("source"):
            assert comp["externalReferences"] == [{"type": "distribution", "url": ref["source"]}]
    assert bom["metadata"]["tools"]["components"][0] == {
        "type": "application",
        "name": "aicr",
        "version": "v0.1.0",
    }


def test_dependencies_follow_dependency_refs(training_doc: dict[str, Any]) -> None:
    bom = json.loads(render_sbom(training_doc, "v0.1.0"))
    deps = {d["ref"]: d["dependsOn"] for d in bom["dependencies"]}
    for ref in training_doc["componentRefs"]:
        assert deps[f"component:{ref['name']}"] == sorted(
            f"component:{d}" for d in ref.get("dependencyRefs") or []
        )


def test_sbom_is_deterministic_and_the_serial_follows_the_content(training_doc: dict[str, Any]) -> None:
    first = render_sbom(training_doc, "v0.1.0")
    assert first == render_sbom(training_doc, "v0.1.0")
    other = render_sbom(training_doc, "v0.2.0")
    assert json.loads(first)["serialNumber"] != json.loads(other)["serialNumber"]
    assert json.loads(first)["serialNumber"].startswith("urn:uuid:")


def test_images_become_container_components() -> None:
    bom = json.loads(
        render_sbom({"componentRefs": []}, "v0", images=["nvcr.io/nvidia/gpu-operator:v26.7.0"] * 2)
    )
    assert bom["components"] == [
        {
            "type": "container",
            "bom-ref": "image:nvcr.io/nvidia/gpu-operator:v26.7.0",
            "name": "nvcr.io/nvidia/gpu-operator:v26.7.0",
            "purl": "pkg:oci/gpu-operator@v26.7.0?repository_url=nvcr.io/nvidia/gpu-operator",
        }
    ]


@pytest.mark.parametrize(
    ("image", "purl"),
    [
        ("registry.k8s.io/pause", "pkg:oci/pause?repository_url=registry.k8s.io/pause"),
        ("localhost:5000/a/b:1.0", "pkg:oci/b@1.0?repository_url=localhost:5000/a/b"),
        ("ghcr.io/x/y@sha256:" + "a" * 64, "pkg:oci/y@sha256%3A" + "a" * 64 + "?repository_url=ghcr.io/x/y"),
    ],
)
def test_image_purls(image: str, purl: str) -> None:
    assert image_purl(image) == purl
