"""Mixins (reference/recipe.md §3.5, case 13) and coverage post-conditions (§3.6, case 27)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.support.tiny_catalog import helm, mixin, overlay, tiny_catalog

from aicr.catalog.catalog import Catalog
from aicr.errors import AicrError, Code
from aicr.recipe.criteria import Criteria

REGISTRY = [
    helm("a"),
    helm("b"),
    helm("trainer", mixinSafeOverridePaths=["global.tracing.enabled"]),
]


def _cat(
    tmp_path: Path, mixins: list[dict[str, Any]], leaf_refs: list[dict[str, Any]] | None = None
) -> Catalog:
    base = overlay(
        "base",
        constraints=[{"name": "K8s.server.version", "value": ">= 1.25"}],
        componentRefs=[{"name": "a", "valuesFile": "components/a/values.yaml", "overrides": {"x": {"y": 1}}}],
    )
    return tiny_catalog(
        tmp_path,
        registry=REGISTRY,
        base=base,
        overlays=[
            overlay(
                "eks",
                {"service": "eks"},
                mixins=[m["metadata"]["name"] for m in mixins],
                componentRefs=leaf_refs or [],
            )
        ],
        mixins=mixins,
        files={"components/a/values.yaml": {"image": {"tag": "v1"}}},
    )


def test_mixin_adds_constraints_and_new_components(tmp_path: Path) -> None:
    cat = _cat(
        tmp_path,
        [
            mixin(
                "os-ubuntu",
                constraints=[{"name": "OS.release.ID", "value": "ubuntu"}],
                componentRefs=[{"name": "b", "dependencyRefs": ["a"]}],
            )
        ],
    )
    result = cat.resolve(Criteria(service="eks"))
    assert [c["name"] for c in result.constraints] == ["K8s.server.version", "OS.release.ID"]
    assert result.deployment_order == ["a", "b"]
    assert "os-ubuntu" not in result.applied_overlays


def test_case13_mixin_constraint_clash_is_rejected(tmp_path: Path) -> None:
    cat = _cat(tmp_path, [mixin("m", constraints=[{"name": "K8s.server.version", "value": ">= 1.30"}])])
    with pytest.raises(AicrError) as err:
        cat.resolve(Criteria(service="eks"))
    assert err.value.code is Code.INVALID_REQUEST
    assert err.value.message == (
        'mixin "m" constraint "K8s.server.version" conflicts with inheritance chain or another mixin'
    )


def test_case13_mixin_may_not_change_an_inherited_version(tmp_path: Path) -> None:
    cat = _cat(tmp_path, [mixin("m", componentRefs=[{"name": "a", "version": "9.9.9"}])])
    with pytest.raises(AicrError) as err:
        cat.resolve(Criteria(service="eks"))
    assert err.value.code is Code.INVALID_REQUEST
    assert 'sets identity/sourcing field "version"' in err.value.message


def test_case13_unknown_mixin_is_not_found(tmp_path: Path) -> None:
    cat = tiny_catalog(
        tmp_path, registry=REGISTRY, overlays=[overlay("eks", {"service": "eks"}, mixins=["nope"])]
    )
    with pytest.raises(AicrError) as err:
        cat.resolve(Criteria(service="eks"))
    assert err.value.code is Code.NOT_FOUND
    assert err.value.message == 'mixin "nope" not found in recipes/mixins/'


def test_mixin_may_add_namespace_manifests_and_dependencies_to_an_existing_component(tmp_path: Path) -> None:
    cat = _cat(
        tmp_path,
        [
            mixin(
                "m",
                componentRefs=[{"name": "a", "namespace": "other", "dependencyRefs": ["b"]}, {"name": "b"}],
            )
        ],
    )
    ref = cat.resolve(Criteria(service="eks")).component("a")
    assert ref is not None and ref["namespace"] == "other" and ref["dependencyRefs"] == ["b"]


def test_mixin_overrides_outside_the_allowlist_are_rejected(tmp_path: Path) -> None:
    cat = _cat(tmp_path, [mixin("m", componentRefs=[{"name": "a", "overrides": {"z": 1}}])])
    with pytest.raises(
        AicrError, match="not in the component's registry-declared mixinSafeOverridePaths allowlist"
    ):
        cat.resolve(Criteria(service="eks"))


def test_mixin_allowlist_is_exact_not_prefix(tmp_path: Path) -> None:
    cat = _cat(
        tmp_path,
        [
            mixin(
                "m",
                componentRefs=[
                    {"name": "trainer", "overrides": {"global": {"tracing": {"enabled": {"x": 1}}}}}
                ],
            )
        ],
    )
    with pytest.raises(AicrError, match='overrides path "global.tracing.enabled.x"'):
        cat.resolve(Criteria(service="eks"))


def test_mixin_allowlisted_override_on_new_component_is_accepted(tmp_path: Path) -> None:
    cat = _cat(
        tmp_path,
        [
            mixin(
                "m",
                componentRefs=[{"name": "trainer", "overrides": {"global": {"tracing": {"enabled": True}}}}],
            )
        ],
    )
    ref = cat.resolve(Criteria(service="eks")).component("trainer")
    assert ref is not None and ref["overrides"] == {"global": {"tracing": {"enabled": True}}}


def test_mixin_may_not_give_an_allowlisted_component_a_values_file(tmp_path: Path) -> None:
    cat = _cat(
        tmp_path, [mixin("m", componentRefs=[{"name": "trainer", "valuesFile": "components/a/values.yaml"}])]
    )
    with pytest.raises(AicrError, match="never a values file"):
        cat.resolve(Criteria(service="eks"))


def test_mixin_override_colliding_with_the_chain_is_rejected(tmp_path: Path) -> None:
    registry = [helm("a", mixinSafeOverridePaths=["x.y", "image.tag", "fresh"])]
    base = overlay(
        "base",
        componentRefs=[{"name": "a", "valuesFile": "components/a/values.yaml", "overrides": {"x": {"y": 1}}}],
    )
    files = {"components/a/values.yaml": {"image": {"tag": "v1"}}}
    for overrides, hit in (({"x": {"y": 2}}, "x.y"), ({"image": {"tag": "v2"}}, "image.tag")):
        cat = tiny_catalog(
            tmp_path / hit,
            registry=registry,
            base=base,
            overlays=[overlay("eks", {"service": "eks"}, mixins=["m"])],
            mixins=[mixin("m", componentRefs=[{"name": "a", "overrides": overrides}])],
            files=files,
        )
        with pytest.raises(AicrError, match=f'collides with path "{hit}"'):
            cat.resolve(Criteria(service="eks"))
    ok = tiny_catalog(
        tmp_path / "ok",
        registry=registry,
        base=base,
        overlays=[overlay("eks", {"service": "eks"}, mixins=["m"])],
        mixins=[mixin("m", componentRefs=[{"name": "a", "overrides": {"fresh": 3}}])],
        files=files,
    )
    ref = ok.resolve(Criteria(service="eks")).component("a")
    assert ref is not None and ref["overrides"] == {"x": {"y": 1}, "fresh": 3}


def test_mixin_empty_map_override_is_rejected(tmp_path: Path) -> None:
    cat = _cat(tmp_path, [mixin("m", componentRefs=[{"name": "trainer", "overrides": {"global": {}}}])])
    with pytest.raises(AicrError, match="is an empty map"):
        cat.resolve(Criteria(service="eks"))


def test_mixin_spec_rejects_criteria(tmp_path: Path) -> None:
    bad = mixin("m", criteria={"service": "eks"})
    with pytest.raises(AicrError, match='unknown field "criteria"'):
        _cat(tmp_path, [bad])


# Coverage (§3.6)


def _coverage_catalog(tmp_path: Path) -> Catalog:
    return tiny_catalog(
        tmp_path,
        registry=REGISTRY,
        overlays=[
            overlay("hpa", {"intent": "any"}),
            overlay("eks", {"service": "eks"}),
            overlay("eks-training", {"service": "eks", "intent": "training"}, base="eks"),
            overlay(
                "h100-eks-ubuntu-training",
                {"service": "eks", "accelerator": "h100", "intent": "training", "os": "ubuntu"},
                base="eks-training",
            ),
            overlay(
                "h100-eks-ubuntu-training-kubeflow",
                {
                    "service": "eks",
                    "accelerator": "h100",
                    "intent": "training",
                    "os": "ubuntu",
                    "platform": "kubeflow",
                },
                base="h100-eks-ubuntu-training",
            ),
            overlay("gke-cos", {"service": "gke", "os": "cos"}),
            overlay(
                "gke-cos-training", {"service": "gke", "os": "cos", "intent": "training"}, base="gke-cos"
            ),
            overlay(
                "h100-gke-cos-training",
                {"service": "gke", "accelerator": "h100", "os": "cos", "intent": "training"},
                base="gke-cos-training",
            ),
            overlay(
                "h100-kind-training-kubeflow",
                {"service": "kind", "accelerator": "h100", "intent": "training", "platform": "kubeflow"},
            ),
        ],
    )


def test_case27_uncovered_service_names_the_missing_os(tmp_path: Path) -> None:
    cat = _coverage_catalog(tmp_path)
    with pytest.raises(AicrError) as err:
        cat.resolve(Criteria(service="gke", accelerator="h100", intent="training"))
    assert err.value.code is Code.INVALID_REQUEST
    assert "requires os (valid: cos)" in err.value.message
    assert err.value.message == (
        "criteria(service=gke, accelerator=h100, intent=training) requires os (valid: cos): service 'gke', "
        "accelerator 'h100' and intent 'training' are provided only together with it; specify os."
    )
    uncovered = err.value.details["uncovered"]
    assert [u["dimension"] for u in uncovered] == ["service", "accelerator", "intent"]
    assert uncovered[0]["validCompletions"] == [{"os": "cos"}]


def test_no_overlay_for_a_value_says_so(tmp_path: Path) -> None:
    cat = _coverage_catalog(tmp_path)
    with pytest.raises(AicrError, match="no recipe provides platform 'dynamo' for criteria"):
        cat.resolve(Criteria(service="eks", platform="dynamo"))


def test_several_completions_list_supported_combinations(tmp_path: Path) -> None:
    cat = _coverage_catalog(tmp_path)
    with pytest.raises(AicrError) as err:
        cat.resolve(Criteria(accelerator="h100", intent="training", platform="kubeflow"))
    assert (
        "platform 'kubeflow' requires additional criteria; supported combinations: "
        "(service=kind), (service=eks, os=ubuntu)"
    ) in err.value.message


def test_joint_sufficiency_requires_the_strict_os(tmp_path: Path) -> None:
    cat = tiny_catalog(
        tmp_path,
        registry=REGISTRY,
        overlays=[
            overlay("eks", {"service": "eks"}),
            overlay("h100-any", {"accelerator": "h100"}),
            overlay("h100-eks-ubuntu", {"service": "eks", "accelerator": "h100", "os": "ubuntu"}, base="eks"),
            overlay(
                "h100-eks-al", {"service": "eks", "accelerator": "h100", "os": "amazonlinux"}, base="eks"
            ),
        ],
    )
    with pytest.raises(AicrError) as err:
        cat.resolve(Criteria(service="eks", accelerator="h100"))
    message = err.value.message
    assert "requires os (valid: amazonlinux, ubuntu)" in message
    assert message == (
        "service 'eks' with accelerator 'h100' requires os (valid: amazonlinux, ubuntu): no single recipe "
        "covers criteria(service=eks, accelerator=h100) without it; specify os."
    )
    assert err.value.details["strictDimensions"] == [
        {"dimension": "os", "validValues": ["amazonlinux", "ubuntu"]}
    ]
    assert (
        cat.resolve(Criteria(service="eks", accelerator="h100", os="ubuntu")).applied_overlays[-1]
        == "h100-eks-ubuntu"
    )


def test_strict_dimensions_can_be_opted_out_by_an_overlay(tmp_path: Path) -> None:
    cat = tiny_catalog(
        tmp_path,
        registry=REGISTRY,
        overlays=[
            overlay("eks", {"service": "eks"}, resolution={"strictDimensions": []}),
            overlay("h100-any", {"accelerator": "h100"}),
            overlay("h100-eks-ubuntu", {"service": "eks", "accelerator": "h100", "os": "ubuntu"}, base="eks"),
        ],
    )
    assert cat.resolve(Criteria(service="eks", accelerator="h100")).applied_overlays == [
        "base",
        "eks",
        "h100-any",
    ]


def test_a_conflicting_os_is_blamed_not_the_service(tmp_path: Path) -> None:
    # a criteria file saying os=ubuntu plus --service gke: the os is what no longer fits
    cat = _coverage_catalog(tmp_path)
    with pytest.raises(AicrError) as err:
        cat.resolve(Criteria(service="gke", accelerator="h100", intent="training", os="ubuntu"))
    assert err.value.message == (
        "os 'ubuntu' is not available for criteria(service=gke, accelerator=h100, intent=training) "
        "(valid os: cos)."
    )


def test_a_dimension_the_recipes_never_name_says_leave_it_unset(tmp_path: Path) -> None:
    cat = _coverage_catalog(tmp_path)
    with pytest.raises(AicrError) as err:
        cat.resolve(Criteria(service="kind", os="ubuntu"))
    assert err.value.message.endswith(
        "; os 'ubuntu' is not available for criteria(service=kind) (these recipes take no os; leave it unset)."
    )


def test_each_uncovered_value_is_named_once(tmp_path: Path) -> None:
    cat = _coverage_catalog(tmp_path)
    with pytest.raises(AicrError) as err:
        cat.resolve(Criteria(service="gke", accelerator="h100", intent="training"))
    message = err.value.message
    assert message.count("criteria(") == 1
    assert message.count("requires os") == 1
