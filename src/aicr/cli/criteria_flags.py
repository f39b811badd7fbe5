"""Criteria flags shared by `recipe` and `query`, and turning them into a Criteria.

Parsing only: flag values are checked against the catalog's value lists (static values plus
values declared by loaded overlays) with the reference's error texts, a `--criteria` file and a
`--snapshot` provide defaults, and explicit flags override both.
"""

from __future__ import annotations

from aicr.cli.options import env_bool
from aicr.errors import AicrError, Code
from aicr.recipe.criteria import FIELDS, Criteria, parse_nodes, parse_value

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from aicr.catalog.catalog import Catalog

NO_CRITERIA = (
    "no criteria provided: specify at least one of --service, --accelerator, --intent, --os, --platform, "
    "--nodes, --criteria, or use --snapshot to load from a snapshot file"
)


def add_criteria_flags(parser: argparse.ArgumentParser) -> None:
    """--service, --accelerator/--gpu, --intent, --os, --platform, --nodes, -c, -s, --criteria-strict."""
    from aicr.cli.flags import Once, OnceTrue

    group = parser.add_argument_group("criteria")
    group.add_argument(
        "--service", action=Once, metavar="NAME", help="Kubernetes service: eks, gke, aks, oke, kind, …"
    )
    group.add_argument(
        "--accelerator",
        "--gpu",
        dest="accelerator",
        action=Once,
        metavar="NAME",
        help="GPU type: h100, h200, gb200, gb300, b200, a100, l40, l40s, …",
    )
    group.add_argument("--intent", action=Once, metavar="NAME", help="workload intent: training or inference")
    group.add_argument("--os", action=Once, metavar="NAME", help="node OS: ubuntu, cos, amazonlinux, rhel, …")
    group.add_argument("--platform", action=Once, metavar="NAME", help="platform: kubeflow, dynamo, …")
    group.add_argument("--nodes", action=Once, metavar="N", help="number of GPU nodes (0 = any)")
    group.add_argument(
        "-c",
        "--criteria",
        action=Once,
        metavar="FILE",
        help="RecipeCriteria file (YAML or JSON, path or URL); flags override its fields",
    )
    group.add_argument(
        "-s",
        "--snapshot",
        action=Once,
        metavar="URI",
        help="derive criteria from a snapshot (file, URL or cm://ns/name) and check overlay constraints",
    )
    group.add_argument(
        "--criteria-strict",
        action=OnceTrue,
        default=env_bool("AICR_CRITERIA_STRICT"),
        help="accept only criteria values known to the embedded catalog (env AICR_CRITERIA_STRICT)",
    )


def load_criteria_file(uri: str, kubeconfig: str | None = None) -> dict[str, Any]:
    """The `spec` of a RecipeCriteria document (kind/apiVersion checked when present)."""
    from aicr.documents import KIND_CRITERIA, READ_API_VERSIONS
    from aicr.io.documents import load_document

    doc = load_document(uri, what="criteria", kubeconfig=kubeconfig)
    unknown = sorted(set(doc) - {"kind", "apiVersion", "metadata", "spec"})
    if unknown:
        raise AicrError(Code.INVALID_REQUEST, f'criteria file: unknown field "{unknown[0]}"')
    kind = doc.get("kind") or ""
    if kind and kind != KIND_CRITERIA:
        raise AicrError(Code.INVALID_REQUEST, f'invalid kind "{kind}", expected "{KIND_CRITERIA}"')
    version = doc.get("apiVersion") or ""
    if version and version not in READ_API_VERSIONS:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'invalid apiVersion "{version}" for {KIND_CRITERIA}, expected one of: {", ".join(sorted(READ_API_VERSIONS))}',
        )
    spec = doc.get("spec") or {}
    if not isinstance(spec, dict):
        raise AicrError(Code.INVALID_REQUEST, "criteria file: spec must be a mapping")
    return spec


def spec_to_values(spec: dict[str, Any], allowed: dict[str, frozenset[str]]) -> dict[str, Any]:
    """Validate a RecipeCriteria spec; errors carry the reference's `in criteria spec` wrapper."""
    unknown = sorted(set(spec) - {*FIELDS, "nodes"})
    if unknown:
        raise AicrError(Code.INVALID_REQUEST, f'criteria spec: unknown field "{unknown[0]}"')
    values: dict[str, Any] = {}
    for field in FIELDS:
        raw = spec.get(field)
        if raw is None:
            continue
        try:
            values[field] = parse_value(field, str(raw), allowed)
        except AicrError as exc:
            raise exc.wrap(f"invalid {field} in criteria spec") from None
    if spec.get("nodes") is not None:
        values["nodes"] = parse_nodes(spec["nodes"])
    return values


def build_criteria(args: Any, catalog: Catalog, snapshot: dict[str, Any] | None) -> Criteria:
    """Criteria from snapshot detection, then the criteria file, then explicit flags."""
    allowed = catalog.allowed_values(strict=bool(args.criteria_strict))
    values: dict[str, Any] = {}
    if snapshot is not None:
        from aicr.recipe.snapshot_criteria import criteria_from_snapshot

        values.update(criteria_from_snapshot(snapshot, allowed))
    if args.criteria:
        values.update(
            spec_to_values(load_criteria_file(args.criteria, getattr(args, "kubeconfig", None)), allowed)
        )
    for field in FIELDS:
        raw = getattr(args, field)
        if raw is not None:
            values[field] = parse_value(field, raw, allowed)
    if args.nodes is not None:
        values["nodes"] = parse_nodes(args.nodes)
    criteria = Criteria(**values)
    if snapshot is None and not args.criteria and criteria.specificity() == 0:
        raise AicrError(Code.INVALID_REQUEST, NO_CRITERIA)
    return criteria
