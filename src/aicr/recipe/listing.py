"""Catalog listing: the leaf recipes a catalog offers, filtered by criteria, and their health.

Pure over a loaded catalog; the health check resolves each leaf with its own criteria, builds
its bundle in memory for every deployer (aicr.bundle.api.plan_bundle, nothing written) with a
fixed sample node placement, and reports the registry validations of that build. Rendering
(table, json, yaml) is here too; the CLI only parses flags and writes the text.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code
from aicr.recipe.criteria import ANY, FIELDS, Criteria

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.bundle.options import BundleOptions
    from aicr.catalog.catalog import Catalog

FORMATS = ("table", "json", "yaml")
OK = "ok"
# Sample placement for the health bundles: components that require node selectors (the Slurm
# cluster, its database) get one, and keyed tolerations avoid the wildcard-toleration warning.
SAMPLE_SYSTEM_SELECTOR = {"node-role.aicr.run/system": "true"}
SAMPLE_ACCELERATED_SELECTOR = {"nvidia.com/gpu.present": "true"}
SAMPLE_TOLERATION = {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}
VALIDATION_PREFIX = "component validation failed"


def leaf_criteria(catalog: Catalog, name: str) -> dict[str, str]:
    """The stated (non-any) criteria of overlay `name`, in field order."""
    crit: dict[str, str] = catalog.overlays[name].get("criteria") or {}
    return {f: crit[f] for f in FIELDS if crit.get(f, ANY) not in (ANY, "")}


def leaf_names(catalog: Catalog) -> list[str]:
    """Overlays with criteria that no overlay names as its parent, sorted."""
    parents = {o.get("base", "") for o in catalog.overlays.values()}
    return sorted(
        name
        for name, overlay in catalog.overlays.items()
        if name != catalog.base_name and overlay.get("criteria") is not None and name not in parents
    )


def list_leaves(catalog: Catalog, where: Criteria) -> list[dict[str, str]]:
    """One row per leaf whose criteria equal every field stated in `where` (values checked first)."""
    where.validate(catalog.allowed_values())
    rows = []
    for name in leaf_names(catalog):
        crit = leaf_criteria(catalog, name)
        if all(where.get(f) in (ANY, crit.get(f, ANY)) for f in FIELDS):
            rows.append({"name": name, **{f: crit.get(f, ANY) for f in FIELDS}})
    return rows


def sample_options(deployer: str) -> BundleOptions:
    """Bundle options for a health build with `deployer`."""
    from aicr.bundle.options import BundleOptions

    opts = BundleOptions(deployer)
    opts.system_selector = dict(SAMPLE_SYSTEM_SELECTOR)
    opts.accelerated_selector = dict(SAMPLE_ACCELERATED_SELECTOR)
    opts.workload_selector = {"aicr.run/workload": "true"}
    opts.accelerated_tolerations = [dict(SAMPLE_TOLERATION)]
    opts.tolerations_given = True
    return opts


def leaf_health(catalog: Catalog, name: str, deployers: tuple[str, ...]) -> dict[str, Any]:
    """Resolve, bundle with each deployer, and validate one leaf; failures become messages."""
    from aicr.bundle.api import plan_bundle

    row: dict[str, Any] = {"name": name, "resolves": OK, "bundles": {}, "validations": OK}
    try:
        doc = catalog.resolve(Criteria.from_mapping(leaf_criteria(catalog, name))).to_dict()
    except AicrError as exc:
        row.update(resolves=exc.message, validations="-")
        row["bundles"] = dict.fromkeys(deployers, "-")
        return row
    for deployer in deployers:
        try:
            _, output, _ = plan_bundle(doc, catalog, sample_options(deployer), aicr_version="v0.0.0")
        except AicrError as exc:
            if exc.message.startswith(VALIDATION_PREFIX):
                row["validations"] = exc.message
            row["bundles"][deployer] = exc.message
            continue
        row["bundles"][deployer] = OK
        warnings = [note for note in output.notes if note.startswith("⚠ Warning: ")]
        if warnings and row["validations"] == OK:
            row["validations"] = f"{len(warnings)} warning(s): " + "; ".join(w[11:] for w in warnings)
    return row


def healthy(row: dict[str, Any]) -> bool:
    """True when the leaf resolved, every bundle built and no registry validation failed."""
    failed_validation = str(row["validations"]).startswith(VALIDATION_PREFIX)
    return row["resolves"] == OK and all(v == OK for v in row["bundles"].values()) and not failed_validation


def render(rows: list[dict[str, Any]], fmt: str, *, health: bool) -> str:
    """`rows` as a table, JSON or YAML (the JSON/YAML shape is `{"recipes": rows}`)."""
    if fmt not in FORMATS:
        raise AicrError(
            Code.INVALID_REQUEST, f"invalid format: {fmt} (valid: {', '.join(FORMATS)})", {"format": fmt}
        )
    if fmt == "json":
        import json

        return json.dumps({"recipes": rows}, indent=2, ensure_ascii=False) + "\n"
    if fmt == "yaml":
        from aicr.io.yamlout import dump

        return dump({"recipes": rows})
    return _table(rows, health=health)


def _table(rows: list[dict[str, Any]], *, health: bool) -> str:
    from aicr.io.table import render_table

    if not health:
        header = ["NAME", *(f.upper() for f in FIELDS)]
        return "\n".join(render_table(header, [[r["name"], *(r[f] for f in FIELDS)] for r in rows])) + "\n"
    body = []
    for row in rows:
        bundles = row["bundles"]
        failed = sorted(d for d, v in bundles.items() if v != OK)
        cell = OK if not failed else "failed: " + ", ".join(failed)
        body.append([row["name"], _short(row["resolves"]), cell, _short(row["validations"])])
    lines = render_table(["LEAF", "RESOLVES", "BUNDLES", "VALIDATIONS"], body)
    passed = sum(1 for row in rows if healthy(row))
    lines += ["", f"{passed}/{len(rows)} leaves healthy"]
    return "\n".join(lines) + "\n"


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."
