"""Component selection and values: reference/bundle.md §2 and acceptance cases §7 #2-#6."""

from __future__ import annotations

from typing import Any

import pytest

from aicr.bundle import paths
from aicr.bundle.components import split_dynamic
from aicr.errors import AicrError, Code


def values_of(plan: Any, name: str) -> dict[str, Any]:
    values: dict[str, Any] = {c.name: c for c in plan.components}[name].values
    return values


def test_component_values_are_catalog_values_plus_recipe_overrides(plan_for: Any) -> None:
    _tree, _out, plan = plan_for()
    values = values_of(plan, "gpu-operator")
    assert values["driver"]["version"] == "580.105.08"  # values file over base values
    assert values["driver"]["enabled"] is True  # kept from the base values file
    assert values["cdi"] == {"enabled": True}  # recipe overrides


def test_set_false_removes_component_everywhere(plan_for: Any) -> None:
    tree, _out, plan = plan_for(options={"set": ["awsebscsidriver:enabled=false"]})
    assert "aws-ebs-csi-driver" not in [c.name for c in plan.components]
    assert not any(path.startswith(("001-aws-ebs", "aws-ebs")) or "/aws-ebs" in path for path in tree.files)
    recipe = tree.text("recipe.yaml")
    assert "aws-ebs-csi-driver" not in recipe


def test_set_alias_types_the_value(plan_for: Any) -> None:
    _tree, _out, plan = plan_for(
        options={"set": ["gpuoperator:driver.version=580.1", "gpu-operator:x.y=true"]}
    )
    values = values_of(plan, "gpu-operator")
    assert values["driver"]["version"] == "580.1"  # replaces a string: stays one (issue 13 item 8)
    assert values["x"]["y"] is True


def test_exact_name_beats_alias_on_the_same_path(plan_for: Any) -> None:
    _tree, _out, plan = plan_for(options={"set": ["gpu-operator:a=name", "gpuoperator:a=alias"]})
    assert values_of(plan, "gpu-operator")["a"] == "name"


def test_default_tolerations_are_injected_at_registry_paths(plan_for: Any) -> None:
    _tree, _out, plan = plan_for()
    values = values_of(plan, "gpu-operator")
    exists = [{"operator": "Exists"}]
    assert values["daemonsets"]["tolerations"] == exists
    assert values["operator"]["tolerations"] == exists
    for part in ("gc", "master", "worker"):
        assert values["node-feature-discovery"][part]["tolerations"] == exists
    assert "tolerations" not in values_of(plan, "aws-ebs-csi-driver")  # no registry paths: no injection


def test_toleration_flags_replace_the_default(plan_for: Any) -> None:
    _tree, _out, plan = plan_for(
        options={"accelerated_node_toleration": ["nvidia.com/gpu=present:NoSchedule", "dedicated:NoExecute"]}
    )
    values = values_of(plan, "gpu-operator")
    assert values["daemonsets"]["tolerations"] == [
        {"key": "nvidia.com/gpu", "operator": "Equal", "value": "present", "effect": "NoSchedule"},
        {"key": "dedicated", "operator": "Exists", "effect": "NoExecute"},
    ]


def test_selectors_workload_selector_gate_nodes_and_storage_class(plan_for: Any) -> None:
    _tree, out, plan = plan_for(
        options={
            "system_node_selector": ["role=system"],
            "accelerated_node_selector": ["nvidia.com/gpu.present=true"],
            "workload_selector": ["a=b"],
            "workload_gate": "skyhook.nvidia.com=runtime-required:NoSchedule",
            "nodes": "8",
            "storage_class": "fast",
        }
    )
    gpu = values_of(plan, "gpu-operator")
    assert gpu["operator"]["nodeSelector"] == {"role": "system"}
    assert gpu["daemonsets"]["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert values_of(plan, "skyhook-customizations")["workloadSelector"] == {"a": "b"}
    operator = values_of(plan, "skyhook-operator")
    assert (
        operator["controllerManager"]["runtimeRequiredTaint"]
        == "skyhook.nvidia.com=runtime-required:NoSchedule"
    )
    assert operator["estimatedNodeCount"] == 8
    assert values_of(plan, "aws-ebs-csi-driver")["storageClasses"]["default"]["name"] == "fast"
    assert not any("workload-selector" in note for note in out.notes)


def test_missing_workload_selector_on_training_is_a_warning(plan_for: Any) -> None:
    _tree, out, _plan = plan_for()
    warning = next(w for w in out.warnings if "--workload-selector is not set" in w)
    assert warning.endswith(".") and ".." not in warning


def test_explicit_set_beats_storage_class_injection(plan_for: Any) -> None:
    _tree, _out, plan = plan_for(
        options={"storage_class": "fast", "set": ["awsebscsidriver:storageClasses.default.name=mine"]}
    )
    assert values_of(plan, "aws-ebs-csi-driver")["storageClasses"]["default"]["name"] == "mine"


def test_set_json_merges_objects_and_replaces_lists(plan_for: Any) -> None:
    _tree, _out, plan = plan_for(
        options={
            "set": ["gpuoperator:driver.version=1"],
            "set_json": [
                'gpuoperator:driver={"version": "2", "extra": null, "new": {"k": 1}}',
                'gpuoperator:toolkit.env=[{"a": 1}]',
            ],
        }
    )
    values = values_of(plan, "gpu-operator")
    assert values["driver"]["version"] == "2"
    assert values["driver"]["enabled"] is True
    assert values["driver"]["new"] == {"k": 1}
    assert values["driver"]["extra"] is None  # kept: Helm deletes the chart default (issue 13 item 7)
    assert values["toolkit"]["env"] == [{"a": 1}]


def test_set_through_a_scalar_is_an_error(plan_for: Any) -> None:
    with pytest.raises(AicrError) as info:
        plan_for(options={"set": ["gpuoperator:driver.version.major=5"]})
    assert info.value.code is Code.INVALID_REQUEST
    assert 'path segment "version" exists but is not a map' in info.value.message


def test_reenabling_a_recipe_disabled_component_is_rejected(
    plan_for: Any, training_doc: dict[str, Any]
) -> None:
    doc = {**training_doc, "componentRefs": [dict(r) for r in training_doc["componentRefs"]]}
    for ref in doc["componentRefs"]:
        if ref["name"] == "kai-scheduler":
            ref["overrides"] = {"enabled": False}
    _tree, _out, plan = plan_for(doc=doc)
    assert "kai-scheduler" not in [c.name for c in plan.components]
    with pytest.raises(AicrError, match="is disabled by the recipe and cannot be re-enabled"):
        plan_for(doc=doc, options={"set": ["kai-scheduler:enabled=true"]})
    with pytest.raises(AicrError, match="because the recipe disables it"):
        plan_for(doc=doc, options={"set": ["kai-scheduler:x=1"]})


def test_overrides_for_absent_components_are_rejected(plan_for: Any) -> None:
    with pytest.raises(AicrError, match='unknown component "nope"; recipe declares: '):
        plan_for(options={"set": ["nope:a=1"]})
    with pytest.raises(
        AicrError,
        match='component "aws-ebs-csi-driver" is not in the generated bundle because an enabled=false',
    ):
        plan_for(options={"set": ["awsebscsidriver:enabled=false", "aws-ebs-csi-driver:a=1"]})
    with pytest.raises(AicrError, match="--dynamic nope:a cannot take effect"):
        plan_for(deployer="helm", options={"dynamic": ["nope:a"]})


def test_disabling_every_component_is_an_error(plan_for: Any, training_doc: dict[str, Any]) -> None:
    sets = [f"{r['name']}:enabled=false" for r in training_doc["componentRefs"]]
    with pytest.raises(AicrError, match="recipe has no enabled components after filtering"):
        plan_for(options={"set": sets})
    with pytest.raises(AicrError, match="recipe must contain at least one component reference"):
        plan_for(doc={**training_doc, "componentRefs": []})
    with pytest.raises(AicrError, match='invalid --set enabled value "maybe"'):
        plan_for(options={"set": ["kai-scheduler:enabled=maybe"]})


def test_dynamic_paths_move_to_install_time_values(plan_for: Any) -> None:
    tree, _out, plan = plan_for(options={"dynamic": ["gpuoperator:driver.version", "gpuoperator:new.path"]})
    comp = {c.name: c for c in plan.components}["gpu-operator"]
    assert "version" not in comp.values["driver"]
    assert comp.dynamic == {"driver": {"version": "580.105.08"}, "new": {"path": ""}}
    assert "580.105.08" in tree.text("006-gpu-operator/cluster-values.yaml")


def test_split_dynamic_and_paths_primitives() -> None:
    values: dict[str, Any] = {"a": {"b": 1, "c": 2}}
    static, dynamic = split_dynamic(values, ["a.b", "x.y"])
    assert static == {"a": {"c": 2}} and dynamic == {"a": {"b": 1}, "x": {"y": ""}}
    assert paths.ordered_paths(["a.b.c", "b", "a.b", "a"]) == ["a", "b", "a.b", "a.b.c"]
    assert paths.get_path({"a": [1]}, "a.0") == (None, False)
    assert paths.paths_intersect("a.b", "a.b.c") and not paths.paths_intersect("a.b", "a.bc")
