"""Profile-locked value paths at bundle time: repeating the locked value is fine, changing it is not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.support.profiles import profiled_overlay, stack_profile
from tests.support.tiny_catalog import helm, overlay, tiny_catalog

import aicr
from aicr.bundle.api import plan_bundle
from aicr.bundle.options import BundleOptions
from aicr.errors import AicrError, Code

EKS = aicr.Criteria(service="eks", intent="training")


@pytest.fixture
def catalog(tmp_path: Path) -> aicr.Catalog:
    return tiny_catalog(
        tmp_path / "cat",
        registry=[helm("gpu-operator", valueOverrideKeys=["gpuoperator"]), helm("dra")],
        base=overlay(
            "base",
            componentRefs=[
                {"name": "gpu-operator", "overrides": {"driver": {"version": "580"}}},
                {"name": "dra"},
            ],
        ),
        overlays=[
            profiled_overlay("eks", {"service": "eks"}, stack_profile()),
            overlay("eks-training", {"service": "eks", "intent": "training"}, base="eks"),
        ],
    )


def bundle(catalog: aicr.Catalog, options: dict[str, Any], profile: str | None = None) -> None:
    doc = catalog.resolve(EKS, profile=profile).to_dict()
    plan_bundle(doc, catalog, BundleOptions.parse("helm", options), aicr_version="v0")


def refused(catalog: aicr.Catalog, options: dict[str, Any]) -> AicrError:
    with pytest.raises(AicrError) as info:
        bundle(catalog, options)
    assert info.value.code == Code.INVALID_REQUEST
    return info.value


@pytest.mark.parametrize(
    "options",
    [
        {"set": ["gpuoperator:driver.enabled=false"]},
        {"set": ["gpu-operator:driver.enabled=false"]},
        {"set_json": ['gpuoperator:driver={"enabled": false, "rdma": true}']},
        {"set_json": ['gpuoperator:driver={"rdma": true}']},
        {"set": ["gpuoperator:driver.version=590", "dra:other=1"]},
    ],
)
def test_override_that_keeps_the_locked_value_is_accepted(
    catalog: aicr.Catalog, options: dict[str, Any]
) -> None:
    bundle(catalog, options)


def test_divergent_set_names_path_profile_and_locked_value(catalog: aicr.Catalog) -> None:
    error = refused(catalog, {"set": ["gpuoperator:driver.enabled=true"]})
    assert 'path "gpu-operator:driver.enabled" is locked to false' in error.message
    assert "profile gpuStack=managed" in error.message


def test_divergent_set_json_is_rejected(catalog: aicr.Catalog) -> None:
    error = refused(catalog, {"set_json": ['dra:root="/opt"']})
    assert 'path "dra:root" is locked to "/"' in error.message


def test_set_replacing_a_parent_of_a_locked_path_is_rejected(catalog: aicr.Catalog) -> None:
    assert "driver.enabled" in refused(catalog, {"set": ["gpuoperator:driver=off"]}).message


def test_dynamic_on_a_locked_path_is_rejected(catalog: aicr.Catalog) -> None:
    assert (
        "--dynamic gpuoperator:driver.enabled"
        in refused(catalog, {"dynamic": ["gpuoperator:driver.enabled"]}).message
    )


def test_removing_a_profiled_component_is_rejected(catalog: aicr.Catalog) -> None:
    assert "must stay in the bundle" in refused(catalog, {"set": ["dra:enabled=false"]}).message


def test_locked_value_follows_the_selected_profile_value(catalog: aicr.Catalog) -> None:
    bundle(catalog, {"set": ["gpuoperator:driver.enabled=true"]}, profile="gpuStack=operator")


def test_recipe_without_a_profile_has_no_locks(tmp_path: Path) -> None:
    catalog = tiny_catalog(
        tmp_path / "plain",
        registry=[helm("gpu-operator")],
        base=overlay("base", componentRefs=[{"name": "gpu-operator"}]),
        overlays=[overlay("eks", {"service": "eks"})],
    )
    doc = catalog.resolve(aicr.Criteria(service="eks")).to_dict()
    plan_bundle(
        doc, catalog, BundleOptions.parse("helm", {"set": ["gpu-operator:driver.enabled=true"]}), "v0"
    )
