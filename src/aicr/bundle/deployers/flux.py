"""flux deployer: HelmRelease per release, HelmRepository/GitRepository sources, kustomization.yaml.

Pure: BundlePlan -> BundleTree files. reference/bundle.md §3.5: folders are `<release>/` (not
numbered); an upstream chart is pulled from a HelmRepository (named by the URL alias rule; OCI
keeps its version verbatim, HTTP drops a leading `v`), a wrapper chart (`-pre`, `-post`,
manifest-only) lives in the bundle's GitRepository with its manifests as raw templates and the
component's values under its name (in the chart's values.yaml and, authoritative, inline in the
HelmRelease). `dependsOn` follows the recipe's dependencyRefs (a component
waits for each dependency's last release) and `-pre -> primary -> -post`; `--serial` makes one
chain. `--dynamic` values go to a ConfigMap read through `valuesFrom`.
"""

from __future__ import annotations

import itertools

from aicr.bundle import charts
from aicr.bundle.charts import normalize_version, sort_keys, yaml_document
from aicr.bundle.deployers import folders as common
from aicr.bundle.deployers.helmfile import repo_alias
from aicr.bundle.model import DeployerOutput
from aicr.bundle.options import in_repo
from aicr.io.yamlout import dump

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.bundle.layout import Folder
    from aicr.bundle.model import BundlePlan
    from aicr.bundle.tree import BundleTree

LABEL = "Flux manifests"
PLACEHOLDER_REPO = common.PLACEHOLDER_REPO
BRANCH = "main"
SOURCE_API = "source.toolkit.fluxcd.io/v1"
HELM_API = "helm.toolkit.fluxcd.io/v2"
REPO_NOTE = "Update sources/gitrepo-*.yaml with your repository URL before applying"


def _meta(name: str, namespace: str) -> dict[str, str]:
    return {"name": name, "namespace": namespace}


def helm_repository(url: str, oci: bool, namespace: str) -> dict[str, Any]:
    """A HelmRepository source."""
    spec: dict[str, Any] = {}
    if oci:
        spec["type"] = "oci"
    spec["url"] = url
    spec["interval"] = "10m"
    return {
        "apiVersion": SOURCE_API,
        "kind": "HelmRepository",
        "metadata": _meta(repo_alias(url), namespace),
        "spec": spec,
    }


def git_repository(url: str, namespace: str) -> dict[str, Any]:
    """The GitRepository the bundle itself is committed to."""
    return {
        "apiVersion": SOURCE_API,
        "kind": "GitRepository",
        "metadata": _meta(repo_alias(url), namespace),
        "spec": {"url": url, "ref": {"branch": BRANCH}, "interval": "10m"},
    }


def depends_on(plan: BundlePlan) -> dict[str, list[str]]:
    """Release name -> names of the releases it waits for."""
    folders = plan.folders
    by_component: dict[str, list[Folder]] = {}
    for folder in folders:
        by_component.setdefault(folder.component.name, []).append(folder)
    out: dict[str, list[str]] = {}
    if plan.opts.serial:
        for i, folder in enumerate(folders):
            out[folder.name] = [folders[i - 1].name] if i else []
        return out
    for group in by_component.values():
        comp = group[0].component
        first: list[str] = []
        for dep in comp.dependency_refs:
            if dep in by_component:
                terminal = by_component[dep][-1].name
                if terminal not in first:
                    first.append(terminal)
        out[group[0].name] = first
        for prev, folder in itertools.pairwise(group):
            out[folder.name] = [prev.name]
    return out


def helm_release(plan: BundlePlan, folder: Folder, deps: list[str], git_name: str) -> dict[str, Any]:
    """The HelmRelease of one folder."""
    comp = folder.component
    namespace = plan.opts.flux_namespace
    if folder.local:
        chart_spec: dict[str, Any] = {
            "chart": f"./{in_repo(plan.opts.repo_path, folder.name)}",
            "sourceRef": {"kind": "GitRepository", "name": git_name, "namespace": namespace},
            "interval": "5m",
        }
        values = charts.wrapped(folder, comp.values)
    else:
        version = comp.version if comp.is_oci else normalize_version(comp.version)
        chart_spec = {
            "chart": comp.chart_name,
            "version": version,
            "sourceRef": {
                "kind": "HelmRepository",
                "name": repo_alias(_repo_url(comp.source)),
                "namespace": namespace,
            },
            "interval": "5m",
        }
        values = comp.values
    spec: dict[str, Any] = {
        "interval": "10m",
        "targetNamespace": folder.namespace,
        "install": {"createNamespace": folder.create_namespace},
        "chart": {"spec": chart_spec},
    }
    if deps:
        spec["dependsOn"] = [{"name": d} for d in deps]
    if comp.dynamic:
        spec["valuesFrom"] = [{"kind": "ConfigMap", "name": f"{folder.name}-values"}]
    if values:
        spec["values"] = sort_keys(values)
    return {
        "apiVersion": HELM_API,
        "kind": "HelmRelease",
        "metadata": _meta(folder.name, namespace),
        "spec": spec,
    }


def values_configmap(plan: BundlePlan, folder: Folder) -> dict[str, Any]:
    """ConfigMap with the install-time (`--dynamic`) values of a release."""
    dynamic = charts.wrapped(folder, folder.component.dynamic) if folder.local else folder.component.dynamic
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": _meta(f"{folder.name}-values", plan.opts.flux_namespace),
        "data": {"values.yaml": dump(sort_keys(dynamic))},
    }


def _repo_url(source: str) -> str:
    return source.rstrip("/")


def generate(plan: BundlePlan, tree: BundleTree) -> DeployerOutput:
    """Write the flux bundle files."""
    out = DeployerOutput(LABEL, "kustomization.yaml")
    namespace = plan.opts.flux_namespace
    git_url = plan.opts.repo or PLACEHOLDER_REPO
    git_name = repo_alias(git_url)
    deps = depends_on(plan)
    resources: list[str] = []
    helm_sources: dict[str, dict[str, Any]] = {}
    for folder in plan.folders:
        comp = folder.component
        if folder.local:
            common.add_wrapper_chart(tree, folder.name, folder, plan)
            tree.add(f"{folder.name}/values.yaml", charts.values_file(charts.wrapped(folder, comp.values)))
            for base, text in folder.templates:
                tree.add(f"{folder.name}/templates/{base}", text)
        else:
            url = _repo_url(comp.source)
            helm_sources.setdefault(repo_alias(url), helm_repository(url, comp.is_oci, namespace))
        release_path = f"{folder.name}/helmrelease.yaml"
        tree.add(release_path, yaml_document(helm_release(plan, folder, deps[folder.name], git_name)))
        resources.append(release_path)
        if comp.dynamic:
            path = f"{folder.name}/configmap-values.yaml"
            tree.add(path, yaml_document(values_configmap(plan, folder)))
            resources.append(path)
        record = common.release_record(folder, release_path)
        record["path"] = folder.name
        out.releases.append(record)
    for alias in sorted(helm_sources):
        path = f"sources/helmrepo-{alias}.yaml"
        tree.add(path, yaml_document(helm_sources[alias]))
        resources.append(path)
    git_path = f"sources/gitrepo-{git_name}.yaml"
    tree.add(git_path, yaml_document(git_repository(git_url, namespace)))
    resources.append(git_path)
    kustomization = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": sorted(resources),
    }
    tree.add("kustomization.yaml", yaml_document(kustomization))
    tree.add("README.md", _readme(plan, git_url, deps))
    if not plan.opts.repo:
        out.notes.append(REPO_NOTE)
    out.settings = {"repoURL": git_url, "targetRevision": BRANCH}
    out.steps = [
        "Commit {dir} to your Git repository"
        + ("" if plan.opts.repo else f" (and set its URL in {git_path})"),
        "Point a Flux Kustomization at it",
        "flux get helmreleases -A",
    ]
    return out


def _readme(plan: BundlePlan, git_url: str, deps: dict[str, list[str]]) -> str:
    lines = ["| Release | Component | Version | Namespace | DependsOn |", "|---|---|---|---|---|"]
    for folder in plan.folders:
        lines.append(
            f"| {folder.name} | {folder.component.name} | {folder.component.version or '-'} | {folder.namespace} | "
            f"{', '.join(deps[folder.name]) or '-'} |"
        )
    hint = "" if plan.opts.repo else f"\n   The bundle was built without `--repo`: {REPO_NOTE.lower()}."
    return common.readme(
        plan,
        "README-flux.md",
        flux_namespace=plan.opts.flux_namespace,
        repo_url=git_url,
        branch=BRANCH,
        table="\n".join(lines),
        repo_hint=hint,
    )
