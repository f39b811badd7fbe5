"""Configuration profiles at resolution: choose a value, apply its fragment, record the choice.

Pure over the compiled catalog. reference/recipe.md §2 and ADR-015: a resolved composition
carries at most one profile declaration (normally inherited from a service overlay such as
`aks`); its value comes from `--profile name=value`, else the declared default. The value's
fragment is applied after the chains and mixins, at the highest recipe precedence: its
overrides deep-merge over the components' overrides and its constraints join the recipe (a
name already present is a conflict, as for mixins). The result records
`metadata.selectedProfile{name, value, advertiser?, ownedPaths}`.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.catalog.catalog import Catalog
    from aicr.recipe.merge import Spec
    from aicr.recipe.provenance import Origin

FORM = "name=value"


class Selection:
    """A parsed `--profile name=value`."""

    __slots__ = ("name", "value")

    def __init__(self, name: str, value: str) -> None:
        self.name = name
        self.value = value

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


def parse_selection(raw: str | None) -> Selection | None:
    """`name=value` -> Selection; None or "" -> None (use the default). Raises INVALID_REQUEST."""
    if raw is None or raw == "":
        return None
    from aicr.catalog.profiles import IDENTIFIER

    name, sep, value = raw.partition("=")
    if not sep or "=" in value or not IDENTIFIER.match(name) or not IDENTIFIER.match(value):
        raise AicrError(
            Code.INVALID_REQUEST,
            f'invalid profile "{raw}": expected {FORM} with name and value matching [A-Za-z0-9._-]+',
            {"profile": raw},
        )
    return Selection(name, value)


def declaring_overlay(catalog: Catalog, applied: list[str]) -> dict[str, Any] | None:
    """The applied overlay that declares a profile, or None; two declarations are an error."""
    found = [catalog.overlays[name] for name in applied if catalog.overlays[name].get("profile")]
    if len(found) > 1:
        names = ", ".join(f"{o['name']} ({o['profile']['name']})" for o in found)
        raise AicrError(
            Code.INVALID_REQUEST,
            f"recipe combines more than one profile declaration: {names}; a recipe may carry one",
            {"overlays": [o["name"] for o in found]},
        )
    return found[0] if found else None


def choose(overlay: dict[str, Any] | None, selection: Selection | None, criteria: str) -> str | None:
    """The selected value's name (the default when not given); None when nothing is declared."""
    if overlay is None:
        if selection is None:
            return None
        raise AicrError(
            Code.INVALID_REQUEST,
            f'profile "{selection.name}" was given, but no overlay of {criteria} declares a profile',
            {"profile": str(selection)},
        )
    decl = overlay["profile"]
    if selection is None:
        return str(decl["default"])
    if selection.name != decl["name"]:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'unknown profile "{selection.name}" for {criteria}: {overlay["name"]} declares profile '
            f'"{decl["name"]}"',
            {"value": selection.name, "valid": [decl["name"]], "overlay": overlay["name"]},
        )
    if selection.value not in decl["values"]:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'unknown value "{selection.value}" for profile "{decl["name"]}"',
            {"value": selection.value, "valid": sorted(decl["values"]), "profile": decl["name"]},
        )
    return selection.value


def reachable_declarations(catalog: Catalog, leaves: list[dict[str, Any]]) -> list[str]:
    """Overlays declaring a profile on the chains of `leaves` (before any snapshot filtering)."""
    from aicr.recipe.matching import resolve_chain

    found: list[str] = []
    for leaf in leaves:
        for name in resolve_chain(leaf["name"], catalog.overlays, catalog.base_name):
            if catalog.overlays[name].get("profile") and name not in found:
                found.append(name)
    return found


def check_not_excluded(
    declared: list[str], applied: list[str], criteria: str, details: dict[str, Any]
) -> None:
    """ADR-015: a snapshot may not silently drop the profile a recipe's criteria promise."""
    if declared and not set(declared) & set(applied):
        raise AicrError(
            Code.INVALID_REQUEST,
            f"the snapshot excluded every overlay chain of {criteria} that carries profile "
            f"declaration {', '.join(declared)}; a recipe without its profile is not produced "
            "(excludedOverlays and constraintWarnings in the details say why)",
            {"declaredBy": declared, **details},
        )


def apply_profile(
    spec: Spec,
    catalog: Catalog,
    applied: list[str],
    selection: Selection | None,
    criteria: str,
    snapshot: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """Apply the selected (or default) profile value to `spec`; the `selectedProfile` record.

    With a snapshot, the value's constraints must pass (fail closed: no fallback exists).
    """
    overlay = declaring_overlay(catalog, applied)
    value = choose(overlay, selection, criteria)
    if overlay is None or value is None:
        return None
    decl = overlay["profile"]
    _check_components(spec, decl, overlay["name"])
    fragment = decl["values"][value]
    if snapshot is not None:
        _check_snapshot(fragment, snapshot, f"{decl['name']}={value}")
    for constraint in fragment.get("constraints") or []:
        if constraint["name"] in spec.constraints:
            raise AicrError(
                Code.INVALID_REQUEST,
                f'profile {decl["name"]}={value} constraint "{constraint["name"]}" conflicts with the '
                "inheritance chain or a mixin",
                {"profile": decl["name"], "constraint": constraint["name"]},
            )
    origin = None
    if spec.recorder is not None:
        from aicr.recipe.provenance import Origin

        keypath = ("spec", "profile", "values", value)
        origin = Origin("profile", f"{decl['name']}={value}", str(overlay.get("file") or ""), keypath)
    _merge_fragment(spec, fragment, origin)
    record: dict[str, Any] = {"name": decl["name"], "value": value}
    if fragment.get("advertiser"):
        record["advertiser"] = fragment["advertiser"]
    record["ownedPaths"] = {k: list(v) for k, v in decl["ownedPaths"].items()}
    return record


def _check_snapshot(fragment: dict[str, Any], snapshot: dict[str, Any], label: str) -> None:
    from aicr.recipe.snapshot_mode import evaluate_constraint

    for constraint in fragment.get("constraints") or []:
        passed, _actual, reason = evaluate_constraint(constraint, snapshot, f"profile {label}")
        if not passed:
            raise AicrError(
                Code.INVALID_REQUEST,
                f'profile {label} constraint "{constraint["name"]}" fails against the snapshot: {reason}; '
                "choose the profile value that matches the cluster (--profile)",
                {"profile": label, "constraint": constraint["name"], "reason": reason},
            )


def _check_components(spec: Spec, decl: dict[str, Any], overlay: str) -> None:
    """Every component any value names must be in the recipe and enabled (ADR-015)."""
    for component in decl["ownedPaths"]:
        ref = spec.refs.get(component)
        if ref is None or (ref.get("overrides") or {}).get("enabled") is False:
            state = "not in the recipe" if ref is None else "disabled in the recipe"
            raise AicrError(
                Code.INVALID_REQUEST,
                f'profile "{decl["name"]}" declared by {overlay} configures component "{component}", '
                f"which is {state}",
                {"profile": decl["name"], "component": component},
            )


def _merge_fragment(spec: Spec, fragment: dict[str, Any], origin: Origin | None) -> None:
    from aicr.recipe.deepmerge import copy_tree, merge_into

    recorder = spec.recorder
    for i, constraint in enumerate(fragment.get("constraints") or []):
        if recorder is not None and origin is not None:
            at = origin.at("constraints", i)
            recorder.record(f"constraints.{constraint['name']}", at, constraint.get("value"))
        spec.constraints[constraint["name"]] = copy_tree(constraint)
    for i, ref in enumerate(fragment.get("componentRefs") or []):
        overrides = ref.get("overrides") or {}
        if not overrides:
            continue
        if recorder is not None and origin is not None:
            at = origin.at("componentRefs", i, "overrides")
            recorder.overrides.setdefault(ref["name"], []).append((at, overrides))
        merge_into(spec.refs[ref["name"]].setdefault("overrides", {}), overrides)
