"""`aicr diff -b BASELINE --target TARGET`: drift between two snapshots or two recipes.

Translation only: read both documents (file, `-`, http(s) or cm://), call `aicr.drift.compare`,
write the report (yaml, json or a table) to stdout or `-o`, and with `--fail-on-drift` exit 2
when anything changed (as the reference does: `drift detected: N change(s) found`).
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

FORMATS = ("yaml", "json", "table")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the `diff` subcommand."""
    from aicr.cli.flags import Once, add_format, add_kubeconfig, add_output

    parser = sub.add_parser(
        "diff",
        parents=[common],
        help="compare two snapshots or two recipes and report the drift",
        description="Compare two snapshots (or two recipes) field by field: added, removed and modified "
        "readings. Example: aicr diff -b before.yaml --target cm://aicr/snapshot --fail-on-drift",
    )
    parser.add_argument(
        "-b", "--baseline", action=Once, metavar="URI", help="baseline document (file, -, URL, cm://)"
    )
    parser.add_argument("--target", action=Once, metavar="URI", help="target document (file, -, URL, cm://)")
    parser.add_argument("--fail-on-drift", action="store_true", help="exit 2 when anything changed")
    add_output(parser, "drift report")
    add_format(parser, default="yaml", choices=FORMATS)
    add_kubeconfig(parser)
    parser.set_defaults(_run=run)


def run(args: argparse.Namespace) -> int:
    """Compare and report."""
    from aicr.cli.options import check_format
    from aicr.drift import compare
    from aicr.io.documents import load_document, write_text

    fmt = check_format(args)
    for flag, value in (("--baseline", args.baseline), ("--target", args.target)):
        if not value:
            raise AicrError(Code.INVALID_REQUEST, f"{flag} is required")
    if args.baseline == "-" and args.target == "-":
        raise AicrError(Code.INVALID_REQUEST, "--baseline and --target cannot both read stdin")
    if fmt == "table" and str(args.output).startswith("cm://"):
        raise AicrError(Code.INVALID_REQUEST, "table output cannot be written to a ConfigMap")
    baseline = load_document(args.baseline, what="baseline", kubeconfig=args.kubeconfig)
    target = load_document(args.target, what="target", kubeconfig=args.kubeconfig)
    report = compare(baseline, target, baseline_source=args.baseline, target_source=args.target)
    if fmt == "table":
        text = report.to_table()
    elif fmt == "json":
        import json

        text = json.dumps(report.to_dict(), indent=2) + "\n"
    else:
        from aicr.io.yamlout import dump

        text = dump(report.to_dict())
    write_text(args.output, text, kubeconfig=args.kubeconfig)
    if args.fail_on_drift and report.has_drift:
        raise AicrError(Code.INVALID_REQUEST, f"drift detected: {report.summary['total']} change(s) found")
    return 0
