"""check-nvidia-smi: `nvidia-smi` runs in a one-GPU pod on every schedulable GPU node.

`judge_smi_log`, `parse_driver_version` and `smi_pod` are pure; `check_nvidia_smi` is the edge
(lists nodes and pods, creates one pod per node through the context's client, always deletes
them). reference/validate.md §4.1: no GPU node → skip; cordoned nodes and nodes with a live
GPU-requesting pod ("busy") are listed as skipped and not tested (all of them skipped → skip);
each pod is pinned with `nodeName`, runs as non-root with 1 GPU and the CUDA base image
(`AICR_CUDA_IMAGE`), must Succeed and log `NVIDIA-SMI`, `Driver Version:`, `CUDA Version:`
and `GPU_CHECK_SUCCESS`. A declared `Deployment.gpu-driver.version` constraint is evaluated
against the driver version in the log; an unreadable version fails (never skips).
"""

from __future__ import annotations

import re

from aicr.errors import AicrError
from aicr.k8s.runs import RunObjects, run_labels, run_name
from aicr.validate.constraints import evaluate
from aicr.validators.gpu_nodes import GPU_RESOURCE, busy_nodes, node_name, split_gpu_nodes
from aicr.validators.polling import Clock, check_timeout, poll
from aicr.validators.recipe_facts import phase_constraint
from aicr.validators.runtime import CheckContext, CheckFailed, CheckSkipped

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DEFAULT_CUDA_IMAGE = "nvcr.io/nvidia/cuda:13.0.0-base-ubuntu22.04"
DRIVER_CONSTRAINT = "Deployment.gpu-driver.version"
SUCCESS_MARKER = "GPU_CHECK_SUCCESS"
REQUIRED_MARKERS = ("NVIDIA-SMI", "Driver Version:", "CUDA Version:", SUCCESS_MARKER)
COMPONENT = "check-nvidia-smi"
DEFAULT_TIMEOUT_S = 600.0
TERMINAL = ("Succeeded", "Failed", "Deleted")
_DRIVER = re.compile(r"Driver Version:\s*([0-9][0-9A-Za-z.\-]*)")


def parse_driver_version(log: str) -> str:
    """The driver version nvidia-smi prints after `Driver Version:` ("" when absent)."""
    match = _DRIVER.search(log)
    return match.group(1) if match else ""


def judge_smi_log(log: str, driver_constraint: str | None) -> tuple[bool, str]:
    """(passed, reason) for one node's nvidia-smi output."""
    missing = [marker for marker in REQUIRED_MARKERS if marker not in log]
    if missing:
        return False, f"output lacks {', '.join(missing)}"
    driver = parse_driver_version(log)
    if driver_constraint is None:
        return True, f"driver {driver or 'unknown'}"
    if not driver:
        return False, f"driver version not measurable for {DRIVER_CONSTRAINT} {driver_constraint}"
    try:
        ok = evaluate(driver_constraint, driver)
    except AicrError as exc:
        return False, f"{DRIVER_CONSTRAINT} {driver_constraint} cannot be evaluated: {exc.message}"
    if not ok:
        return False, f"driver {driver} does not satisfy {DRIVER_CONSTRAINT} {driver_constraint}"
    return True, f"driver {driver} satisfies {DRIVER_CONSTRAINT} {driver_constraint}"


def smi_pod(node: str, namespace: str, image: str, run_id: str) -> dict[str, Any]:
    """The pod that runs nvidia-smi on `node` (non-root, 1 GPU, pinned, never restarted)."""
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": run_name(f"nvidia-smi-{node}"[:40], run_id),
            "namespace": namespace,
            "labels": run_labels(run_id, COMPONENT),
        },
        "spec": {
            "nodeName": node,
            "restartPolicy": "Never",
            "tolerations": [{"operator": "Exists"}],
            "securityContext": {"runAsNonRoot": True, "runAsUser": 1000, "runAsGroup": 1000},
            "containers": [
                {
                    "name": "nvidia-smi",
                    "image": image,
                    "command": ["sh", "-c", f"nvidia-smi && echo {SUCCESS_MARKER}"],
                    "resources": {"limits": {GPU_RESOURCE: "1"}, "requests": {GPU_RESOURCE: "1"}},
                    "securityContext": {
                        "allowPrivilegeEscalation": False,
                        "capabilities": {"drop": ["ALL"]},
                    },
                }
            ],
        },
    }


def _pod_phase(ctx: CheckContext, name: str, namespace: str) -> str:
    pod = ctx.client.find("Pod", name, namespace)
    if pod is None:
        return "Deleted"
    return str((pod.get("status") or {}).get("phase") or "Pending")


def wait_for_pods(
    ctx: CheckContext, pods: list[dict[str, Any]], timeout: float, clock: Clock | None
) -> dict[str, str]:
    """Each pod's last phase once all have ended (or when the time is up)."""
    phases: dict[str, str] = {}

    def probe() -> bool | None:
        for pod in pods:
            name = pod["metadata"]["name"]
            if phases.get(name) not in TERMINAL:
                phases[name] = _pod_phase(ctx, name, pod["metadata"]["namespace"])
        return True if all(p in TERMINAL for p in phases.values()) else None

    poll(probe, timeout, clock=clock)
    return phases


def judge_pod(ctx: CheckContext, pod: dict[str, Any], phase: str, timeout: float) -> tuple[bool, str]:
    """Verdict for one node from its pod's phase and log."""
    name, namespace = pod["metadata"]["name"], pod["metadata"]["namespace"]
    if phase not in TERMINAL:
        return False, f"pod {name} did not finish within {int(timeout)}s (phase {phase})"
    if phase != "Succeeded":
        return False, f"pod {name} ended {phase}"
    log = ctx.client.logs(name, namespace)
    return judge_smi_log(log, phase_constraint(ctx.recipe, "deployment", DRIVER_CONSTRAINT))


def check_nvidia_smi(ctx: CheckContext, *, clock: Clock | None = None) -> None:
    """nvidia-smi works on every schedulable, idle GPU node."""
    nodes, cordoned = split_gpu_nodes(ctx.client.list("Node"))
    for name in cordoned:
        ctx.print(f"{name}: skipped (cordoned)")
    if not nodes:
        raise CheckSkipped("no schedulable node with allocatable nvidia.com/gpu")
    run_id = ctx.run_id or "local"
    busy = busy_nodes(ctx.client.list("Pod"), ignore_labels=run_labels(run_id, COMPONENT))
    image = ctx.env.get("AICR_CUDA_IMAGE") or DEFAULT_CUDA_IMAGE
    timeout = check_timeout(ctx.env, DEFAULT_TIMEOUT_S)
    targets = [node_name(n) for n in nodes if node_name(n) not in busy]
    for name in sorted(busy & {node_name(n) for n in nodes}):
        ctx.print(f"{name}: skipped (busy: a GPU pod is running)")
    if not targets:
        raise CheckSkipped("every GPU node is busy (a GPU-requesting pod is running)")
    owned = RunObjects()
    failures: list[str] = []
    passed = 0
    try:
        pods = [owned.create(ctx.client, smi_pod(n, ctx.namespace, image, run_id)) for n in targets]
        phases = wait_for_pods(ctx, pods, timeout, clock)
        for node, pod in zip(targets, pods, strict=True):
            ok, reason = judge_pod(ctx, pod, phases[pod["metadata"]["name"]], timeout)
            ctx.print(f"{node}: {'PASS' if ok else 'FAIL'} ({reason})")
            passed += ok
            if not ok:
                failures.append(f"{node}: {reason}")
    finally:
        owned.cleanup(ctx.client)
    ctx.result(f"nodesValidated: {passed}/{len(nodes)}")
    ctx.extra(nodesValidated=passed, nodesTotal=len(nodes))
    if failures:
        raise CheckFailed("nvidia-smi failed on " + "; ".join(failures))
