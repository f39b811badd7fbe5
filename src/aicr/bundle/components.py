"""Which components a bundle holds, in which order, and the values each one is installed with.

Pure over the recipe document, the catalog and the parsed options. reference/bundle.md §2:
`--set c:enabled=false` (or the recipe) removes a component; re-enabling a recipe-disabled one and
any override aimed at a component that is not in the bundle are INVALID_REQUEST. Values are the
catalog's (base values, values file, recipe overrides), then `--set`, then `--set-json` /
`--set-file`, then node-scheduling injection at the registry's paths, then the `--dynamic` split.
"""

from __future__ import annotations

from aicr.bundle import paths as vpaths
from aicr.bundle import scheduling
from aicr.bundle.options import DEPLOYER_KEY, ENABLED_KEY, coerce
from aicr.errors import AicrError, Code
from aicr.recipe.deps import is_enabled

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.bundle.options import BundleOptions
    from aicr.catalog.catalog import Catalog

_BOOL_WORDS = {"1": True, "t": True, "T": True, "TRUE": True, "true": True, "True": True,
               "0": False, "f": False, "F": False, "FALSE": False, "false": False, "False": False}  # fmt: skip


class Component:
    """One enabled recipe component as the deployers see it."""

    __slots__ = (
        "chart",
        "dependency_refs",
        "dynamic",
        "dynamic_paths",
        "entry",
        "keys",
        "name",
        "namespace",
        "path",
        "post",
        "pre",
        "ref",
        "source",
        "tag",
        "type",
        "values",
        "version",
    )

    def __init__(self, ref: dict[str, Any], entry: dict[str, Any] | None, keys: list[str]) -> None:
        self.ref = ref
        self.entry = entry
        self.keys = keys
        self.name: str = ref["name"]
        self.namespace: str = ref.get("namespace") or "default"
        self.chart: str = ref.get("chart") or ""
        self.source: str = ref.get("source") or ""
        self.version: str = str(ref.get("version") or "")
        self.type: str = ref.get("type") or "Helm"
        self.tag: str = ref.get("tag") or ""
        self.path: str = ref.get("path") or ""
        self.dependency_refs: list[str] = list(ref.get("dependencyRefs") or [])
        self.values: dict[str, Any] = {}
        self.dynamic: dict[str, Any] = {}
        self.dynamic_paths: list[str] = []
        self.pre: list[tuple[str, str]] = []  # (basename, template text)
        self.post: list[tuple[str, str]] = []

    @property
    def is_oci(self) -> bool:
        """Whether the chart comes from an OCI registry."""
        return self.source.startswith("oci://")

    @property
    def is_upstream(self) -> bool:
        """Whether the primary release installs an upstream chart (not a local wrapper chart)."""
        return bool(self.source) and self.type.lower() == "helm" and bool(self.chart or self.name)

    @property
    def override_key(self) -> str:
        """The key argocd-helm uses for install-time values: the first registry alias, else the name."""
        return self.keys[1] if len(self.keys) > 1 else self.name

    @property
    def chart_name(self) -> str:
        """The upstream chart name (the component name when the ref names none)."""
        return self.chart or self.name


def override_keys(catalog: Catalog, name: str) -> list[str]:
    """Keys that address `name` in overrides: the name, then the registry's valueOverrideKeys."""
    entry = catalog.registry_by_name(name)
    keys = [name]
    for key in (entry or {}).get("valueOverrideKeys") or []:
        if key not in keys:
            keys.append(key)
    return keys


def merged_overrides(source: dict[str, dict[str, Any]], keys: list[str]) -> dict[str, Any]:
    """Overrides under every key of a component; the exact name beats its aliases on a clash."""
    merged: dict[str, Any] = {}
    for key in reversed(keys):
        merged.update(source.get(key) or {})
    return merged


def parse_enabled(component: str, raw: str) -> bool:
    """A `--set c:enabled=<v>` value (Go ParseBool spellings)."""
    value = _BOOL_WORDS.get(raw)
    if value is None:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'invalid --set enabled value "{raw}" for component "{component}": expected true or false',
            {"component": component, "value": raw},
        )
    return value


def select(
    doc: dict[str, Any], catalog: Catalog, opts: BundleOptions
) -> tuple[list[dict[str, Any]], list[str], dict[str, str]]:
    """(enabled refs with pruned dependency edges, filtered deployment order, excluded reasons)."""
    refs: list[dict[str, Any]] = doc.get("componentRefs") or []
    if not refs:
        raise AicrError(Code.INVALID_REQUEST, "recipe must contain at least one component reference")
    declared = {ref["name"] for ref in refs}
    enabled: list[dict[str, Any]] = []
    excluded: dict[str, str] = {}
    for ref in refs:
        name = ref["name"]
        recipe_enabled = is_enabled(ref)
        raw = merged_overrides(opts.set_values, override_keys(catalog, name)).get(ENABLED_KEY)
        if raw is not None:
            wanted = parse_enabled(name, raw)
            if wanted and not recipe_enabled:
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f'component "{name}" is disabled by the recipe and cannot be re-enabled with '
                    f"--set {name}:{ENABLED_KEY}=true",
                )
            if not wanted:
                excluded[name] = (
                    "an enabled=false value override removed it"
                    if recipe_enabled
                    else "the recipe disables it"
                )
                continue
        elif not recipe_enabled:
            excluded[name] = "the recipe disables it"
            continue
        enabled.append(ref)
    if not enabled:
        raise AicrError(Code.INVALID_REQUEST, "recipe has no enabled components after filtering")
    names = {ref["name"] for ref in enabled}
    pruned = []
    for ref in enabled:
        deps = ref.get("dependencyRefs")
        if deps:
            kept = [d for d in deps if d in names or d not in declared]
            if len(kept) != len(deps):
                ref = dict(ref)
                if kept:
                    ref["dependencyRefs"] = kept
                else:
                    ref.pop("dependencyRefs")
        pruned.append(ref)
    order = [n for n in doc.get("deploymentOrder") or [] if n in names]
    return pruned, order, excluded


def check_absent_overrides(
    doc: dict[str, Any],
    catalog: Catalog,
    opts: BundleOptions,
    enabled: list[dict[str, Any]],
    excluded: dict[str, str],
) -> None:
    """Reject overrides that cannot take effect: unknown components, or components not bundled."""
    present: set[str] = set()
    for ref in enabled:
        present.update(override_keys(catalog, ref["name"]))
    declared: dict[str, str] = {}
    names = []
    for ref in doc.get("componentRefs") or []:
        names.append(ref["name"])
        for key in override_keys(catalog, ref["name"]):
            declared.setdefault(key, ref["name"])
    sources: list[tuple[str, dict[str, list[str]]]] = [
        ("--set", {k: sorted(v) for k, v in opts.set_values.items()}),
        ("--set-json/--set-file", {k: sorted(v) for k, v in opts.typed_values.items()}),
        ("--dynamic", {k: sorted(v) for k, v in opts.dynamic.items()}),
    ]
    for flag, by_key in sources:
        for key in sorted(by_key):
            if key == DEPLOYER_KEY or key in present:
                continue
            for path in by_key[key]:
                canonical = declared.get(key)
                if canonical is None:
                    raise AicrError(
                        Code.INVALID_REQUEST,
                        f'{flag} {key}:{path} cannot take effect: unknown component "{key}"; recipe declares: '
                        + ", ".join(names),
                    )
                disables = (
                    flag == "--set"
                    and path == ENABLED_KEY
                    and _BOOL_WORDS.get(opts.set_values[key][path]) is False
                )
                if disables:
                    continue
                reason = excluded.get(canonical) or "it is not in the generated bundle"
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f'{flag} {key}:{path} cannot take effect: component "{canonical}" is not in the generated '
                    f"bundle because {reason}. Drop the override, or keep the component in the bundle",
                )


def order_refs(refs: list[dict[str, Any]], order: list[str]) -> list[dict[str, Any]]:
    """Refs in deployment order; refs the order does not list come last, alphabetically."""
    position = {name: i for i, name in enumerate(order)}
    listed = sorted((r for r in refs if r["name"] in position), key=lambda r: position[r["name"]])
    rest = sorted((r for r in refs if r["name"] not in position), key=lambda r: r["name"])
    return listed + rest


def build_component(ref: dict[str, Any], catalog: Catalog, opts: BundleOptions) -> Component:
    """One component with its final static and dynamic values."""
    name = ref["name"]
    entry = catalog.registry_by_name(name)
    keys = override_keys(catalog, name)
    comp = Component(ref, entry, keys)
    values = catalog.component_values(ref)
    set_overrides = merged_overrides(opts.set_values, keys)
    set_overrides.pop(ENABLED_KEY, None)
    _apply(name, values, set_overrides, "--set", lambda v, p, x: vpaths.set_path(v, p, coerce_for(v, p, x)))
    typed = merged_overrides(opts.typed_values, keys)
    _apply(name, values, typed, "--set-json/--set-file", vpaths.merge_typed)
    dynamic_paths: list[str] = []
    for key in reversed(keys):
        for path in opts.dynamic.get(key) or []:
            if path not in dynamic_paths:
                dynamic_paths.append(path)
    _reject_dynamic_required_selectors(name, entry, dynamic_paths)
    scheduling.inject(name, values, entry, opts, set(set_overrides), set(dynamic_paths))
    storage_paths = set((entry or {}).get("storageClassPaths") or []) | set(
        (entry or {}).get("sharedStorageClassPaths") or []
    )
    storage_given = (
        bool(opts.storage_class)
        or bool(opts.shared_storage_class and (entry or {}).get("sharedStorageClassPaths"))
        or bool(storage_paths & (set(set_overrides) | set(typed)))
    )
    scheduling.check_required_selectors(name, values, entry, storage_given)
    comp.values, comp.dynamic = split_dynamic(values, dynamic_paths)
    comp.dynamic_paths = dynamic_paths
    return comp


def coerce_for(values: dict[str, Any], path: str, raw: str) -> Any:
    """A `--set` value typed like the value it replaces: over a string it stays a string
    (`580.10` must not become `580.1`), elsewhere booleans and numbers are parsed."""
    current, found = vpaths.get_path(values, path)
    if found and isinstance(current, str):
        return raw
    return coerce(raw)


def _apply(name: str, values: dict[str, Any], overrides: dict[str, Any], flag: str, setter: Any) -> None:
    errors = []
    for path in vpaths.ordered_paths(overrides):
        try:
            setter(values, path, overrides[path])
        except AicrError as exc:
            errors.append(f"{path}: {exc.message}")
    if errors:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'failed to apply {flag} value overrides for component "{name}": ' + "; ".join(errors),
            {"component": name},
        )


def _reject_dynamic_required_selectors(name: str, entry: dict[str, Any] | None, dynamic: list[str]) -> None:
    if not entry or not dynamic:
        return
    scheduling_block = entry.get("nodeScheduling") or {}
    conflicts: list[str] = []
    for group in ("system", "accelerated"):
        block = scheduling_block.get(group) or {}
        if not (
            block.get("requireNodeSelector") or scheduling_block.get("requireNodeSelectorIfStorageClassSet")
        ):
            continue
        for path in block.get("nodeSelectorPaths") or []:
            if any(vpaths.paths_intersect(path, d) for d in dynamic) and path not in conflicts:
                conflicts.append(path)
    if conflicts:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'component "{name}" cannot use --dynamic on {", ".join(conflicts)}. This component requires a real '
            "node selector at bundle time, not one deferred to install time",
        )


def split_dynamic(values: dict[str, Any], dynamic_paths: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Move every `--dynamic` path out of the static values (missing paths become "")."""
    dynamic: dict[str, Any] = {}
    for path in dynamic_paths:
        value, found = vpaths.remove_path(values, path)
        vpaths.set_path(dynamic, path, value if found else "", strict=False)
    return values, dynamic
