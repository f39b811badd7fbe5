"""Render a loaded catalog as Markdown: the reference page `docs/catalog.md`.

`python -m aicr.catalog.docgen` prints the page for the embedded catalog to stdout (`make docs`
writes it to docs/catalog.md). Apart from loading the catalog this is pure: names are sorted,
nothing depends on time or environment, so the same catalog always renders to the same bytes
and a test can tell when the committed page is stale.
"""

from __future__ import annotations

import sys
from typing import Any

from aicr.catalog.catalog import Catalog, load_catalog
from aicr.recipe.criteria import ANY, FIELDS, Criteria
from aicr.recipe.deps import is_enabled

PHASES = ("deployment", "performance", "conformance")


def leaf_names(catalog: Catalog) -> list[str]:
    """Overlays with criteria that no other overlay names as its `spec.base`, sorted."""
    parents = {o.get("base", "") for o in catalog.overlays.values()}
    return sorted(
        name
        for name, overlay in catalog.overlays.items()
        if name != catalog.base_name and overlay.get("criteria") is not None and name not in parents
    )


def stated_criteria(overlay: dict[str, Any]) -> dict[str, str]:
    """The non-any criteria of an overlay, in field order."""
    crit: dict[str, str] = overlay.get("criteria") or {}
    return {f: crit[f] for f in FIELDS if crit.get(f, ANY) != ANY}


def _cell(value: Any) -> str:
    text = str(value) if value not in (None, "") else "—"
    return text.replace("|", "\\|")


def _code(value: str) -> str:
    return f"`{value}`" if value else "—"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out.extend("| " + " | ".join(row) + " |" for row in rows)
    return out


def _flags(crit: dict[str, str]) -> str:
    return " ".join(f"--{f} {v}" for f, v in crit.items())


def _leaf_mixins(catalog: Catalog, applied: list[str]) -> list[str]:
    names: list[str] = []
    for overlay in applied:
        for mixin in catalog.overlays[overlay].get("mixins") or []:
            if mixin not in names:
                names.append(mixin)
    return names


def _component_rows(doc: dict[str, Any]) -> list[list[str]]:
    refs = {ref["name"]: ref for ref in doc.get("componentRefs", [])}
    rows: list[list[str]] = []
    for step, name in enumerate(doc.get("deploymentOrder", []), start=1):
        ref = refs[name]
        source = ref.get("source") or "manifests only"
        rows.append(
            [str(step), _code(name), _cell(ref.get("version")), _cell(ref.get("namespace")), _cell(source)]
        )
    for name, ref in refs.items():
        if not is_enabled(ref):
            rows.append(["—", _code(name), "disabled", _cell(ref.get("namespace")), _cell(ref.get("source"))])
    return rows


def _validation_lines(doc: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    validation = doc.get("validation") or {}
    for phase in PHASES:
        body = validation.get(phase) or {}
        checks = body.get("checks") or []
        if not checks:
            continue
        line = f"- {phase}: " + ", ".join(_code(c) for c in checks)
        limits = [f"`{c['name']} {c['value']}`" for c in body.get("constraints") or []]
        if limits:
            line += " (" + "; ".join(limits) + ")"
        lines.append(line)
    return lines


def render_leaf(catalog: Catalog, name: str) -> list[str]:
    """The section of one leaf: criteria, overlays, mixins, constraints, components, checks."""
    crit = stated_criteria(catalog.overlays[name])
    doc = catalog.resolve(Criteria.from_mapping(crit)).doc
    applied: list[str] = doc["metadata"]["appliedOverlays"]
    mixins = _leaf_mixins(catalog, applied)
    usage = f"`aicr recipe {_flags(crit)}`" if crit else "Matches every query (all criteria any)."
    lines = [f"### {name}", "", usage, ""]
    lines.append("- applied overlays: " + " → ".join(_code(o) for o in applied))
    lines.append("- mixins: " + (", ".join(_code(m) for m in mixins) or "none"))
    selected = doc["metadata"].get("selectedProfile")
    if selected is not None:
        lines.append(
            f"- profile: `{selected['name']}` (default {_code(selected['value'])}; "
            f"see [Profiles](#profiles) for the other values)"
        )
    constraints = [f"`{c['name']} {c['value']}`" for c in doc.get("constraints") or []]
    lines.append("- constraints: " + ("; ".join(constraints) or "none"))
    lines.append("")
    lines.extend(_table(["#", "component", "version", "namespace", "source"], _component_rows(doc)))
    checks = _validation_lines(doc)
    if checks:
        lines.extend(["", "Validation:", "", *checks])
    lines.append("")
    return lines


def render_leaf_index(catalog: Catalog, leaves: list[str]) -> list[str]:
    """One table row per leaf with its criteria."""
    rows = []
    for name in leaves:
        crit = stated_criteria(catalog.overlays[name])
        rows.append([f"[{name}](#{name})", *(_cell(crit.get(f, ANY)) for f in FIELDS)])
    return _table(["recipe", *FIELDS], rows)


def render_overlay_tree(catalog: Catalog) -> list[str]:
    """Every overlay with its parent, criteria and mixins, sorted by name."""
    rows = []
    for name, overlay in catalog.overlays.items():
        if name == catalog.base_name:
            continue
        crit = stated_criteria(overlay) if overlay.get("criteria") is not None else None
        described = "none (base only)" if crit is None else ", ".join(f"{f}={v}" for f, v in crit.items())
        mixins = ", ".join(_code(m) for m in overlay.get("mixins") or []) or "—"
        rows.append(
            [_code(name), _code(overlay.get("base") or catalog.base_name), described or "any", mixins]
        )
    return _table(["overlay", "parent", "criteria", "mixins"], rows)


def render_registry(catalog: Catalog) -> list[str]:
    """The component registry as a table, sorted by component name."""
    rows = []
    for entry in sorted(catalog.registry, key=lambda e: str(e["name"])):
        helm = entry.get("helm") or {}
        repo = helm.get("defaultRepository") or "manifests only"
        keys = ", ".join(_code(k) for k in entry.get("valueOverrideKeys") or [])
        rows.append(
            [
                _code(entry["name"]),
                _cell(helm.get("defaultChart")),
                _cell(repo),
                _cell(helm.get("defaultVersion")),
                _cell(helm.get("defaultNamespace")),
                keys or "—",
            ]
        )
    return _table(["component", "chart", "repository", "version", "namespace", "--set keys"], rows)


def render_mixins(catalog: Catalog) -> list[str]:
    """Each mixin with what it adds."""
    lines: list[str] = []
    for name, mixin in catalog.mixins.items():
        lines.extend([f"### {name}", ""])
        for c in mixin.get("constraints") or []:
            lines.append(f"- constraint `{c['name']} {c['value']}`")
        for ref in mixin.get("componentRefs") or []:
            parts = [f"{k} {', '.join(ref[k])}" for k in ("dependencyRefs", "preManifestFiles") if ref.get(k)]
            detail = f" ({'; '.join(parts)})" if parts else ""
            lines.append(f"- component `{ref['name']}`{detail}")
        lines.append("")
    return lines


def render_profiles(catalog: Catalog) -> list[str]:
    """Each profile declaration: where, its values and the value paths each one sets."""
    lines: list[str] = []
    for name, overlay in catalog.overlays.items():
        decl = overlay.get("profile")
        if not decl:
            continue
        lines.extend(
            [
                f"### {decl['name']} (declared by `{name}`)",
                "",
                " ".join(decl.get("description", "").split()),
                "",
            ]
        )
        rows = []
        for value, fragment in decl["values"].items():
            sets = [
                f"{ref['name']}: "
                + ", ".join(f"{p}={_flat(v)}" for p, v in _leaves(ref.get("overrides") or {}))
                for ref in fragment.get("componentRefs") or []
            ]
            constraints = [f"{c['name']} {c['value']}" for c in fragment.get("constraints") or []]
            label = _code(value) + (" (default)" if value == decl["default"] else "")
            rows.append(
                [
                    label,
                    _cell("; ".join(sets)),
                    _cell("; ".join(constraints)),
                    _cell(fragment.get("advertiser")),
                ]
            )
        lines.extend(_table(["value", "sets", "constraints", "advertiser"], rows))
        lines.append("")
    return lines


def _leaves(tree: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        out.extend(_leaves(value, path) if isinstance(value, dict) else [(path, value)])
    return out


def _flat(value: Any) -> str:
    return "true" if value is True else "false" if value is False else str(value)


def render_validators(catalog: Catalog) -> list[str]:
    """The validator catalog, in execution order within each phase."""
    rows = []
    for phase in PHASES:
        for v in catalog.validators:
            if v["phase"] == phase:
                rows.append([_code(v["name"]), phase, _cell(v.get("timeout")), _cell(v.get("description"))])
    return _table(["check", "phase", "timeout", "what it verifies"], rows)


def render(catalog: Catalog) -> str:
    """The whole page."""
    leaves = leaf_names(catalog)
    lines = [
        "# Embedded recipe catalog",
        "",
        "<!-- Generated by `make docs` (python -m aicr.catalog.docgen); do not edit by hand. -->",
        "",
        f"{len(catalog.overlays)} overlays (including `{catalog.base_name}`), {len(leaves)} leaf recipes, "
        f"{len(catalog.registry)} registry components, {len(catalog.mixins)} mixins, "
        f"{len(catalog.validators)} validator checks.",
        "",
        "A leaf is an overlay with criteria that no other overlay builds on. Querying a leaf's own",
        "criteria resolves to the recipe shown; components are listed in deployment order.",
        "",
        "## Leaf recipes",
        "",
        *render_leaf_index(catalog, leaves),
        "",
    ]
    for name in leaves:
        lines.extend(render_leaf(catalog, name))
    lines.extend(["## All overlays", "", *render_overlay_tree(catalog), ""])
    lines.extend(["## Profiles", "", "Select a value with `aicr recipe --profile name=value`; without it the", ""
                  "default applies. Bundles keep the paths a profile sets (see docs/recipe.md).", "",
                  *render_profiles(catalog)])  # fmt: skip
    lines.extend(["## Component registry", "", *render_registry(catalog), "", "## Mixins", ""])
    lines.extend(render_mixins(catalog))
    lines.extend(["## Validator checks", "", *render_validators(catalog)])
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Print the page for the embedded catalog."""
    del argv
    sys.stdout.write(render(load_catalog()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
