"""The Slurm enroot / shared-storage pre-manifests and the Kueue TAS post-manifests render with real Helm.

Bundles of embedded leaves are built with the helm deployer; their wrapper charts are linted and
rendered through helm-python-sdk and every core object is schema-checked (test_bundle_render.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.integration.bundle.test_bundle_render import Checker, render_chart, values_files

import aicr

SLURM = aicr.Criteria(service="eks", accelerator="h100", intent="training", os="ubuntu", platform="slurm")
KUEUE_KIND = aicr.Criteria(service="kind", accelerator="h100", intent="training", platform="kueue")
SELECTORS = {"system_node_selector": ["role=system"], "accelerated_node_selector": ["role=gpu"]}


def _objects(rendered: dict[str, str]) -> dict[tuple[str, str], dict[str, Any]]:
    out = {}
    for text in rendered.values():
        for doc in yaml.safe_load_all(text):
            if doc:
                out[(doc["kind"], doc["metadata"]["name"])] = doc
    return out


def _render_folder(
    root: Path, suffix: str, namespace: str, schemas: dict[str, Any]
) -> dict[tuple[str, str], dict[str, Any]]:
    (folder,) = [p for p in root.iterdir() if p.name.endswith(suffix)]
    check = Checker(schemas)
    return _objects(render_chart(folder, values_files(folder), namespace, check))


def _bundle(catalog: aicr.Catalog, criteria: aicr.Criteria, out: Path, **options: Any) -> Path:
    recipe = catalog.resolve(criteria, version="v0.1.0")
    aicr.build_bundle(recipe, out, deployer="helm", catalog=catalog, options=options)
    return out


def test_slurm_pre_chart_renders_the_enroot_configmap_and_no_claim_by_default(
    embedded_catalog: aicr.Catalog, schemas: dict[str, Any], tmp_path: Path
) -> None:
    root = _bundle(embedded_catalog, SLURM, tmp_path / "b", **SELECTORS)
    objects = _render_folder(root, "-slinky-slurm-pre", "slurm", schemas)
    config = objects[("ConfigMap", "slinky-slurm-enroot-config")]["data"]
    assert config["enroot.conf"].split() == ["ENROOT_MOUNT_HOME=yes", "ENROOT_REMAP_ROOT=yes"]
    assert config["99-aicr-defaults.env"].split() == ["NCCL_DEBUG=WARN"]
    assert not [key for key in objects if key[0] == "PersistentVolumeClaim"]


def test_slurm_pre_chart_renders_rwx_claims_when_shared_storage_is_enabled(
    embedded_catalog: aicr.Catalog, schemas: dict[str, Any], tmp_path: Path
) -> None:
    sets = ["slinkyslurm:storage.enabled=true", "slinkyslurm:storage.home.storageClassName=efs"]
    root = _bundle(embedded_catalog, SLURM, tmp_path / "b", set=sets, **SELECTORS)
    objects = _render_folder(root, "-slinky-slurm-pre", "slurm", schemas)
    home = objects[("PersistentVolumeClaim", "shared-home")]
    assert home["spec"]["accessModes"] == ["ReadWriteMany"]
    assert home["spec"]["storageClassName"] == "efs"
    assert home["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    assert ("PersistentVolumeClaim", "shared-data") in objects


def test_kind_kueue_post_chart_renders_the_tas_objects(
    embedded_catalog: aicr.Catalog, schemas: dict[str, Any], tmp_path: Path
) -> None:
    root = _bundle(embedded_catalog, KUEUE_KIND, tmp_path / "b")
    objects = _render_folder(root, "-kueue-post", "kueue-system", schemas)
    assert sorted(objects) == [
        ("ClusterQueue", "cluster-queue"),
        ("LocalQueue", "default"),
        ("ResourceFlavor", "tas-flavor"),
        ("Topology", "tas-topology"),
    ]
    levels = [level["nodeLabel"] for level in objects[("Topology", "tas-topology")]["spec"]["levels"]]
    assert levels == ["accelerator.topograph.run/domain", "kubernetes.io/hostname"]


@pytest.mark.parametrize("leaf", ["eks", "gke"])
def test_cloud_kueue_leaves_ship_the_three_tier_topology(
    embedded_catalog: aicr.Catalog, schemas: dict[str, Any], tmp_path: Path, leaf: str
) -> None:
    criteria = {
        "eks": aicr.Criteria(
            service="eks", accelerator="h100", intent="training", os="ubuntu", platform="kueue"
        ),
        "gke": aicr.Criteria(
            service="gke", accelerator="h100", intent="training", os="cos", platform="kueue"
        ),
    }[leaf]
    root = _bundle(embedded_catalog, criteria, tmp_path / "b")
    objects = _render_folder(root, "-kueue-post", "kueue-system", schemas)
    levels = [level["nodeLabel"] for level in objects[("Topology", "tas-topology")]["spec"]["levels"]]
    assert levels[:3] == [
        "fabric.topograph.run/tier-2",
        "fabric.topograph.run/tier-1",
        "fabric.topograph.run/tier-0",
    ]
