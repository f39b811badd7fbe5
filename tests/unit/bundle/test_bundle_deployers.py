"""Deployer layouts and file contents: reference/bundle.md §3 and acceptance cases §7 #18-#26."""

from __future__ import annotations

from typing import Any

import yaml

from aicr.bundle.deployers.helmfile import repo_alias


def load(tree: Any, path: str) -> Any:
    docs = [d for d in yaml.safe_load_all(tree.text(path)) if d is not None]
    assert len(docs) == 1, path
    return docs[0]


def test_helm_upstream_env_quotes_and_oci_refs(plan_for: Any) -> None:
    tree, out, _plan = plan_for()
    assert tree.text("006-gpu-operator/upstream.env") == (
        "CHART='gpu-operator'\nREPO='https://helm.ngc.nvidia.com/nvidia'\nVERSION='v25.3.3'\n"
    )
    assert tree.text("008-kai-scheduler/upstream.env") == (
        "CHART='oci://ghcr.io/nvidia/kai-scheduler/kai-scheduler'\nREPO=''\nVERSION='v0.13.0'\n"
    )
    assert "bash ./apply-crds.sh" in tree.text("008-kai-scheduler/install.sh")
    assert out.entrypoint == "deploy.sh" and "deploy.sh" in tree.files and "undeploy.sh" in tree.files


def test_helm_readme_uninstalls_in_reverse_order(plan_for: Any) -> None:
    tree, _out, _plan = plan_for()
    readme = tree.text("README.md")
    post = readme.index("helm uninstall gpu-operator-post -n gpu-operator")
    main = readme.index("helm uninstall gpu-operator -n gpu-operator")
    pre = readme.index("helm uninstall gpu-operator-pre -n gpu-operator")
    assert readme.index("helm uninstall kai-scheduler") < post < main < pre


def test_argocd_applications_with_repo(plan_for: Any) -> None:
    tree, out, _plan = plan_for("argocd", {"repo": "https://github.com/example/aicr-bundles.git"})
    post = load(tree, "007-gpu-operator-post/application.yaml")
    assert post["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] == "6"
    assert post["spec"]["source"] == {
        "repoURL": "https://github.com/example/aicr-bundles.git",
        "targetRevision": "main",
        "path": "007-gpu-operator-post",
    }
    assert post["spec"]["syncPolicy"]["syncOptions"] == ["CreateNamespace=true", "ServerSideApply=true"]
    main = load(tree, "006-gpu-operator/application.yaml")
    chart, values_ref = main["spec"]["sources"]
    assert chart["targetRevision"] == "25.3.3"  # HTTP chart: v stripped
    assert chart["helm"]["valueFiles"] == ["$values/006-gpu-operator/values.yaml"]
    assert values_ref == {
        "repoURL": "https://github.com/example/aicr-bundles.git",
        "targetRevision": "main",
        "ref": "values",
    }
    kai = load(tree, "008-kai-scheduler/application.yaml")["spec"]["sources"][0]
    assert kai["targetRevision"] == "v0.13.0"  # OCI: verbatim
    for name in ("install.sh", "upstream.env", "cluster-values.yaml", "apply-crds.sh"):
        assert not any(p.endswith(name) for p in tree.files)
    parent = load(tree, "app-of-apps.yaml")
    assert parent["metadata"]["name"] == "nvidia-stack"
    assert parent["spec"]["source"]["directory"] == {"recurse": True, "include": "*/application.yaml"}
    assert not any("YOUR-ORG" in n for n in out.notes)


def test_argocd_without_repo_uses_a_placeholder_and_says_so(plan_for: Any) -> None:
    tree, out, _plan = plan_for("argocd")
    assert (
        load(tree, "app-of-apps.yaml")["spec"]["source"]["repoURL"]
        == "https://github.com/YOUR-ORG/YOUR-REPO.git"
    )
    assert "Update app-of-apps.yaml with your repository URL before applying" in out.notes


def test_argocd_oci_repo_inlines_values(plan_for: Any) -> None:
    tree, _out, _plan = plan_for("argocd", {"repo": "oci://reg.example/ns/my-bundle"})
    source = load(tree, "006-gpu-operator/application.yaml")["spec"]["source"]
    assert source["helm"]["valuesObject"]["driver"]["version"] == "580.105.08"


def test_argocd_deployer_options_shape_the_applications(plan_for: Any) -> None:
    tree, _out, _plan = plan_for(
        "argocd",
        {
            "set": [
                "deployer:namePrefix=team-",
                "deployer:project=gpu",
                "deployer:cascadeDelete=true",
                "deployer:destinationServer=https://remote.example:6443",
            ],
            "app_name": "my-stack",
        },
    )
    app = load(tree, "002-cert-manager/application.yaml")
    assert app["metadata"]["name"] == "team-cert-manager"
    assert app["metadata"]["finalizers"] == ["resources-finalizer.argocd.argoproj.io"]
    assert app["spec"]["project"] == "gpu"
    assert app["spec"]["destination"]["server"] == "https://remote.example:6443"
    assert load(tree, "app-of-apps.yaml")["metadata"]["name"] == "my-stack"


def test_helmfile_releases_repositories_and_levels(plan_for: Any) -> None:
    tree, out, _plan = plan_for("helmfile")
    assert load(tree, "helmfile.yaml") == {"helmfiles": [{"path": f"level-{i}.yaml"} for i in range(4)]}
    level = load(tree, "level-2.yaml")
    assert level["repositories"] == [
        {"name": "helm-ngc-nvidia-com-nvidia", "url": "https://helm.ngc.nvidia.com/nvidia"}
    ]
    releases = {r["name"]: r for r in level["releases"]}
    assert releases["gpu-operator"]["chart"] == "helm-ngc-nvidia-com-nvidia/gpu-operator"
    assert releases["gpu-operator"]["version"] == "v25.3.3"
    assert releases["gpu-operator"]["disableValidation"] is True
    assert releases["gpu-operator-post"]["chart"] == "./007-gpu-operator-post"
    assert releases["gpu-operator-post"]["needs"] == ["gpu-operator"]
    assert releases["gpu-operator-pre"]["createNamespace"] is False
    kai = load(tree, "level-3.yaml")["releases"][0]
    assert (kai["wait"], kai["timeout"]) == (False, 1200)
    assert kai["hooks"][0]["args"] == ["./008-kai-scheduler/apply-crds.sh"]
    assert load(tree, "level-3.yaml")["repositories"][0] == {
        "name": "ghcr-io-nvidia-kai-scheduler",
        "url": "ghcr.io/nvidia/kai-scheduler",
        "oci": True,
    }
    assert "Requires the helmfile CLI on $PATH" in out.notes


def test_helmfile_single_level_and_serial_chain(plan_for: Any, training_doc: dict[str, Any]) -> None:
    refs = [{**r, "dependencyRefs": []} for r in training_doc["componentRefs"]]
    refs = [{k: v for k, v in r.items() if k != "dependencyRefs"} for r in refs]
    doc = {**training_doc, "componentRefs": refs}
    tree, _out, _plan = plan_for("helmfile", {"serial": True}, doc=doc)
    assert "level-0.yaml" not in tree.files
    releases = load(tree, "helmfile.yaml")["releases"]
    assert "needs" not in releases[0]
    assert releases[1]["needs"] == ["kube-system/aws-ebs-csi-driver"]  # cross-namespace: ns/name
    assert releases[2]["needs"] == ["cert-manager/cert-manager"]


def test_repository_alias_rule() -> None:
    assert repo_alias("https://helm.ngc.nvidia.com/nvidia/") == "helm-ngc-nvidia-com-nvidia"
    assert repo_alias("https://github.com/Org/Repo.git") == "github-com-org-repo"
    assert repo_alias("oci://ghcr.io/nvidia") == "ghcr-io-nvidia"
    assert repo_alias("https://") == "default-repo"
    assert len(repo_alias("https://" + "a" * 100)) == 63


def test_flux_releases_sources_and_kustomization(plan_for: Any) -> None:
    tree, _out, _plan = plan_for("flux")
    gpu = load(tree, "gpu-operator/helmrelease.yaml")
    assert gpu["metadata"] == {"name": "gpu-operator", "namespace": "flux-system"}
    spec = gpu["spec"]
    assert spec["targetNamespace"] == "gpu-operator"
    assert spec["chart"]["spec"]["sourceRef"] == {
        "kind": "HelmRepository",
        "name": "helm-ngc-nvidia-com-nvidia",
        "namespace": "flux-system",
    }
    assert spec["chart"]["spec"]["version"] == "25.3.3"
    assert spec["dependsOn"] == [{"name": "gpu-operator-pre"}]
    pre = load(tree, "gpu-operator-pre/helmrelease.yaml")["spec"]
    assert pre["dependsOn"] == [{"name": "cert-manager"}, {"name": "skyhook-customizations"}]
    assert pre["chart"]["spec"]["chart"] == "./gpu-operator-pre"
    assert pre["install"]["createNamespace"] is False
    post = load(tree, "gpu-operator-post/helmrelease.yaml")["spec"]
    assert post["dependsOn"] == [{"name": "gpu-operator"}]
    assert list(post["values"]) == ["gpu-operator"]
    assert load(tree, "kai-scheduler/helmrelease.yaml")["spec"]["chart"]["spec"]["version"] == "v0.13.0"
    resources = load(tree, "kustomization.yaml")["resources"]
    assert resources == sorted(resources)
    assert "sources/helmrepo-charts-jetstack-io.yaml" in resources
    assert "sources/gitrepo-github-com-your-org-your-repo.yaml" in resources
    assert not any(p.startswith("0") for p in tree.files)


def test_flux_namespace_serial_and_dynamic(plan_for: Any) -> None:
    tree, _out, _plan = plan_for(
        "flux", {"flux_namespace": "gitops", "serial": True, "dynamic": ["gpuoperator:driver.version"]}
    )
    gpu = load(tree, "gpu-operator/helmrelease.yaml")
    assert gpu["metadata"]["namespace"] == "gitops"
    assert gpu["spec"]["dependsOn"] == [{"name": "gpu-operator-pre"}]
    assert load(tree, "cert-manager/helmrelease.yaml")["spec"]["dependsOn"] == [
        {"name": "aws-ebs-csi-driver"}
    ]
    assert gpu["spec"]["valuesFrom"] == [{"kind": "ConfigMap", "name": "gpu-operator-values"}]
    cm = load(tree, "gpu-operator/configmap-values.yaml")
    assert yaml.safe_load(cm["data"]["values.yaml"]) == {"driver": {"version": "580.105.08"}}
    assert "version" not in gpu["spec"]["values"]["driver"]


def test_argocd_helm_chart_values_and_templates(plan_for: Any) -> None:
    tree, out, _plan = plan_for(
        "argocd-helm", {"dynamic": ["gpuoperator:driver.version"], "repo": "https://x/y.git"}
    )
    values = load(tree, "values.yaml")
    assert values["gpuoperator"] == {"driver": {"version": "580.105.08"}}
    assert values["repoURL"] == "" and values["targetRevision"] == ""
    assert values["deployer"] == {
        "destinationServer": "https://kubernetes.default.svc",
        "namePrefix": "",
        "project": "default",
    }
    assert load(tree, "Chart.yaml")["name"] == "aicr-bundle"
    assert "version" not in load(tree, "static/gpu-operator.yaml")["driver"]
    child = tree.text("templates/gpu-operator.yaml")
    assert '.Files.Get "static/gpu-operator.yaml"' in child and 'index .Values "gpuoperator"' in child
    post = tree.text("templates/gpu-operator-post.yaml")
    assert "required" in post and ".Values.repoURL" in post and "path: 007-gpu-operator-post" in post
    assert "templates/aicr-stack.yaml" in tree.files and "values.schema.json" in tree.files
    assert any("--repo is ignored" in n for n in out.notes)
    assert out.entrypoint == "Chart.yaml"


def test_bundle_info_records_build_and_releases(plan_for: Any) -> None:
    tree, _out, _plan = plan_for("argocd", {"repo": "https://e.x/r.git", "system_node_selector": ["a=b"]})
    info = load(tree, "bundle-info.yaml")
    assert info["kind"] == "BundleInfo"
    assert info["build"]["deployer"] == "argocd"
    assert info["build"]["recipe"]["digest"].startswith("sha256:")
    assert info["build"]["settings"]["repoURL"] == "https://e.x/r.git"
    assert info["build"]["settings"]["nodeScheduling"] == {"system": {"selector": {"a": "b"}}}
    assert info["layout"]["entrypoint"] == "app-of-apps.yaml"
    first = info["layout"]["releases"][4]
    assert first == {
        "name": "gpu-operator-pre",
        "component": "gpu-operator",
        "namespace": "gpu-operator",
        "path": "005-gpu-operator-pre",
        "manifest": "005-gpu-operator-pre/application.yaml",
    }
