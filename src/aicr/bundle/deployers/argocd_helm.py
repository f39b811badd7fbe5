"""argocd-helm deployer: the bundle is itself a Helm chart that installs an Argo CD app-of-apps.

Pure: BundlePlan -> BundleTree files. reference/bundle.md §3.4: Chart.yaml (`aicr-bundle`,
version from the recipe), values.yaml with the install-time inputs (repoURL, targetRevision,
deployer options, `--dynamic` stubs under each component's override key), values.schema.json
pinning the deployer keys, `static/<component>.yaml` with each upstream chart's static values,
`templates/<release>.yaml` child Applications and `templates/aicr-stack.yaml` the parent. A
child of an upstream chart merges its static file with the install-time values; a child of a
local chart points at `NNN-x` inside the pushed chart and passes only the install-time values.
"""

from __future__ import annotations

import json

from aicr.bundle import charts, templates
from aicr.bundle.deployers import folders as common
from aicr.bundle.deployers.argocd import FINALIZER, IN_CLUSTER, applications_table, upstream_source
from aicr.bundle.model import DeployerOutput
from aicr.bundle.options import in_repo
from aicr.io.yamlout import dump, scalar

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.bundle.layout import Folder
    from aicr.bundle.model import BundlePlan
    from aicr.bundle.tree import BundleTree

LABEL = "Argo CD Helm chart app-of-apps"
CHART_NAME = "aicr-bundle"
DEFAULT_APP_NAME = "aicr-stack"
PARENT_TEMPLATE = "templates/aicr-stack.yaml"
_FINALIZERS = f"\n  finalizers:\n    - {FINALIZER}"


def values_schema() -> str:
    """values.schema.json: the deployer options and their patterns (draft-07)."""
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "repoURL": {"type": "string"},
            "targetRevision": {"type": "string"},
            "appName": {
                "type": "string",
                "pattern": "^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
            },
            "deployer": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "namePrefix": {"type": "string", "pattern": "^$|^[a-z0-9][a-z0-9-]*$"},
                    "destinationServer": {"type": "string", "pattern": "^https://[^'\"\\s@]+$"},
                    "project": {
                        "type": "string",
                        "pattern": "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$",
                        "maxLength": 253,
                    },
                },
            },
        },
    }
    return json.dumps(schema, indent=2) + "\n"


def root_values(plan: BundlePlan) -> str:
    """values.yaml of the chart: documented install-time inputs, then the values (sorted keys)."""
    argo = plan.opts.argo
    values: dict[str, Any] = {
        "deployer": {
            "destinationServer": argo.destination_server or IN_CLUSTER,
            "namePrefix": argo.name_prefix,
            "project": argo.project or "default",
        },
        "repoURL": "",
        "targetRevision": "",
    }
    if plan.opts.app_name:
        values["appName"] = plan.opts.app_name
    dynamic_keys = []
    for comp in plan.components:
        if comp.dynamic:
            values[comp.override_key] = comp.dynamic
            dynamic_keys.append(f"#   {comp.override_key}: install-time values of {comp.name} (--dynamic)")
    header = templates.render(
        "argocd-helm-values-header.yaml",
        dynamic_help=("\n" + "\n".join(dynamic_keys) + "\n#") if dynamic_keys else "",
    )
    return header + dump(charts.sort_keys(values))


def chart_yaml(plan: BundlePlan) -> str:
    """Chart.yaml of the bundle chart (version from the recipe's metadata.version)."""
    version = charts.chart_version(plan.recipe_version or plan.aicr_version)
    return (
        "apiVersion: v2\n"
        f"name: {CHART_NAME}\n"
        "description: AICR deployment bundle as an Argo CD app-of-apps Helm chart\n"
        "type: application\n"
        f"version: {version}\n"
        "annotations:\n"
        f"  aicr.run/generated-by: {scalar('aicr ' + plan.aicr_version)}\n"
    )


def child_template(plan: BundlePlan, folder: Folder) -> str:
    """templates/<release>.yaml for one folder."""
    comp = folder.component
    common_fields = {
        "release": folder.name,
        "wave": str(folder.index - 1),
        "finalizers": _FINALIZERS if plan.opts.argo.cascade_delete else "",
        "key": comp.override_key,
        "component": comp.name,
        "namespace": scalar(folder.namespace),
    }
    if folder.local:
        return templates.render(
            "argocd-helm-child-local.yaml", dir=in_repo(plan.opts.repo_path, folder.dir), **common_fields
        )
    source = upstream_source(folder)
    return templates.render(
        "argocd-helm-child-upstream.yaml",
        repo_url=scalar(source["repoURL"]),
        chart=scalar(source["chart"]),
        version=scalar(source["targetRevision"]),
        **common_fields,
    )


def generate(plan: BundlePlan, tree: BundleTree) -> DeployerOutput:
    """Write the argocd-helm bundle files."""
    out = DeployerOutput(LABEL, "Chart.yaml")
    tree.add("Chart.yaml", chart_yaml(plan))
    tree.add("values.yaml", root_values(plan))
    tree.add("values.schema.json", values_schema())
    for comp in plan.components:
        if comp.is_upstream:
            tree.add(f"static/{comp.name}.yaml", charts.values_file(comp.values))
    for folder in plan.folders:
        common.add_helm_folder(tree, folder, plan, scripts=False, cluster_values=False, crds=False)
        template = f"templates/{folder.name}.yaml"
        tree.add(template, child_template(plan, folder))
        out.releases.append(common.release_record(folder, template))
    parent = templates.render(
        "argocd-helm-parent.yaml", finalizers=_FINALIZERS if plan.opts.argo.cascade_delete else ""
    )
    tree.add(PARENT_TEMPLATE, parent)
    tree.add("README.md", _readme(plan))
    if plan.opts.repo:
        out.notes.append(
            "--repo is ignored with --deployer argocd-helm; supply the URL at install time via "
            "`helm install --set repoURL=...`"
        )
    if plan.opts.app_name:
        out.settings["appName"] = plan.opts.app_name
    out.steps = [
        "cd {dir}",
        f"helm install {CHART_NAME} . --namespace argocd --set repoURL=oci://<registry>/<path>",
    ]
    return out


def _readme(plan: BundlePlan) -> str:
    dynamic = [c.override_key for c in plan.components if c.dynamic]
    dynamic_text = (
        "; the install-time component values live under " + ", ".join(f"`{k}`" for k in dynamic)
        if dynamic
        else ""
    )
    return common.readme(
        plan,
        "README-argocd-helm.md",
        chart_name=CHART_NAME,
        chart_version=charts.chart_version(plan.recipe_version or plan.aicr_version),
        table=applications_table(plan, ""),
        dynamic_text=dynamic_text,
    )
