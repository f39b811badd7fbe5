"""Resolution: criteria in, RecipeResult out.

Pure over the compiled catalog (values files are read only when a mixin's overrides must be
checked for collisions). The steps follow reference/recipe.md §3 with the current semantics:
select maximal matching leaves, optionally drop leaves whose own constraints fail against a
snapshot, merge each leaf's inheritance chain over the base, apply mixins, enforce coverage,
then finalise (dependencies, deployment order, registry defaults, coherence).
"""

from __future__ import annotations

from aicr import logs
from aicr.documents import API_VERSION, KIND_RESULT, PROFILED_RESULT_API_VERSION
from aicr.errors import AicrError
from aicr.recipe.accounting import apply_mode, configuration_block, parse_mode
from aicr.recipe.coverage import check_completeness, check_joint_sufficiency
from aicr.recipe.deps import check_dependencies, deployment_order
from aicr.recipe.finalize import apply_registry_defaults, check_coherence
from aicr.recipe.matching import resolve_chain, select_leaves
from aicr.recipe.merge import REF_FIELD_ORDER, Spec, ordered_fields
from aicr.recipe.mixins import apply_mixins
from aicr.recipe.result import RecipeResult

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.catalog.catalog import Catalog
    from aicr.recipe.criteria import Criteria
    from aicr.recipe.provenance import Origin, Recorder


class _Build:
    """Merged spec and bookkeeping for one set of leaves."""

    __slots__ = ("applied", "profile", "spec")

    def __init__(self, spec: Spec, applied: list[str]) -> None:
        self.spec = spec
        self.applied = applied
        self.profile: dict[str, Any] | None = None  # metadata.selectedProfile once applied


def _origin(recorder: Recorder | None, overlay: dict[str, Any]) -> Origin | None:
    if recorder is None:
        return None
    from aicr.recipe.provenance import Origin

    return Origin("overlay", str(overlay.get("name") or ""), str(overlay.get("file") or ""), ("spec",))


def _merge(catalog: Catalog, leaves: list[dict[str, Any]], recorder: Recorder | None = None) -> _Build:
    overlays = catalog.overlays
    base_name = catalog.base_name
    spec = Spec(recorder)
    spec.apply(overlays[base_name], _origin(recorder, overlays[base_name]))
    applied = [base_name]
    merged = {base_name}
    for leaf in leaves:
        for name in resolve_chain(leaf["name"], overlays, base_name):
            if name not in merged:
                merged.add(name)
                spec.apply(overlays[name], _origin(recorder, overlays[name]))
                applied.append(name)
    apply_mixins(spec, catalog, spec.mixins)
    return _Build(spec, applied)


def resolve(
    catalog: Catalog,
    criteria: Criteria,
    *,
    snapshot: dict[str, Any] | None = None,
    criteria_strict: bool = False,
    version: str | None = None,
    slurm_accounting_mode: str | None = None,
    recorder: Recorder | None = None,
    profile: str | None = None,
) -> RecipeResult:
    """Resolve `criteria` against `catalog` (and, when given, a Snapshot document).

    `slurm_accounting_mode` (disabled | customer-managed | aicr-provided) applies to Slurm
    recipes only; a Slurm recipe records `disabled` when it is not given. `profile`
    (`name=value`) selects a configuration profile value; without it the declared default
    applies. With a `recorder`, every field's provenance is recorded (`RecipeResult.provenance`).
    """
    from aicr.recipe.profiles import (
        apply_profile,
        check_not_excluded,
        parse_selection,
        reachable_declarations,
    )

    if slurm_accounting_mode is not None:
        slurm_accounting_mode = parse_mode(slurm_accounting_mode)
    selection = parse_selection(profile)
    criteria.validate(catalog.allowed_values(strict=criteria_strict))
    overlays = catalog.overlays
    leaves = select_leaves(criteria, overlays, catalog.base_name)
    excluded: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    declared: list[str] = []
    if snapshot is not None:
        from aicr.recipe.snapshot_mode import exclude_failing_leaves, exclude_mixin_failures

        declared = reachable_declarations(catalog, leaves)
        leaves = exclude_failing_leaves(leaves, snapshot, excluded, warnings)
        build = _merge(catalog, leaves)
        survivors = exclude_mixin_failures(catalog, leaves, build.spec, snapshot, excluded, warnings)
        if survivors is not leaves or recorder is not None:
            leaves = survivors
            build = _merge(catalog, leaves, recorder)
    else:
        build = _merge(catalog, leaves, recorder)
    details: dict[str, Any] = {}
    if excluded:
        details["excludedOverlays"] = excluded
    if warnings:
        details["constraintWarnings"] = warnings
    check_completeness(criteria, build.applied, overlays, catalog.base_name, excluded, details)
    check_joint_sufficiency(
        criteria, build.applied, overlays, catalog.base_name, build.spec.strict_dimensions, details
    )
    if len(build.applied) <= 1:
        if excluded:
            logs.warn(
                "all matching overlays were excluded due to constraint failures, using base configuration only",
                excluded_count=len(excluded),
                criteria=str(criteria),
            )
        else:
            logs.warn(
                "no environment-specific overlays matched, using base configuration only",
                criteria=str(criteria),
                hint="recipe may not be optimized for your environment",
            )
    elif excluded:
        logs.warn("some overlays were excluded due to constraint failures", excluded_count=len(excluded))
    check_not_excluded(declared, build.applied, str(criteria), details)
    build.profile = apply_profile(build.spec, catalog, build.applied, selection, str(criteria), snapshot)
    mode = apply_mode(build.spec.refs, slurm_accounting_mode, str(criteria))
    return _finalize(catalog, criteria, build, excluded, warnings, version, mode)


def _finalize(
    catalog: Catalog,
    criteria: Criteria,
    build: _Build,
    excluded: list[dict[str, Any]],
    warnings: list[dict[str, Any]],
    version: str | None,
    accounting_mode: str | None,
) -> RecipeResult:
    spec = build.spec
    refs = spec.ref_list()
    try:
        check_dependencies(refs)
    except AicrError as exc:
        raise exc.wrap("merged recipe validation failed") from None
    order = deployment_order(refs)
    recorder = spec.recorder
    for ref in refs:
        before = dict(ref) if recorder is not None else None
        apply_registry_defaults(ref, catalog)
        if recorder is not None and before is not None:
            from aicr.recipe.provenance_hooks import record_registry

            record_registry(recorder, before, ref)
    check_coherence(refs)
    meta: dict[str, Any] = {}
    if version:
        meta["version"] = version
    meta["appliedOverlays"] = build.applied
    if excluded:
        meta["excludedOverlays"] = excluded
    if warnings:
        meta["constraintWarnings"] = warnings
    api_version = API_VERSION
    if build.profile is not None:
        meta["selectedProfile"] = build.profile
        api_version = PROFILED_RESULT_API_VERSION  # reference/recipe.md §2: profiled results
    doc: dict[str, Any] = {"kind": KIND_RESULT, "apiVersion": api_version, "metadata": meta}
    doc["criteria"] = criteria.to_dict()
    if accounting_mode is not None:
        doc["configuration"] = configuration_block(accounting_mode)
    constraints = spec.constraint_list()
    if constraints:
        doc["constraints"] = constraints
    doc["componentRefs"] = [_ordered_ref(ref) for ref in refs]
    doc["deploymentOrder"] = order
    validation = spec.validation_doc()
    if validation:
        doc["validation"] = validation
    result = RecipeResult(doc)
    if recorder is not None:
        from aicr.recipe.provenance import fill_lines
        from aicr.recipe.provenance_hooks import explain_values

        explain_values(recorder, catalog, refs)
        fill_lines(recorder, catalog.read_text)
        result.provenance = recorder.to_dict()
    return result


def _ordered_ref(ref: dict[str, Any]) -> dict[str, Any]:
    """Reference field order; `type` and `source` always present, other empty fields dropped."""
    return ordered_fields(ref, REF_FIELD_ORDER, ("name", "type", "source"))
