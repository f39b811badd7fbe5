"""`aicr query`: resolve criteria, hydrate component values, print the value at `--selector`.

Translation only. Scalars print bare; maps and lists print as YAML (or JSON with `-t json`).
`run` is also reached from aicr.cli.fastpath, so nothing here imports argparse at module level.
"""

from __future__ import annotations

from aicr.cli.fastpath import FastSpec
from aicr.cli.options import check_format, env_bool
from aicr.cli.recipe import CRITERIA_FLAGS
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

FORMATS = ("yaml", "json")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the `query` subcommand."""
    from aicr.cli.criteria_flags import add_criteria_flags
    from aicr.cli.flags import Once, add_data, add_format, add_kubeconfig

    parser = sub.add_parser(
        "query",
        parents=[common],
        help="print one value of a resolved, hydrated recipe",
        description="Resolve criteria and print the value at --selector (e.g. components.gpu-operator.values.driver.version).",
    )
    add_criteria_flags(parser)
    parser.add_argument(
        "--selector",
        action=Once,
        metavar="PATH",
        help="dotted path into the hydrated recipe ('' or '.' for everything)",
    )
    add_format(parser, choices=FORMATS)
    add_data(parser)
    add_kubeconfig(parser)
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print where the selected value(s) came from instead of the value",
    )
    from aicr.cli.config_apply import add_config

    add_config(parser)
    parser.set_defaults(_run=run)


def _defaults() -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(set(CRITERIA_FLAGS.values()))
    values.update(format="yaml", data=None, kubeconfig=None, selector=None, explain=False, config=None)
    values["criteria_strict"] = env_bool("AICR_CRITERIA_STRICT")
    return values


FAST_SPEC = FastSpec(
    "query",
    values={
        **CRITERIA_FLAGS,
        "--selector": "selector",
        "-t": "format",
        "--format": "format",
        "--data": "data",
        "-k": "kubeconfig",
        "--kubeconfig": "kubeconfig",
    },
    booleans={"--criteria-strict": "criteria_strict"},
    switches={"--explain": "explain"},
    defaults=_defaults,
    extra=lambda: {"_run": run, "_format_choices": FORMATS},
)


def render_value(value: Any, fmt: str) -> str:
    """Scalars bare; anything else as YAML, or pretty JSON."""
    if fmt == "json":
        from aicr.io.jsonout import dumps_indented

        return dumps_indented(value) + "\n"
    if isinstance(value, bool):
        return ("true" if value else "false") + "\n"
    if isinstance(value, str | int | float):
        return f"{value}\n"
    from aicr.io.yamlout import dump

    return dump(value)


def run(args: Any) -> int:
    """Resolve, hydrate, select and print."""
    import sys

    from aicr.catalog.catalog import load_catalog
    from aicr.cli.criteria_flags import build_criteria, resolve_flags
    from aicr.cli.recipe import load_snapshot_arg
    from aicr.recipe.query import hydrate, select

    if args.selector is None:
        raise AicrError(Code.INVALID_REQUEST, 'Required flag "selector" not set')
    fmt = check_format(args)
    catalog = load_catalog(data=args.data)
    snapshot = load_snapshot_arg(args.snapshot, args.kubeconfig)
    criteria = build_criteria(args, catalog, snapshot)
    result = resolve_flags(catalog, criteria, snapshot, args)
    value = select(hydrate(result, catalog), args.selector)
    if result.provenance is not None:
        from aicr.cli.recipe import render_explained
        from aicr.recipe.explain import select_provenance

        sys.stdout.write(render_explained(select_provenance(result.provenance, args.selector), fmt, "-"))
        return 0
    sys.stdout.write(render_value(value, fmt))
    return 0
