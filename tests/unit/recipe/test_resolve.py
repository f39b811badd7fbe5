"""Resolution on synthetic catalogs: matching, ordering, chains, merge, defaults, coherence.

Cases follow reference/recipe.md §3 and the acceptance list of §10 (numbers in test names).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.support.tiny_catalog import helm, overlay, tiny_catalog

from aicr.errors import AicrError, Code
from aicr.recipe.criteria import Criteria
from aicr.recipe.matching import matches, specificity

REGISTRY = [helm("a"), helm("b"), helm("c"), helm("d"), helm("e")]


def applied(result: Any) -> list[str]:
    return list(result.applied_overlays)


@pytest.mark.parametrize(
    ("overlay_criteria", "query", "expected"),
    [
        ({}, Criteria(), True),
        ({"accelerator": "gb200"}, Criteria(), False),
        ({"service": "eks"}, Criteria(service="eks", accelerator="h100"), True),
        ({"service": "eks"}, Criteria(service="gke"), False),
        ({"platform": "kubeflow"}, Criteria(), False),
        ({"intent": "any"}, Criteria(), True),
    ],
)
def test_case3_matching_is_asymmetric(
    overlay_criteria: dict[str, str], query: Criteria, expected: bool
) -> None:
    crit = {f: overlay_criteria.get(f, "any") for f in ("service", "accelerator", "intent", "os", "platform")}
    assert matches(crit, query) is expected


def test_case4_empty_fields_count_as_any() -> None:
    crit = {"service": "eks", "accelerator": "any", "intent": "any", "os": "any", "platform": "any"}
    assert specificity(crit) == 1


def test_case11_maximal_leaf_filter_keeps_independent_wildcards(tmp_path: Path) -> None:
    cat = tiny_catalog(
        tmp_path,
        registry=REGISTRY,
        overlays=[
            overlay("l1", {"service": "eks"}),
            overlay("l2", {"service": "eks", "intent": "training"}, base="l1"),
            overlay("w", {"accelerator": "h100"}),
        ],
    )
    result = cat.resolve(Criteria(service="eks", accelerator="h100", intent="training"))
    assert applied(result) == ["base", "w", "l1", "l2"]


def test_case12_ties_are_broken_by_name(tmp_path: Path) -> None:
    cat = tiny_catalog(
        tmp_path,
        registry=REGISTRY,
        overlays=[overlay("b-x", {"service": "eks"}), overlay("a-x", {"intent": "training"})],
    )
    result = cat.resolve(Criteria(service="eks", intent="training"))
    assert applied(result) == ["base", "a-x", "b-x"]


def test_all_any_overlay_matches_every_query(tmp_path: Path) -> None:
    cat = tiny_catalog(
        tmp_path,
        registry=REGISTRY,
        overlays=[overlay("hpa", {"intent": "any"}), overlay("eks", {"service": "eks"})],
    )
    assert applied(cat.resolve(Criteria(service="eks"))) == ["base", "hpa", "eks"]
    assert applied(cat.resolve(Criteria())) == ["base", "hpa"]


def test_case8_circular_inheritance_is_invalid_request(tmp_path: Path) -> None:
    cat = tiny_catalog(
        tmp_path,
        registry=REGISTRY,
        overlays=[overlay("x", {"service": "eks"}, base="y"), overlay("y", None, base="x")],
    )
    with pytest.raises(AicrError) as err:
        cat.resolve(Criteria(service="eks"))
    assert err.value.code is Code.INVALID_REQUEST
    assert "circular inheritance detected" in err.value.message
    assert "references itself in inheritance chain" in err.value.message


def test_case8_missing_parent_is_not_found(tmp_path: Path) -> None:
    cat = tiny_catalog(tmp_path, registry=REGISTRY, overlays=[overlay("x", {"service": "eks"}, base="nope")])
    with pytest.raises(AicrError) as err:
        cat.resolve(Criteria(service="eks"))
    assert err.value.code is Code.NOT_FOUND
    assert err.value.message == (
        'failed to resolve inheritance chain: recipe "nope" not found (referenced in inheritance chain)'
    )


def test_chain_members_are_applied_once_in_root_to_leaf_order(tmp_path: Path) -> None:
    cat = tiny_catalog(
        tmp_path,
        registry=REGISTRY,
        overlays=[
            overlay("eks", {"service": "eks"}),
            overlay("eks-training", {"service": "eks", "intent": "training"}, base="eks"),
            overlay(
                "h100-eks-training",
                {"service": "eks", "accelerator": "h100", "intent": "training"},
                base="eks-training",
            ),
            overlay("h100-any", {"accelerator": "h100"}),
        ],
    )
    result = cat.resolve(Criteria(service="eks", accelerator="h100", intent="training"))
    assert applied(result) == ["base", "h100-any", "eks", "eks-training", "h100-eks-training"]


def test_case9_same_name_constraint_is_replaced_and_sorted(tmp_path: Path) -> None:
    base = overlay(
        "base",
        constraints=[{"name": "K8s.server.version", "value": ">= 1.25"}, {"name": "A.b.c", "value": "x"}],
        componentRefs=[],
    )
    cat = tiny_catalog(
        tmp_path,
        registry=REGISTRY,
        base=base,
        overlays=[
            overlay(
                "eks", {"service": "eks"}, constraints=[{"name": "K8s.server.version", "value": ">= 1.30"}]
            )
        ],
    )
    result = cat.resolve(Criteria(service="eks"))
    assert result.constraints == [
        {"name": "A.b.c", "value": "x"},
        {"name": "K8s.server.version", "value": ">= 1.30"},
    ]


def test_case10_component_refs_merge_field_by_field(tmp_path: Path) -> None:
    base = overlay(
        "base",
        componentRefs=[
            {"name": "p"},
            {"name": "q"},
            {
                "name": "a",
                "version": "v1",
                "manifestFiles": ["m1"],
                "overrides": {"a": {"x": 1, "y": 2}},
                "dependencyRefs": ["p"],
            },
        ],
    )
    cat = tiny_catalog(
        tmp_path,
        registry=[helm("a"), helm("p"), helm("q")],
        base=base,
        overlays=[
            overlay(
                "eks",
                {"service": "eks"},
                componentRefs=[
                    {
                        "name": "a",
                        "version": "v2",
                        "manifestFiles": ["m1", "m2"],
                        "overrides": {"a": {"y": 3}},
                        "dependencyRefs": ["q"],
                    }
                ],
            )
        ],
        files={"m1": "kind: ConfigMap\n", "m2": "kind: ConfigMap\n"},
    )
    ref = cat.resolve(Criteria(service="eks")).component("a")
    assert ref is not None
    assert ref["version"] == "v2"
    assert ref["manifestFiles"] == ["m1", "m2"]
    assert ref["overrides"] == {"a": {"x": 1, "y": 3}}
    assert ref["dependencyRefs"] == ["p", "q"]


def test_component_refs_are_sorted_and_keep_reference_field_order(tmp_path: Path) -> None:
    cat = tiny_catalog(
        tmp_path,
        registry=[helm("b"), helm("a")],
        overlays=[
            overlay(
                "eks",
                {"service": "eks"},
                componentRefs=[{"name": "b"}, {"name": "a", "dependencyRefs": ["b"]}],
            )
        ],
    )
    result = cat.resolve(Criteria(service="eks"))
    assert [r["name"] for r in result.component_refs] == ["a", "b"]
    assert list(result.component_refs[0]) == [
        "name",
        "namespace",
        "chart",
        "type",
        "source",
        "version",
        "dependencyRefs",
    ]


def test_case14_registry_defaults_fill_only_empty_fields(tmp_path: Path) -> None:
    registry = [
        {
            "name": "c",
            "displayName": "C",
            "helm": {
                "defaultChart": "repo/c-chart",
                "defaultVersion": "1.0",
                "defaultRepository": "https://r",
                "defaultNamespace": "ns",
            },
        },
        {
            "name": "k",
            "displayName": "K",
            "kustomize": {"defaultSource": "https://git/k", "defaultPath": "deploy", "defaultTag": "v3"},
        },
        helm("pinned", "1.0"),
    ]
    cat = tiny_catalog(
        tmp_path,
        registry=registry,
        overlays=[
            overlay(
                "eks",
                {"service": "eks"},
                componentRefs=[{"name": "c"}, {"name": "k"}, {"name": "pinned", "version": "2.0"}],
            )
        ],
    )
    result = cat.resolve(Criteria(service="eks"))
    c = result.component("c")
    assert c == {
        "name": "c",
        "namespace": "ns",
        "chart": "c-chart",
        "type": "Helm",
        "source": "https://r",
        "version": "1.0",
    }
    k = result.component("k")
    assert k is not None and (k["type"], k["tag"], k["path"], k["source"]) == (
        "Kustomize",
        "v3",
        "deploy",
        "https://git/k",
    )
    pinned = result.component("pinned")
    assert pinned is not None and pinned["version"] == "2.0"


def test_case15_disabled_components_leave_the_order_but_satisfy_edges(tmp_path: Path) -> None:
    cat = tiny_catalog(
        tmp_path,
        registry=REGISTRY,
        overlays=[
            overlay(
                "eks",
                {"service": "eks"},
                componentRefs=[
                    {"name": "d", "overrides": {"enabled": False}},
                    {"name": "e", "dependencyRefs": ["d"]},
                ],
            )
        ],
    )
    result = cat.resolve(Criteria(service="eks"))
    assert result.deployment_order == ["e"]
    assert [r["name"] for r in result.component_refs] == ["d", "e"]


def test_case7_unknown_dependency_names_both_components(tmp_path: Path) -> None:
    cat = tiny_catalog(
        tmp_path,
        registry=REGISTRY,
        overlays=[overlay("eks", {"service": "eks"}, componentRefs=[{"name": "a", "dependencyRefs": ["z"]}])],
    )
    with pytest.raises(AicrError) as err:
        cat.resolve(Criteria(service="eks"))
    assert err.value.code is Code.INVALID_REQUEST
    assert (
        err.value.message
        == 'merged recipe validation failed: component "a" references unknown dependency "z"'
    )


def test_case7_dependency_cycle_is_reported_with_its_path(tmp_path: Path) -> None:
    cat = tiny_catalog(
        tmp_path,
        registry=REGISTRY,
        overlays=[
            overlay(
                "eks",
                {"service": "eks"},
                componentRefs=[
                    {"name": "a", "dependencyRefs": ["b"]},
                    {"name": "b", "dependencyRefs": ["a"]},
                ],
            )
        ],
    )
    with pytest.raises(AicrError, match=r"circular dependency detected: \[a b a\]"):
        cat.resolve(Criteria(service="eks"))


def test_base_recipe_with_a_cycle_fails_at_load(tmp_path: Path) -> None:
    base = overlay(
        "base", componentRefs=[{"name": "a", "dependencyRefs": ["b"]}, {"name": "b", "dependencyRefs": ["a"]}]
    )
    with pytest.raises(AicrError, match="base recipe validation failed: dependency validation failed"):
        tiny_catalog(tmp_path, registry=REGISTRY, base=base, overlays=[])


def test_coherence_rejects_a_helm_component_without_version(tmp_path: Path) -> None:
    registry = [
        {"name": "a", "displayName": "A", "helm": {"defaultRepository": "https://r", "defaultChart": "a"}}
    ]
    cat = tiny_catalog(
        tmp_path,
        registry=registry,
        overlays=[overlay("eks", {"service": "eks"}, componentRefs=[{"name": "a"}])],
    )
    with pytest.raises(AicrError) as err:
        cat.resolve(Criteria(service="eks"))
    assert err.value.code is Code.INVALID_REQUEST
    assert err.value.message.startswith("recipe has incoherent component ref(s): ")
    assert 'Helm component "a" has no chart version' in err.value.message


def test_coherence_ignores_disabled_components(tmp_path: Path) -> None:
    registry = [{"name": "a", "displayName": "A", "helm": {"defaultRepository": "https://r"}}]
    cat = tiny_catalog(
        tmp_path,
        registry=registry,
        overlays=[
            overlay("eks", {"service": "eks"}, componentRefs=[{"name": "a", "overrides": {"enabled": False}}])
        ],
    )
    assert cat.resolve(Criteria(service="eks")).deployment_order == []


def test_coherence_rejects_patches_and_the_reserved_deployer_name(tmp_path: Path) -> None:
    cat = tiny_catalog(
        tmp_path,
        registry=[helm("a"), helm("deployer")],
        overlays=[
            overlay("eks", {"service": "eks"}, componentRefs=[{"name": "a", "patches": ["p.yaml"]}]),
            overlay("gke", {"service": "gke"}, componentRefs=[{"name": "deployer"}]),
        ],
    )
    with pytest.raises(AicrError, match="declares patches"):
        cat.resolve(Criteria(service="eks"))
    with pytest.raises(AicrError, match="reserved deployer override key"):
        cat.resolve(Criteria(service="gke"))


def test_manifest_only_component_is_coherent(tmp_path: Path) -> None:
    registry = [
        {
            "name": "m",
            "displayName": "M",
            "helm": {"defaultRepository": "", "defaultNamespace": "kube-system"},
        }
    ]
    cat = tiny_catalog(
        tmp_path,
        registry=registry,
        overlays=[
            overlay(
                "eks",
                {"service": "eks"},
                componentRefs=[{"name": "m", "manifestFiles": ["components/m/x.yaml"]}],
            )
        ],
        files={"components/m/x.yaml": "kind: ConfigMap\n"},
    )
    ref = cat.resolve(Criteria(service="eks")).component("m")
    assert ref == {
        "name": "m",
        "namespace": "kube-system",
        "type": "Helm",
        "source": "",
        "manifestFiles": ["components/m/x.yaml"],
    }


def test_registry_manifest_files_are_the_default(tmp_path: Path) -> None:
    registry = [
        {
            "name": "m",
            "displayName": "M",
            "helm": {"defaultRepository": ""},
            "manifestFiles": ["components/m/x.yaml"],
        }
    ]
    cat = tiny_catalog(
        tmp_path,
        registry=registry,
        overlays=[overlay("eks", {"service": "eks"}, componentRefs=[{"name": "m"}])],
        files={"components/m/x.yaml": "kind: ConfigMap\n"},
    )
    ref = cat.resolve(Criteria(service="eks")).component("m")
    assert ref is not None and ref["manifestFiles"] == ["components/m/x.yaml"]


def test_validation_phases_union_checks_and_clear_with_empty_list(tmp_path: Path) -> None:
    cat = tiny_catalog(
        tmp_path,
        registry=REGISTRY,
        overlays=[
            overlay("eks", {"service": "eks"}, validation={"conformance": {"checks": ["a", "b"]}}),
            overlay(
                "eks-training",
                {"service": "eks", "intent": "training"},
                base="eks",
                validation={
                    "conformance": {"checks": ["c", "a"]},
                    "deployment": {"checks": ["x"], "timeout": "5m"},
                },
            ),
            overlay(
                "eks-inference",
                {"service": "eks", "intent": "inference"},
                base="eks",
                validation={"conformance": {"checks": []}},
            ),
        ],
    )
    training = cat.resolve(Criteria(service="eks", intent="training")).doc["validation"]
    assert training == {
        "deployment": {"timeout": "5m", "checks": ["x"]},
        "conformance": {"checks": ["a", "b", "c"]},
    }
    inference = cat.resolve(Criteria(service="eks", intent="inference")).doc
    assert "validation" not in inference


def test_result_document_has_reference_key_order(tmp_path: Path) -> None:
    cat = tiny_catalog(
        tmp_path,
        registry=REGISTRY,
        overlays=[
            overlay(
                "eks",
                {"service": "eks"},
                constraints=[{"name": "K8s.server.version", "value": ">= 1.30"}],
                componentRefs=[{"name": "a"}],
                validation={"deployment": {"checks": ["x"]}},
            )
        ],
    )
    doc = cat.resolve(Criteria(service="eks"), version="v9.9.9").doc
    assert list(doc) == [
        "kind",
        "apiVersion",
        "metadata",
        "criteria",
        "constraints",
        "componentRefs",
        "deploymentOrder",
        "validation",
    ]
    assert doc["metadata"] == {"version": "v9.9.9", "appliedOverlays": ["base", "eks"]}
    assert doc["kind"] == "RecipeResult"


def test_criteria_values_declared_by_overlays_become_valid(tmp_path: Path) -> None:
    cat = tiny_catalog(
        tmp_path,
        registry=REGISTRY,
        overlays=[overlay("ncp", {"service": "ncp-internal", "accelerator": "h100", "intent": "training"})],
    )
    result = cat.resolve(Criteria(service="ncp-internal", accelerator="h100", intent="training"))
    assert applied(result) == ["base", "ncp"]
    with pytest.raises(AicrError, match="invalid service type: nope"):
        cat.resolve(Criteria(service="nope"))


def test_overlay_criteria_with_nodes_fail_to_load(tmp_path: Path) -> None:
    with pytest.raises(AicrError, match="criteria.nodes"):
        tiny_catalog(tmp_path, registry=REGISTRY, overlays=[overlay("x", {"service": "eks", "nodes": 4})])


def test_nodes_never_affect_matching(tmp_path: Path) -> None:
    cat = tiny_catalog(tmp_path, registry=REGISTRY, overlays=[overlay("eks", {"service": "eks"})])
    result = cat.resolve(Criteria(service="eks", nodes=8))
    assert applied(result) == ["base", "eks"]
    assert result.criteria["nodes"] == 8
