"""Value provenance (`--explain`): each layer wins where it should, and every field has one entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.support.tiny_catalog import helm, mixin, overlay, tiny_catalog

import aicr
from aicr.recipe.provenance import leaf_paths

TRAINING = aicr.Criteria(service="eks", intent="training")


@pytest.fixture
def catalog(tmp_path: Path) -> aicr.Catalog:
    return tiny_catalog(
        tmp_path / "cat",
        registry=[helm("gpu-operator", "1.0.0"), helm("nfd", "0.9.0")],
        base=overlay(
            "base",
            componentRefs=[{"name": "gpu-operator", "valuesFile": "components/gpu-operator/values.yaml"}],
            constraints=[{"name": "K8s.server.version", "value": ">= 1.30"}],
        ),
        overlays=[
            overlay("eks", {"service": "eks"}, componentRefs=[{"name": "nfd"}]),
            overlay(
                "eks-training",
                {"service": "eks", "intent": "training"},
                base="eks",
                mixins=["extra"],
                constraints=[{"name": "K8s.server.version", "value": ">= 1.32"}],
                componentRefs=[
                    {
                        "name": "gpu-operator",
                        "version": "2.0.0",
                        "valuesFile": "components/gpu-operator/values-training.yaml",
                        "overrides": {"driver": {"version": "580.1", "enabled": None}},
                        "dependencyRefs": ["nfd"],
                    }
                ],
                validation={"deployment": {"checks": ["operator-health"]}},
            ),
        ],
        mixins=[mixin("extra", constraints=[{"name": "OS.release.ID", "value": "ubuntu"}])],
        files={
            "components/gpu-operator/values.yaml": {"driver": {"version": "550.0", "enabled": True}, "a": 1},
            "components/gpu-operator/values-training.yaml": {"driver": {"rdma": True}, "a": 2},
        },
    )


def explain(catalog: aicr.Catalog) -> dict[str, Any]:
    result = catalog.resolve(TRAINING, explain=True)
    assert result.provenance is not None
    return result.provenance


def test_overlay_version_beats_the_registry_default(catalog: aicr.Catalog) -> None:
    entry = explain(catalog)["components.gpu-operator.version"]
    assert (entry["layer"], entry["source"], entry["value"]) == ("overlay", "eks-training", "2.0.0")
    assert entry["file"].startswith("overlays/eks-training.yaml:")


def test_registry_fills_what_no_overlay_set(catalog: aicr.Catalog) -> None:
    prov = explain(catalog)
    assert prov["components.nfd.version"] == {
        "layer": "registry", "source": "registry:nfd", "value": "0.9.0"
    }  # fmt: skip
    assert prov["components.nfd"]["source"] == "eks"


def test_values_file_variant_overrides_the_base_values_file(catalog: aicr.Catalog) -> None:
    entry = explain(catalog)["components.gpu-operator.values.a"]
    assert (entry["layer"], entry["source"], entry["value"]) == (
        "values-file", "components/gpu-operator/values-training.yaml", 2
    )  # fmt: skip
    assert entry["overrode"] == [
        {"layer": "values-file", "source": "components/gpu-operator/values.yaml", "value": 1}
    ]


def test_overlay_override_beats_values_files_and_null_is_traced(catalog: aicr.Catalog) -> None:
    prov = explain(catalog)
    entry = prov["components.gpu-operator.values.driver.version"]
    assert (entry["layer"], entry["source"], entry["value"]) == ("overlay", "eks-training", "580.1")
    assert entry["overrode"][0]["value"] == "550.0"
    enabled = prov["components.gpu-operator.values.driver.enabled"]  # null: Helm drops the chart default
    assert (enabled["source"], enabled["value"], enabled["overrode"][0]["value"]) == (
        "eks-training",
        None,
        True,
    )


def test_constraints_name_the_last_overlay_and_the_mixin(catalog: aicr.Catalog) -> None:
    prov = explain(catalog)
    assert prov["constraints.K8s.server.version"]["source"] == "eks-training"
    assert prov["constraints.K8s.server.version"]["overrode"][0]["source"] == "base"
    assert (prov["constraints.OS.release.ID"]["layer"], prov["constraints.OS.release.ID"]["source"]) == (
        "mixin", "extra"
    )  # fmt: skip


def test_dependencies_and_checks_are_traced(catalog: aicr.Catalog) -> None:
    prov = explain(catalog)
    assert prov["components.gpu-operator.dependencyRefs.nfd"]["source"] == "eks-training"
    assert prov["validation.deployment.checks.operator-health"]["source"] == "eks-training"


def test_lines_point_at_the_setting_line(catalog: aicr.Catalog) -> None:
    entry = explain(catalog)["components.gpu-operator.version"]
    path, line = entry["file"].rsplit(":", 1)
    text = Path(catalog.file_path(path)).read_text().splitlines()
    assert "2.0.0" in text[int(line) - 1]


def test_without_explain_there_is_no_provenance(catalog: aicr.Catalog) -> None:
    assert catalog.resolve(TRAINING).provenance is None
    assert catalog.resolve(TRAINING).to_dict() == catalog.resolve(TRAINING, explain=True).to_dict()


def result_paths(catalog: aicr.Catalog, result: aicr.RecipeResult) -> set[str]:
    """Every field of a resolved recipe, named as provenance names them."""
    paths: set[str] = set()
    for ref in result.to_dict()["componentRefs"]:
        prefix = f"components.{ref['name']}"
        paths.add(prefix)
        for field, value in ref.items():
            if field in ("name", "overrides") or value in (None, "", [], {}, False):
                continue
            if field == "dependencyRefs":
                paths.update(f"{prefix}.dependencyRefs.{dep}" for dep in value)
            else:
                paths.add(f"{prefix}.{field}")
        values = catalog.component_values(ref)
        if values:
            paths.update(leaf_paths(values, f"{prefix}.values"))
    doc = result.to_dict()
    paths.update(f"constraints.{c['name']}" for c in doc.get("constraints") or [])
    for phase, body in (doc.get("validation") or {}).items():
        paths.update(f"validation.{phase}.checks.{c}" for c in body.get("checks") or [])
        paths.update(f"validation.{phase}.constraints.{c['name']}" for c in body.get("constraints") or [])
        paths.update(
            f"validation.{phase}.{f}" for f in ("timeout", "nodeSelection", "infrastructure") if body.get(f)
        )
    return paths


def test_every_field_of_the_synthetic_recipe_has_exactly_one_entry(catalog: aicr.Catalog) -> None:
    result = catalog.resolve(TRAINING, explain=True)
    assert set(result.provenance or {}) == result_paths(catalog, result)


EMBEDDED = aicr.load_catalog()
LEAVES = sorted(
    name
    for name, doc in EMBEDDED.overlays.items()
    if not any(other.get("base") == name for other in EMBEDDED.overlays.values()) and doc.get("criteria")
)


@pytest.mark.parametrize("leaf", LEAVES)
def test_every_field_of_every_embedded_leaf_has_exactly_one_entry(leaf: str) -> None:
    criteria = aicr.Criteria(**{k: v for k, v in EMBEDDED.overlays[leaf]["criteria"].items() if v})
    result = EMBEDDED.resolve(criteria, explain=True)
    assert set(result.provenance or {}) == result_paths(EMBEDDED, result)
