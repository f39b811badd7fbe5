"""`--repo-path`: GitOps bundles that do not sit at the repository root, and the one placeholder URL."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from aicr.bundle.deployers.folders import PLACEHOLDER_REPO
from aicr.bundle.options import BundleOptions, in_repo, parse_repo_path
from aicr.errors import AicrError


def load(tree: Any, path: str) -> Any:
    return yaml.safe_load(tree.text(path))


@pytest.mark.parametrize(
    ("given", "expected"),
    [("", ""), ("clusters/gpu", "clusters/gpu"), ("clusters/gpu/", "clusters/gpu"), ("./a//b", "a/b")],
)
def test_repo_path_is_normalised(given: str, expected: str) -> None:
    assert parse_repo_path(given) == expected


@pytest.mark.parametrize("bad", ["/abs/path", "a/../b", "..", "a\\b"])
def test_repo_path_must_stay_inside_the_repository(bad: str) -> None:
    with pytest.raises(AicrError) as err:
        parse_repo_path(bad)
    assert err.value.exit_code == 2 and bad in err.value.message


def test_in_repo_prefixes_bundle_paths() -> None:
    assert in_repo("", "001-x") == "001-x"
    assert in_repo("clusters/gpu", "001-x") == "clusters/gpu/001-x"
    assert in_repo("clusters/gpu", ".") == "clusters/gpu"


def test_argocd_applications_point_inside_the_sub_path(plan_for: Any) -> None:
    tree, _out, _plan = plan_for("argocd", {"repo": "https://git.example/r.git", "repo_path": "clusters/gpu"})
    post = load(tree, "007-gpu-operator-post/application.yaml")
    assert post["spec"]["source"]["path"] == "clusters/gpu/007-gpu-operator-post"
    main = load(tree, "006-gpu-operator/application.yaml")
    assert main["spec"]["sources"][0]["helm"]["valueFiles"] == [
        "$values/clusters/gpu/006-gpu-operator/values.yaml"
    ]
    parent = load(tree, "app-of-apps.yaml")
    assert parent["spec"]["source"]["path"] == "clusters/gpu"


def test_flux_releases_take_their_charts_from_the_sub_path(plan_for: Any) -> None:
    tree, _out, _plan = plan_for("flux", {"repo": "https://git.example/r.git", "repo_path": "clusters/gpu"})
    release = load(tree, "gpu-operator-post/helmrelease.yaml")
    assert release["spec"]["chart"]["spec"]["chart"] == "./clusters/gpu/gpu-operator-post"


def test_argocd_helm_local_children_use_the_sub_path(plan_for: Any) -> None:
    tree, _out, _plan = plan_for("argocd-helm", {"repo_path": "clusters/gpu"})
    local = [tree.text(f) for f in tree.files if f.startswith("templates/") and "path: " in tree.text(f)]
    assert local and all("path: clusters/gpu/0" in text for text in local)


def test_fleet_gitrepo_lists_sub_path_folders(plan_for: Any) -> None:
    tree, _out, _plan = plan_for("fleet", {"repo_path": "clusters/gpu"})
    paths = load(tree, "gitrepo.yaml")["spec"]["paths"]
    assert paths and all(p.startswith("clusters/gpu/0") for p in paths)


def test_repo_path_is_refused_for_deployers_without_a_repository() -> None:
    with pytest.raises(AicrError, match="--repo-path is only valid with"):
        from aicr.cli.bundle import options_from_args

        class Args:
            def __getattr__(self, name: str) -> Any:
                return {"repo_path": "x"}.get(name)

        options_from_args(Args(), "helm")


@pytest.mark.parametrize("deployer", ["argocd", "flux", "fleet"])
def test_every_gitops_deployer_writes_the_same_placeholder(plan_for: Any, deployer: str) -> None:
    tree, _out, _plan = plan_for(deployer)
    assert any(PLACEHOLDER_REPO in tree.text(f) for f in tree.files if f.endswith(".yaml"))
    assert not any("YOUR_ORG" in tree.text(f) for f in tree.files if f.endswith((".yaml", ".md")))


def test_options_record_the_sub_path() -> None:
    opts = BundleOptions.parse("argocd", {"repo_path": "clusters/gpu/"})
    assert opts.repo_path == "clusters/gpu"
