"""`aicr recipe`: resolve criteria (flags, a criteria file or a snapshot) to a RecipeResult.

Translation only: parse flags, load the catalog, call `Catalog.resolve`, render and write.
`run` is also reached from aicr.cli.fastpath, so nothing here imports argparse at module level.
"""

from __future__ import annotations

from aicr.cli.fastpath import FastSpec
from aicr.cli.options import FORMATS, env_bool

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

CRITERIA_FLAGS: dict[str, str] = {
    "--service": "service",
    "--accelerator": "accelerator",
    "--gpu": "accelerator",
    "--intent": "intent",
    "--os": "os",
    "--platform": "platform",
    "--nodes": "nodes",
    "-c": "criteria",
    "--criteria": "criteria",
    "-s": "snapshot",
    "--snapshot": "snapshot",
    "--slurm-accounting-mode": "slurm_accounting_mode",
    "--profile": "profile",
}


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the `recipe` subcommand."""
    from aicr.cli.criteria_flags import add_criteria_flags
    from aicr.cli.flags import add_data, add_format, add_kubeconfig, add_output

    parser = sub.add_parser(
        "recipe",
        parents=[common],
        help="resolve criteria to a version-locked recipe",
        description="Resolve cluster criteria to a RecipeResult: components, versions, constraints, order.",
    )
    add_criteria_flags(parser)
    add_output(parser, "recipe")
    add_format(parser)
    add_data(parser)
    add_kubeconfig(parser)
    from aicr.cli.flags import Once, OnceTrue

    parser.add_argument(
        "--explain",
        action=OnceTrue,
        help="print where each field of the recipe came from (registry, values file, overlay, mixin) "
        "instead of the recipe: a table on a terminal, else YAML/JSON",
    )
    parser.add_argument(
        "--require-signed-data",
        action=Once,
        metavar="KEY",
        help="refuse a --data catalog that is not signed by this PEM public key (aicr recipe sign-catalog)",
    )
    from aicr.cli.config_apply import add_config

    add_config(parser)
    parser.set_defaults(_run=run)
    from aicr.cli import recipe_catalog, recipe_list

    actions = parser.add_subparsers(dest="recipe_action", metavar="{list,sign-catalog,verify-catalog}")
    recipe_list.register(actions, common)
    recipe_catalog.register(actions, common)


def format_given(argv: list[str]) -> bool:
    """Whether the command line names an output format (`-t`, `-tX`, `--format`, `--format=X`)."""
    return any(a in ("-t", "--format") or a.startswith(("--format=", "-t")) for a in argv)


def explain_format(fmt: str, output: str, explicit: bool) -> str:
    """`table` on a terminal unless a format was asked for; else the requested format."""
    import sys

    if not explicit and output in ("-", "") and sys.stdout.isatty():
        return "table"
    return fmt


def render_explained(provenance: dict[str, Any], fmt: str, output: str) -> str:
    """The `--explain` output of recipe and query: a table on a terminal, else `fmt`."""
    import sys

    from aicr.recipe.explain import render_provenance

    return render_provenance(provenance, explain_format(fmt, output, format_given(sys.argv[1:])))


def load_snapshot_arg(uri: str | None, kubeconfig: str | None) -> dict[str, Any] | None:
    """The Snapshot document named by `--snapshot`, or None."""
    if not uri:
        return None
    from aicr.snapshot.document import load_snapshot_document

    return load_snapshot_document(uri, kubeconfig=kubeconfig)


def _defaults() -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(set(CRITERIA_FLAGS.values()))
    values.update(output="-", format="yaml", data=None, kubeconfig=None)
    values["criteria_strict"] = env_bool("AICR_CRITERIA_STRICT")
    values["explain"] = False
    values["recipe_action"] = None  # the `recipe list` subcommand's dest (argparse sets it too)
    values["require_signed_data"] = None
    values["config"] = None  # `--config` is left to argparse (aicr.cli.fastpath declines it)
    return values


FAST_SPEC = FastSpec(
    "recipe",
    values={
        **CRITERIA_FLAGS,
        "-o": "output",
        "--output": "output",
        "-t": "format",
        "--format": "format",
        "--data": "data",
        "-k": "kubeconfig",
        "--kubeconfig": "kubeconfig",
        "--require-signed-data": "require_signed_data",
    },
    booleans={"--criteria-strict": "criteria_strict", "--explain": "explain"},
    defaults=_defaults,
    extra=lambda: {"_run": run, "_format_choices": FORMATS},
)


class _Quiet:
    """`contextlib.nullcontext()` without importing contextlib (and the collections it loads)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def run(args: Any) -> int:
    """Resolve and write the recipe (or, with --explain, its provenance)."""
    from aicr.catalog.catalog import load_catalog
    from aicr.cli.criteria_flags import build_criteria, resolve_flags
    from aicr.cli.options import check_format
    from aicr.errors import AicrError
    from aicr.io.documents import write_text

    fmt = check_format(args)
    if args.require_signed_data:  # the module only on that path
        from aicr.cli.recipe_catalog import check_signed_data

        check_signed_data(args.data, args.require_signed_data)
    catalog = load_catalog(data=args.data)
    snapshot = load_snapshot_arg(args.snapshot, args.kubeconfig)
    criteria = build_criteria(args, catalog, snapshot)
    shown: Any = _Quiet()
    if snapshot is not None:
        from aicr.validate.progress import snapshot_constraints_shown

        shown = snapshot_constraints_shown()
    try:
        with shown:
            result = resolve_flags(catalog, criteria, snapshot, args)
    except AicrError as exc:
        if snapshot is None:
            raise
        from aicr.recipe.snapshot_mode import explain_exclusions

        raise explain_exclusions(exc) from None
    if result.provenance is not None:
        write_text(
            args.output, render_explained(result.provenance, fmt, args.output), kubeconfig=args.kubeconfig
        )
        return 0
    write_text(args.output, result.render(fmt), kubeconfig=args.kubeconfig, doc=result.doc, fmt=fmt)
    _summarise(result, args.output)
    return 0


def _summarise(result: Any, output: str) -> None:
    """One line on stderr: what was resolved and where it went (nothing with --quiet)."""
    from aicr import logs

    overlays = result.applied_overlays
    where = "" if output in ("-", "") else f"; written to {output}"
    logs.summary(
        f"Resolved {result.doc.get('criteria') and _criteria(result.doc['criteria'])} to "
        f"{len(result.component_refs)} components from {len(overlays)} overlays ({', '.join(overlays)}){where}."
    )


def _criteria(criteria: dict[str, Any]) -> str:
    stated = [f"{k}={v}" for k, v in criteria.items() if v not in (None, "", "any")]
    return f"criteria({', '.join(stated)})" if stated else "the base recipe"
