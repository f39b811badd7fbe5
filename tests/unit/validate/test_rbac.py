"""Least-privilege RBAC of a validation run (issue 9 item 3): the plan, its pre-flight list, the catalog field.

Pure: catalog entries in, manifests and permissions out; the catalog tests load an external
`validators/catalog.yaml` through `load_catalog(data=...)` (the compiled path).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.unit.validate.test_validator_catalog import catalog, entry, external

from aicr.catalog.catalog import load_catalog
from aicr.cli.main import main
from aicr.errors import AicrError, Code
from aicr.io.yamlout import dump
from aicr.k8s.access import Grant, Permission, missing_permissions, role_grants
from aicr.validate.manifests import RunNames
from aicr.validate.rbac import merge_rules, rbac_plan, run_access

RUN = "20261204-120000-00112233aabbccdd"
NAMES = RunNames(RUN, "aicr-validation")
PODS = {"apiGroups": [""], "resources": ["pods"], "verbs": ["list", "get"]}
NODES = {"apiGroups": [""], "resources": ["nodes"], "verbs": ["list"], "scope": "cluster"}
RUN_NS = {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["create"], "scope": "run-namespaces"}


def check(name: str, *rules: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "phase": "deployment", "image": "i", "rbac": list(rules)}


def test_namespaced_rules_only_make_no_cluster_role() -> None:
    plan = rbac_plan([check("a", PODS)], NAMES)
    assert [m["kind"] for m in plan.manifests()] == ["ServiceAccount", "Role", "RoleBinding"]
    assert plan.cluster_role is None


def test_the_role_holds_the_runtime_configmap_read_and_the_check_rules() -> None:
    plan = rbac_plan([check("a", PODS)], NAMES)
    assert plan.role["rules"] == [
        {
            "apiGroups": [""],
            "resources": ["configmaps"],
            "resourceNames": [f"aicr-recipe-{RUN}", f"aicr-snapshot-{RUN}"],
            "verbs": ["get"],
        },
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]},
    ]


def test_a_cluster_rule_adds_a_cluster_role_bound_to_the_run_service_account() -> None:
    plan = rbac_plan([check("a", PODS), check("b", NODES)], NAMES)
    assert [m["kind"] for m in plan.manifests()] == [
        "ServiceAccount",
        "Role",
        "RoleBinding",
        "ClusterRole",
        "ClusterRoleBinding",
    ]
    assert plan.cluster_role is not None and plan.cluster_role_binding is not None
    assert plan.cluster_role["rules"] == [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["list"]}]
    assert plan.cluster_role_binding["roleRef"] == {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "ClusterRole",
        "name": f"aicr-validator-{RUN}",
    }
    assert plan.cluster_role_binding["subjects"] == [
        {"kind": "ServiceAccount", "name": f"aicr-validator-{RUN}", "namespace": "aicr-validation"}
    ]


def test_run_namespace_rules_go_cluster_wide_with_namespace_create_and_delete() -> None:
    plan = rbac_plan([check("a", RUN_NS)], NAMES)
    assert plan.cluster_role is not None
    assert plan.cluster_role["rules"] == [
        {"apiGroups": [""], "resources": ["namespaces"], "verbs": ["create", "delete", "get"]},
        {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["create"]},
    ]


def test_rules_of_several_checks_merge_verbs_and_sort_deterministically() -> None:
    one = rbac_plan([check("a", PODS), check("b", {**PODS, "verbs": ["watch", "get"]})], NAMES)
    two = rbac_plan([check("b", {**PODS, "verbs": ["watch", "get"]}), check("a", PODS)], NAMES)
    assert dump(one.manifests()) == dump(two.manifests())
    assert one.role["rules"][1] == {
        "apiGroups": [""],
        "resources": ["pods"],
        "verbs": ["get", "list", "watch"],
    }


def test_rules_with_different_resource_names_stay_apart() -> None:
    named = {**PODS, "resourceNames": ["p1"], "verbs": ["delete"]}
    assert merge_rules([PODS, named]) == [
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]},
        {"apiGroups": [""], "resources": ["pods"], "resourceNames": ["p1"], "verbs": ["delete"]},
    ]


def test_every_object_carries_the_run_id_label_and_none_references_cluster_admin() -> None:
    plan = rbac_plan([check("a", PODS, NODES, RUN_NS)], NAMES)
    for manifest in plan.manifests():
        assert manifest["metadata"]["labels"]["aicr.nvidia.com/run-id"] == RUN
        assert RUN in manifest["metadata"]["name"]
    assert "cluster-admin" not in dump(plan.manifests())


def test_an_unknown_scope_reaching_the_planner_is_refused() -> None:
    with pytest.raises(AicrError, match='rbac scope "everywhere" is invalid') as err:
        rbac_plan([check("a", {**PODS, "scope": "everywhere"})], NAMES)
    assert err.value.code is Code.INVALID_REQUEST


def test_the_run_access_list_covers_namespace_rbac_configmaps_jobs_pods_and_logs() -> None:
    plan = rbac_plan([check("a", NODES)], NAMES)
    access = run_access(plan, NAMES, ["deployment"], create_namespace=True)
    described = {p.describe() for p in access.permissions}
    ns = 'in namespace "aicr-validation"'
    assert {
        "create namespaces cluster-wide",
        f"create serviceaccounts {ns}",
        f'delete rolebindings.rbac.authorization.k8s.io "aicr-validator-{RUN}" {ns}',
        f'delete clusterrolebindings.rbac.authorization.k8s.io "aicr-validator-{RUN}" cluster-wide',
        f"create configmaps {ns}",
        f'patch configmaps "aicr-ctrf-{RUN}-deployment" {ns}',
        f"create jobs.batch {ns}",
        f"delete pods {ns}",
        f"get pods/log {ns}",
    } <= described
    assert [g.instead.verb for g in access.grants] == ["escalate", "bind", "escalate", "bind"]


def test_an_existing_namespace_is_not_created() -> None:
    access = run_access(rbac_plan([], NAMES), NAMES, [], create_namespace=False)
    assert not any(p.resource == "namespaces" for p in access.permissions)


def test_a_role_grant_is_fine_with_escalate_or_with_every_permission_held() -> None:
    plan = rbac_plan([check("a", PODS)], NAMES)
    grants = role_grants(plan.role, plan.role_binding)
    assert missing_permissions([], grants, lambda p: p.verb not in ("escalate", "bind")) == []
    assert missing_permissions([], grants, lambda p: p.verb != "list") == []


def test_a_role_grant_without_escalate_lists_the_permissions_the_caller_lacks() -> None:
    grant = Grant(
        'create Role "r"',
        [Permission("list", "pods", namespace="ns"), Permission("get", "pods", namespace="ns")],
        Permission("escalate", "roles", "rbac.authorization.k8s.io", namespace="ns", name="r"),
    )
    denied = missing_permissions([], [grant], lambda p: p.verb == "get")
    assert denied == [
        'create Role "r": escalate roles.rbac.authorization.k8s.io "r" in namespace "ns", '
        'or else list pods in namespace "ns"'
    ]


def test_the_catalog_carries_rbac_rules_through_the_compiled_path(tmp_path: Path) -> None:
    root = external(tmp_path, catalog(entry("rbac-check", rbac=[PODS, NODES])))
    (loaded,) = [v for v in load_catalog(data=str(root)).validators if v["name"] == "rbac-check"]
    assert loaded["rbac"] == [
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["list", "get"]},
        {"apiGroups": [""], "resources": ["nodes"], "verbs": ["list"], "scope": "cluster"},
    ]


def test_an_unknown_rbac_scope_is_a_catalog_error_naming_file_and_field(tmp_path: Path) -> None:
    root = external(tmp_path, catalog(entry("c", rbac=[{**PODS, "scope": "clustr"}])))
    with pytest.raises(AicrError) as err:
        load_catalog(data=str(root))
    assert err.value.code is Code.INVALID_REQUEST
    assert "validators/catalog.yaml" in err.value.message
    assert "validators[0].rbac[0].scope" in err.value.message


def test_an_rbac_rule_without_verbs_is_a_catalog_error(tmp_path: Path) -> None:
    root = external(tmp_path, catalog(entry("c", rbac=[{**PODS, "verbs": []}])))
    with pytest.raises(AicrError, match=r'validator "c" rbac\[0\]\.verbs must list non-empty names'):
        load_catalog(data=str(root))


def test_print_rbac_prints_the_objects_for_the_recipe_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = external(tmp_path, catalog(entry("c-one", rbac=[NODES]), entry("c-two", rbac=[RUN_NS])))
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(
        dump(
            {
                "kind": "RecipeResult",
                "apiVersion": "aicr.nvidia.com/v1alpha1",
                "componentRefs": [],
                "validation": {"deployment": {"checks": ["c-one"]}},
            }
        )
    )
    code = main(["validate", "--print-rbac", "--data", str(root), "-r", str(recipe), "--phase", "deployment"])
    out = capsys.readouterr().out
    assert code == 0
    docs = out.split("---\n")[1:]
    kinds = [d.split("kind: ", 1)[1].split("\n", 1)[0] for d in docs]
    assert kinds == ["ServiceAccount", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"]
    assert "nodes" in out and "deployments" not in out
    assert "name: aicr-validator-preview" in out
