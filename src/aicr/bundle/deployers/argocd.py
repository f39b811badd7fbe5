"""argocd deployer: one child Argo CD Application per numbered folder, plus app-of-apps.yaml.

Pure: BundlePlan -> BundleTree files. reference/bundle.md §3.3: sync wave = 0-based folder
position; an upstream chart is multi-source (chart + `$values` ref to the bundle's Git repo), or
single-source with inline `helm.valuesObject` when the bundle repo is OCI (`$values` is Git-only);
a wrapper chart is single-source `path: NNN-x`. install.sh, upstream.env and cluster-values.yaml
are not written. Without `--repo` a placeholder URL is used and a note says to replace it.
"""

from __future__ import annotations

from aicr.bundle.charts import normalize_version, sort_keys, yaml_document
from aicr.bundle.deployers import folders as common
from aicr.bundle.model import DeployerOutput
from aicr.bundle.options import in_repo

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.bundle.layout import Folder
    from aicr.bundle.model import BundlePlan
    from aicr.bundle.tree import BundleTree

LABEL = "Argo CD applications"
DEFAULT_APP_NAME = "nvidia-stack"
PLACEHOLDER_REPO = common.PLACEHOLDER_REPO
IN_CLUSTER = "https://kubernetes.default.svc"
FINALIZER = "resources-finalizer.argocd.argoproj.io"
SYNC_OPTIONS = ["CreateNamespace=true", "ServerSideApply=true"]
REPO_NOTE = "Update app-of-apps.yaml with your repository URL before applying"


def upstream_source(folder: Folder) -> dict[str, Any]:
    """repoURL / chart / targetRevision of an upstream chart (OCI: full ref, version verbatim)."""
    comp = folder.component
    if comp.is_oci:
        return {
            "repoURL": f"{comp.source.rstrip('/')}/{comp.chart_name}",
            "chart": comp.chart_name,
            "targetRevision": comp.version,
        }
    return {
        "repoURL": comp.source,
        "chart": comp.chart_name,
        "targetRevision": normalize_version(comp.version),
    }


def metadata(plan: BundlePlan, name: str, wave: int | None) -> dict[str, Any]:
    """Application metadata (finalizer when cascadeDelete is set)."""
    meta: dict[str, Any] = {"name": name, "namespace": "argocd"}
    if wave is not None:
        meta["annotations"] = {"argocd.argoproj.io/sync-wave": str(wave)}
    if plan.opts.argo.cascade_delete:
        meta["finalizers"] = [FINALIZER]
    return meta


def child_application(plan: BundlePlan, folder: Folder, repo: str, revision: str) -> dict[str, Any]:
    """The child Application of one folder."""
    argo = plan.opts.argo
    spec: dict[str, Any] = {"project": argo.project or "default"}
    if folder.local:
        spec["source"] = {
            "repoURL": repo,
            "targetRevision": revision,
            "path": in_repo(plan.opts.repo_path, folder.dir),
        }
    elif repo.startswith("oci://"):
        source = upstream_source(folder)
        source["helm"] = {"valuesObject": sort_keys(folder.component.values)}
        spec["source"] = source
    else:
        source = upstream_source(folder)
        source["helm"] = {"valueFiles": [f"$values/{in_repo(plan.opts.repo_path, folder.dir)}/values.yaml"]}
        spec["sources"] = [source, {"repoURL": repo, "targetRevision": revision, "ref": "values"}]
    spec["destination"] = {"server": argo.destination_server or IN_CLUSTER, "namespace": folder.namespace}
    spec["syncPolicy"] = {"automated": {"prune": True, "selfHeal": True}, "syncOptions": list(SYNC_OPTIONS)}
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": metadata(plan, argo.name_prefix + folder.name, folder.index - 1),
        "spec": spec,
    }


def app_of_apps(plan: BundlePlan, app_name: str, repo: str, revision: str) -> dict[str, Any]:
    """The parent Application that syncs every */application.yaml."""
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": metadata(plan, app_name, None),
        "spec": {
            "project": plan.opts.argo.project or "default",
            "source": {
                "repoURL": repo,
                "targetRevision": revision,
                "path": in_repo(plan.opts.repo_path, "."),
                "directory": {"recurse": True, "include": "*/application.yaml"},
            },
            "destination": {"server": IN_CLUSTER, "namespace": "argocd"},
            "syncPolicy": {"automated": {"prune": True, "selfHeal": True}},
        },
    }


def generate(plan: BundlePlan, tree: BundleTree) -> DeployerOutput:
    """Write the argocd bundle files."""
    out = DeployerOutput(LABEL, "app-of-apps.yaml")
    repo = plan.opts.repo or PLACEHOLDER_REPO
    revision = "main"
    app_name = plan.opts.app_name or DEFAULT_APP_NAME
    for folder in plan.folders:
        common.add_helm_folder(tree, folder, plan, scripts=False, cluster_values=False, crds=False)
        tree.add(
            f"{folder.dir}/application.yaml", yaml_document(child_application(plan, folder, repo, revision))
        )
        out.releases.append(common.release_record(folder, f"{folder.dir}/application.yaml"))
    tree.add("app-of-apps.yaml", yaml_document(app_of_apps(plan, app_name, repo, revision)))
    tree.add("README.md", _readme(plan, app_name, repo, revision))
    if not plan.opts.repo:
        out.notes.append(REPO_NOTE)
    out.settings = {"repoURL": repo, "targetRevision": revision}
    if plan.opts.app_name:
        out.settings["appName"] = app_name
    out.steps = [
        "Push {dir} to your GitOps repository"
        + ("" if plan.opts.repo else " (and set its URL in app-of-apps.yaml)"),
        "kubectl apply -f {dir}/app-of-apps.yaml",
    ]
    return out


def applications_table(plan: BundlePlan, name_prefix: str) -> str:
    """The README's Markdown table of child Applications, one row per folder (sync wave order)."""
    lines = ["| Application | Type | Version | Sync Wave | Namespace |", "|---|---|---|---|---|"]
    for folder in plan.folders:
        kind = "local chart" if folder.local else "Helm chart"
        lines.append(
            f"| {name_prefix}{folder.name} | {kind} | {folder.component.version or '-'} | "
            f"{folder.index - 1} | {folder.namespace} |"
        )
    return "\n".join(lines)


def _readme(plan: BundlePlan, app_name: str, repo: str, revision: str) -> str:
    hint = "" if plan.opts.repo else f"\n   The bundle was built without `--repo`: {REPO_NOTE.lower()}."
    return common.readme(
        plan,
        "README-argocd.md",
        table=applications_table(plan, plan.opts.argo.name_prefix),
        app_name=app_name,
        repo_url=repo,
        target_revision=revision,
        repo_hint=hint,
    )
