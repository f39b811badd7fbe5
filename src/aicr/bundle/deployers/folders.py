"""Per-folder files and README pieces shared by the numbered-layout deployers (helm, helmfile, argocd,
argocd-helm): values files, wrapper-chart files, upstream.env, the install scripts, README tables.

Pure: builds file bodies into a BundleTree. reference/bundle.md §3.1: `upstream.env` holds
single-quoted CHART / REPO / VERSION (OCI: CHART is `<source>/<chart>`, REPO empty); install.sh
runs one `helm upgrade --install` with `-f values.yaml -f cluster-values.yaml`; a local chart
installs `./` and omits `--create-namespace` when a template owns the Namespace.
"""

from __future__ import annotations

from aicr.bundle import charts, templates
from aicr.recipe.criteria import FIELDS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from aicr.bundle.components import Component
    from aicr.bundle.layout import Folder
    from aicr.bundle.model import BundlePlan
    from aicr.bundle.tree import BundleTree

# The one spelling of the repository placeholder every GitOps deployer writes without --repo.
PLACEHOLDER_REPO = "https://github.com/YOUR-ORG/YOUR-REPO.git"

_SHELL_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/:=@+-")


def shell_quote(value: str) -> str:
    """`value` as one shell word: bare when it is plainly safe, else single-quoted."""
    if value and all(c in _SHELL_SAFE for c in value):
        return value
    return single_quoted(value)


def single_quoted(value: str) -> str:
    """`value` always single-quoted (upstream.env style)."""
    return "'" + value.replace("'", "'\\''") + "'"


def chart_ref(folder: Folder) -> tuple[str, str, str]:
    """(CHART, REPO, VERSION) of an upstream folder."""
    comp = folder.component
    if comp.is_oci:
        return f"{comp.source.rstrip('/')}/{comp.chart_name}", "", comp.version
    return comp.chart_name, comp.source, comp.version


def upstream_env(folder: Folder) -> str:
    """upstream.env of an upstream chart folder."""
    chart, repo, version = chart_ref(folder)
    return f"CHART={single_quoted(chart)}\nREPO={single_quoted(repo)}\nVERSION={single_quoted(version)}\n"


def applies_crds(folder: Folder) -> bool:
    """Whether the folder gets apply-crds.sh: a registry `ownsCRDs` component on its registry chart."""
    comp = folder.component
    entry = comp.entry or {}
    upstream = not folder.local or folder.vendored is not None
    if not upstream or folder.role != "primary" or not entry.get("ownsCRDs"):
        return False
    helm = entry.get("helm") or {}
    default_chart = (helm.get("defaultChart") or "").rsplit("/", 1)[-1]
    return comp.source == (helm.get("defaultRepository") or "") and comp.chart_name == (
        default_chart or comp.name
    )


def apply_crds_script(folder: Folder) -> str:
    """apply-crds.sh of a CRD-owning upstream folder (values baked in, no upstream.env needed).

    A vendored chart's CRDs come from its archive beside the script (`helm show crds <path>`).
    """
    chart, repo, version = chart_ref(folder)
    chart_q = single_quoted(chart)
    if folder.vendored is not None:
        repo = ""
        chart_q = '"$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"/' + single_quoted(
            "charts/" + folder.vendored.filename
        )
    return templates.render(
        "apply-crds.sh",
        release=folder.name,
        release_q=single_quoted(folder.name),
        namespace_q=single_quoted(folder.namespace),
        chart_q=chart_q,
        repo_q=single_quoted(repo),
        version_q=single_quoted(version),
    )


def install_script(folder: Folder) -> str:
    """install.sh of a folder."""
    pre_step = "bash ./apply-crds.sh\n" if applies_crds(folder) else ""
    if folder.local:
        return templates.render(
            "install-local.sh",
            release=shell_quote(folder.name),
            namespace=shell_quote(folder.namespace),
            create_namespace=" --create-namespace" if folder.create_namespace else "",
            pre_step=pre_step,
        )
    return templates.render(
        "install-upstream.sh",
        release=shell_quote(folder.name),
        namespace=shell_quote(folder.namespace),
        pre_step=pre_step,
    )


def folder_values(folder: Folder) -> tuple[str, str]:
    """(values.yaml, cluster-values.yaml) of a folder; wrapper charts nest under the component."""
    comp = folder.component
    if folder.local:
        static = charts.wrapped(folder, comp.values)
        dynamic = charts.wrapped(folder, comp.dynamic) if comp.dynamic else {}
        return charts.values_file(static), charts.values_file(dynamic)
    return charts.values_file(comp.values), charts.values_file(comp.dynamic)


def add_chart_files(tree: BundleTree, folder: Folder, plan: BundlePlan) -> None:
    """Chart.yaml and templates/* of a wrapper chart folder."""
    add_wrapper_chart(tree, folder.dir, folder, plan)


def add_wrapper_chart(tree: BundleTree, path: str, folder: Folder, plan: BundlePlan) -> None:
    """`<path>/Chart.yaml`, plus `<path>/charts/<chart>-<version>.tgz` for a vendored chart."""
    tree.add(f"{path}/Chart.yaml", charts.wrapper_chart(folder, plan.aicr_version))
    vendored = folder.vendored
    if vendored is not None:
        tree.add(f"{path}/charts/{vendored.filename}", vendored.data)
        note = (
            f"{{{{/* Vendored chart {vendored.chart} {vendored.version} (charts/{vendored.filename}); "
            f'the values of component {folder.component.name} sit under "{folder.component.name}". */}}}}\n'
        )
        tree.add(f"{path}/templates/_vendored.tpl", note)


def add_templates(tree: BundleTree, folder: Folder) -> None:
    """The folder's manifests, verbatim, under templates/."""
    for base, text in folder.templates:
        tree.add(f"{folder.dir}/templates/{base}", text)


def add_helm_folder(
    tree: BundleTree, folder: Folder, plan: BundlePlan, *, scripts: bool, cluster_values: bool, crds: bool
) -> None:
    """Write one folder in generation order: chart files, values, templates, then scripts."""
    values, cluster = folder_values(folder)
    if folder.local:
        add_chart_files(tree, folder, plan)
    tree.add(f"{folder.dir}/values.yaml", values)
    if cluster_values:
        tree.add(f"{folder.dir}/cluster-values.yaml", cluster)
    if folder.local:
        add_templates(tree, folder)
    elif scripts:
        tree.add(f"{folder.dir}/upstream.env", upstream_env(folder))
    if crds and applies_crds(folder):
        tree.add(f"{folder.dir}/apply-crds.sh", apply_crds_script(folder), executable=True)
    if scripts:
        tree.add(f"{folder.dir}/install.sh", install_script(folder), executable=True)


def release_record(folder: Folder, manifest: str = "") -> dict[str, str]:
    """A bundle-info `layout.releases` entry."""
    record = {
        "name": folder.name,
        "component": folder.component.name,
        "namespace": folder.namespace,
        "path": folder.dir,
    }
    if manifest:
        record["manifest"] = manifest
    return record


def components_table(plan: BundlePlan) -> str:
    """The README's Markdown table: Component | Version | Namespace | Source, one row per component."""
    lines = ["| Component | Version | Namespace | Source |", "|---|---|---|---|"]
    for comp in plan.components:
        cells = [comp.name, comp.version or "-", comp.namespace, source_text(comp)]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def source_text(comp: Component) -> str:
    """The Source cell of a README table."""
    if not comp.is_upstream:
        return "local chart (manifests)"
    return f"{comp.chart_name} ({comp.source})"


def target_environment(plan: BundlePlan) -> str:
    """`- service: eks` bullets for the criteria that are set."""
    lines = []
    for key in FIELDS:
        value = plan.criteria.get(key)
        if value and value != "any":
            lines.append(f"- {key}: {value}")
    return "\n".join(lines) if lines else "- any"


def readme(plan: BundlePlan, template: str, **values: str) -> str:
    """A README template with the recipe version, AICR version and target environment filled in."""
    return templates.render(
        template,
        recipe_version=plan.recipe_version or "unknown",
        aicr_version=plan.aicr_version,
        environment=target_environment(plan),
        **values,
    )
