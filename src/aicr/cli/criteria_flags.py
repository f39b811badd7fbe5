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
    """--service, --accelerator/--gpu, --intent, --os, --platform, --nodes, -c, -s, --profile, …"""
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
        "--slurm-accounting-mode",
        action=Once,
        metavar="MODE",
        help="Slurm recipes only: disabled (default), customer-managed or aicr-provided",
    )
    group.add_argument(
        "--profile",
        action=Once,
        metavar="NAME=VALUE",
        help="configuration profile value, e.g. gpuStack=operator-managed (default: the recipe's declared default)",
    )
    group.add_argument(
        "--criteria-strict",
        action=OnceTrue,
        default=env_bool("AICR_CRITERIA_STRICT"),
        help="accept only criteria values known to the embedded catalog (env AICR_CRITERIA_STRICT)",
    )


def set_profile_default(args: Any, value: str | None) -> None:
    """Config hook (`recipe.profile` of an AICRConfig): use `value` unless `--profile` was given.

    Precedence flag > config: an explicit `--profile` is kept. The value is checked at once, with
    the error `--profile` itself would give, so a bad config names the problem before resolving.
    """
    if value is None or getattr(args, "profile", None) is not None:
        return
    from aicr.recipe.profiles import parse_selection

    parse_selection(value)
    args.profile = value


def load_criteria_file(uri: str, kubeconfig: str | None = None) -> dict[str, Any]:
    """The `spec` of a RecipeCriteria document (kind/apiVersion checked when present)."""
    from aicr.io.documents import load_document
    from aicr.recipe.criteria_document import criteria_spec

    return criteria_spec(load_document(uri, what="criteria", kubeconfig=kubeconfig), "criteria file")


def build_criteria(args: Any, catalog: Catalog, snapshot: dict[str, Any] | None) -> Criteria:
    """Criteria from snapshot detection, then the criteria file, then explicit flags."""
    allowed = catalog.allowed_values(strict=bool(args.criteria_strict))
    values: dict[str, Any] = {}
    if snapshot is not None:
        from aicr.recipe.snapshot_criteria import criteria_from_snapshot

        values.update(criteria_from_snapshot(snapshot, allowed))
    if args.criteria:
        from aicr.recipe.criteria_document import spec_values

        values.update(
            spec_values(load_criteria_file(args.criteria, getattr(args, "kubeconfig", None)), allowed)
        )
    given = [field for field in FIELDS if getattr(args, field) is not None]
    for field in given:
        values[field] = parse_value(field, getattr(args, field), allowed)
    if args.nodes is not None:
        values["nodes"] = parse_nodes(args.nodes)
    # The API's rule too: refuse only when nothing at all describes the cluster (an explicit
    # `--accelerator any` is a choice, and resolves to the base recipe).
    if snapshot is None and not args.criteria and not given and args.nodes is None:
        raise AicrError(Code.INVALID_REQUEST, NO_CRITERIA)
    if snapshot is not None:
        _warn_undetected(values)
    return Criteria(**values)


DETECTABLE = ("service", "accelerator", "os")


def _warn_undetected(values: dict[str, Any]) -> None:
    """Say which of the criteria a snapshot can reveal it did not, and how to state them."""
    missing = [field for field in DETECTABLE if field not in values]
    if not missing:
        return
    from aicr import logs

    flags = " ".join(f"--{field} VALUE" for field in missing)
    logs.warn(
        f"the snapshot did not reveal the cluster's {_and(missing)}, so the recipe is resolved without "
        f"{'it' if len(missing) == 1 else 'them'}; state {'it' if len(missing) == 1 else 'them'} with {flags}",
        undetected=",".join(missing),
    )


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def resolve_flags(catalog: Catalog, criteria: Criteria, snapshot: dict[str, Any] | None, args: Any) -> Any:
    """`catalog.resolve` with the settings the criteria flags carry (strictness, Slurm accounting
    mode, profile, `--explain`): one call for recipe, query and mirror list."""
    from aicr.version import recipe_version

    return catalog.resolve(
        criteria,
        snapshot=snapshot,
        criteria_strict=bool(args.criteria_strict),
        version=recipe_version(),
        slurm_accounting_mode=args.slurm_accounting_mode,
        explain=bool(getattr(args, "explain", False)),
        profile=args.profile,
    )
