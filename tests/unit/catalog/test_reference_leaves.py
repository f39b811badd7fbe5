"""Every leaf of the embedded catalog against its reviewed golden, and the reference leaf list.

A golden (tests/golden/recipes/<leaf>.yaml) holds what a leaf resolves to with its own criteria:
applied overlays, components (version, namespace, enabled, dependencies), deployment order,
constraints and the Slurm accounting record. Declared checks are left out: the integrity tests in
test_embedded_catalog.py cover them. Regenerate with
`pytest tests/unit/catalog/test_reference_leaves.py --update-goldens` and review the diff
against NVIDIA/aicr's published recipe docs before committing.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from aicr.catalog import docgen
from aicr.catalog.catalog import Catalog, load_catalog
from aicr.recipe.criteria import Criteria
from aicr.recipe.deps import is_enabled

GOLDEN_DIR = Path(__file__).resolve().parents[2] / "golden" / "recipes"

# The leaves of NVIDIA/aicr's recipe-health page (current catalog), plus the later reference
# leaves issue 13 names (k0s, generic GB300, VR200 on RKE2) and the three Kueue TAS leaves,
# offered here under the same name and criteria. Reference leaves not reproduced are listed,
# with the reason, in src/aicr/catalog/data/README.md.
REFERENCE_LEAVES = [
    "a100-any",
    "b200-any",
    "gb200-any",
    "gb300-any",
    "h100-any",
    "h200-any",
    "l40-any",
    "l40s-any",
    "rtx-pro-6000-any",
    "monitoring-hpa",
    "a100-aks-ubuntu-training-kubeflow",
    "h100-aks-ubuntu-inference-dynamo",
    "h100-aks-ubuntu-training-kubeflow",
    "h100-aks-ubuntu-training-slurm",
    "bcm-inference",
    "h100-bcm-ubuntu-training",
    "a100-eks-ubuntu-training-kubeflow",
    "gb200-eks-ubuntu-inference-dynamo",
    "gb200-eks-ubuntu-training-kubeflow",
    "gb200-eks-ubuntu-training-slurm",
    "gb300-eks-ubuntu-inference-dynamo",
    "gb300-eks-ubuntu-training-kubeflow",
    "gb300-eks-ubuntu-training-slurm",
    "h100-eks-ubuntu-inference-dynamo",
    "h100-eks-ubuntu-inference-nim",
    "h100-eks-ubuntu-training-kubeflow",
    "h100-eks-ubuntu-training-kueue",
    "h100-eks-ubuntu-training-slurm",
    "h200-eks-inference",
    "h200-eks-training",
    "rtx-pro-6000-eks-ubuntu-inference-dynamo",
    "rtx-pro-6000-eks-ubuntu-inference-nim",
    "rtx-pro-6000-eks-ubuntu-training-kubeflow",
    "a100-gke-cos-training-kubeflow",
    "b200-gke-cos-inference-dynamo",
    "b200-gke-cos-training-kubeflow",
    "gb200-gke-cos-training-slurm",
    "h100-gke-cos-inference-dynamo",
    "h100-gke-cos-training-kubeflow",
    "h100-gke-cos-training-kueue",
    "h100-gke-cos-training-slurm",
    "h100-kind-inference-dynamo",
    "h100-kind-training-kubeflow",
    "h100-kind-training-kueue",
    "h100-kind-training-slurm",
    "rtx-pro-6000-lke-ubuntu-inference",
    "rtx-pro-6000-lke-ubuntu-training",
    "a100-oke-ubuntu-training-kubeflow",
    "gb200-oke-ubuntu-inference-dynamo",
    "gb200-oke-ubuntu-training-kubeflow",
    "l40s-oke-inference",
    "l40s-oke-training",
    "ocp-inference-nim",
    "ocp-training",
    "h200-k0s-ubuntu-training",
    "gb300-generic-ubuntu-training",
    "vr200-rke2-ubuntu-training-kubeflow",
    "vr200-rke2-ubuntu-inference-dynamo",
]
SLURM_LEAVES = [name for name in REFERENCE_LEAVES if name.endswith("-slurm")]


@cache
def _catalog() -> Catalog:
    saved = os.environ.get("AICR_NO_CATALOG_CACHE")
    os.environ["AICR_NO_CATALOG_CACHE"] = "1"
    try:
        return load_catalog()
    finally:
        if saved is None:
            del os.environ["AICR_NO_CATALOG_CACHE"]
        else:
            os.environ["AICR_NO_CATALOG_CACHE"] = saved


def _own_criteria(name: str) -> Criteria:
    return Criteria.from_mapping(docgen.stated_criteria(_catalog().overlays[name]))


def summary(catalog: Catalog, name: str) -> dict[str, Any]:
    """The golden view of one leaf resolved with its own criteria."""
    doc = catalog.resolve(_own_criteria(name)).doc
    components = {}
    for ref in doc["componentRefs"]:
        entry: dict[str, Any] = {"version": ref.get("version", ""), "namespace": ref.get("namespace", "")}
        if not is_enabled(ref):
            entry["enabled"] = False
        if ref.get("dependencyRefs"):
            entry["dependencyRefs"] = sorted(ref["dependencyRefs"])
        components[ref["name"]] = entry
    out: dict[str, Any] = {"criteria": docgen.stated_criteria(catalog.overlays[name])}
    selected = doc["metadata"].get("selectedProfile")
    if selected is not None:  # the default value; tests/golden/profiles/ holds every value
        out["apiVersion"] = doc["apiVersion"]
        out["selectedProfile"] = f"{selected['name']}={selected['value']}"
    out.update({
        "appliedOverlays": doc["metadata"]["appliedOverlays"],
        "constraints": {c["name"]: c["value"] for c in doc.get("constraints") or []},
        "components": components,
        "deploymentOrder": doc["deploymentOrder"],
    })  # fmt: skip
    if "configuration" in doc:
        out["configuration"] = doc["configuration"]
    return out


def _render(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False, width=120)


@pytest.mark.parametrize("leaf", docgen.leaf_names(_catalog()))
def test_leaf_matches_its_golden(leaf: str, update_goldens: bool) -> None:
    path = GOLDEN_DIR / f"{leaf}.yaml"
    text = _render(summary(_catalog(), leaf))
    if update_goldens:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), f"no golden for {leaf}: run with --update-goldens and review it"
    assert path.read_text(encoding="utf-8") == text


def test_every_golden_belongs_to_a_leaf() -> None:
    leaves = set(docgen.leaf_names(_catalog()))
    stale = sorted(p.stem for p in GOLDEN_DIR.glob("*.yaml") if p.stem not in leaves)
    assert not stale


@pytest.mark.parametrize("leaf", REFERENCE_LEAVES)
def test_reference_leaf_is_offered_and_resolves_to_itself(leaf: str) -> None:
    catalog = _catalog()
    assert leaf in catalog.overlays, f"reference leaf {leaf} is missing"
    applied = catalog.resolve(_own_criteria(leaf)).applied_overlays
    assert applied[-1] == leaf


@pytest.mark.parametrize("leaf", SLURM_LEAVES)
def test_slurm_leaf_declares_the_slinky_and_accounting_components(leaf: str) -> None:
    doc = _catalog().resolve(_own_criteria(leaf)).doc
    names = {ref["name"] for ref in doc["componentRefs"]}
    expected = {"slinky-slurm-operator-crds", "slinky-slurm-operator", "slinky-slurm"}
    expected |= {"mariadb-operator-crds", "mariadb-operator", "slurm-accounting-mariadb"}
    assert expected <= names
    assert doc["configuration"]["slurm"]["accounting"]["mode"] == "disabled"
    assert "slinky-slurm-health" in doc["validation"]["conformance"]["checks"]
