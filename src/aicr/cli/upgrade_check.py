"""`aicr upgrade-check --from X [--to Y]`: is moving between two recipes safe, per component?

Translation only: read both sides (aicr.upgrade.inputs), assess every changed component against
the embedded transition records (aicr.upgrade.assess), write the report (a table by default,
or JSON/YAML) to stdout or `-o`, then — as the reference does — fail with CONFLICT (exit 2)
when any change needs attention and `--fail-on-error` is on (the default). No cluster is touched.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

FORMATS = ("table", "json", "yaml")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the `upgrade-check` subcommand."""
    from aicr.cli.flags import Once, OnceTrue, add_format, add_kubeconfig, add_output

    parser = sub.add_parser(
        "upgrade-check",
        parents=[common],
        help="report whether moving between two recipes is safe, per component",
        description=(
            "Compare two recipes (or helm bundle directories) component by component and give each "
            "changed version a verdict from the transition records in the embedded catalog: safe, "
            "manual (follow the steps), blocked, unknown or unversioned. Without --to, the --from "
            "recipe's criteria are resolved again against this catalog. Exits 2 when any change "
            "needs attention, after printing the full report."
        ),
    )
    parser.add_argument(
        "-f", "--from", dest="source", action=Once, metavar="URI",
        help="recipe you deployed from: file, URL, cm://ns/name or bundle directory",
    )  # fmt: skip
    parser.add_argument(
        "--to", dest="target", action=Once, metavar="URI",
        help="recipe you move to (default: resolve --from's criteria against this catalog)",
    )  # fmt: skip
    parser.add_argument(
        "-d", "--deployer", action=Once, metavar="NAME",
        help="deployer the steps are for: helm, helmfile, argocd, argocd-helm, flux or fleet",
    )  # fmt: skip
    parser.add_argument(
        "--fail-on-error", action=OnceTrue, default=True,
        help="exit 2 when any change is manual, blocked, unversioned or unknown (default true)",
    )  # fmt: skip
    add_output(parser, "upgrade report")
    add_format(parser, default="table", choices=FORMATS)
    add_kubeconfig(parser)
    parser.set_defaults(_run=run)


def run(args: Any) -> int:
    """Assess, report, and fail when attention is needed."""
    from aicr.cli.options import check_format
    from aicr.io.documents import write_text
    from aicr.upgrade.assess import assess_all
    from aicr.upgrade.inputs import component_versions, load_side, resolve_again
    from aicr.upgrade.records import load_embedded
    from aicr.upgrade.report import build_report, render

    fmt = check_format(args)
    if not args.source:
        raise AicrError(Code.INVALID_REQUEST, "--from is required")
    deployer = ""
    if args.deployer is not None:
        from aicr.bundle.options import parse_deployer

        deployer = parse_deployer(args.deployer)
    if fmt == "table" and str(args.output).startswith("cm://"):
        raise AicrError(Code.INVALID_REQUEST, "table output cannot be written to a ConfigMap")
    before = load_side(args.source, "--from", args.kubeconfig)
    after = load_side(args.target, "--to", args.kubeconfig) if args.target else resolve_again(before)
    changes = assess_all(component_versions(before), component_versions(after), load_embedded(), deployer)
    target = args.target or "(this catalog)"
    report = build_report(args.source, target, deployer, changes)
    write_text(args.output, render(report, fmt), kubeconfig=args.kubeconfig)
    if args.fail_on_error and report.fails_run:
        raise AicrError(
            Code.CONFLICT,
            f"upgrade check failed: {report.summary.failing} component change(s) need attention",
        )
    return 0
