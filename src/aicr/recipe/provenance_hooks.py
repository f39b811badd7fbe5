"""Where the resolver tells a provenance `Recorder` what each overlay, mixin and registry entry set.

Pure; called only when a recorder is attached (`--explain`). `record_overlay` runs before an
overlay is merged and mirrors the merge rules of `aicr.recipe.merge` (replaced fields, true-only
flags, replaced lists, unioned lists, named constraints, phase checks); `record_registry`
compares a ref before and after registry defaults; `explain_values` records the values files of
each component and replays the overrides kept aside, in merge order.
"""

from __future__ import annotations

from aicr.recipe.merge import REPLACED, REPLACED_LISTS, SET_IF_TRUE
from aicr.recipe.provenance import Origin

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.catalog.catalog import Catalog
    from aicr.recipe.merge import Spec
    from aicr.recipe.provenance import Recorder

REGISTRY_FIELDS = ("type", "source", "version", "namespace", "chart", "tag", "path", "manifestFiles",
                   "healthCheckAsserts")  # fmt: skip


def record_overlay(recorder: Recorder, spec: Spec, overlay: dict[str, Any], origin: Origin) -> None:
    """Record what merging `overlay` into `spec` is about to set."""
    for i, constraint in enumerate(overlay.get("constraints") or []):
        recorder.record(
            f"constraints.{constraint['name']}", origin.at("constraints", i), constraint.get("value")
        )
    for i, ref in enumerate(overlay.get("componentRefs") or []):
        _record_ref(recorder, spec.refs.get(ref["name"]), ref, origin.at("componentRefs", i))
    for phase, body in (overlay.get("validation") or {}).items():
        if body is not None:
            _record_phase(
                recorder, spec.validation.get(phase) or {}, phase, body, origin.at("validation", phase)
            )


def _record_ref(
    recorder: Recorder, current: dict[str, Any] | None, ref: dict[str, Any], origin: Origin
) -> None:
    name = ref["name"]
    prefix = f"components.{name}"
    if current is None:
        recorder.record(prefix, origin, name)
    for field in (*REPLACED, *REPLACED_LISTS):
        if ref.get(field):
            recorder.record(f"{prefix}.{field}", origin.at(field), ref[field])
    for field in SET_IF_TRUE:
        if ref.get(field):
            recorder.record(f"{prefix}.{field}", origin.at(field), True)
    have = set((current or {}).get("dependencyRefs") or [])
    for i, dep in enumerate(ref.get("dependencyRefs") or []):
        if dep not in have:
            recorder.record(f"{prefix}.dependencyRefs.{dep}", origin.at("dependencyRefs", i), dep)
            have.add(dep)
    for field in ("manifestFiles", "preManifestFiles"):
        added = [f for f in ref.get(field) or [] if f not in ((current or {}).get(field) or [])]
        if added:
            merged = list((current or {}).get(field) or []) + added
            recorder.record(f"{prefix}.{field}", origin.at(field), merged)
    if ref.get("overrides"):
        recorder.overrides.setdefault(name, []).append((origin.at("overrides"), ref["overrides"]))


def _record_phase(
    recorder: Recorder, current: dict[str, Any], phase: str, body: dict[str, Any], origin: Origin
) -> None:
    prefix = f"validation.{phase}"
    checks = body.get("checks")
    if checks is not None:
        if not checks:
            recorder.forget(f"{prefix}.checks")
        have = set(current.get("checks") or []) if checks else set()
        for i, check in enumerate(checks):
            if check not in have:
                recorder.record(f"{prefix}.checks.{check}", origin.at("checks", i), check)
                have.add(check)
    constraints = body.get("constraints")
    if constraints is not None:
        if not constraints:
            recorder.forget(f"{prefix}.constraints")
        for i, constraint in enumerate(constraints):
            recorder.record(
                f"{prefix}.constraints.{constraint['name']}",
                origin.at("constraints", i),
                constraint.get("value"),
            )
    for field in ("timeout", "nodeSelection", "infrastructure"):
        if body.get(field):
            recorder.record(f"{prefix}.{field}", origin.at(field), body[field])


def record_registry(recorder: Recorder, before: dict[str, Any], after: dict[str, Any]) -> None:
    """Record the fields registry defaults filled into one ref."""
    origin = Origin("registry", f"registry:{after['name']}")
    for field in REGISTRY_FIELDS:
        if after.get(field) and after.get(field) != before.get(field):
            recorder.record(f"components.{after['name']}.{field}", origin, after[field])


def explain_values(recorder: Recorder, catalog: Catalog, refs: list[dict[str, Any]]) -> None:
    """Record each component's values: base values file, its values file, then the overrides."""
    from aicr.recipe.values import load_values_file

    for ref in refs:
        name = ref["name"]
        prefix = f"components.{name}.values"
        base_file = f"components/{name}/values.yaml"
        values_file = ref.get("valuesFile") or ""
        if values_file:
            files = [base_file] if values_file != base_file and catalog.has_file(base_file) else []
            for rel in [*files, values_file]:
                values = load_values_file(catalog, rel)
                if values:
                    recorder.record_tree(prefix, values, Origin("values-file", rel, rel))
        for origin, overrides in recorder.overrides.get(name, []):
            recorder.record_tree(prefix, overrides, origin)
