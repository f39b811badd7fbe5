"""Merge rules for overlays: constraints, component refs, validation phases.

Pure. reference/recipe.md §3.4 (current semantics). `Spec` accumulates the merged result of an
inheritance chain; `Spec.apply(overlay)` folds one overlay into it. Inputs are never mutated:
everything taken from an overlay is deep-copied on the way in.
"""

from __future__ import annotations

from aicr.recipe.deepmerge import copy_tree, merge_into

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.recipe.provenance import Origin, Recorder

# §3.4 field merge: replaced when the overlay sets a non-empty value.
REPLACED = (
    "namespace",
    "chart",
    "type",
    "source",
    "version",
    "tag",
    "valuesFile",
    "path",
    "healthCheckAsserts",
)
SET_IF_TRUE = ("cleanup", "healthCheckSkip")
REPLACED_LISTS = ("patches", "expectedResources")
UNIONED = ("manifestFiles", "preManifestFiles", "dependencyRefs")

REF_FIELD_ORDER = (
    "name",
    "namespace",
    "chart",
    "type",
    "source",
    "version",
    "tag",
    "valuesFile",
    "overrides",
    "patches",
    "dependencyRefs",
    "manifestFiles",
    "preManifestFiles",
    "path",
    "cleanup",
    "expectedResources",
    "healthCheckAsserts",
    "healthCheckSkip",
    "readiness",
    "customChecks",
    "crds",
)
CONSTRAINT_FIELD_ORDER = ("name", "value", "severity", "remediation", "unit")
PHASES = ("readiness", "deployment", "performance", "conformance")
PHASE_FIELD_ORDER = ("timeout", "constraints", "checks", "nodeSelection", "infrastructure")


def union(first: list[Any], second: list[Any]) -> list[Any]:
    """Ordered union: `first`, then the items of `second` not already present."""
    out = list(first)
    for item in second:
        if item not in out:
            out.append(item)
    return out


def merge_ref(target: dict[str, Any], other: dict[str, Any]) -> None:
    """Fold `other` (same component name) into `target` in place."""
    for field in REPLACED:
        value = other.get(field)
        if value:
            target[field] = value
    for field in SET_IF_TRUE:
        if other.get(field):
            target[field] = True
    for field in REPLACED_LISTS:
        value = other.get(field)
        if value:
            target[field] = copy_tree(value)
    for field in UNIONED:
        value = other.get(field)
        if value:
            target[field] = union(target.get(field) or [], value)
    overrides = other.get("overrides")
    if overrides:
        current = target.setdefault("overrides", {})
        merge_into(current, overrides)


def merge_named(items: dict[str, dict[str, Any]], incoming: list[dict[str, Any]]) -> None:
    """Add or replace named entries (constraints): the incoming entry wins."""
    for item in incoming:
        items[item["name"]] = copy_tree(item)


def _merge_phase(target: dict[str, Any], other: dict[str, Any]) -> None:
    for field in ("checks", "constraints"):
        if field not in other or other[field] is None:
            continue  # nil inherits
        incoming = other[field]
        if not incoming:
            target[field] = []  # an explicit [] clears
        elif field == "checks":
            target[field] = union(target.get(field) or [], incoming)
        else:
            named = {c["name"]: c for c in target.get(field) or []}
            merge_named(named, incoming)
            target[field] = list(named.values())
    for field in ("timeout", "nodeSelection", "infrastructure"):
        value = other.get(field)
        if value:
            target[field] = copy_tree(value)


class Spec:
    """The merged state of the overlays applied so far."""

    __slots__ = ("constraints", "mixins", "recorder", "refs", "strict_dimensions", "validation")

    def __init__(self, recorder: Recorder | None = None) -> None:
        self.constraints: dict[str, dict[str, Any]] = {}
        self.refs: dict[str, dict[str, Any]] = {}
        self.validation: dict[str, dict[str, Any]] = {}
        self.mixins: list[str] = []
        self.strict_dimensions: list[str] | None = None
        self.recorder = recorder

    def apply(self, overlay: dict[str, Any], origin: Origin | None = None) -> None:
        """Merge one overlay (or the base) into this spec; `origin` names it for provenance."""
        recorder = self.recorder if origin is not None else None
        if recorder is not None:
            from aicr.recipe.provenance_hooks import record_overlay

            record_overlay(recorder, self, overlay, origin)  # type: ignore[arg-type]
        merge_named(self.constraints, overlay.get("constraints") or [])
        for ref in overlay.get("componentRefs") or []:
            current = self.refs.get(ref["name"])
            if current is None:
                self.refs[ref["name"]] = copy_tree(ref)
            else:
                merge_ref(current, ref)
        for phase, body in (overlay.get("validation") or {}).items():
            if body is not None:
                _merge_phase(self.validation.setdefault(phase, {}), body)
        self.mixins = union(self.mixins, overlay.get("mixins") or [])
        resolution = overlay.get("resolution") or {}
        if resolution.get("strictDimensions") is not None:
            self.strict_dimensions = list(resolution["strictDimensions"])

    def constraint_list(self) -> list[dict[str, Any]]:
        """Constraints sorted by name, fields in the reference's order."""
        return [_ordered(c, CONSTRAINT_FIELD_ORDER) for _, c in sorted(self.constraints.items())]

    def ref_list(self) -> list[dict[str, Any]]:
        """The merged component refs, sorted by name (the spec's own dicts, not copies)."""
        return [ref for _, ref in sorted(self.refs.items())]

    def validation_doc(self) -> dict[str, Any]:
        """Validation phases with content, in phase order."""
        out: dict[str, Any] = {}
        for phase in PHASES:
            body = self.validation.get(phase)
            if not body:
                continue
            ordered = {k: body[k] for k in PHASE_FIELD_ORDER if body.get(k)}
            if "constraints" in ordered:
                ordered["constraints"] = [_ordered(c, CONSTRAINT_FIELD_ORDER) for c in ordered["constraints"]]
            if ordered:
                out[phase] = ordered
        return out


def ordered_fields(item: dict[str, Any], order: tuple[str, ...], always: tuple[str, ...]) -> dict[str, Any]:
    """`item` with keys in `order`, empty values dropped except the `always` keys."""
    return {
        k: item.get(k, "")
        for k in order
        if k in always or (k in item and item[k] not in (None, "", [], {}, False))
    }


def _ordered(item: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    return ordered_fields(item, order, ("name", "value"))
