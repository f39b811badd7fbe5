"""Node-scheduling injection: write selectors, tolerations, taints, node counts and storage classes
into a component's values at the paths its registry entry names.

Pure. reference/bundle.md §2 step 4: selectors replace the map at each path, tolerations replace
the list (duplicates written once), the workload gate goes in as a `key[=value]:effect` string,
`--nodes` as an int and `--storage-class` wherever `--set` did not already name the path.
Components the registry does not know get no injection.
"""

from __future__ import annotations

from aicr import logs
from aicr.bundle.options import coerce
from aicr.bundle.paths import get_path, parent_of, set_path
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
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


def _replace(values: dict[str, Any], paths: list[str], value: Any, skip: set[str]) -> None:
    for path in paths:
        if path in skip:
            continue
        parent, key = parent_of(values, path, strict=False)
        parent[key] = value() if callable(value) else value


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
    skip = dynamic_paths
    if opts.system_selector:
        _replace(
            values, _paths(entry, "system", "nodeSelectorPaths"), lambda: dict(opts.system_selector), skip
        )
    if opts.system_tolerations:
        _replace(
            values, _paths(entry, "system", "tolerationPaths"), lambda: _dedup(opts.system_tolerations), skip
        )
    if opts.accelerated_selector:
        _replace(
            values,
            _paths(entry, "accelerated", "nodeSelectorPaths"),
            lambda: dict(opts.accelerated_selector),
            skip,
        )
    if opts.accelerated_tolerations:
        _replace(
            values,
            _paths(entry, "accelerated", "tolerationPaths"),
            lambda: _dedup(opts.accelerated_tolerations),
            skip,
        )
    if opts.workload_selector:
        _replace(values, workload_selector_paths(entry), lambda: dict(opts.workload_selector), skip)
    scalars: list[tuple[str, Any]] = []
    if opts.workload_gate:
        scalars += [(p, opts.workload_gate) for p in _paths(entry, "accelerated", "taintStrPaths")]
    if opts.nodes > 0:
        scalars += [(p, opts.nodes) for p in (entry.get("nodeScheduling") or {}).get("nodeCountPaths") or []]
    if opts.storage_class:
        scalars += [
            (p, coerce(opts.storage_class))
            for p in entry.get("storageClassPaths") or []
            if p not in explicit_paths
        ]
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
