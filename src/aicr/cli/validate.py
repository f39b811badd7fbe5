"""`aicr validate`: check a recipe against a snapshot and run its validator phases as Jobs.

Translation only: parse and check flags (every bad flag exits 2 before anything is read or
created), call `aicr.validate.api.validate`, render the merged CTRF report (json by default,
yaml, or a table) to stdout, a file or `cm://`, write evidence, and turn failing phases into
exit 8 when `--fail-on-error` is on (the default). Progress goes to stderr on a terminal only.
`run` is also reached from aicr.cli.fastpath (`FAST_SPEC`), so nothing here imports argparse, or
a module only some flags need, at module level.
"""

from __future__ import annotations

from aicr.cli.fastpath import FastSpec
from aicr.cli.options import env_default
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from aicr.snapshot.agent_spec import AgentOptions


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the `validate` subcommand."""
    from aicr.cli.flags import Once, OnceTrue, add_data, add_format, add_kubeconfig, add_output

    parser = sub.add_parser(
        "validate",
        parents=[common],
        help="check a recipe against a cluster: readiness gate, then validator phases as Jobs",
        description=(
            "Evaluate the recipe's readiness constraints against a snapshot, then run the recipe's "
            "declared checks phase by phase (deployment, conformance, performance) as Kubernetes Jobs "
            "and print a CTRF report. Without --snapshot the snapshot agent runs first; --no-cluster "
            "checks readiness only and reports every check skipped."
        ),
    )
    parser.add_argument(
        "-r", "--recipe", action=Once, metavar="URI", help="RecipeResult: file, URL or cm://ns/name"
    )
    parser.add_argument(
        "-s",
        "--snapshot",
        action=Once,
        metavar="URI",
        help="Snapshot: file, URL or cm://ns/name (default: capture one with the agent)",
    )
    parser.add_argument(
        "--phase",
        action="append",
        dest="phases",
        metavar="PHASE",
        help="deployment, conformance, performance or all (repeatable; order kept)",
    )
    parser.add_argument(
        "--fail-on-error",
        action=OnceTrue,
        default=True,
        help="exit 8 when a phase fails or ends inconclusive (default true)",
    )
    parser.add_argument(
        "--fail-fast",
        action=OnceTrue,
        default=False,
        help="stop after the first failing phase; later phases are reported skipped",
    )
    parser.add_argument(
        "--no-cluster",
        action=OnceTrue,
        default=False,
        help="touch no cluster: readiness only, the recipe's declared checks reported skipped",
    )
    parser.add_argument(
        "--all",
        action=OnceTrue,
        default=False,
        dest="report_undeclared",
        help="with --no-cluster, also list the catalog's checks the recipe does not declare",
    )
    parser.add_argument(
        "--skip-constraint",
        action="append",
        dest="skip_constraints",
        metavar="NAME",
        help="report this readiness constraint skipped instead of evaluating it, e.g. K8s.server.version "
        "with a host-only snapshot (repeatable)",
    )
    parser.add_argument(
        "--skip-check",
        action="append",
        dest="skip_checks",
        metavar="NAME",
        help="report this declared check skipped instead of running it (repeatable)",
    )
    parser.add_argument(
        "-n",
        "--namespace",
        action=Once,
        default=env_default("AICR_NAMESPACE", "aicr-validation"),
        help="namespace for the validator Jobs (default aicr-validation; env AICR_NAMESPACE)",
    )
    parser.add_argument(
        "--image",
        action=Once,
        default=env_default("AICR_VALIDATOR_IMAGE", None),
        help="snapshot agent image when no --snapshot is given (env AICR_VALIDATOR_IMAGE)",
    )
    parser.add_argument(
        "--image-pull-secret",
        action="append",
        dest="image_pull_secrets",
        metavar="NAME",
        help="image pull secret for the agent and validator pods (repeatable)",
    )
    parser.add_argument(
        "--job-name", action=Once, default="aicr-validate", help="snapshot agent Job name prefix"
    )
    parser.add_argument(
        "--service-account-name",
        action=Once,
        default="aicr",
        help="snapshot agent ServiceAccount name prefix",
    )
    parser.add_argument(
        "--node-selector",
        action="append",
        dest="node_selectors",
        metavar="KEY=VALUE",
        help="node selector for the agent and for the workloads checks start (repeatable)",
    )
    parser.add_argument(
        "--toleration",
        action="append",
        dest="tolerations",
        metavar="KEY=VALUE:EFFECT",
        help="toleration for the agent and validator pods (repeatable; default tolerates all)",
    )
    parser.add_argument("--timeout", action=Once, default="5m", help="snapshot agent timeout (default 5m)")
    parser.add_argument(
        "--no-cleanup",
        action="store_true",
        default=False,
        help="keep the Jobs, ServiceAccount, binding and ConfigMaps of the run",
    )
    parser.add_argument(
        "--require-gpu",
        action=OnceTrue,
        default=False,
        help="the snapshot agent fails when the node has no GPU",
    )
    parser.add_argument(
        "--evidence-dir",
        action=Once,
        metavar="DIR",
        help="write CNCF AI conformance evidence (Markdown) from the report to DIR",
    )
    parser.add_argument(
        "--cncf-submission",
        action="store_true",
        default=False,
        help="collect per-feature CNCF AI conformance evidence into --evidence-dir (checks run in-process; exit 8 on FAIL)",
    )
    parser.add_argument(
        "-f",
        "--feature",
        action="append",
        dest="features",
        metavar="NAME",
        help="limit --cncf-submission to these features (repeatable)",
    )
    parser.add_argument(
        "--print-rbac",
        action=OnceTrue,
        default=False,
        help="print the ServiceAccount, Role(s) and bindings the run would create (YAML) and exit; "
        "touches no cluster",
    )
    add_output(parser, "CTRF report")
    add_format(parser, default="json", choices=FORMATS)
    add_data(parser)
    add_kubeconfig(parser)
    from aicr.cli.config_apply import add_config

    add_config(parser)
    parser.set_defaults(_run=run)


FORMATS = ("json", "yaml", "table")
_REPEATED = {
    "--phase": "phases",
    "--skip-check": "skip_checks",
    "--image-pull-secret": "image_pull_secrets",
    "--node-selector": "node_selectors",
    "--toleration": "tolerations",
    "--skip-constraint": "skip_constraints",
    "-f": "features",
    "--feature": "features",
}
_BOOLEANS = {
    "--fail-on-error": "fail_on_error",
    "--fail-fast": "fail_fast",
    "--no-cluster": "no_cluster",
    "--require-gpu": "require_gpu",
    "--print-rbac": "print_rbac",
    "--all": "report_undeclared",
}


def _defaults() -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(("recipe", "snapshot", "evidence_dir", "data", "kubeconfig"))
    values.update(dict.fromkeys(_REPEATED.values()))
    values.update(dict.fromkeys(_BOOLEANS.values(), False), fail_on_error=True)
    values.update(
        namespace=env_default("AICR_NAMESPACE", "aicr-validation"),
        image=env_default("AICR_VALIDATOR_IMAGE", None),
        job_name="aicr-validate",
        service_account_name="aicr",
        timeout="5m",
        no_cleanup=False,
        cncf_submission=False,
        output="-",
        format="json",
        config=None,
    )
    return values


FAST_SPEC = FastSpec(
    "validate",
    values={
        "-r": "recipe",
        "--recipe": "recipe",
        "-s": "snapshot",
        "--snapshot": "snapshot",
        "-n": "namespace",
        "--namespace": "namespace",
        "--image": "image",
        "--job-name": "job_name",
        "--service-account-name": "service_account_name",
        "--timeout": "timeout",
        "--evidence-dir": "evidence_dir",
        "-o": "output",
        "--output": "output",
        "-t": "format",
        "--format": "format",
        "--data": "data",
        "-k": "kubeconfig",
        "--kubeconfig": "kubeconfig",
    },
    repeated=_REPEATED,
    booleans=_BOOLEANS,
    switches={"--no-cleanup": "no_cleanup", "--cncf-submission": "cncf_submission"},
    defaults=_defaults,
    extra=lambda: {"_run": run, "_format_choices": FORMATS},
)


def check_submission_flags(args: argparse.Namespace) -> None:
    """The evidence flag rules of reference/validate.md §6 (all INVALID_REQUEST)."""
    features = args.features or []
    if features and not args.cncf_submission:
        raise AicrError(Code.INVALID_REQUEST, "--feature requires --cncf-submission")
    if args.cncf_submission and not args.evidence_dir:
        raise AicrError(Code.INVALID_REQUEST, "--cncf-submission requires --evidence-dir")
    if features:
        _check_features(features)
    if args.skip_checks and args.evidence_dir:
        raise AicrError(
            Code.INVALID_REQUEST,
            "--skip-check cannot be combined with --evidence-dir: evidence must cover every declared check",
        )
    if args.report_undeclared and not args.no_cluster:
        raise AicrError(
            Code.INVALID_REQUEST, "--all applies only with --no-cluster (a cluster run reports what it ran)"
        )


def _check_features(features: list[str]) -> None:
    from aicr.validate.cncf import ALIASES as FEATURE_ALIASES
    from aicr.validate.cncf import FEATURES

    for name in features:
        if name != "all" and name not in FEATURES and name not in FEATURE_ALIASES:
            raise AicrError(
                Code.INVALID_REQUEST,
                f'invalid feature "{name}": must be one of: {", ".join(FEATURES)}, all',
            )


def agent_options(
    args: argparse.Namespace, selector: dict[str, str], tolerations: list[dict[str, Any]] | None
) -> AgentOptions:
    """AgentOptions for the snapshot agent run before validation (no --snapshot)."""
    from aicr.cli.snapshot import parse_duration
    from aicr.snapshot.agent_spec import DEFAULT_IMAGE, AgentOptions

    return AgentOptions(
        namespace=args.namespace,
        image=args.image or DEFAULT_IMAGE,
        image_pull_secrets=args.image_pull_secrets or [],
        job_name=args.job_name,
        service_account=args.service_account_name,
        node_selector=selector,
        tolerations=tolerations,
        timeout=parse_duration(args.timeout),
        cleanup=not args.no_cleanup,
        require_gpu=bool(args.require_gpu),
    )


def check_names(args: argparse.Namespace) -> None:
    """RFC 1123 checks of the names the run will create, before anything is read (exit 2)."""
    from aicr.k8s.names import check_namespace, check_prefix

    if args.namespace:
        check_namespace(args.namespace, "--namespace")
    if args.job_name:
        check_prefix(args.job_name, "--job-name")
    if args.service_account_name:
        check_prefix(args.service_account_name, "--service-account-name")


def run(args: Any) -> int:
    """Validate and write the report; exit 8 for failing phases with --fail-on-error."""
    from aicr.cli.options import check_format
    from aicr.validate.phases import parse_phases

    fmt = check_format(args)
    check_names(args)
    phases = parse_phases(args.phases)
    selector, tolerations = _placement(args)
    check_submission_flags(args)
    if args.print_rbac:
        return print_rbac(args, phases)
    if args.cncf_submission:
        return run_cncf_submission(args)
    if not args.recipe:
        raise AicrError(
            Code.INVALID_REQUEST, "--recipe is required: a file, an http(s) URL or cm://namespace/name"
        )

    from aicr.io.uris import parse_target
    from aicr.recipe.document import load_recipe

    parse_target(args.output)  # a bad -o fails before anything runs
    recipe = load_recipe(args.recipe, kubeconfig=args.kubeconfig)
    snapshot = None
    if args.snapshot:
        from aicr.validate.api import load_snapshot

        snapshot = load_snapshot(args.snapshot, kubeconfig=args.kubeconfig)
    report = _validate(args, recipe, snapshot, phases, selector, tolerations)
    text = report.render(fmt)
    from aicr.io.documents import write_text

    write_text(args.output, text, fmt=fmt, doc=report.ctrf, kubeconfig=args.kubeconfig)
    if args.evidence_dir:
        from aicr import logs
        from aicr.validate.evidence import write_evidence

        written = write_evidence(args.evidence_dir, report.ctrf)
        logs.info("evidence written", directory=args.evidence_dir, files=len(written))
    if report.failed and args.fail_on_error:
        raise AicrError(
            Code.INTERNAL,
            "validation failed: one or more phases did not pass",
            {"phases": {p.phase: p.status for p in report.phases}},
        )
    return 0


def _placement(args: Any) -> tuple[dict[str, str], list[dict[str, Any]] | None]:
    """(node selector, tolerations) of the flags; the agent spec module loads only when given."""
    if not args.node_selectors and not args.tolerations:
        return {}, None
    from aicr.snapshot.agent_spec import parse_node_selector, parse_toleration

    selector = parse_node_selector(args.node_selectors or [])
    tolerations = [parse_toleration(t) for t in args.tolerations] if args.tolerations else None
    return selector, tolerations


def print_rbac(args: argparse.Namespace, phases: list[str]) -> int:
    """`--print-rbac`: the run's RBAC objects (for the recipe's checks, or every catalog check)."""
    from aicr.io.documents import write_text
    from aicr.validate.api import rbac_preview
    from aicr.validate.orchestrator import RunOptions

    recipe = None
    if args.recipe:
        from aicr.recipe.document import load_recipe

        recipe = load_recipe(args.recipe, kubeconfig=args.kubeconfig)
    opts = RunOptions(namespace=args.namespace, skip_checks=args.skip_checks or [])
    text = rbac_preview(recipe, phases=phases, data=args.data, options=opts)
    write_text(args.output, text, kubeconfig=args.kubeconfig, fmt="yaml")
    return 0


def _validate(
    args: argparse.Namespace,
    recipe: Any,
    snapshot: dict[str, Any] | None,
    phases: list[str],
    selector: dict[str, str],
    tolerations: list[dict[str, Any]] | None,
) -> Any:
    from aicr import version as build
    from aicr.validate.api import validate
    from aicr.validate.images import overrides_from_env
    from aicr.validate.manifests import JobOptions
    from aicr.validate.orchestrator import RunOptions

    registry, tag = overrides_from_env()
    opts = RunOptions(
        namespace=args.namespace,
        cleanup=not args.no_cleanup,
        fail_fast=bool(args.fail_fast),
        skip_checks=args.skip_checks or [],
        skip_constraints=args.skip_constraints or [],
        report_undeclared=bool(args.report_undeclared),
        job=JobOptions(
            tolerations=tolerations,
            node_selector=selector,
            image_pull_secrets=args.image_pull_secrets or [],
            version=build.VERSION,
            registry=registry,
            tag=tag,
        ),
        commit=str(getattr(build, "COMMIT", "")),
        output=args.output,
        inputs=[args.recipe, *([args.snapshot] if args.snapshot else [])],
    )
    agent = None if snapshot is not None or args.no_cluster else agent_options(args, selector, tolerations)
    from aicr.validate.progress import ValidateProgress, show_readiness

    if args.no_cluster:
        return validate(
            recipe,
            snapshot,
            phases=phases,
            no_cluster=True,
            data=args.data,
            options=opts,
            on_readiness=show_readiness,
        )

    with ValidateProgress() as progress:
        opts.on_event = progress
        return validate(
            recipe,
            snapshot,
            phases=phases,
            data=args.data,
            kubeconfig=args.kubeconfig,
            options=opts,
            agent=agent,
            on_readiness=progress.show_readiness,
        )


def run_cncf_submission(args: argparse.Namespace) -> int:
    """`--cncf-submission`: collect per-feature evidence into --evidence-dir; exit 8 on any FAIL.

    Replaces the Job-based run: the conformance checks' judges run in this process with the
    CLI's own client (see aicr.validate.cncf); `--recipe`, when given, scopes them.
    """
    from aicr import logs
    from aicr.validate.cncf import submit

    recipe: dict[str, Any] = {}
    if args.recipe:
        from aicr.recipe.document import load_recipe

        recipe = load_recipe(args.recipe, kubeconfig=args.kubeconfig).to_dict()
    results = submit(
        args.evidence_dir,
        args.features or [],
        kubeconfig=args.kubeconfig,
        recipe=recipe,
        namespace=args.namespace,
        data=args.data,
    )
    verdicts = {r.feature: r.verdict for r in results}
    logs.info("cncf submission evidence written", directory=args.evidence_dir, features=len(results))
    if "FAIL" in verdicts.values() and args.fail_on_error:
        failed = ", ".join(f for f, v in verdicts.items() if v == "FAIL")
        raise AicrError(
            Code.INTERNAL,
            f"validation failed: CNCF conformance feature(s) failed: {failed}",
            {"features": verdicts},
        )
    return 0
