"""Configuration profiles (`spec.profile`, `--profile name=value`) on synthetic catalogs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.support.profiles import PROFILE_API, profiled_overlay, stack_profile
from tests.support.tiny_catalog import helm, mixin, overlay, tiny_catalog

import aicr
from aicr.errors import AicrError, Code

EKS = aicr.Criteria(service="eks", intent="training")
GKE = aicr.Criteria(service="gke", intent="training")


def make(tmp_path: Path, profile: dict[str, Any] | None = None, **kwargs: Any) -> aicr.Catalog:
    overlays = [
        profiled_overlay("eks", {"service": "eks"}, profile or stack_profile()),
        overlay("eks-training", {"service": "eks", "intent": "training"}, base="eks"),
        overlay("gke", {"service": "gke"}),
        overlay("gke-training", {"service": "gke", "intent": "training"}, base="gke"),
    ]
    return tiny_catalog(
        tmp_path / "cat",
        registry=[helm("gpu-operator"), helm("dra")],
        base=overlay(
            "base",
            componentRefs=[
                {"name": "gpu-operator", "overrides": {"driver": {"enabled": True, "version": "580"}}},
                {"name": "dra"},
            ],
        ),
        overlays=kwargs.pop("overlays", overlays),
        **kwargs,
    )


def gpu_operator(result: aicr.RecipeResult) -> dict[str, Any]:
    ref = result.component("gpu-operator")
    assert ref is not None
    return ref


def test_default_value_is_applied_when_no_profile_is_given(tmp_path: Path) -> None:
    result = make(tmp_path).resolve(EKS)
    assert result.doc["metadata"]["selectedProfile"]["value"] == "managed"
    assert gpu_operator(result)["overrides"]["driver"] == {"enabled": False, "version": "580"}


def test_explicit_value_is_applied_over_the_chain(tmp_path: Path) -> None:
    result = make(tmp_path).resolve(EKS, profile="gpuStack=operator")
    assert gpu_operator(result)["overrides"]["driver"]["enabled"] is True
    assert {"name": "K8s.pools.driver", "value": "None"} in result.constraints


def test_selected_profile_records_name_value_and_owned_paths(tmp_path: Path) -> None:
    selected = make(tmp_path).resolve(EKS, profile="gpuStack=operator").doc["metadata"]["selectedProfile"]
    assert selected == {
        "name": "gpuStack",
        "value": "operator",
        "ownedPaths": {"dra": ["enabled", "root"], "gpu-operator": ["driver.enabled", "enabled"]},
    }


def test_profiled_result_uses_the_profiled_api_version(tmp_path: Path) -> None:
    catalog = make(tmp_path)
    assert catalog.resolve(EKS).doc["apiVersion"] == PROFILE_API
    assert catalog.resolve(GKE).doc["apiVersion"] == "aicr.nvidia.com/v1alpha1"


def test_unprofiled_result_has_no_selected_profile(tmp_path: Path) -> None:
    assert "selectedProfile" not in make(tmp_path).resolve(GKE).doc["metadata"]


def test_advertiser_is_copied_into_the_selection(tmp_path: Path) -> None:
    profile = stack_profile()
    profile["values"]["managed"]["advertiser"] = "external"
    selected = make(tmp_path, profile).resolve(EKS).doc["metadata"]["selectedProfile"]
    assert selected["advertiser"] == "external"


def test_unknown_profile_name_lists_the_declared_name(tmp_path: Path) -> None:
    with pytest.raises(AicrError) as info:
        make(tmp_path).resolve(EKS, profile="gpuStak=operator")
    assert info.value.code == Code.INVALID_REQUEST
    assert 'unknown profile "gpuStak"' in info.value.message
    assert info.value.details["valid"] == ["gpuStack"]


def test_unknown_profile_value_lists_the_valid_values(tmp_path: Path) -> None:
    with pytest.raises(AicrError) as info:
        make(tmp_path).resolve(EKS, profile="gpuStack=operatr")
    assert 'unknown value "operatr" for profile "gpuStack"' in info.value.message
    assert info.value.details["valid"] == ["managed", "operator"]


def test_profile_on_a_recipe_without_a_declaration_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(AicrError) as info:
        make(tmp_path).resolve(GKE, profile="gpuStack=operator")
    assert info.value.code == Code.INVALID_REQUEST
    assert "declares a profile" in info.value.message


@pytest.mark.parametrize("raw", ["gpuStack", "gpuStack=", "=x", "a=b=c", " gpuStack=operator", "g s=x"])
def test_malformed_profile_selection_is_rejected(tmp_path: Path, raw: str) -> None:
    with pytest.raises(AicrError, match="expected name=value"):
        make(tmp_path).resolve(EKS, profile=raw)


def test_profile_constraint_colliding_with_the_chain_is_rejected(tmp_path: Path) -> None:
    overlays = [
        profiled_overlay(
            "eks",
            {"service": "eks"},
            stack_profile(),
            constraints=[{"name": "K8s.pools.driver", "value": "x"}],
        ),
        overlay("eks-training", {"service": "eks", "intent": "training"}, base="eks"),
    ]
    with pytest.raises(AicrError, match='constraint "K8s.pools.driver" conflicts'):
        make(tmp_path, overlays=overlays).resolve(EKS)


def test_profile_naming_a_disabled_component_is_rejected(tmp_path: Path) -> None:
    overlays = [
        profiled_overlay("eks", {"service": "eks"}, stack_profile()),
        overlay(
            "eks-training",
            {"service": "eks", "intent": "training"},
            base="eks",
            componentRefs=[{"name": "dra", "overrides": {"enabled": False}}],
        ),
    ]
    with pytest.raises(AicrError, match='component "dra", which is disabled'):
        make(tmp_path, overlays=overlays).resolve(EKS)


def test_two_declarations_in_one_recipe_are_rejected(tmp_path: Path) -> None:
    overlays = [
        profiled_overlay("eks", {"service": "eks"}, stack_profile()),
        profiled_overlay(
            "eks-training", {"service": "eks", "intent": "training"}, stack_profile(), base="eks"
        ),
    ]
    with pytest.raises(AicrError, match="more than one profile declaration"):
        make(tmp_path, overlays=overlays).resolve(EKS)


def test_profile_is_applied_after_mixins(tmp_path: Path) -> None:
    overlays = [
        profiled_overlay("eks", {"service": "eks"}, stack_profile(), mixins=["driver"]),
        overlay("eks-training", {"service": "eks", "intent": "training"}, base="eks"),
    ]
    registry_extra: dict[str, Any] = {"mixinSafeOverridePaths": ["driver.enabled"]}
    catalog = tiny_catalog(
        tmp_path / "cat",
        registry=[helm("gpu-operator", **registry_extra), helm("dra")],
        base=overlay("base", componentRefs=[{"name": "gpu-operator"}, {"name": "dra"}]),
        overlays=overlays,
        mixins=[
            mixin(
                "driver", componentRefs=[{"name": "gpu-operator", "overrides": {"driver": {"enabled": True}}}]
            )
        ],
    )
    assert gpu_operator(catalog.resolve(EKS))["overrides"]["driver"]["enabled"] is False


def test_query_takes_the_profile(tmp_path: Path) -> None:
    catalog = make(tmp_path)
    selector = "components.gpu-operator.values.driver.enabled"
    assert catalog.query(EKS, selector) is False
    assert catalog.query(EKS, selector, profile="gpuStack=operator") is True


def test_explain_attributes_profile_values_to_the_profile(tmp_path: Path) -> None:
    result = make(tmp_path).resolve(EKS, profile="gpuStack=operator", explain=True)
    assert result.provenance is not None
    entry = result.provenance["components.gpu-operator.values.driver.enabled"]
    assert (entry["layer"], entry["source"], entry["value"]) == ("profile", "gpuStack=operator", True)
    assert entry["overrode"][-1] == {"layer": "overlay", "source": "base", "value": True}
    file, _, line = entry["file"].partition(":")
    lines = (tmp_path / "cat" / file).read_text().splitlines()
    assert lines[int(line) - 1].strip() == "enabled: true"


def test_explain_attributes_profile_constraints_to_the_profile(tmp_path: Path) -> None:
    result = make(tmp_path).resolve(EKS, explain=True)
    assert result.provenance is not None
    entry = result.provenance["constraints.K8s.pools.driver"]
    assert (entry["layer"], entry["source"], entry["value"]) == ("profile", "gpuStack=managed", "Install")
    assert entry["file"].startswith("overlays/eks.yaml:")


def pools_snapshot(driver: str) -> dict[str, Any]:
    """A Snapshot whose `K8s.pools.driver` reading is `driver`."""
    measurement = {"type": "K8s", "subtypes": [{"subtype": "pools", "data": {"driver": driver}}]}
    return {"kind": "Snapshot", "apiVersion": "aicr.nvidia.com/v1alpha1", "measurements": [measurement]}


def test_profile_constraint_passing_against_the_snapshot_resolves(tmp_path: Path) -> None:
    result = make(tmp_path).resolve(EKS, snapshot=pools_snapshot("None"), profile="gpuStack=operator")
    assert result.doc["metadata"]["selectedProfile"]["value"] == "operator"


def test_profile_constraint_failing_against_the_snapshot_fails_closed(tmp_path: Path) -> None:
    with pytest.raises(AicrError) as info:
        make(tmp_path).resolve(EKS, snapshot=pools_snapshot("None"))
    assert info.value.code == Code.INVALID_REQUEST
    assert (
        'profile gpuStack=managed constraint "K8s.pools.driver" fails against the snapshot'
        in info.value.message
    )


def test_snapshot_that_excludes_the_declaring_chain_fails(tmp_path: Path) -> None:
    declaring = profiled_overlay(
        "everywhere",
        {"intent": "any"},
        stack_profile(),
        constraints=[{"name": "K8s.pools.driver", "value": "x"}],
    )
    for value in declaring["spec"]["profile"]["values"].values():
        value.pop("constraints")
    catalog = make(tmp_path, overlays=[overlay("eks", {"service": "eks"}), declaring])
    assert "selectedProfile" in catalog.resolve(aicr.Criteria(service="eks")).doc["metadata"]
    with pytest.raises(AicrError) as info:
        catalog.resolve(aicr.Criteria(service="eks"), snapshot=pools_snapshot("Install"))
    assert "excluded every overlay chain" in info.value.message
    assert info.value.details["declaredBy"] == ["everywhere"]
    assert info.value.details["excludedOverlays"] == [{"name": "everywhere", "reason": "constraint-failed"}]
