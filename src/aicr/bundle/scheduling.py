"""Node-scheduling injection: selectors, tolerations, taints, node counts, storage classes into values.

Pure. Each setting goes at the paths the component's registry entry names (reference/bundle.md
§2 step 4): selectors replace the map at each path, tolerations replace the list (duplicates
written once), the workload gate goes in as a `key[=value]:effect` string, `--nodes` as an int
and `--storage-class` wherever `--set` did not already name the path. Components the registry
does not know get no injection.
"""

from __future__ import annotations

from aicr import logs
from aicr.bundle.options import coerce
from aicr.bundle.paths import get_path, parent_of, set_path
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from aicr.bundle.options import BundleOptions


def _paths(entry: dict[str, Any], group: str, field: str) -> list[str]:
    block = (entry.get("nodeScheduling") or {}).get(group) or {}
    result: list[str] = block.get(field) or []
    return result


def workload_selector_paths(entry: dict[str, Any]) -> list[str]:
    """Registry `podScheduling.workload.workloadSelectorPaths`."""
    result: list[str] = ((entry.get("podScheduling") or {}).get("workload") or {}).get(
        "workloadSelectorPaths"
    ) or []
    return result


def _dedup(tolerations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for tol in tolerations:
        ident = tuple(tol.get(k) for k in ("key", "operator", "value", "effect", "tolerationSeconds"))
        if ident not in seen:
            seen.add(ident)
            out.append(dict(tol))
    return out


def _replace(
    values: dict[str, Any], paths: list[str], setting: Any, copy: Callable[[Any], Any], skip: set[str]
) -> None:
    """Write a fresh `copy(setting)` at every path not in `skip` (intermediate maps created)."""
    for path in paths:
        if path in skip:
            continue
        parent, key = parent_of(values, path, strict=False)
        parent[key] = copy(setting)


def inject(
    component: str,
    values: dict[str, Any],
    entry: dict[str, Any] | None,
    opts: BundleOptions,
    explicit_paths: set[str],
    dynamic_paths: set[str],
) -> None:
    """Apply every scheduling setting to `values` in place (no-op for unregistered components)."""
    if entry is None:
        return
    replacements: tuple[tuple[Any, str, str, Callable[[Any], Any]], ...] = (
        (opts.system_selector, "system", "nodeSelectorPaths", dict),
        (opts.system_tolerations, "system", "tolerationPaths", _dedup),
        (opts.accelerated_selector, "accelerated", "nodeSelectorPaths", dict),
        (opts.accelerated_tolerations, "accelerated", "tolerationPaths", _dedup),
    )
    for setting, group, field, copy in replacements:
        if setting:
            _replace(values, _paths(entry, group, field), setting, copy, dynamic_paths)
    if opts.workload_selector:
        _replace(values, workload_selector_paths(entry), opts.workload_selector, dict, dynamic_paths)
    scalars: list[tuple[str, Any]] = []
    if opts.workload_gate:
        scalars += [(p, opts.workload_gate) for p in _paths(entry, "accelerated", "taintStrPaths")]
    if opts.nodes > 0:
        scalars += [(p, opts.nodes) for p in (entry.get("nodeScheduling") or {}).get("nodeCountPaths") or []]
    for storage_class, key in ((opts.storage_class, "storageClassPaths"),
                               (opts.shared_storage_class, "sharedStorageClassPaths")):  # fmt: skip
        if storage_class:
            scalars += [(p, coerce(storage_class)) for p in entry.get(key) or [] if p not in explicit_paths]
    for path, value in scalars:
        try:
            set_path(values, path, value)
        except AicrError as exc:
            logs.warn("failed to inject scheduling value", component=component, path=path, error=exc.message)


def check_required_selectors(
    component: str, values: dict[str, Any], entry: dict[str, Any] | None, storage_class_given: bool
) -> None:
    """Registry `requireNodeSelector` (and the storage-class variant): the selector must be set.

    `requireNodeSelectorIfStorageClassSet` (system group) applies once this bundle gives the
    component a storage class (`--storage-class`, or `--set` on a storage-class path): a pod with a
    PVC must not float onto GPU nodes. A storage class the catalog's values already carry does not
    trigger it.
    """
    if entry is None:
        return
    scheduling = entry.get("nodeScheduling") or {}
    storage_set = (
        bool(scheduling.get("requireNodeSelectorIfStorageClassSet"))
        and storage_class_given
        and _has_storage_class(values, entry)
    )
    for group, flag in (("system", "--system-node-selector"), ("accelerated", "--accelerated-node-selector")):
        block = scheduling.get(group) or {}
        if not (block.get("requireNodeSelector") or (storage_set and group == "system")):
            continue
        empty = [p for p in block.get("nodeSelectorPaths") or [] if not _non_empty_map(values, p)]
        if empty:
            raise AicrError(
                Code.INVALID_REQUEST,
                f'component "{component}" requires {flag} to be set (paths: {", ".join(empty)}); pass a '
                "selector, or check whether a --set-json/--set-file override cleared it",
                {"component": component, "paths": empty},
            )


def _non_empty_map(values: dict[str, Any], path: str) -> bool:
    value, found = get_path(values, path)
    return found and isinstance(value, dict) and bool(value)


def _has_storage_class(values: dict[str, Any], entry: dict[str, Any]) -> bool:
    for path in (entry.get("storageClassPaths") or []) + (entry.get("sharedStorageClassPaths") or []):
        value, found = get_path(values, path)
        if found and isinstance(value, str) and value.strip():
            return True
    return False
