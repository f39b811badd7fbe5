"""`--shared-storage-class`: the registry's sharedStorageClassPaths get the class; unused, it warns."""

from __future__ import annotations

from typing import Any

import pytest

import aicr
from aicr.bundle.api import plan_bundle
from aicr.bundle.options import BundleOptions
from aicr.errors import AicrError


@pytest.fixture(scope="module")
def slurm() -> tuple[aicr.Catalog, dict[str, Any]]:
    catalog = aicr.load_catalog()
    criteria = aicr.Criteria(
        service="eks", accelerator="gb200", intent="training", os="ubuntu", platform="slurm"
    )
    return catalog, catalog.resolve(criteria).to_dict()


def _plan(slurm: tuple[aicr.Catalog, dict[str, Any]], **options: Any) -> Any:
    catalog, doc = slurm
    selectors = {"system_node_selector": ["pool=system"], "accelerated_node_selector": ["pool=gpu"]}
    opts = BundleOptions.parse("helm", {**selectors, **options})
    return plan_bundle(doc, catalog, opts, aicr_version="v0.1.0")


def test_the_class_reaches_every_shared_storage_path(slurm: tuple[aicr.Catalog, dict[str, Any]]) -> None:
    tree, output, plan = _plan(slurm, shared_storage_class="efs-rwx")
    values = {c.name: c for c in plan.components}["slinky-slurm"].values
    assert values["storage"]["home"]["storageClassName"] == "efs-rwx"
    assert values["storage"]["data"]["storageClassName"] == "efs-rwx"
    assert "sharedStorageClass: efs-rwx" in tree.text("bundle-info.yaml")
    assert not any("shared-storage-class" in w for w in output.warnings)


def test_an_explicit_set_on_a_shared_path_wins(slurm: tuple[aicr.Catalog, dict[str, Any]]) -> None:
    _tree, _output, plan = _plan(
        slurm, shared_storage_class="efs-rwx", set=["slinkyslurm:storage.home.storageClassName=fsx"]
    )
    values = {c.name: c for c in plan.components}["slinky-slurm"].values
    assert values["storage"]["home"]["storageClassName"] == "fsx"
    assert values["storage"]["data"]["storageClassName"] == "efs-rwx"


def test_a_class_no_component_takes_is_a_warning_in_the_summary(plan_for: Any) -> None:
    _tree, output, _plan = plan_for(options={"shared_storage_class": "efs-rwx"})
    assert any('--shared-storage-class "efs-rwx" has no effect' in w for w in output.warnings)


def test_a_blank_class_is_refused() -> None:
    with pytest.raises(AicrError, match="--shared-storage-class cannot be blank"):
        BundleOptions.parse("helm", {"shared_storage_class": "  "})
