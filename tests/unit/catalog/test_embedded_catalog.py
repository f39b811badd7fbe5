"""Integrity of the embedded catalog (src/aicr/catalog/data) and of its generated reference page.

Every leaf resolves with its own criteria, every path an overlay or mixin names exists, the
overlay tree is shallow and acyclic, the registry is unambiguous, declared checks exist in the
validator catalog under their phase, and docs/catalog.md matches the generator's output.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from aicr.catalog import docgen
from aicr.catalog.catalog import Catalog, load_catalog
from aicr.catalog.sources import EMBEDDED_DIR
from aicr.errors import AicrError
from aicr.recipe.criteria import ANY, FIELDS, STATIC_VALUES, Criteria
from aicr.recipe.deps import is_enabled
from aicr.recipe.matching import chain

REPO_ROOT = Path(__file__).resolve().parents[3]
DOCS_PAGE = REPO_ROOT / "docs" / "catalog.md"
EXAMPLE = {
    "service": "eks",
    "accelerator": "h100",
    "intent": "training",
    "os": "ubuntu",
    "platform": "kubeflow",
}
REQUIRED_CHECKS = {
    "operator-health": "deployment",
    "expected-resources": "deployment",
    "gpu-operator-version": "deployment",
    "check-nvidia-smi": "deployment",
    "nccl-all-reduce-bw": "performance",
    "dra-support": "conformance",
    "gang-scheduling": "conformance",
    "accelerator-metrics": "conformance",
    "ai-service-metrics": "conformance",
    "inference-gateway": "conformance",
    "pod-autoscaling": "conformance",
    "cluster-autoscaling": "conformance",
    "robust-controller": "conformance",
    "secure-accelerator-access": "conformance",
    "gpu-operator-health": "conformance",
    "platform-health": "conformance",
}
# catalog-facts.md §6: the v0.11 leaves this catalog must keep offering.
V011_LEAVES = [
    f"{x}-ubuntu-{suffix}"
    for x in ("gb200-eks", "h100-eks", "h100-aks")
    for suffix in ("training-kubeflow", "inference-dynamo")
] + [
    "h100-gke-cos-training-kubeflow",
    "h100-gke-cos-inference-dynamo",
    "h100-kind-training",
    "h100-kind-inference-dynamo",
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@cache
def _collection_catalog() -> Catalog:
    """The catalog as seen at collection time, before fixtures run: never touch a cache dir."""
    saved = os.environ.get("AICR_NO_CATALOG_CACHE")
    os.environ["AICR_NO_CATALOG_CACHE"] = "1"
    try:
        return load_catalog()
    finally:
        if saved is None:
            del os.environ["AICR_NO_CATALOG_CACHE"]
        else:
            os.environ["AICR_NO_CATALOG_CACHE"] = saved


def _overlays_with_criteria() -> list[str]:
    cat = _collection_catalog()
    return sorted(n for n, o in cat.overlays.items() if n != cat.base_name and o.get("criteria") is not None)


def _leaves() -> list[str]:
    return docgen.leaf_names(_collection_catalog())


def _own_criteria(catalog: Catalog, name: str) -> Criteria:
    return Criteria.from_mapping(docgen.stated_criteria(catalog.overlays[name]))


def _documents(catalog: Catalog) -> list[tuple[str, dict[str, Any]]]:
    """(label, plain document) for every overlay and mixin."""
    docs = [(f"overlay {n}", o) for n, o in catalog.overlays.items()]
    docs += [(f"mixin {n}", m) for n, m in catalog.mixins.items()]
    return docs


@pytest.mark.parametrize("leaf", _leaves())
def test_leaf_resolves_with_its_own_criteria(catalog: Catalog, leaf: str) -> None:
    result = catalog.resolve(_own_criteria(catalog, leaf))
    assert result.applied_overlays[0] == catalog.base_name
    assert result.applied_overlays[-1] == leaf
    assert result.component_refs, f"{leaf} resolved to no components"


@pytest.mark.parametrize("name", _overlays_with_criteria())
def test_every_overlay_resolves_with_its_own_criteria(catalog: Catalog, name: str) -> None:
    result = catalog.resolve(_own_criteria(catalog, name))
    assert name in result.applied_overlays


@pytest.mark.parametrize("leaf", _leaves())
def test_leaf_deployment_order_is_enabled_components_dependencies_first(catalog: Catalog, leaf: str) -> None:
    result = catalog.resolve(_own_criteria(catalog, leaf))
    enabled = {ref["name"] for ref in result.component_refs if is_enabled(ref)}
    order = result.deployment_order
    assert sorted(order) == sorted(enabled)
    assert len(order) == len(set(order))
    position = {name: i for i, name in enumerate(order)}
    for ref in result.component_refs:
        for dep in ref.get("dependencyRefs") or []:
            if ref["name"] in position and dep in position:
                assert position[dep] < position[ref["name"]], f"{leaf}: {dep} must come before {ref['name']}"


@pytest.mark.parametrize("leaf", _leaves())
def test_leaf_order_keeps_the_gpu_stack_sequence(catalog: Catalog, leaf: str) -> None:
    # catalog-facts.md §8.3: node tuning < gpu-operator < its consumers; kai-scheduler < Dynamo.
    order = catalog.resolve(_own_criteria(catalog, leaf)).deployment_order
    pos = {name: i for i, name in enumerate(order)}
    pairs = [("nodewright-customizations", "gpu-operator"), ("kai-scheduler", "dynamo-platform")]
    pairs += [("gpu-operator", c) for c in ("nvsentinel", "dynamo-platform", "kubeflow-trainer")]
    for first, then in pairs:
        if first in pos and then in pos:
            assert pos[first] < pos[then], f"{leaf}: {first} must deploy before {then}"


@pytest.mark.parametrize("leaf", _leaves())
def test_leaf_helm_components_are_pinned(catalog: Catalog, leaf: str) -> None:
    for ref in catalog.resolve(_own_criteria(catalog, leaf)).component_refs:
        if is_enabled(ref) and ref.get("source"):
            assert ref.get("version"), f"{leaf}: {ref['name']} has a chart source but no version"
        elif is_enabled(ref):
            assert ref.get("manifestFiles"), f"{leaf}: manifest-only {ref['name']} lists no manifests"


def test_v011_leaves_are_still_offered(catalog: Catalog) -> None:
    missing = [name for name in V011_LEAVES if name not in catalog.overlays]
    assert not missing
    for name in V011_LEAVES:
        catalog.resolve(_own_criteria(catalog, name))


def test_no_two_overlays_share_criteria(catalog: Catalog) -> None:
    seen: dict[tuple[tuple[str, str], ...], str] = {}
    for name in _overlays_with_criteria():
        key = tuple(sorted(docgen.stated_criteria(catalog.overlays[name]).items()))
        assert key not in seen, f"{name} and {seen[key]} have the same criteria"
        seen[key] = name


def test_referenced_files_exist(catalog: Catalog) -> None:
    missing = []
    for label, doc in _documents(catalog):
        for ref in doc.get("componentRefs") or []:
            paths = [ref.get("valuesFile") or ""]
            paths += list(ref.get("manifestFiles") or []) + list(ref.get("preManifestFiles") or [])
            missing += [f"{label}: {ref['name']} -> {p}" for p in paths if p and not catalog.has_file(p)]
    for entry in catalog.registry:
        missing += [
            f"registry {entry['name']} -> {p}"
            for p in entry.get("manifestFiles") or []
            if not catalog.has_file(p)
        ]
    assert not missing


def test_component_and_dependency_names_are_registered(catalog: Catalog) -> None:
    registered = {entry["name"] for entry in catalog.registry}
    unknown = []
    for label, doc in _documents(catalog):
        for ref in doc.get("componentRefs") or []:
            names = [ref["name"], *(ref.get("dependencyRefs") or [])]
            unknown += [f"{label}: {n}" for n in names if n not in registered]
    assert not unknown


def test_mixins_named_by_overlays_exist(catalog: Catalog) -> None:
    for name, overlay in catalog.overlays.items():
        for mixin in overlay.get("mixins") or []:
            assert mixin in catalog.mixins, f"overlay {name} lists unknown mixin {mixin}"


def test_criteria_values_are_valid_for_their_field(catalog: Catalog) -> None:
    for name, overlay in catalog.overlays.items():
        for field, value in (overlay.get("criteria") or {}).items():
            assert field in FIELDS
            assert value == ANY or value in STATIC_VALUES[field], f"{name}: {field}={value}"


def test_chains_are_acyclic_and_at_most_ten_deep(catalog: Catalog) -> None:
    for name in catalog.overlays:
        if name == catalog.base_name:
            continue
        path = chain(name, catalog.overlays, catalog.base_name)
        assert len(path) <= 10, f"{name}: chain {path} is deeper than 10"


def test_registry_names_and_override_keys_are_unique() -> None:
    raw = yaml.safe_load((Path(EMBEDDED_DIR) / "registry.yaml").read_text())
    names = [entry["name"] for entry in raw["components"]]
    keys = [key for entry in raw["components"] for key in entry.get("valueOverrideKeys") or []]
    assert len(names) == len(set(names))
    assert len(keys) == len(set(keys))


def test_registry_helm_components_have_default_versions(catalog: Catalog) -> None:
    for entry in catalog.registry:
        helm = entry.get("helm") or {}
        if helm.get("defaultRepository"):
            assert helm.get("defaultVersion"), entry["name"]
            assert helm.get("defaultChart"), entry["name"]
        assert helm.get("defaultNamespace"), entry["name"]


def test_declared_checks_exist_in_their_phase(catalog: Catalog) -> None:
    phases = {v["name"]: v["phase"] for v in catalog.validators}
    for name, overlay in catalog.overlays.items():
        for phase, body in (overlay.get("validation") or {}).items():
            for check in (body or {}).get("checks") or []:
                assert phases.get(check) == phase, f"{name}: {phase} check {check} is not in that phase"


def test_validator_catalog_lists_the_required_checks(catalog: Catalog) -> None:
    entries = {v["name"]: v for v in catalog.validators}
    for name, phase in REQUIRED_CHECKS.items():
        entry = entries[name]
        assert entry["phase"] == phase
        assert entry["image"] == f"ghcr.io/nvidia/aicr-validators/{phase}:latest"
        assert entry["args"] == [name]
        assert entry["resources"] == {"cpu": "1", "memory": "1Gi"}
        assert entry["timeout"]


def test_values_files_are_mappings() -> None:
    for path in sorted((Path(EMBEDDED_DIR) / "components").rglob("values*.yaml")):
        assert isinstance(yaml.safe_load(path.read_text()), dict), path


def test_example_leaf_driver_version_is_queryable(catalog: Catalog) -> None:
    crit = Criteria.from_mapping(EXAMPLE)
    assert catalog.query(crit, "components.gpu-operator.values.driver.version") == "595.91.07"
    assert catalog.query(crit, "components.gpu-operator.values.driver.enabled") is True


def test_platform_leaf_without_os_asks_for_os(catalog: Catalog) -> None:
    crit = Criteria.from_mapping({k: v for k, v in EXAMPLE.items() if k != "os"})
    with pytest.raises(AicrError, match="requires os"):
        catalog.resolve(crit)


def test_os_talos_mixin_applies_to_an_external_leaf(tmp_path: Path) -> None:
    (tmp_path / "overlays").mkdir()
    (tmp_path / "registry.yaml").write_text(
        "kind: ComponentRegistry\napiVersion: aicr.nvidia.com/v1alpha1\ncomponents: []\n"
    )
    (tmp_path / "overlays" / "h100-kind-talos-training.yaml").write_text(
        "kind: RecipeMetadata\napiVersion: aicr.nvidia.com/v1alpha1\n"
        "metadata: {name: h100-kind-talos-training}\n"
        "spec:\n  base: h100-kind-training\n"
        "  criteria: {service: kind, accelerator: h100, os: talos, intent: training}\n"
        "  mixins: [os-talos]\n"
    )
    cat = load_catalog(data=tmp_path)
    result = cat.resolve(Criteria(service="kind", accelerator="h100", os="talos", intent="training"))
    ref = result.component("gpu-operator")
    assert ref is not None
    assert ref["preManifestFiles"] == ["components/gpu-operator/manifests/privileged-namespace.yaml"]
    assert {"name": "OS.release.ID", "value": "talos"} in result.constraints


PLACEMENT = {
    "acceleratedTolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}],
    "acceleratedNodeSelector": {"nodeGroup": "gpu"},
    "workloadSelector": {"app": "training"},
}


# Manifests that render nothing until a value turns them on: the value that does.
GATED_MANIFESTS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "components/slinky-slurm/manifests/shared-storage-pvcs.yaml": lambda values: (
        values | {"storage": {**values["storage"], "enabled": True}}
    ),
}


def _render_manifest(helm: Any, chart: Path, ref: dict[str, Any], text: str, values: dict[str, Any]) -> str:
    (chart / "templates").mkdir(parents=True, exist_ok=True)
    (chart / "Chart.yaml").write_text(f"apiVersion: v2\nname: {ref['name']}\nversion: 0.1.0\n")
    (chart / "templates" / "manifest.yaml").write_text(text)
    with helm.Chart.load(str(chart)) as loaded:
        out = loaded.render({ref["name"]: values}, name=ref["name"], namespace=ref["namespace"])
    return "".join(out.values())


def test_leaf_manifests_render_with_helm(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    helm = pytest.importorskip("helm_python")
    monkeypatch.setenv("HOME", str(tmp_path))
    rendered = 0
    for leaf in docgen.leaf_names(catalog):
        for ref in catalog.resolve(_own_criteria(catalog, leaf)).component_refs:
            files = [*(ref.get("preManifestFiles") or []), *(ref.get("manifestFiles") or [])]
            for rel in files:
                values = catalog.component_values(ref)
                if rel in GATED_MANIFESTS:
                    text = _render_manifest(helm, tmp_path / "chart", ref, catalog.read_text(rel), values)
                    assert not [doc for doc in yaml.safe_load_all(text) if doc], f"{leaf}: {rel} is not gated"
                    values = GATED_MANIFESTS[rel](values)
                for extra in ({}, PLACEMENT):
                    text = _render_manifest(
                        helm, tmp_path / "chart", ref, catalog.read_text(rel), values | extra
                    )
                    objects = [doc for doc in yaml.safe_load_all(text) if doc]
                    assert objects, f"{leaf}: {rel} rendered no objects"
                    assert all(doc.get("kind") and doc.get("apiVersion") for doc in objects), rel
                    rendered += 1
    assert rendered


def test_docgen_is_deterministic(catalog: Catalog) -> None:
    assert docgen.render(catalog) == docgen.render(catalog)


def test_docs_catalog_page_is_current(catalog: Catalog) -> None:
    expected = docgen.render(catalog)
    current = DOCS_PAGE.read_text(encoding="utf-8") if DOCS_PAGE.exists() else ""
    assert current == expected, "docs/catalog.md is stale: run `make docs` and commit the result"
