"""The Kueue TAS leaves and the Slurm leaves' enroot / shared-storage pre-manifests (issue 13 item 1).

Facts from NVIDIA/aicr (recipes/overlays/h100-*-training-kueue.yaml, recipes/components/kueue,
recipes/components/topograph, the *-training-slurm leaves' preManifestFiles): each Kueue leaf runs
Topograph with its provider before Kueue, and ships the Topology matching that provider.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from aicr.catalog import docgen
from aicr.catalog.catalog import Catalog, load_catalog
from aicr.recipe.criteria import Criteria

KUEUE_LEAVES = {
    # leaf: (Topograph provider, Topology manifest, Kubernetes floor)
    "h100-eks-ubuntu-training-kueue": ("aws", "topology-tiers-3.yaml", ">= 1.32.4"),
    "h100-gke-cos-training-kueue": ("gcp", "topology-tiers-3.yaml", ">= 1.32"),
    "h100-kind-training-kueue": ("dra", "topology-accelerator.yaml", ">= 1.34"),
}
SLURM_PRE = (
    "components/slinky-slurm/manifests/enroot-config.yaml",
    "components/slinky-slurm/manifests/shared-storage-pvcs.yaml",
)
ENROOT_CONFIGMAP = "slinky-slurm-enroot-config"


@cache
def _catalog() -> Catalog:
    return load_catalog()


def _resolve(leaf: str) -> dict[str, Any]:
    catalog = _catalog()
    criteria = Criteria.from_mapping(docgen.stated_criteria(catalog.overlays[leaf]))
    return catalog.resolve(criteria).doc


def _ref(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return next(ref for ref in doc["componentRefs"] if ref["name"] == name)


def _slurm_leaves() -> list[str]:
    return sorted(name for name in docgen.leaf_names(_catalog()) if name.endswith("-training-slurm"))


@pytest.mark.parametrize("leaf", sorted(KUEUE_LEAVES))
def test_kueue_leaf_runs_topograph_with_its_provider_before_kueue(leaf: str) -> None:
    doc = _resolve(leaf)
    provider = _ref(doc, "topograph")["overrides"]["provider"]["name"]
    assert provider == KUEUE_LEAVES[leaf][0]
    order = doc["deploymentOrder"]
    assert order.index("topograph") < order.index("kueue")
    assert _ref(doc, "kueue")["dependencyRefs"] == ["topograph"]


@pytest.mark.parametrize("leaf", sorted(KUEUE_LEAVES))
def test_kueue_leaf_ships_the_topology_of_its_provider_and_the_tas_queue(leaf: str) -> None:
    manifests = _ref(_resolve(leaf), "kueue")["manifestFiles"]
    assert [m.rsplit("/", 1)[-1] for m in manifests] == [
        KUEUE_LEAVES[leaf][1],
        "tas-flavor.yaml",
        "cluster-queue-tas.yaml",
        "local-queue.yaml",
    ]


@pytest.mark.parametrize("leaf", sorted(KUEUE_LEAVES))
def test_kueue_leaf_states_the_reference_kubernetes_floor(leaf: str) -> None:
    constraints = {c["name"]: c["value"] for c in _resolve(leaf)["constraints"]}
    assert constraints["K8s.server.version"] == KUEUE_LEAVES[leaf][2]


def test_kueue_and_topograph_are_pinned_to_the_reference_charts() -> None:
    doc = _resolve("h100-kind-training-kueue")
    kueue, topograph = _ref(doc, "kueue"), _ref(doc, "topograph")
    assert (kueue["source"], kueue["chart"], kueue["version"], kueue["namespace"]) == (
        "oci://registry.k8s.io/kueue/charts",
        "kueue",
        "0.19.3",
        "kueue-system",
    )
    assert (topograph["source"], topograph["version"], topograph["namespace"]) == (
        "https://nvidia.github.io/topograph",
        "1.0.0",
        "topograph",
    )


def test_kind_kueue_leaf_reads_gpu_clique_labels_without_the_node_data_broker() -> None:
    overrides = _ref(_resolve("h100-kind-training-kueue"), "topograph")["overrides"]
    assert overrides["provider"]["params"]["accelerator"]["kubernetesLabel"]["key"] == "nvidia.com/gpu.clique"
    assert overrides["nodeDataBroker"]["enabled"] is False


def test_tas_objects_reference_each_other_by_name() -> None:
    docs = {}
    for name in ("topology-tiers-3.yaml", "topology-accelerator.yaml", "tas-flavor.yaml",
                 "cluster-queue-tas.yaml", "local-queue.yaml"):  # fmt: skip
        text = _catalog().read_text(f"components/kueue/manifests/{name}")
        (doc,) = [d for d in yaml.safe_load_all(text) if d]
        docs[name] = doc
    topology_names = {
        docs[n]["metadata"]["name"] for n in ("topology-tiers-3.yaml", "topology-accelerator.yaml")
    }
    assert topology_names == {docs["tas-flavor.yaml"]["spec"]["topologyName"]}
    flavors = docs["cluster-queue-tas.yaml"]["spec"]["resourceGroups"][0]["flavors"]
    assert [f["name"] for f in flavors] == [docs["tas-flavor.yaml"]["metadata"]["name"]]
    assert (
        docs["local-queue.yaml"]["spec"]["clusterQueue"] == docs["cluster-queue-tas.yaml"]["metadata"]["name"]
    )


def test_every_slurm_leaf_is_covered() -> None:
    assert len(_slurm_leaves()) == 7


@pytest.mark.parametrize("leaf", _slurm_leaves())
def test_slurm_leaf_applies_enroot_config_and_shared_storage_before_the_chart(leaf: str) -> None:
    pre = _ref(_resolve(leaf), "slinky-slurm")["preManifestFiles"]
    assert list(pre[:2]) == list(SLURM_PRE)


@pytest.mark.parametrize("leaf", _slurm_leaves())
def test_slurm_pods_mount_the_enroot_configmap_the_pre_manifest_creates(leaf: str) -> None:
    values = _catalog().component_values(_ref(_resolve(leaf), "slinky-slurm"))
    for podset in (values["loginsets"]["slinky"], values["nodesets"]["slinky"]):
        volumes = {v["name"]: v for v in podset["podSpec"]["volumes"]}
        assert volumes["enroot-config"]["configMap"]["name"] == ENROOT_CONFIGMAP
    text = _catalog().read_text(SLURM_PRE[0])
    assert f"name: {ENROOT_CONFIGMAP}\n" in text


def test_shared_storage_is_off_by_default_with_two_named_claims() -> None:
    values = _catalog().component_values(_ref(_resolve("h100-kind-training-slurm"), "slinky-slurm"))
    storage = values["storage"]
    assert storage["enabled"] is False
    assert {k: v["name"] for k, v in storage.items() if k != "enabled"} == {
        "home": "shared-home",
        "data": "shared-data",
    }


def test_a_recipe_adding_kueue_without_manifests_gets_the_default_quota_objects(tmp_path: Path) -> None:
    (tmp_path / "overlays").mkdir()
    (tmp_path / "registry.yaml").write_text(
        "kind: ComponentRegistry\napiVersion: aicr.nvidia.com/v1alpha1\ncomponents: []\n"
    )
    (tmp_path / "overlays" / "h100-kind-training-queued.yaml").write_text(
        "kind: RecipeMetadata\napiVersion: aicr.nvidia.com/v1alpha1\n"
        "metadata: {name: h100-kind-training-queued}\n"
        "spec:\n  base: h100-kind-training\n"
        "  criteria: {service: kind, accelerator: h100, intent: training, platform: runai}\n"
        "  componentRefs:\n    - name: kueue\n      valuesFile: components/kueue/values.yaml\n"
    )
    catalog = load_catalog(data=tmp_path)
    result = catalog.resolve(
        Criteria(service="kind", accelerator="h100", intent="training", platform="runai")
    )
    ref = result.component("kueue")
    assert ref is not None
    assert [m.rsplit("/", 1)[-1] for m in ref["manifestFiles"]] == [
        "resource-flavor.yaml",
        "cluster-queue.yaml",
        "local-queue.yaml",
    ]


def test_default_cluster_queue_is_backed_by_the_default_flavor() -> None:
    def one(name: str) -> dict[str, Any]:
        text = _catalog().read_text(f"components/kueue/manifests/{name}")
        (doc,) = [d for d in yaml.safe_load_all(text) if d]
        return dict(doc)

    flavors = one("cluster-queue.yaml")["spec"]["resourceGroups"][0]["flavors"]
    assert [f["name"] for f in flavors] == [one("resource-flavor.yaml")["metadata"]["name"]]
