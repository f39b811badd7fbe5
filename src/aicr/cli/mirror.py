"""`aicr mirror list`: every container image and Helm chart a recipe needs, for an air-gapped mirror.

Translation only: flags in (reference/surface.md §4: `-r` or the criteria flags, `--set`,
`--data`, `-k`, `-o`, `-f yaml|json|hauler|zarf`), aicr.mirror.collect.discover, text out.
Warnings go to stderr (and into yaml/json output); the command still exits 0. Nothing is pushed.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

CRITERIA_DESTS = ("service", "accelerator", "intent", "os", "platform", "nodes", "criteria", "snapshot",
                  "slurm_accounting_mode", "profile")  # fmt: skip


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `mirror` and its `list` subcommand."""
    parser = sub.add_parser(
        "mirror",
        parents=[common],
        help="list the images and charts a recipe needs, for air-gapped mirrors",
        description="Air-gap mirroring. `aicr mirror list` renders every component and lists its images "
        "and charts (yaml, json, Hauler or Zarf). Nothing is pushed.",
    )
    parser.set_defaults(_run=_missing_action)
    actions = parser.add_subparsers(dest="mirror_action", metavar="{list}")
    _register_list(actions, common)


def _register_list(actions: Any, common: argparse.ArgumentParser) -> None:
    from aicr.cli.criteria_flags import add_criteria_flags
    from aicr.cli.flags import Once, OnceTrue, add_data, add_kubeconfig, add_output
    from aicr.mirror.output import FORMATS

    parser = actions.add_parser(
        "list",
        parents=[common],
        help="list every image and chart of a recipe (yaml, json, hauler, zarf)",
        description="Render each component's chart (helm-python-sdk, with the bundle's values) and "
        "manifests, and list every container image and chart. A component that cannot be rendered is "
        "a warning; the command still exits 0. Chart templates execute: use trusted recipes only.",
    )
    parser.add_argument(
        "-r", "--recipe", action=Once, metavar="URI", help="recipe file, http(s) URL or cm://ns/name"
    )
    add_criteria_flags(parser)
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="VALUE",
        help="component:path=value (repeatable; as aicr bundle, e.g. gpuoperator:driver.enabled=false)",
    )
    add_data(parser)
    add_kubeconfig(parser)
    add_output(parser, "list")
    parser.add_argument(
        "-f",
        "--format",
        action=Once,
        default="yaml",
        metavar="FORMAT",
        help=f"output format: {', '.join(FORMATS)} (default yaml)",
    )
    parser.add_argument("--plain-http", action=OnceTrue, help="plain HTTP for oci:// chart sources")
    parser.add_argument("--insecure-tls", action=OnceTrue, help="skip TLS verification for chart sources")
    parser.set_defaults(_run=run, _format_choices=FORMATS)
    from aicr.cli.examples import epilog

    parser.epilog = epilog("mirror")


def _missing_action(args: Any) -> int:
    raise AicrError(Code.INVALID_REQUEST, "missing subcommand: aicr mirror list (see aicr mirror --help)")


def recipe_doc(args: Any, catalog: Any) -> dict[str, Any]:
    """The recipe document of `-r`, or the one the criteria flags resolve to."""
    given = [d for d in CRITERIA_DESTS if getattr(args, d, None) is not None]
    if args.recipe:
        if given:
            flag = "--" + given[0].replace("_", "-")
            raise AicrError(Code.INVALID_REQUEST, f"--recipe cannot be combined with criteria flags ({flag})")
        from aicr.recipe.document import load_recipe

        return load_recipe(args.recipe, kubeconfig=args.kubeconfig).to_dict()
    from aicr.cli.criteria_flags import build_criteria, resolve_flags
    from aicr.cli.recipe import load_snapshot_arg

    snapshot = load_snapshot_arg(args.snapshot, args.kubeconfig)
    criteria = build_criteria(args, catalog, snapshot)
    result = resolve_flags(catalog, criteria, snapshot, args)
    doc: dict[str, Any] = result.to_dict()
    return doc


def run(args: Any) -> int:
    """Discover, warn on stderr, write the list."""
    from aicr import logs
    from aicr import version as build
    from aicr.catalog.catalog import load_catalog
    from aicr.cli.options import check_format
    from aicr.io.documents import write_text
    from aicr.mirror.collect import Settings, discover
    from aicr.mirror.output import render
    from aicr.mirror.sources import RepositoryCharts
    from aicr.validate.images import overrides_from_env

    fmt = check_format(args)
    catalog = load_catalog(data=args.data)
    doc = recipe_doc(args, catalog)
    registry, tag = overrides_from_env()
    settings = Settings(
        args.set, version=build.VERSION, commit=str(getattr(build, "COMMIT", "")), registry=registry, tag=tag
    )
    with RepositoryCharts(plain_http=bool(args.plain_http), insecure_tls=bool(args.insecure_tls)) as charts:
        mirror = discover(doc, catalog, charts, settings)
    for comp in mirror.components:
        for warning in comp.warnings:
            logs.warn("mirror discovery incomplete", component=comp.component, warning=warning)
    write_text(args.output, render(mirror, fmt), kubeconfig=args.kubeconfig)
    return 0
