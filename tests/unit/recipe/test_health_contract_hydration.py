"""The registry's health contract (readiness, customChecks, crds) reaches the resolved refs."""

from __future__ import annotations

from typing import Any

import pytest

from aicr.errors import AicrError
from aicr.recipe.document import validate_recipe
from aicr.recipe.finalize import apply_registry_defaults


class FakeCatalog:
    def __init__(self, entry: dict[str, Any]) -> None:
        self.entry = entry

    def registry_by_name(self, name: str) -> dict[str, Any] | None:
        return self.entry

    def health_check(self, name: str) -> str:
        return ""


ENTRY = {
    "name": "gpu-operator",
    "helm": {"defaultNamespace": "gpu-operator"},
    "readiness": {"namespace": "gpu-operator", "workloads": [{"kind": "Deployment", "name": "gpu-operator"}]},
    "customChecks": ["clusterPolicyReady"],
    "crds": ["clusterpolicies.nvidia.com"],
}


def test_registry_contract_is_copied_onto_the_ref() -> None:
    ref: dict[str, Any] = {"name": "gpu-operator"}
    apply_registry_defaults(ref, FakeCatalog(ENTRY))  # type: ignore[arg-type]
    assert ref["readiness"] == ENTRY["readiness"]
    assert ref["customChecks"] == ["clusterPolicyReady"]
    assert ref["crds"] == ["clusterpolicies.nvidia.com"]


def test_a_ref_that_sets_the_contract_keeps_its_own() -> None:
    ref: dict[str, Any] = {"name": "gpu-operator", "crds": ["nvidiadrivers.nvidia.com"]}
    apply_registry_defaults(ref, FakeCatalog(ENTRY))  # type: ignore[arg-type]
    assert ref["crds"] == ["nvidiadrivers.nvidia.com"]


def recipe_with(ref: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "RecipeResult", "apiVersion": "aicr.nvidia.com/v1alpha1", "componentRefs": [ref]}


def test_a_recipe_document_may_carry_the_contract() -> None:
    ref = {
        "name": "gpu-operator",
        **{k: v for k, v in ENTRY.items() if k in ("readiness", "customChecks", "crds")},
    }
    assert validate_recipe(recipe_with(ref), "r.yaml")["componentRefs"][0]["crds"] == [
        "clusterpolicies.nvidia.com"
    ]


def test_an_unknown_readiness_field_is_rejected() -> None:
    with pytest.raises(AicrError, match="readiness.labels"):
        validate_recipe(recipe_with({"name": "x", "readiness": {"namespace": "a", "labels": {}}}), "r.yaml")
