"""`aicr snapshot --all-gpu-nodes`: one agent Job per GPU node, bounded parallelism, one document.

Edge module: every API call goes through `aicr.k8s`. The run checks its permissions first (as
the single-node agent does), creates one ServiceAccount and RBAC set, then keeps at most
`max_parallel` per-node Jobs alive: each is pinned to its node (`nodeName`) and stores the
node's snapshot in its own ConfigMap. A Job that completes is read back; one that fails, or
whose pod cannot start (image pull, admission), is recorded as `failed` with the reason at
once; one still unfinished after `node_timeout` seconds is `timed-out`. Nothing waits longer
than that per node, so a node whose pod never starts is reported, never waited on forever.
Cordoned GPU nodes are listed as `cordoned`, not measured. A settled node's Job and ConfigMap
are deleted at once, so at most `max_parallel` agent pods exist at any time; every object the
run created is deleted on success, failure, exception and Ctrl-C (unless cleanup is off).
"""

from __future__ import annotations

import time

from aicr import logs
from aicr.errors import AicrError, Code
from aicr.k8s.runs import LABEL_RUN_ID, RunObjects, new_run_id, run_name
from aicr.snapshot.agent import ensure_namespace, preflight
from aicr.snapshot.agent_spec import AgentOptions, RunNames, job_manifest, rbac_manifests
from aicr.snapshot.fleet_report import NodeResult

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from aicr.k8s.client import ApiClient

GPU_RESOURCE = "nvidia.com/gpu"
GPU_LABEL = "nvidia.com/gpu.present"
DEFAULT_MAX_PARALLEL = 10


class FleetOptions:
    """How a fleet run behaves; `agent` carries the per-node Job settings."""

    def __init__(
        self,
        agent: AgentOptions,
        *,
        max_parallel: int = DEFAULT_MAX_PARALLEL,
        node_labels: dict[str, str] | None = None,
        node_timeout: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if max_parallel < 1:
            raise AicrError(Code.INVALID_REQUEST, f"--max-parallel must be at least 1, got {max_parallel}")
        self.agent = agent
        self.max_parallel = max_parallel
        self.node_labels = dict(node_labels or {})  # only GPU nodes carrying these labels
        self.node_timeout = agent.timeout if node_timeout is None else node_timeout
        self.clock = clock
        self.sleep = sleep


def _is_gpu_node(node: dict[str, Any]) -> bool:
    allocatable = (node.get("status") or {}).get("allocatable") or {}
    try:
        count = int(str(allocatable.get(GPU_RESOURCE, "0")))
    except ValueError:
        count = 0
    labels = (node.get("metadata") or {}).get("labels") or {}
    return count > 0 or labels.get(GPU_LABEL) == "true"


def gpu_nodes(client: ApiClient, labels: dict[str, str] | None = None) -> tuple[list[str], list[str]]:
    """(schedulable GPU nodes, cordoned GPU nodes), each sorted by name."""
    ready: list[str] = []
    cordoned: list[str] = []
    for node in client.list("Node", labels=labels or None):
        if not _is_gpu_node(node):
            continue
        name = str((node.get("metadata") or {}).get("name") or "")
        (cordoned if (node.get("spec") or {}).get("unschedulable") else ready).append(name)
    return sorted(ready), sorted(cordoned)


class _NodeRun:
    """One node's Job: its names, manifest and start time."""

    def __init__(self, node: str, index: int, opts: AgentOptions, names: RunNames) -> None:
        self.node = node
        self.job = run_name(f"{opts.job_name}-n{index}", names.run_id)
        self.configmap = run_name(f"aicr-agent-snapshot-n{index}", names.run_id)
        self.started = 0.0
        node_names = RunNames(opts, names.run_id)
        node_names.job, node_names.configmap = self.job, self.configmap
        manifest = job_manifest(opts, node_names)
        manifest["spec"]["template"]["spec"]["nodeName"] = node
        manifest["metadata"]["labels"]["aicr.run/node"] = node[:63]
        self.manifest = manifest


def fleet_rbac(opts: AgentOptions, names: RunNames, configmaps: list[str]) -> list[dict[str, Any]]:
    """The agent's RBAC, its Role naming every per-node result ConfigMap (get/update/patch)."""
    manifests = rbac_manifests(opts, names)
    for manifest in manifests:
        if manifest["kind"] != "Role":
            continue
        for rule in manifest["rules"]:
            if rule.get("resourceNames") == [names.configmap]:
                rule["resourceNames"] = list(configmaps)
    return manifests


def run_fleet(client: ApiClient, fleet: FleetOptions, *, run_id: str | None = None) -> list[NodeResult]:
    """Measure every GPU node; one NodeResult per GPU node (cordoned ones included)."""
    opts = fleet.agent
    names = RunNames(opts, run_id or opts.run_id or new_run_id())
    ready, cordoned = gpu_nodes(client, fleet.node_labels)
    if not ready and not cordoned:
        raise AicrError(
            Code.NOT_FOUND, "no GPU nodes found (allocatable nvidia.com/gpu or nvidia.com/gpu.present)"
        )
    results = [NodeResult(n, "cordoned", reason="node is cordoned (spec.unschedulable)") for n in cordoned]
    logs.info("measuring GPU nodes", nodes=len(ready), cordoned=len(cordoned), parallel=fleet.max_parallel)
    create_namespace = preflight(client, opts, names)
    objects = RunObjects()
    try:
        if create_namespace:
            ensure_namespace(client, opts.namespace)
        pending = [_NodeRun(node, i, opts, names) for i, node in enumerate(ready)]
        for manifest in fleet_rbac(opts, names, [run.configmap for run in pending]):
            objects.create(client, manifest)
        results += _drive(client, fleet, pending, objects, names.run_id)
    finally:
        if opts.cleanup:
            objects.cleanup(client)
        else:
            logs.info("--no-cleanup: keeping run objects", objects=", ".join(objects.describe()))
    return results


def _drive(
    client: ApiClient, fleet: FleetOptions, pending: list[_NodeRun], objects: RunObjects, run_id: str
) -> list[NodeResult]:
    """Start Jobs up to the parallelism bound and settle them as they finish."""
    results: list[NodeResult] = []
    active: list[_NodeRun] = []
    queue = list(pending)
    while queue or active:
        while queue and len(active) < fleet.max_parallel:
            run = queue.pop(0)
            objects.expect("ConfigMap", run.configmap, fleet.agent.namespace)
            objects.create(client, run.manifest)
            run.started = fleet.clock()
            active.append(run)
        still: list[_NodeRun] = []
        for run in active:
            result = _settle(client, fleet, run, run_id)
            if result is None:
                still.append(run)
            else:
                results.append(result)
                if fleet.agent.cleanup:  # a settled node's Job, pod and ConfigMap go at once
                    objects.release(client, "Job", run.job, fleet.agent.namespace)
                    objects.release(client, "ConfigMap", run.configmap, fleet.agent.namespace)
                logs.info("node measured" if result.status == "measured" else "node not measured",
                          node=run.node, status=result.status)  # fmt: skip
        if len(still) == len(active) and still:
            fleet.sleep(fleet.agent.poll_interval)
        active = still
    return results


def _settle(client: ApiClient, fleet: FleetOptions, run: _NodeRun, run_id: str) -> NodeResult | None:
    """The node's result once its Job has an outcome, else None (still running)."""
    from aicr.k8s.jobs import find_job_pod, job_state, start_problem

    ns = fleet.agent.namespace
    job = client.get("Job", run.job, ns)
    state, reason, message = job_state(job)
    if state == "complete":
        return _read_result(client, run, ns)
    if state == "failed":
        return NodeResult(run.node, "failed", reason=f"agent Job failed: {reason}: {message}".rstrip(": "))
    pod = find_job_pod(client, job, {LABEL_RUN_ID: run_id})
    problem = start_problem(client, job, pod)
    if problem is not None:
        return NodeResult(run.node, "failed", reason=problem.message)
    if fleet.clock() - run.started > fleet.node_timeout:
        return NodeResult(
            run.node,
            "timed-out",
            reason=f"no result within {fleet.node_timeout:g}s (pod still running or pending)",
        )
    return None


def _read_result(client: ApiClient, run: _NodeRun, namespace: str) -> NodeResult:
    from aicr.io.documents import parse_text
    from aicr.k8s.configmaps import read_document_configmap
    from aicr.snapshot.document import check_snapshot_document

    try:
        text = read_document_configmap(namespace, run.configmap, client=client)
        doc = parse_text(text.decode("utf-8"), f"cm://{namespace}/{run.configmap}")
        snapshot = check_snapshot_document(doc, f"snapshot of node {run.node}")
    except AicrError as exc:
        return NodeResult(
            run.node, "failed", reason=f"agent finished without a usable snapshot: {exc.message}"
        )
    return NodeResult(run.node, "measured", snapshot=snapshot)
