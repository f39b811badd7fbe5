"""helm deployer (default): one `NNN-<release>/` folder per Helm release plus root deploy.sh/undeploy.sh.

Pure: BundlePlan -> BundleTree files. reference/bundle.md §3.1: each folder holds values.yaml,
cluster-values.yaml and install.sh (+ upstream.env for an upstream chart, Chart.yaml and
templates/ for a wrapper chart, apply-crds.sh for a CRD owner); deploy.sh installs the folders in
order with retries and backoff after a pre-flight (tools, cluster, terminating namespaces);
undeploy.sh removes the releases in reverse order and then the bundle's non-system namespaces.
"""

from __future__ import annotations

from aicr.bundle import templates
from aicr.bundle.deployers import folders as common
from aicr.bundle.model import DeployerOutput

TYPE_CHECKING = False
if TYPE_CHECKING:
    from aicr.bundle.model import BundlePlan
    from aicr.bundle.tree import BundleTree

LABEL = "Helm per-component bundle"


def generate(plan: BundlePlan, tree: BundleTree) -> DeployerOutput:
    """Write the helm bundle files."""
    out = DeployerOutput(LABEL, "deploy.sh")
    for folder in plan.folders:
        common.add_helm_folder(tree, folder, plan, scripts=True, cluster_values=True, crds=True)
        out.releases.append(common.release_record(folder))
    tree.add("deploy.sh", render_deploy(plan), executable=True)
    tree.add("undeploy.sh", render_undeploy(plan), executable=True)
    tree.add("README.md", render_readme(plan))
    out.steps = ["cd {dir}", "chmod +x deploy.sh", "./deploy.sh"]
    return out


def render_deploy(plan: BundlePlan) -> str:
    """deploy.sh."""
    return templates.render(
        "deploy.sh", aicr_version=plan.aicr_version, namespaces=" ".join(plan.namespaces())
    )


def render_undeploy(plan: BundlePlan) -> str:
    """undeploy.sh."""
    return templates.render(
        "undeploy.sh", aicr_version=plan.aicr_version, namespaces=" ".join(plan.namespaces())
    )


def render_readme(plan: BundlePlan) -> str:
    """README.md."""
    releases = "\n".join(f"{i}. `{f.dir}/` - {f.name} ({f.namespace})" for i, f in enumerate(plan.folders, 1))
    uninstall = "\n".join(f"helm uninstall {f.name} -n {f.namespace}" for f in reversed(plan.folders))
    return common.readme(
        plan,
        "README-helm.md",
        table=common.components_table(plan),
        releases=releases,
        uninstall=uninstall,
    )
