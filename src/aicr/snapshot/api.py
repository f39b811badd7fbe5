"""Library entry points for snapshots: take one (locally or with the in-cluster agent) and load one.

    import aicr
    snap = aicr.take_snapshot()                    # this host (and its cluster, if configured)
    snap = aicr.take_snapshot(local=False, namespace="gpu-ops", kubeconfig="~/.kube/prod")
    snap = aicr.load_snapshot("cm://gpu-ops/snapshot")
    aicr.write_document(snap, "snap.json", "json")

Both return a `Snapshot` (see `aicr.snapshot.model`); `Snapshot.to_dict()` is the plain
document the recipe and validate stages read.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code
from aicr.snapshot.model import Snapshot

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any, TextIO, TypeVar

    from aicr.k8s.client import ApiClient
    from aicr.snapshot.agent_spec import AgentOptions
    from aicr.snapshot.collectors.commands import CommandRunner

    T = TypeVar("T")


def take_snapshot(
    local: bool = True,
    *,
    kubeconfig: str | None = None,
    require_gpu: bool = False,
    max_nodes_per_entry: int = 0,
    root: str | None = None,
    runner: CommandRunner | None = None,
    client: ApiClient | None = None,
    collectors: Sequence[str] | None = None,
    timeouts: dict[str, float] | None = None,
    agent: AgentOptions | None = None,
    on_progress: Callable[[str, float], None] | None = None,
    log_stream: TextIO | None = None,
    **agent_options: Any,
) -> Snapshot:
    """A Snapshot of this host (`local=True`) or of a cluster node via the agent Job.

    `require_gpu=True` raises NOT_FOUND when the snapshot shows no GPU. `root` is where the host's
    files are read (default: env AICR_HOST_ROOT, else `/`). Extra keyword arguments in agent mode
    are `AgentOptions` fields (namespace, image, node_selector, timeout, ...).
    """
    if local:
        snap = _take_local(kubeconfig, max_nodes_per_entry, root, runner, client, collectors, timeouts)
    else:
        snap = _take_with_agent(
            kubeconfig,
            require_gpu,
            max_nodes_per_entry,
            client,
            agent,
            on_progress,
            log_stream,
            agent_options,
        )
    if require_gpu and snap.gpu_count() <= 0:
        raise AicrError(
            Code.NOT_FOUND, "no GPU found on the node (GPU.smi.gpu-count is 0) and --require-gpu is set"
        )
    return snap


def _take_local(
    kubeconfig: str | None,
    max_nodes: int,
    root: str | None,
    runner: CommandRunner | None,
    client: ApiClient | None,
    collectors: Sequence[str] | None,
    timeouts: dict[str, float] | None,
) -> Snapshot:
    import os

    from aicr.snapshot.collect import COLLECTORS, Sources, take
    from aicr.version import VERSION

    sources = Sources(
        root=root or os.environ.get("AICR_HOST_ROOT") or "/",
        runner=runner,
        client=client,
        kubeconfig=kubeconfig,
        max_nodes_per_entry=max_nodes,
    )
    try:
        return take(sources, version=VERSION, collectors=collectors or COLLECTORS, timeouts=timeouts)
    finally:
        sources.close()


def _take_with_agent(
    kubeconfig: str | None,
    require_gpu: bool,
    max_nodes: int,
    client: ApiClient | None,
    agent: AgentOptions | None,
    on_progress: Callable[[str, float], None] | None,
    log_stream: TextIO | None,
    options: dict[str, Any],
) -> Snapshot:
    from aicr.snapshot.agent import run_agent
    from aicr.snapshot.agent_spec import AgentOptions

    opts = agent or AgentOptions(require_gpu=require_gpu, max_nodes_per_entry=max_nodes, **options)
    text = _with_client(
        client,
        kubeconfig,
        "use --local to snapshot this host instead",
        lambda c: run_agent(c, opts, on_progress=on_progress, err=log_stream),
    )
    return parse_snapshot(text, "agent result")


def _with_client(
    client: ApiClient | None, kubeconfig: str | None, hint: str, work: Callable[[ApiClient], T]
) -> T:
    """`work(client)`, with a client connected from `kubeconfig` (and closed) when none is given."""
    if client is not None:
        return work(client)
    from aicr.k8s.client import ApiClient
    from aicr.k8s.config import NO_CONFIG_MESSAGE, find_config

    source = find_config(kubeconfig)
    if source is None:
        raise AicrError(Code.INVALID_REQUEST, f"{NO_CONFIG_MESSAGE}; {hint}")
    with ApiClient.from_source(source) as owned:
        return work(owned)


def parse_snapshot(data: bytes | str, source: str, fmt: str = "yaml") -> Snapshot:
    """A Snapshot from serialized text (strict)."""
    from aicr.snapshot.serialize import parse

    return Snapshot.from_dict(parse(data, source, fmt), source)


def load_snapshot(uri: str, *, kubeconfig: str | None = None) -> Snapshot:
    """The Snapshot at a file path, `-`, an http(s) URL or `cm://namespace/name`."""
    from aicr.io.documents import read_bytes
    from aicr.io.uris import parse_target
    from aicr.snapshot.serialize import format_for_path

    data, source = read_bytes(uri, what="snapshot", kubeconfig=kubeconfig)
    target = parse_target(uri)
    fmt = format_for_path(target.value) if target.kind in ("file", "http") else "yaml"
    return parse_snapshot(data, source, fmt)


def render_template(template: str, snapshot: Snapshot, *, source: str = "") -> str:
    """Render a Jinja2 template (text) with the snapshot document as its context.

    The template sees `kind`, `apiVersion`, `metadata`, `measurements` and `snapshot` (the whole
    document). Syntax errors are INVALID_REQUEST; errors while rendering are INTERNAL.
    """
    from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False)
    name = source or "template"
    try:
        compiled = env.from_string(template)
    except TemplateSyntaxError as exc:
        raise AicrError(
            Code.INVALID_REQUEST, f"invalid template {name}:{exc.lineno}: {exc.message}"
        ) from None
    doc = snapshot.to_dict()
    try:
        return compiled.render(snapshot=doc, **doc)
    except TemplateError as exc:
        raise AicrError(Code.INTERNAL, f"template {name} failed: {exc}") from None


def take_fleet_snapshot(
    agent: AgentOptions,
    *,
    kubeconfig: str | None = None,
    client: ApiClient | None = None,
    max_parallel: int = 10,
    node_timeout: float | None = None,
) -> dict[str, Any]:
    """Measure every GPU node of the cluster (one agent pod each) and return the FleetSnapshot
    document (aicr.snapshot.fleet_report). `agent.node_selector` picks which GPU nodes."""
    import time as _time

    from aicr.snapshot.agent_spec import AgentOptions as _Agent
    from aicr.snapshot.fleet import FleetOptions, run_fleet
    from aicr.snapshot.fleet_report import build_fleet_document
    from aicr.version import VERSION

    labels = dict(agent.node_selector)
    per_node = _Agent(**{**vars(agent), "node_selector": {}})  # pods are pinned by nodeName
    fleet = FleetOptions(per_node, max_parallel=max_parallel, node_labels=labels, node_timeout=node_timeout)
    results = _with_client(
        client, kubeconfig, "--all-gpu-nodes needs a cluster", lambda c: run_fleet(c, fleet)
    )
    stamp = _time.strftime("%Y-%m-%dT%H:%M:%SZ", _time.gmtime())
    return build_fleet_document(results, version=VERSION, timestamp=stamp)
