"""`aicr recipe list`: the leaf recipes of the catalog, optionally with their health.

Translation only: flags in, aicr.recipe.listing out. Wired as the one subcommand of `recipe`
(`aicr recipe --service …` keeps working: the subcommand is optional). With `--health` every
listed leaf is resolved, bundled in memory with every deployer and validated; the report goes to
stdout and the exit code is 1 when any leaf is unhealthy (a finding, not an error code).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

FILTERS = ("service", "accelerator", "intent", "os", "platform")


def register(actions: Any, common: argparse.ArgumentParser) -> None:
    """Add `list` to the subcommands of `recipe`."""
    from aicr.cli.flags import Once, OnceTrue, add_data, add_format
    from aicr.recipe.listing import FORMATS

    parser = actions.add_parser(
        "list",
        parents=[common],
        help="list the leaf recipes of the catalog (with --health: resolve, bundle, validate each)",
        description="List leaf recipes, filtered by criteria; --health checks each one.",
    )
    for name in FILTERS:
        parser.add_argument(f"--{name}", action=Once, metavar="NAME", help=f"only leaves with this {name}")
    parser.add_argument(
        "--health",
        action=OnceTrue,
        default=False,
        help="resolve each leaf, bundle it with every deployer in memory, run the registry validations",
    )
    add_format(parser, default="table", choices=FORMATS)
    add_data(parser)
    parser.set_defaults(_run=run)


def run(args: Any) -> int:
    """List (and check) the leaves; exit 1 when --health finds an unhealthy leaf."""
    import sys

    from aicr.bundle.options import DEPLOYERS
    from aicr.catalog.catalog import load_catalog
    from aicr.cli.options import check_format
    from aicr.recipe import listing
    from aicr.recipe.criteria import Criteria

    fmt = check_format(args)
    catalog = load_catalog(data=args.data)
    where = Criteria.from_mapping({name: getattr(args, name) or "" for name in FILTERS})
    rows: list[dict[str, Any]] = listing.list_leaves(catalog, where)
    if args.health:
        rows = [listing.leaf_health(catalog, row["name"], DEPLOYERS) for row in rows]
    sys.stdout.write(listing.render(rows, fmt, health=bool(args.health)))
    if args.health and not all(listing.healthy(row) for row in rows):
        return 1
    return 0
