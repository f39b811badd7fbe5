"""Mixins: composable constraint and component fragments applied after the inheritance chains.

Pure apart from reading values files through the catalog for the override-collision check.
reference/recipe.md §3.5: a mixin may add constraints (never redefine one), add components
freely, and on a component the chain already has it may only set namespace, manifest lists,
dependencies, and overrides at registry-allowlisted paths the chain has not set.
"""

from __future__ import annotations

from aicr import logs
from aicr.errors import AicrError, Code
from aicr.recipe.merge import Spec

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.catalog.catalog import Catalog

# Fields a mixin may not set on an existing component, in the order they are reported.
_LOCKED = (
    "chart",
    "type",
    "source",
    "version",
    "tag",
    "path",
    "valuesFile",
    "patches",
    "cleanup",
    "expectedResources",
    "healthCheckAsserts",
    "healthCheckSkip",
)


def apply_mixins(spec: Spec, catalog: Catalog, names: list[str]) -> None:
    """Apply each named mixin to `spec` in order (raises on the first violation)."""
    for name in names:
        mixin = catalog.mixins.get(name)
        if mixin is None:
            raise AicrError(Code.NOT_FOUND, f'mixin "{name}" not found in recipes/mixins/', {"mixin": name})
        for constraint in mixin.get("constraints") or []:
            if constraint["name"] in spec.constraints:
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f'mixin "{name}" constraint "{constraint["name"]}" conflicts with inheritance chain '
                    "or another mixin",
                    {"mixin": name, "constraint": constraint["name"]},
                )
        seen: set[str] = set()
        for ref in mixin.get("componentRefs") or []:
            if ref["name"] in seen:
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f'mixin "{name}" declares component "{ref["name"]}" more than once in its own '
                    "componentRefs list",
                )
            seen.add(ref["name"])
            existing = spec.refs.get(ref["name"])
            if existing is not None:
                _check_existing(name, ref, existing, catalog)
            else:
                _check_new(name, ref, catalog)
        origin = None
        if spec.recorder is not None:
            from aicr.recipe.provenance import Origin

            origin = Origin("mixin", name, str(mixin.get("file") or ""), ("spec",))
        spec.apply(
            {"constraints": mixin.get("constraints"), "componentRefs": mixin.get("componentRefs")}, origin
        )


def _allowlist(catalog: Catalog, component: str) -> list[str]:
    entry = catalog.registry_entry(component)
    return list((entry or {}).get("mixinSafeOverridePaths") or [])


def _check_existing(mixin: str, ref: dict[str, Any], existing: dict[str, Any], catalog: Catalog) -> None:
    for field in _LOCKED:
        if ref.get(field):
            raise AicrError(
                Code.INVALID_REQUEST,
                f'mixin "{mixin}" component "{ref["name"]}" sets identity/sourcing field "{field}" which '
                "conflicts with the inheritance chain; mixins may only contribute Namespace, ManifestFiles, "
                "PreManifestFiles, DependencyRefs, or registry-allowlisted Overrides paths to an existing "
                "component",
                {"mixin": mixin, "component": ref["name"], "field": field},
            )
    overrides = ref.get("overrides")
    if overrides:
        _check_overrides(
            mixin, ref["name"], overrides, _allowlist(catalog, ref["name"]), _layers(existing, catalog)
        )


def _check_new(mixin: str, ref: dict[str, Any], catalog: Catalog) -> None:
    allowlist = _allowlist(catalog, ref["name"])
    if not allowlist:
        return
    if ref.get("valuesFile"):
        raise AicrError(
            Code.INVALID_REQUEST,
            f'mixin "{mixin}" component "{ref["name"]}" sets valuesFile "{ref["valuesFile"]}" while '
            "introducing an allowlisted component; a mixin may only supply such a component's values via "
            "registry-allowlisted inline overrides, never a values file",
        )
    if ref.get("overrides"):
        _check_overrides(mixin, ref["name"], ref["overrides"], allowlist, [])


def _layers(existing: dict[str, Any], catalog: Catalog) -> list[dict[str, Any]]:
    """The raw value layers the chain set on a component: base values, values file, overrides."""
    from aicr.recipe.values import load_values_file

    layers: list[dict[str, Any]] = []
    values_file = existing.get("valuesFile") or ""
    base_file = f"components/{existing['name']}/values.yaml"
    if values_file:
        if values_file != base_file and catalog.has_file(base_file):
            layers.append(load_values_file(catalog, base_file))
        layers.append(load_values_file(catalog, values_file))
    if existing.get("overrides"):
        layers.append(existing["overrides"])
    return layers


def _leaves(prefix: str, value: dict[str, Any], where: str) -> list[str]:
    out: list[str] = []
    for key, child in value.items():
        if not key or "." in key:
            raise AicrError(
                Code.INVALID_REQUEST,
                f'{where}: override key "{key}" must be nonempty and may not contain a literal dot',
            )
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(child, dict):
            if not child:
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f'{where}: path "{path}" is an empty map ({{}}); a mixin override must set a real scalar or '
                    "non-empty map, never an empty one -- an empty map can silently blank an existing value at "
                    "an ancestor path, or pass an allowlist check on the leaf path itself and write a map where "
                    "the chart expects a scalar",
                )
            out.extend(_leaves(path, child, where))
        else:
            out.append(path)
    return out


def _collision(path: str, layer: dict[str, Any]) -> str | None:
    """The prefix of `path` that `layer` already sets (exact, ancestor or descendant), if any."""
    current: Any = layer
    parts = path.split(".")
    for i, part in enumerate(parts):
        if not isinstance(current, dict) or part not in current:
            return None
        current = current[part]
        here = ".".join(parts[: i + 1])
        if i == len(parts) - 1 or not isinstance(current, dict) or not current:
            return here
    return None


def _check_overrides(
    mixin: str, component: str, overrides: dict[str, Any], allowlist: list[str], layers: list[dict[str, Any]]
) -> None:
    where = f'mixin "{mixin}" component "{component}" overrides'
    for path in sorted(_leaves("", overrides, where)):
        if path not in allowlist:
            listed = "[" + " ".join(allowlist) + "]"
            raise AicrError(
                Code.INVALID_REQUEST,
                f'mixin "{mixin}" component "{component}" sets overrides path "{path}", which is not in the '
                f"component's registry-declared mixinSafeOverridePaths allowlist {listed} — a mixin may only "
                "set paths its target component has explicitly opted in for mixin use",
                {"mixin": mixin, "component": component, "path": path},
            )
        for layer in layers:
            hit = _collision(path, layer)
            if hit is not None:
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f'mixin "{mixin}" component "{component}" overrides path "{path}" collides with path '
                    f'"{hit}" already set by the leaf\'s own chain or another mixin — mixins may not silently '
                    "overwrite a value the chain already configured",
                    {"mixin": mixin, "component": component, "path": path},
                )
    for layer in reversed(layers):
        if "enabled" in layer:
            if layer["enabled"] is False:
                logs.warn(
                    f'mixin "{mixin}" sets overrides on component "{component}", which the recipe\'s inheritance '
                    "chain already disables (overrides.enabled: false) -- these values will have no effect "
                    "unless something later re-enables the component"
                )
            break
