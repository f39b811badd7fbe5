"""fleet deployer: Rancher Fleet bundles, as a GitRepo over `NNN-<release>/` folders or as HelmOps.

Pure: BundlePlan -> BundleTree files. Two shapes (`--fleet-mode`):
- `gitrepo` (default): the numbered folders of the helm deployer (values.yaml,
  cluster-values.yaml, Chart.yaml + templates/ for wrapper charts) each with a `fleet.yaml`
  naming the Fleet bundle `<app>-<release>`, its chart (upstream repo/chart/version, or the folder
  itself for a wrapper chart) and a `dependsOn` on the folder before it, plus a root
  `gitrepo.yaml` (fleet.cattle.io/v1alpha1 GitRepo) listing the folders in install order.
- `helmop`: one `helmops.yaml` with a HelmOp per release, values inline. A HelmOp needs a chart
  repository, so a recipe with wrapper charts (manifests) is refused before anything is written.
Clusters opt in by label `aicr.nvidia.com/bundle=<app>`; the `fleet-local` workspace targets the
Rancher local cluster instead. Fleet cannot run apply-crds.sh, so CRD owners are named in the notes.
"""

from __future__ import annotations

from aicr.bundle import charts
from aicr.bundle.charts import sort_keys, yaml_document
from aicr.bundle.deployers import folders as common
from aicr.bundle.model import DeployerOutput
from aicr.bundle.options import in_repo
from aicr.errors import AicrError, Code
from aicr.io.yamlout import dump
from aicr.recipe.deepmerge import deep_merge

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.bundle.layout import Folder
    from aicr.bundle.model import BundlePlan
    from aicr.bundle.tree import BundleTree

FLEET_API = "fleet.cattle.io/v1alpha1"
DEFAULT_APP_NAME = "aicr"
LOCAL_WORKSPACE = "fleet-local"
BUNDLE_LABEL = "aicr.nvidia.com/bundle"
PLACEHOLDER_REPO = common.PLACEHOLDER_REPO
BRANCH = "main"
MAX_BUNDLE_NAME = 63  # Fleet copies the bundle name into a label value
VALUES_FILES = ["values.yaml", "cluster-values.yaml"]
LABELS = {"gitrepo": "Rancher Fleet GitRepo bundle", "helmop": "Rancher Fleet HelmOp bundle"}
ENTRYPOINTS = {"gitrepo": "gitrepo.yaml", "helmop": "helmops.yaml"}


def app_name(plan: BundlePlan) -> str:
    """The GitRepo name and bundle-name prefix (`--app-name`, default `aicr`)."""
    return plan.opts.app_name or DEFAULT_APP_NAME


def bundle_name(plan: BundlePlan, folder: Folder) -> str:
    """`<app>-<release>`: the Fleet bundle (or HelmOp) name of a folder."""
    return f"{app_name(plan)}-{folder.name}"


def check_plan(plan: BundlePlan) -> None:
    """Refuse what Fleet cannot deploy, before any file is planned (INVALID_REQUEST)."""
    for folder in plan.folders:
        name = bundle_name(plan, folder)
        if len(name) > MAX_BUNDLE_NAME:
            raise AicrError(
                Code.INVALID_REQUEST,
                f'Fleet bundle name "{name}" is longer than {MAX_BUNDLE_NAME} characters; '
                "use a shorter --app-name",
            )
    if plan.opts.fleet_mode == "helmop":
        local = sorted({f.component.name for f in plan.folders if f.local})
        if local:
            raise AicrError(
                Code.INVALID_REQUEST,
                f"components {', '.join(local)} need local charts (manifests or --vendor-charts), which a HelmOp cannot "
                "deploy because it pulls from a chart repository; use --fleet-mode gitrepo",
            )


def targets(plan: BundlePlan) -> list[dict[str, Any]]:
    """The clusters a GitRepo or HelmOp deploys to."""
    if plan.opts.fleet_namespace == LOCAL_WORKSPACE:
        return [{"clusterName": "local"}]
    return [{"clusterSelector": {"matchLabels": {BUNDLE_LABEL: app_name(plan)}}}]


def chart_source(folder: Folder) -> dict[str, str]:
    """The helm chart coordinates of a folder: repo/chart/version, OCI as one `repo` reference."""
    comp = folder.component
    if folder.local:
        return {"chart": "."}
    if comp.is_oci:
        return {"repo": f"{comp.source.rstrip('/')}/{comp.chart_name}", "version": comp.version}
    return {"repo": comp.source, "chart": comp.chart_name, "version": comp.version}


def fleet_yaml(plan: BundlePlan, folder: Folder, previous: str) -> dict[str, Any]:
    """The `fleet.yaml` of one folder (gitrepo mode)."""
    doc: dict[str, Any] = {
        "name": bundle_name(plan, folder),
        "defaultNamespace": folder.namespace,
        "labels": {BUNDLE_LABEL: app_name(plan)},
        "helm": {
            "releaseName": folder.name,
            **chart_source(folder),
            "valuesFiles": list(VALUES_FILES),
            "disablePreProcess": True,
        },
    }
    if folder.vendored is not None:
        doc["helm"]["disableDependencyUpdate"] = True  # the archive is in charts/
    if previous:
        doc["dependsOn"] = [{"name": previous}]
    return doc


def git_repo(plan: BundlePlan) -> dict[str, Any]:
    """The root GitRepo listing every folder in install order."""
    return {
        "apiVersion": FLEET_API,
        "kind": "GitRepo",
        "metadata": {"name": app_name(plan), "namespace": plan.opts.fleet_namespace},
        "spec": {
            "repo": plan.opts.repo or PLACEHOLDER_REPO,
            "branch": BRANCH,
            "paths": [in_repo(plan.opts.repo_path, folder.dir) for folder in plan.folders],
            "targets": targets(plan),
        },
    }


def helm_op(plan: BundlePlan, folder: Folder, previous: str) -> dict[str, Any]:
    """One HelmOp (helmop mode); static and install-time values merged inline."""
    comp = folder.component
    values = deep_merge(comp.values, comp.dynamic) if comp.dynamic else comp.values
    helm: dict[str, Any] = {"releaseName": folder.name, **chart_source(folder)}
    if values:
        helm["values"] = sort_keys(values)
    helm["disablePreProcess"] = True
    spec: dict[str, Any] = {"defaultNamespace": folder.namespace, "helm": helm}
    if previous:
        spec["dependsOn"] = [{"name": previous}]
    spec["targets"] = targets(plan)
    labels = {BUNDLE_LABEL: app_name(plan)}
    spec["labels"] = dict(labels)
    return {
        "apiVersion": FLEET_API,
        "kind": "HelmOp",
        "metadata": {
            "name": bundle_name(plan, folder),
            "namespace": plan.opts.fleet_namespace,
            "labels": labels,
        },
        "spec": spec,
    }


def generate(plan: BundlePlan, tree: BundleTree) -> DeployerOutput:
    """Write the fleet bundle files."""
    check_plan(plan)
    mode = plan.opts.fleet_mode
    out = DeployerOutput(LABELS[mode], ENTRYPOINTS[mode])
    previous = ""
    docs: list[str] = []
    for folder in plan.folders:
        if mode == "gitrepo":
            common.add_helm_folder(tree, folder, plan, scripts=False, cluster_values=True, crds=False)
            manifest = f"{folder.dir}/fleet.yaml"
            tree.add(manifest, charts.HEADER + dump_plain(fleet_yaml(plan, folder, previous)))
            out.releases.append(common.release_record(folder, manifest))
        else:
            docs.append(dump_plain(helm_op(plan, folder, previous)))
            record = common.release_record(folder, ENTRYPOINTS[mode])
            record["path"] = ENTRYPOINTS[mode]
            out.releases.append(record)
        previous = bundle_name(plan, folder)
    if mode == "gitrepo":
        tree.add("gitrepo.yaml", yaml_document(git_repo(plan)))
    else:
        tree.add("helmops.yaml", charts.HEADER + "---\n" + "---\n".join(docs))
    tree.add("README.md", _readme(plan))
    _finish(plan, out)
    return out


def dump_plain(doc: dict[str, Any]) -> str:
    """One YAML document in the key order given."""
    return dump(doc)


def crd_owners(plan: BundlePlan) -> list[str]:
    """Components whose CRDs the helm deployer refreshes with apply-crds.sh (Fleet cannot)."""
    return [f.component.name for f in plan.folders if common.applies_crds(f)]


def _finish(plan: BundlePlan, out: DeployerOutput) -> None:
    mode = plan.opts.fleet_mode
    entry = ENTRYPOINTS[mode]
    namespace = plan.opts.fleet_namespace
    app = app_name(plan)
    if mode == "gitrepo":
        repo = plan.opts.repo or PLACEHOLDER_REPO
        out.settings = {"repoURL": repo, "targetRevision": BRANCH, "appName": app}
        out.steps = [f"Push {{dir}} to {repo} (branch {BRANCH})", f"kubectl apply -f {entry}"]
    else:
        out.settings = {"appName": app}
        out.steps = [f"kubectl apply -f {entry}"]
    if namespace != LOCAL_WORKSPACE:
        out.steps.append(
            f"kubectl label clusters.fleet.cattle.io -n {namespace} <cluster> {BUNDLE_LABEL}={app}"
        )
    out.steps.append(f"kubectl get bundles -n {namespace} -l {BUNDLE_LABEL}={app}")
    out.notes.append(f"Requires Rancher Fleet; {entry} is applied to the Fleet management cluster.")
    owners = crd_owners(plan)
    if owners:
        out.notes.append(
            f"Fleet does not upgrade CRDs: before upgrading {', '.join(owners)}, apply the new chart's CRDs "
            "yourself (see README.md)."
        )
    if mode == "gitrepo" and not plan.opts.repo:
        out.notes.append("Set your repository URL in gitrepo.yaml (the bundle was built without --repo).")


def _readme(plan: BundlePlan) -> str:
    lines = ["| Bundle | Release | Namespace | Version |", "|---|---|---|---|"]
    for folder in plan.folders:
        version = folder.component.version or "-"
        lines.append(f"| {bundle_name(plan, folder)} | {folder.name} | {folder.namespace} | {version} |")
    owners = crd_owners(plan)
    crd_note = (
        "Fleet installs charts through Helm, which never upgrades CRDs. Before upgrading "
        + ", ".join(f"`{o}`" for o in owners)
        + ", apply the CRDs of the new chart version by hand."
        if owners
        else "No component of this bundle needs a manual CRD step on upgrade."
    )
    source = (
        {"repo_url": plan.opts.repo or PLACEHOLDER_REPO, "branch": BRANCH}
        if plan.opts.fleet_mode == "gitrepo"
        else {}
    )
    return common.readme(
        plan,
        f"README-fleet-{plan.opts.fleet_mode}.md",
        app_name=app_name(plan),
        fleet_namespace=plan.opts.fleet_namespace,
        bundle_label=BUNDLE_LABEL,
        table="\n".join(lines),
        **source,
        crd_note=crd_note,
        opt_in=(
            "The `fleet-local` workspace targets the Rancher local cluster."
            if plan.opts.fleet_namespace == LOCAL_WORKSPACE
            else f"Opt a cluster in: `kubectl label clusters.fleet.cattle.io -n {plan.opts.fleet_namespace} "
            f"<cluster> {BUNDLE_LABEL}={app_name(plan)}`."
        ),
    )
