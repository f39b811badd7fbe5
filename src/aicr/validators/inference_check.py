"""inference-perf: serve a model with Dynamo, load it with AIPerf, gate throughput and TTFT p99.

Edge: reads the recipe, nodes, pods and CRDs, creates the run's objects (inference_manifests)
in a per-run namespace, waits for the graph and the load Job, reads the Job's log, and deletes
everything it created on every exit path. Verdicts are pure (inference.py).
reference/validate.md §4.2: skipped without the `inference-throughput` / `inference-ttft-p99`
constraints, without the dynamo-platform component, without the DynamoGraphDeployment CRD, or
(this project) when no GPU is free; the throughput floor is scaled by the free-GPU fraction.
"""

from __future__ import annotations

from aicr.errors import AicrError
from aicr.validators.gpu_nodes import DONE_PHASES, GPU_RESOURCE, allocatable_gpus, split_gpu_nodes
from aicr.validators.inference import THROUGHPUT, TTFT_P99, judge_inference, parse_load_result
from aicr.validators.inference_manifests import (
    DEFAULT_LOAD_IMAGE,
    DEFAULT_RUNTIME_IMAGE,
    DGD_NAME,
    DGDS,
    LOAD_JOB,
    graph_deployment,
    load_job,
    namespace_manifest,
    run_namespace,
)
from aicr.validators.owned_objects import OwnedObjects
from aicr.validators.polling import Clock, check_timeout, poll
from aicr.validators.recipe_facts import component, phase_constraint
from aicr.validators.runtime import CheckContext, CheckFailed, CheckSkipped

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DGD_CRD = "dynamographdeployments.nvidia.com"
DEFAULT_TIMEOUT_S = 3900.0
CLEANUP_RESERVE_S = 120.0


def _gpu_requests(pod: dict[str, Any]) -> int:
    total = 0
    for container in (pod.get("spec") or {}).get("containers") or []:
        raw = ((container.get("resources") or {}).get("limits") or {}).get(GPU_RESOURCE, "0")
        total += int(str(raw)) if str(raw).isdigit() else 0
    return total


def free_gpus(nodes: list[dict[str, Any]], pods: list[dict[str, Any]]) -> tuple[int, int]:
    """(free, total) GPUs of the schedulable GPU nodes (pure)."""
    usable, _ = split_gpu_nodes(nodes)
    names = {str(n["metadata"]["name"]) for n in usable}
    total = sum(allocatable_gpus(n) for n in usable)
    used = sum(
        _gpu_requests(p)
        for p in pods
        if (p.get("spec") or {}).get("nodeName") in names
        and (p.get("status") or {}).get("phase") not in DONE_PHASES
    )
    return max(total - used, 0), total


def _gates(recipe: dict[str, Any]) -> dict[str, str]:
    gates = {}
    for name in (THROUGHPUT, TTFT_P99):
        value = phase_constraint(recipe, "performance", name)
        if value is not None:
            gates[name] = value
    return gates


def _condition(obj: dict[str, Any], kinds: tuple[str, ...]) -> str | None:
    for condition in (obj.get("status") or {}).get("conditions") or []:
        if condition.get("type") in kinds and condition.get("status") == "True":
            return str(condition["type"])
    return None


def run_load(ctx: CheckContext, namespace: str, free: int, clock: Clock | None) -> str:
    """Create the graph and the load Job, wait for both, return the Job's log; always cleans up."""
    run_id = ctx.run_id or "local"
    deadline_s = max(check_timeout(ctx.env, DEFAULT_TIMEOUT_S) - CLEANUP_RESERVE_S, CLEANUP_RESERVE_S)
    owned = OwnedObjects(ctx.client)
    try:
        owned.create(namespace_manifest(namespace, run_id))
        runtime_image = ctx.env.get("AICR_INFERENCE_RUNTIME_IMAGE") or DEFAULT_RUNTIME_IMAGE
        owned.create(graph_deployment(namespace, run_id, free, runtime_image), DGDS)
        ready = poll(
            lambda: _condition(ctx.client.get(DGDS, DGD_NAME, namespace), ("Ready",)), deadline_s, clock=clock
        )
        if ready is None:
            raise CheckFailed(
                f"DynamoGraphDeployment {DGD_NAME} did not become Ready within {int(deadline_s)}s"
            )
        load_image = ctx.env.get("AICR_INFERENCE_LOAD_IMAGE") or DEFAULT_LOAD_IMAGE
        owned.create(load_job(namespace, run_id, free, load_image))
        done = poll(
            lambda: _condition(ctx.client.get("Job", LOAD_JOB, namespace), ("Complete", "Failed")),
            deadline_s,
            clock=clock,
        )
        if done is None:
            raise CheckFailed(f"load Job {LOAD_JOB} did not finish within {int(deadline_s)}s")
        pods = ctx.client.list("Pod", namespace, labels={"batch.kubernetes.io/job-name": LOAD_JOB})
        log = ctx.client.logs(str(pods[0]["metadata"]["name"]), namespace) if pods else ""
        if done == "Failed":
            raise CheckFailed(f"load Job {LOAD_JOB} failed; log tail:\n" + "\n".join(log.splitlines()[-20:]))
        return log
    finally:
        owned.cleanup()


def inference_perf(ctx: CheckContext, *, clock: Clock | None = None) -> None:
    """Dynamo + vLLM reaches the recipe's throughput and TTFT p99 under AIPerf load."""
    gates = _gates(ctx.recipe)
    if not gates:
        raise CheckSkipped(
            f"the recipe declares neither {THROUGHPUT} nor {TTFT_P99} under validation.performance"
        )
    if component(ctx.recipe, "dynamo-platform") is None:
        raise CheckSkipped("dynamo-platform is not in the recipe")
    if ctx.client.find("CustomResourceDefinition", DGD_CRD) is None:
        raise CheckSkipped(f"CRD {DGD_CRD} not installed")
    free, total = free_gpus(ctx.client.list("Node"), ctx.client.list("Pod"))
    if free == 0:
        raise CheckSkipped(f"no free GPU ({total} allocatable, all in use)" if total else "no GPU node")
    ctx.print(f"free GPUs: {free}/{total}")
    log = run_load(ctx, run_namespace(ctx.run_id or "local"), free, clock)
    try:
        throughput, ttft = parse_load_result(log)
        verdicts = judge_inference(throughput, ttft, gates, free / total)
    except AicrError as exc:
        raise CheckFailed(f"cannot judge the load result: {exc.message}") from None
    for ok, line in verdicts:
        ctx.print(f"{'PASS' if ok else 'FAIL'}: {line}")
    ctx.result(f"throughput {throughput:.1f} tok/s, TTFT p99 {ttft:.1f} ms")
    failed = [line for ok, line in verdicts if not ok]
    if failed:
        raise CheckFailed("; ".join(failed))
