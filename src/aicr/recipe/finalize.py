"""Finalising resolved component refs: registry defaults, health checks, coherence.

Pure over the compiled catalog. reference/recipe.md §3.7 steps 3-4: empty fields are filled from
the component registry (type, source, version, namespace, chart; manifest list; health-check
assertions; the health contract `readiness`/`customChecks`/`crds`, validate.md §4.1), then
every enabled ref must describe one deployable shape.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code
from aicr.recipe.deps import is_enabled

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.catalog.catalog import Catalog

RESERVED_NAMES = frozenset({"deployer"})
HEALTH_CONTRACT_FIELDS = ("readiness", "customChecks", "crds")


def apply_registry_defaults(ref: dict[str, Any], catalog: Catalog) -> None:
    """Fill empty fields of `ref` from its registry entry (by exact component name)."""
    entry = catalog.registry_by_name(ref["name"])
    if entry is None:
        return
    helm = entry.get("helm") or {}
    kustomize = entry.get("kustomize") or {}
    if not ref.get("type"):
        ref["type"] = "Kustomize" if kustomize.get("defaultSource") else "Helm"
    if ref["type"] == "Helm":
        _fill(ref, "source", helm.get("defaultRepository"))
        _fill(ref, "version", helm.get("defaultVersion"))
        _fill(ref, "namespace", helm.get("defaultNamespace"))
        chart = helm.get("defaultChart") or ""
        _fill(ref, "chart", chart.rsplit("/", 1)[-1])
    elif ref["type"] == "Kustomize":
        _fill(ref, "source", kustomize.get("defaultSource"))
        _fill(ref, "tag", kustomize.get("defaultTag"))
        _fill(ref, "path", kustomize.get("defaultPath"))
    if not ref.get("manifestFiles") and entry.get("manifestFiles"):
        ref["manifestFiles"] = list(entry["manifestFiles"])
    _hydrate_health_contract(ref, entry)
    if not ref.get("healthCheckSkip") and not ref.get("healthCheckAsserts"):
        asserts = catalog.health_check(ref["name"])
        if asserts:
            ref["healthCheckAsserts"] = asserts


def _hydrate_health_contract(ref: dict[str, Any], entry: dict[str, Any]) -> None:
    """Copy the registry's `readiness`, `customChecks`, `crds` onto the ref (ADR-006), unless set."""
    from aicr.recipe.deepmerge import copy_tree  # plain data: `copy` (and weakref) stay unloaded

    for field in HEALTH_CONTRACT_FIELDS:
        if not ref.get(field) and entry.get(field):
            ref[field] = copy_tree(entry[field])


def _fill(ref: dict[str, Any], field: str, value: str | None) -> None:
    if not ref.get(field) and value:
        ref[field] = value


def coherence_problem(ref: dict[str, Any]) -> str | None:
    """Why an enabled ref cannot be deployed as declared, or None."""
    name = ref["name"]
    if ref.get("patches"):
        return (
            f'component "{name}" declares patches, but no deployer applies patch files; remove `patches` '
            "(removing it does not change the generated bundle). See #1588."
        )
    kind = ref.get("type") or ""
    tag, path = ref.get("tag") or "", ref.get("path") or ""
    chart, source, version = ref.get("chart") or "", ref.get("source") or "", ref.get("version") or ""
    if kind == "Helm":
        if tag or path:
            return (
                f'component "{name}" is Helm but carries Kustomize field(s) (tag="{tag}", path="{path}"); the '
                "field-classifying deployers would treat it as Kustomize while the Type-switching Flux deployer "
                "would treat it as Helm, so the same ref deploys differently — remove the tag/path, or convert "
                "it into a coherent Kustomize ref (which needs a path, and a source if it sets a tag)"
            )
        for label, value, tail in (
            ("chart name", chart, "set the exact chart name or omit the field"),
            ("source", source, "set the exact repository or omit the field"),
            ("chart version", version, "set the exact chart version"),
        ):
            if value != value.strip():
                return f'Helm component "{name}" has a {label} with surrounding whitespace ("{value}"); {tail} (see #1615)'
        if version in ("v", "V"):
            return (
                f'Helm component "{name}" has chart version "{version}", which Flux/Argo CD normalize to empty '
                "for non-OCI outputs and vendored wrappers replace with a fabricated default; set a full chart "
                "version (see #1615)"
            )
        if source and not version:
            return (
                f'Helm component "{name}" has no chart version; set version: on the componentRef — '
                "criteria-resolved recipes may inherit it from helm.defaultVersion in the component registry "
                "(see #1615)"
            )
        if chart and not source:
            return (
                f'Helm component "{name}" has a chart name ("{chart}") but no source repository; the deployers '
                "have no repository to pull from — set source:, or remove the chart for a manifest-only "
                "component (see #1615)"
            )
        if not source and not chart and not ref.get("manifestFiles"):
            return (
                f'Helm component "{name}" has no deployable primary (no source, no chart, and no primary '
                "manifestFiles; preManifestFiles alone are auxiliary to a primary release) — add a chart "
                "source or primary manifest files (see #1615)"
            )
        return None
    if kind == "Kustomize":
        if not path:
            return f'component "{name}" is Kustomize but has no path; a path is required to build from'
        if tag and not source:
            return (
                f'component "{name}" is Kustomize with tag "{tag}" but no source; a tag is only meaningful '
                "with a git source"
            )
        if ref.get("manifestFiles"):
            return (
                f'component "{name}" is Kustomize but also declares manifestFiles; a component may declare '
                "either Kustomize (tag/path) or raw manifest files, not both"
            )
        return None
    return f'component "{name}" has unsupported type "{kind}"; expected "Helm" or "Kustomize"'


def check_coherence(refs: list[dict[str, Any]]) -> None:
    """Raise INVALID_REQUEST listing every incoherent enabled ref."""
    for ref in refs:
        if ref["name"] in RESERVED_NAMES:
            raise AicrError(
                Code.INVALID_REQUEST,
                f'recipe component "{ref["name"]}" uses the reserved deployer override key as its name; '
                f'"{ref["name"]}" is reserved for --set deployer:<key> Argo deployer options',
            )
    problems = sorted(p for ref in refs if is_enabled(ref) and (p := coherence_problem(ref)))
    if problems:
        raise AicrError(
            Code.INVALID_REQUEST,
            "recipe has incoherent component ref(s): " + "; ".join(problems),
            {"problems": problems},
        )
