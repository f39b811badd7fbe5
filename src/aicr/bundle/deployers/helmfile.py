"""helmfile deployer: a helmfile.yaml release graph over the numbered folders.

Pure: BundlePlan -> BundleTree files. reference/bundle.md §3.2: `repositories` (deduplicated,
named by the URL alias rule, sorted), `helmDefaults`, `releases` with `needs` chaining a
component's `-pre`/primary/`-post` releases (every predecessor with `--serial`). When the recipe's
dependency levels differ, each level gets a `level-<i>.yaml` and the top helmfile.yaml lists them
in order, so helmfile applies one level fully before rendering the next.
"""

from __future__ import annotations

from aicr.bundle.charts import yaml_document
from aicr.bundle.deployers import folders as common
from aicr.bundle.model import DeployerOutput
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.bundle.components import Component
    from aicr.bundle.layout import Folder
    from aicr.bundle.model import BundlePlan
    from aicr.bundle.tree import BundleTree

LABEL = "Helmfile release graph"
HELM_DEFAULTS = {"wait": True, "timeout": 600, "createNamespace": True}
# Components whose releases wait for nothing and get longer (mirrors deploy.sh).
ASYNC_OVERRIDES = {"kai-scheduler": {"wait": False, "timeout": 1200}}
_ALIAS_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def repo_alias(url: str) -> str:
    """Repository name for a chart URL: lowercase, no scheme / trailing `/` / `.git`, [a-z0-9-]."""
    text = url.strip().lower()
    for scheme in ("https://", "http://", "oci://"):
        if text.startswith(scheme):
            text = text[len(scheme) :]
            break
    text = text.rstrip("/")
    if text.endswith(".git"):
        text = text[: -len(".git")]
    out: list[str] = []
    in_run = False  # inside a run of characters an alias cannot hold (replaced by one "-")
    for ch in text:
        if ch in _ALIAS_CHARS:
            out.append(ch)
            in_run = False
        elif not in_run:
            out.append("-")
            in_run = True
    alias = "".join(out).strip("-")[:63].rstrip("-")
    return alias or "default-repo"


def dependency_levels(components: list[Component]) -> dict[str, int]:
    """Topological level of each component over its (in-bundle) dependencyRefs."""
    names = {c.name: c for c in components}
    levels: dict[str, int] = {}

    def level(name: str, trail: tuple[str, ...]) -> int:
        if name in levels:
            return levels[name]
        if name in trail:
            raise AicrError(Code.INVALID_REQUEST, f"circular dependency detected: {[*trail, name]}")
        deps = [d for d in names[name].dependency_refs if d in names]
        value = 1 + max((level(d, (*trail, name)) for d in deps), default=-1)
        levels[name] = value
        return value

    for comp in components:
        level(comp.name, ())
    return levels


def _needs(namespace: str, prev: tuple[str, str]) -> str:
    name, prev_ns = prev
    return name if prev_ns == namespace else f"{prev_ns}/{name}"


def _release(
    folder: Folder, prev: tuple[str, str] | None, repos: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    comp = folder.component
    entry = comp.entry or {}
    rel: dict[str, Any] = {"name": folder.name, "namespace": folder.namespace}
    if folder.local:
        rel["chart"] = f"./{folder.dir}"
        if folder.vendored is not None:
            rel["skipDeps"] = True  # the archive is in charts/: no `helm dependency build`
    else:
        alias = repo_alias(comp.source)
        repo: dict[str, Any] = {"name": alias, "url": comp.source}
        if comp.is_oci:
            repo = {"name": alias, "url": comp.source[len("oci://") :].rstrip("/"), "oci": True}
        repos[repo["url"]] = repo
        rel["chart"] = f"{alias}/{comp.chart_name}"
        rel["version"] = comp.version
    values = [f"./{folder.dir}/values.yaml"]
    if comp.dynamic_paths:
        values.append(f"./{folder.dir}/cluster-values.yaml")
    rel["values"] = values
    if prev is not None:
        rel["needs"] = [_needs(folder.namespace, prev)]
    rel.update(ASYNC_OVERRIDES.get(comp.name, {}))
    if not folder.create_namespace:
        rel["createNamespace"] = False
    primary_self_ref = folder.role == "primary" and not folder.local and entry.get("hasSelfRefCRDs")
    post_uses_crds = folder.role == "post" and entry.get("manifestsUseChartCRDs")
    if primary_self_ref or post_uses_crds:
        rel["disableValidation"] = True
    if common.applies_crds(folder):
        rel["hooks"] = [
            {
                "events": ["presync"],
                "command": "bash",
                "args": [f"./{folder.dir}/apply-crds.sh"],
                "showlogs": True,
            }
        ]
    return rel


def _helmfile(folders: list[Folder], serial: bool) -> dict[str, Any]:
    repos: dict[str, dict[str, Any]] = {}
    releases = []
    last_of: dict[str, tuple[str, str]] = {}
    prev: tuple[str, str] | None = None
    for folder in folders:
        parent = folder.component.name
        link = prev if serial else last_of.get(parent)
        releases.append(_release(folder, link, repos))
        prev = last_of[parent] = (folder.name, folder.namespace)
    doc: dict[str, Any] = {}
    if repos:
        doc["repositories"] = sorted(repos.values(), key=lambda r: (r["name"], r["url"]))
    doc["helmDefaults"] = dict(HELM_DEFAULTS)
    doc["releases"] = releases
    return doc


def generate(plan: BundlePlan, tree: BundleTree) -> DeployerOutput:
    """Write the helmfile bundle files."""
    out = DeployerOutput(LABEL, "helmfile.yaml")
    for folder in plan.folders:
        common.add_helm_folder(
            tree, folder, plan, scripts=False, cluster_values=bool(folder.component.dynamic_paths), crds=True
        )
        out.releases.append(common.release_record(folder))
    levels = dependency_levels(plan.components)
    distinct = sorted(set(levels.values()))
    if len(distinct) <= 1:
        tree.add("helmfile.yaml", yaml_document(_helmfile(plan.folders, plan.opts.serial)))
    else:
        refs = []
        for level in distinct:
            members = [f for f in plan.folders if levels[f.component.name] == level]
            name = f"level-{level}.yaml"
            tree.add(name, yaml_document(_helmfile(members, plan.opts.serial)))
            refs.append({"path": name})
        tree.add("helmfile.yaml", yaml_document({"helmfiles": refs}))
    tree.add("README.md", _readme(plan, len(distinct)))
    out.steps = ["cd {dir}", "helmfile diff", "helmfile apply"]
    out.notes.append("Requires the helmfile CLI on $PATH")
    return out


def _readme(plan: BundlePlan, level_count: int) -> str:
    if level_count > 1:
        levels_row = "; with dependency levels it lists `level-<i>.yaml` files, applied in order"
        levels_text = (
            f"The recipe's dependencies form {level_count} levels: `helmfile.yaml` lists `level-0.yaml` ... "
            f"`level-{level_count - 1}.yaml`, and helmfile applies each level fully before the next."
        )
    else:
        levels_row = ""
        levels_text = "All releases are in `helmfile.yaml`."
    return common.readme(
        plan,
        "README-helmfile.md",
        table=common.components_table(plan),
        levels_row=levels_row,
        levels_text=levels_text,
    )
