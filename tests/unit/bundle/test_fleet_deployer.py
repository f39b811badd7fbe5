"""The Rancher Fleet deployer: GitRepo + fleet.yaml folders, HelmOps, targets, names and refusals."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from aicr.errors import AicrError, Code

REPO = "https://github.com/example/aicr-bundles.git"
NO_LOCAL_CHARTS = {"set": ["gpu-operator:enabled=false", "skyhook-customizations:enabled=false"]}


def docs(tree: Any, path: str) -> list[Any]:
    return [d for d in yaml.safe_load_all(tree.text(path)) if d is not None]


def test_gitrepo_lists_every_folder_in_install_order(plan_for: Any) -> None:
    tree, out, plan = plan_for("fleet", {"repo": REPO})
    (repo,) = docs(tree, "gitrepo.yaml")
    assert repo["spec"]["paths"] == [f.dir for f in plan.folders]
    assert repo["spec"]["repo"] == REPO and repo["metadata"] == {"name": "aicr", "namespace": "fleet-default"}
    assert repo["spec"]["targets"] == [
        {"clusterSelector": {"matchLabels": {"aicr.nvidia.com/bundle": "aicr"}}}
    ]
    assert out.entrypoint == "gitrepo.yaml"


def test_each_folder_depends_on_the_one_before(plan_for: Any) -> None:
    tree, _out, plan = plan_for("fleet", {"repo": REPO})
    previous = None
    for folder in plan.folders:
        (doc,) = docs(tree, f"{folder.dir}/fleet.yaml")
        assert doc["name"] == f"aicr-{folder.name}"
        assert doc.get("dependsOn") == ([{"name": previous}] if previous else None)
        previous = doc["name"]


def test_wrapper_chart_folder_is_its_own_chart(plan_for: Any) -> None:
    tree, _out, plan = plan_for("fleet", {"repo": REPO})
    local = [f for f in plan.folders if f.local]
    assert local, "the fixture recipe has pre/post manifests"
    for folder in local:
        (doc,) = docs(tree, f"{folder.dir}/fleet.yaml")
        assert doc["helm"]["chart"] == "." and "repo" not in doc["helm"]
        assert f"{folder.dir}/Chart.yaml" in tree.files


def test_oci_chart_is_one_repo_reference(plan_for: Any) -> None:
    tree, _out, plan = plan_for("fleet", {"repo": REPO})
    folder = next(f for f in plan.folders if f.component.is_oci and not f.local)
    (doc,) = docs(tree, f"{folder.dir}/fleet.yaml")
    assert doc["helm"]["repo"] == f"{folder.component.source.rstrip('/')}/{folder.component.chart_name}"
    assert "chart" not in doc["helm"]


def test_no_helm_scripts_in_fleet_folders(plan_for: Any) -> None:
    tree, _out, _plan = plan_for("fleet", {"repo": REPO})
    assert not [
        p for p in tree.files if p.endswith(("install.sh", "upstream.env", "apply-crds.sh", "deploy.sh"))
    ]


def test_helmop_mode_writes_one_helmop_per_release_with_inline_values(plan_for: Any) -> None:
    options = {**NO_LOCAL_CHARTS, "fleet_mode": "helmop", "dynamic": ["cert-manager:installCRDs"]}
    tree, out, plan = plan_for("fleet", options)
    ops = docs(tree, "helmops.yaml")
    cert_manager = next(op for op in ops if op["metadata"]["name"] == "aicr-cert-manager")
    assert cert_manager["spec"]["helm"]["values"]["installCRDs"] == ""  # install-time value inlined
    assert [op["metadata"]["name"] for op in ops] == [f"aicr-{f.name}" for f in plan.folders]
    assert all(op["kind"] == "HelmOp" and op["spec"]["helm"]["disablePreProcess"] for op in ops)
    assert ops[1]["spec"]["dependsOn"] == [{"name": ops[0]["metadata"]["name"]}]
    assert out.entrypoint == "helmops.yaml" and "gitrepo.yaml" not in tree.files
    assert not [p for p in tree.files if p.endswith("fleet.yaml")]


def test_helmop_mode_refuses_local_charts_naming_them(plan_for: Any) -> None:
    with pytest.raises(AicrError) as err:
        plan_for("fleet", {"fleet_mode": "helmop"})
    assert err.value.code is Code.INVALID_REQUEST
    assert "gpu-operator" in err.value.message and "--fleet-mode gitrepo" in err.value.message


def test_fleet_local_workspace_targets_the_local_cluster(plan_for: Any) -> None:
    tree, out, _plan = plan_for("fleet", {"fleet_namespace": "fleet-local"})
    (repo,) = docs(tree, "gitrepo.yaml")
    assert repo["spec"]["targets"] == [{"clusterName": "local"}]
    assert not [s for s in out.steps if "kubectl label" in s]


def test_app_name_prefixes_bundles_and_names_the_gitrepo(plan_for: Any) -> None:
    tree, _out, plan = plan_for("fleet", {"app_name": "gpu-stack"})
    (repo,) = docs(tree, "gitrepo.yaml")
    assert repo["metadata"]["name"] == "gpu-stack"
    (doc,) = docs(tree, f"{plan.folders[0].dir}/fleet.yaml")
    assert doc["name"] == f"gpu-stack-{plan.folders[0].name}"
    assert doc["labels"] == {"aicr.nvidia.com/bundle": "gpu-stack"}


def test_bundle_name_over_63_characters_is_refused(plan_for: Any) -> None:
    with pytest.raises(AicrError) as err:
        plan_for("fleet", {"app_name": "a" * 60})
    assert err.value.code is Code.INVALID_REQUEST and "shorter --app-name" in err.value.message


@pytest.mark.parametrize(
    ("deployer", "options", "message"),
    [
        ("helm", {"fleet_mode": "helmop"}, "--fleet-mode is only valid with --deployer fleet"),
        ("flux", {"fleet_namespace": "x"}, "--fleet-namespace is only valid with --deployer fleet"),
        ("fleet", {"fleet_mode": "kustomize"}, 'invalid --fleet-mode "kustomize"'),
        ("fleet", {"fleet_namespace": "Fleet_Default"}, 'invalid --fleet-namespace "Fleet_Default"'),
    ],
)
def test_fleet_flags_are_checked(plan_for: Any, deployer: str, options: dict[str, Any], message: str) -> None:
    with pytest.raises(AicrError) as err:
        plan_for(deployer, options)
    assert err.value.code is Code.INVALID_REQUEST and message in err.value.message


def test_crd_owners_are_named_in_the_notes_and_readme(plan_for: Any) -> None:
    tree, out, plan = plan_for("fleet", {"repo": REPO})
    from aicr.bundle.deployers.fleet import crd_owners

    owners = crd_owners(plan)
    assert owners, "kai-scheduler owns its CRDs in the fixture catalog"
    assert any("Fleet does not upgrade CRDs" in n and owners[0] in n for n in out.notes)
    assert f"`{owners[0]}`" in tree.text("README.md")
