"""`aicr snapshot`: capture this host (`--local`) or a cluster node through the agent Job.

Translation only: parse and validate flags in the reference's order (reference/snapshot.md §3),
call `aicr.snapshot.api`, render (yaml/json/table or a Jinja2 `--template`) and write. Nothing is
written when the snapshot fails, including `--require-gpu` on a node without GPUs.

Import-light: argparse is imported only by `register`; `FAST_SPEC` lets the dispatcher read the
common command lines without argparse (aicr.cli.fastpath), which saves ~12 ms of a ~50 ms local
snapshot.
"""

from __future__ import annotations

import os

from aicr.cli.fastpath import Args, FastSpec
from aicr.cli.fastpath import parse_fast as fast_parse
from aicr.cli.options import FORMATS, check_format, env_bool, env_default
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import Any

    from aicr.snapshot.agent_spec import AgentOptions

_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}

# Flags with one value: option strings -> destination (given twice: INVALID_REQUEST).
VALUE_FLAGS: dict[str, str] = {
    "-o": "output", "--output": "output",
    "-t": "format", "--format": "format",
    "-k": "kubeconfig", "--kubeconfig": "kubeconfig",
    "-n": "namespace", "--namespace": "namespace",
    "--image": "image",
    "--job-name": "job_name",
    "--service-account-name": "service_account_name",
    "--timeout": "timeout",
    "--runtime-class": "runtime_class",
    "--max-nodes-per-entry": "max_nodes_per_entry",
    "--template": "template",
}  # fmt: skip
REPEATED_FLAGS = {
    "--image-pull-secret": "image_pull_secrets",
    "--node-selector": "node_selectors",
    "--toleration": "tolerations",
}
BOOL_FLAGS = {"--privileged": "privileged", "--require-gpu": "require_gpu"}  # `--x` or `--x=BOOL`
SWITCHES = {"--local": "local", "--no-cleanup": "no_cleanup", "--debug": "debug", "--log-json": "log_json"}


def defaults() -> dict[str, Any]:
    """Every destination's default, environment variables included (shared by both parsers)."""
    from aicr.snapshot import DEFAULT_AGENT_IMAGE

    return {
        "local": False,
        "output": "-",
        "format": "yaml",
        "kubeconfig": None,
        "namespace": env_default("AICR_NAMESPACE", "default"),
        "image": env_default("AICR_IMAGE", DEFAULT_AGENT_IMAGE),
        "image_pull_secrets": None,
        "job_name": "aicr",
        "service_account_name": "aicr",
        "node_selectors": None,
        "tolerations": None,
        "timeout": "5m",
        "no_cleanup": False,
        "privileged": True,
        "require_gpu": env_bool("AICR_REQUIRE_GPU"),
        "runtime_class": env_default("AICR_RUNTIME_CLASS", ""),
        "max_nodes_per_entry": env_default("AICR_MAX_NODES_PER_ENTRY", "0"),
        "template": None,
        "config": None,  # `--config` is left to argparse (aicr.cli.fastpath declines it)
        "all_gpu_nodes": False,  # fleet flags are left to argparse too
        "max_parallel": None,
    }


def _extra() -> dict[str, Any]:
    return {"_run": run, "_format_choices": FORMATS}


FAST_SPEC = FastSpec(
    "snapshot",
    values=VALUE_FLAGS,
    repeated=REPEATED_FLAGS,
    booleans=BOOL_FLAGS,
    switches={k: v for k, v in SWITCHES.items() if k not in ("--debug", "--log-json")},
    defaults=defaults,
    extra=_extra,
)


def parse_fast(argv: Sequence[str]) -> Args | None:
    """Arguments of `aicr [--debug|--log-json] snapshot ...` without argparse, or None."""
    return fast_parse(argv, FAST_SPEC)


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the `snapshot` subcommand (argparse, with the defaults `parse_fast` uses)."""
    from aicr.cli.flags import Once, OnceTrue, add_format, add_kubeconfig, add_output
    from aicr.snapshot import DEFAULT_AGENT_IMAGE
    from aicr.snapshot.fleet import DEFAULT_MAX_PARALLEL

    parser = sub.add_parser(
        "snapshot",
        parents=[common],
        help="capture the configuration of a GPU node (locally or through an in-cluster agent Job)",
        description=(
            "Capture OS, SystemD, GPU, Kubernetes and node-topology measurements. With --local (or "
            "AICR_AGENT_MODE=true) this host is measured in-process; otherwise an agent Job is deployed "
            "to the cluster and its result collected."
        ),
    )
    parser.add_argument(
        "--local",
        action="store_true",
        help="measure this host in-process instead of deploying the agent (env AICR_AGENT_MODE)",
    )
    add_output(parser, "snapshot")
    add_format(parser)
    add_kubeconfig(parser)
    parser.add_argument(
        "-n",
        "--namespace",
        action=Once,
        help="namespace for the agent Job, RBAC and result (default default; env AICR_NAMESPACE)",
    )
    parser.add_argument(
        "--image", action=Once, help=f"agent image (default {DEFAULT_AGENT_IMAGE}; env AICR_IMAGE)"
    )
    parser.add_argument(
        "--image-pull-secret",
        action="append",
        dest="image_pull_secrets",
        metavar="NAME",
        help="image pull secret for the agent (repeatable)",
    )
    parser.add_argument("--job-name", action=Once, help="agent Job name prefix (default aicr)")
    parser.add_argument(
        "--service-account-name", action=Once, help="agent ServiceAccount/Role name prefix (default aicr)"
    )
    parser.add_argument(
        "--node-selector",
        action="append",
        dest="node_selectors",
        metavar="KEY=VALUE",
        help="node selector for the agent pod (repeatable)",
    )
    parser.add_argument(
        "--toleration",
        action="append",
        dest="tolerations",
        metavar="KEY=VALUE:EFFECT",
        help="toleration for the agent pod, key=value:effect or key:effect (repeatable; "
        "default tolerates every taint)",
    )
    parser.add_argument("--timeout", action=Once, help="how long to wait for the agent Job (default 5m)")
    parser.add_argument(
        "--no-cleanup",
        action="store_true",
        help="keep the agent Job, ServiceAccount and RBAC objects afterwards",
    )
    parser.add_argument(
        "--privileged",
        action=OnceTrue,
        default=True,
        help="run the agent privileged with host namespaces (default true; false = restricted pod)",
    )
    parser.add_argument(
        "--require-gpu",
        action=OnceTrue,
        help="fail (exit 3, nothing written) when the node has no GPU (env AICR_REQUIRE_GPU)",
    )
    parser.add_argument(
        "--runtime-class", action=Once, help="RuntimeClass for the agent pod (env AICR_RUNTIME_CLASS)"
    )
    parser.add_argument(
        "--max-nodes-per-entry",
        action=Once,
        metavar="N",
        help="list at most N node names per topology entry (0 = all; env AICR_MAX_NODES_PER_ENTRY)",
    )
    parser.add_argument(
        "--template",
        action=Once,
        metavar="PATH|URL",
        help="render the snapshot through this Jinja2 template (yaml format only)",
    )
    parser.add_argument(
        "--all-gpu-nodes",
        action="store_true",
        help="measure every GPU node (one agent pod each) and write a FleetSnapshot with a "
        "heterogeneity report; --node-selector then picks which GPU nodes",
    )
    parser.add_argument(
        "--max-parallel",
        action=Once,
        metavar="N",
        help=f"with --all-gpu-nodes: at most N agent pods at a time (default {DEFAULT_MAX_PARALLEL})",
    )
    from aicr.cli.config_apply import add_config

    add_config(parser)
    parser.set_defaults(_run=run, **{k: v for k, v in defaults().items() if k != "format"})


def parse_duration(text: str, flag: str = "--timeout") -> float:
    """Seconds of a Go-style duration (`5m`, `1m30s`, `500ms`) or a plain number of seconds.

    Parsed by hand: importing `re` (with enum and functools) costs ~6 ms of a local snapshot.
    """
    raw = str(text).strip()
    try:
        value = float(raw)
    except ValueError:
        value = _go_duration(raw)
    if not value > 0:
        raise AicrError(
            Code.INVALID_REQUEST, f'invalid value "{text}" for flag {flag}: expected a duration like 5m'
        )
    return value


def _go_duration(raw: str) -> float:
    """Sum of `<number><unit>` parts (units h, m, s, ms); -1 when `raw` is not such a duration."""
    total, pos = 0.0, 0
    while pos < len(raw):
        start = pos
        while pos < len(raw) and (raw[pos].isdigit() or raw[pos] == "."):
            pos += 1
        number = raw[start:pos]
        unit = "ms" if raw.startswith("ms", pos) else raw[pos : pos + 1]
        if not number or number.count(".") > 1 or unit not in _UNITS:
            return -1.0
        total += float(number) * _UNITS[unit]
        pos += len(unit)
    return total if raw else -1.0


def _max_nodes(text: str) -> int:
    return _int_flag(text, "--max-nodes-per-entry", minimum=0)


def _int_flag(text: str, flag: str, *, minimum: int) -> int:
    """A whole-number flag value of at least `minimum` (INVALID_REQUEST otherwise)."""
    try:
        value = int(str(text).strip())
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'invalid value "{text}" for flag {flag}: expected an integer >= {minimum}',
        )
    return value


def _check_template(template: str | None, fmt: str) -> None:
    if not template:
        return
    if fmt != "yaml":
        raise AicrError(Code.INVALID_REQUEST, f"--template requires yaml format, got --format {fmt}")
    if not template.startswith(("http://", "https://")) and not os.path.isfile(template):
        raise AicrError(Code.NOT_FOUND, f"template file not found: {template}", {"path": template})


def _check_names(args: Any) -> None:
    """Names of the agent's objects follow RFC 1123 (exit 2 before anything is written)."""
    from aicr.k8s.names import check_namespace, check_prefix

    check_namespace(args.namespace, "--namespace")
    check_prefix(args.job_name, "--job-name")
    check_prefix(args.service_account_name, "--service-account-name")


def agent_options(args: Any) -> AgentOptions:
    """AgentOptions from validated flags (node selectors and tolerations parsed here)."""
    from aicr import logs
    from aicr.snapshot.agent_spec import AgentOptions, parse_node_selector, parse_toleration

    selector = parse_node_selector(args.node_selectors or [])
    tolerations = [parse_toleration(t) for t in args.tolerations] if args.tolerations else None
    return AgentOptions(
        namespace=args.namespace,
        image=args.image,
        image_pull_secrets=args.image_pull_secrets or [],
        job_name=args.job_name,
        service_account=args.service_account_name,
        node_selector=selector,
        tolerations=tolerations,
        timeout=parse_duration(args.timeout),
        cleanup=not args.no_cleanup,
        privileged=bool(args.privileged),
        require_gpu=bool(args.require_gpu),
        runtime_class=args.runtime_class or "",
        max_nodes_per_entry=_max_nodes(args.max_nodes_per_entry),
        debug=logs.enabled("debug"),
        output=args.output,
    )


def run(args: Any) -> int:
    """Take, render and write the snapshot."""
    if args.require_gpu and args.runtime_class:
        raise AicrError(Code.INVALID_REQUEST, "--require-gpu and --runtime-class are mutually exclusive")
    fmt = check_format(args)
    local = bool(args.local) or env_bool("AICR_AGENT_MODE")
    fleet = bool(getattr(args, "all_gpu_nodes", False))
    if fleet:
        _check_fleet_flags(args, fmt, local)
    _check_template(args.template, fmt)
    max_nodes = _max_nodes(args.max_nodes_per_entry)
    parse_duration(args.timeout)
    from aicr.io.uris import parse_target

    parse_target(args.output)  # a bad -o (cm:// names included) fails before anything runs
    if fleet:
        return _run_fleet(args, fmt)
    if getattr(args, "max_parallel", None) is not None:
        raise AicrError(Code.INVALID_REQUEST, "--max-parallel applies only with --all-gpu-nodes")
    if not local:
        _check_names(args)
    # Node selectors and tolerations are validated in every mode (reference/snapshot.md §3).
    opts = agent_options(args) if not local or args.node_selectors or args.tolerations else None

    from aicr.snapshot.api import take_snapshot

    if local:
        snap = take_snapshot(
            True,
            kubeconfig=args.kubeconfig,
            require_gpu=bool(args.require_gpu),
            max_nodes_per_entry=max_nodes,
        )
    else:
        from aicr.snapshot.progress import JobProgress

        with JobProgress() as progress:
            snap = take_snapshot(
                False,
                kubeconfig=args.kubeconfig,
                require_gpu=bool(args.require_gpu),
                agent=opts,
                on_progress=progress,
                log_stream=progress.log_stream,
            )
    doc = snap.to_dict()
    if args.template:
        from aicr.io.documents import read_bytes
        from aicr.snapshot.api import render_template

        data, source = read_bytes(args.template, what="template")
        text = render_template(data.decode("utf-8", "replace"), snap, source=source)
    else:
        from aicr.snapshot.serialize import render

        text = render(doc, fmt)
    from aicr.io.documents import write_text

    write_text(args.output, text, kubeconfig=args.kubeconfig, doc=doc, fmt=fmt)
    return 0


def _run_fleet(args: Any, fmt: str) -> int:
    """`--all-gpu-nodes`: measure every GPU node, write the FleetSnapshot; UNAVAILABLE (exit 6,
    after writing) when some nodes could not be measured."""
    _check_names(args)
    from aicr.snapshot.api import take_fleet_snapshot
    from aicr.snapshot.fleet import DEFAULT_MAX_PARALLEL
    from aicr.snapshot.serialize import render

    parallel = DEFAULT_MAX_PARALLEL
    if args.max_parallel is not None:
        parallel = _int_flag(args.max_parallel, "--max-parallel", minimum=1)
    doc = take_fleet_snapshot(agent_options(args), kubeconfig=args.kubeconfig, max_parallel=parallel)
    from aicr.io.documents import write_text

    write_text(args.output, render(doc, fmt), kubeconfig=args.kubeconfig, doc=doc, fmt=fmt)
    missing = [n for n in doc["nodes"] if n["status"] in ("failed", "timed-out")]
    if missing:
        listed = "; ".join(f"{n['name']} ({n['status']}: {n['reason']})" for n in missing[:5])
        more = f"; and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise AicrError(
            Code.UNAVAILABLE,
            f"{len(missing)} of {doc['summary']['nodes']} GPU nodes could not be measured (the fleet snapshot "
            f"was written with their reasons): {listed}{more}",
            {"nodes": [n["name"] for n in missing]},
        )
    return 0


def _check_fleet_flags(args: Any, fmt: str, local: bool) -> None:
    """What --all-gpu-nodes cannot be combined with (before any file or cluster is read)."""
    if local:
        raise AicrError(
            Code.INVALID_REQUEST, "--all-gpu-nodes measures cluster nodes; it cannot be combined with --local"
        )
    if args.template:
        raise AicrError(
            Code.INVALID_REQUEST,
            "--template renders a single-node Snapshot; it cannot be combined with --all-gpu-nodes",
        )
    if fmt == "table":
        raise AicrError(Code.INVALID_REQUEST, "a fleet snapshot is written as yaml or json, not table")
