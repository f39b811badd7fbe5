"""A scripted "Job controller" for the emulated Kubernetes API (see kube_emulator.py).

The emulator stores Jobs but runs nothing. `job_controller(...)` returns an `on_create["jobs"]`
hook that, the moment a Job is created, plays what the kubelet and the Job controller would do:
create the pod (owned by the Job, with the template's labels), give it logs, store the result
ConfigMap the agent would have written (`-o cm://ns/name` in the container args), and set the
Job's final condition. Outcomes: "complete", "failed", "running" (never finishes),
"no-result" (completes without writing the ConfigMap), "image-pull" (the pod waits in
ImagePullBackOff) and "unschedulable" (the pod stays Pending, PodScheduled=False).

Like the real Job controller, the pod goes through the emulator's admission first: when the
namespace's PodSecurity `enforce` level refuses it, or its ServiceAccount is missing, no pod is
created and the Job gets a `FailedCreate` Warning event with the admission message instead.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import kmock
from tests.support.kube_emulator import PatchedEmulator

JOBS = kmock.resource("batch/v1/jobs")


def result_target(job: dict[str, Any]) -> tuple[str, str]:
    """(namespace, name) of the `cm://` output in the Job's container args."""
    args = job["spec"]["template"]["spec"]["containers"][0]["args"]
    uri = args[args.index("-o") + 1]
    namespace, _, name = uri.removeprefix("cm://").partition("/")
    return namespace, name


def job_controller(
    outcome: str = "complete",
    *,
    snapshot: str | Callable[[dict[str, Any]], str] = "",
    logs: str = "[agent] collecting\n[agent] snapshot written\n",
    reason: str = "BackoffLimitExceeded",
    message: str = "Job has reached the specified backoff limit",
    seen: list[dict[str, Any]] | None = None,
) -> Callable[[PatchedEmulator, dict[str, Any]], None]:
    """An `on_create["jobs"]` hook playing `outcome` for every created Job."""

    def hook(emu: PatchedEmulator, job: dict[str, Any]) -> None:
        if seen is not None:
            seen.append(copy.deepcopy(job))
        meta = job["metadata"]
        ns = meta["namespace"]
        pod_name = f"{meta['name']}-pod"
        phase = {"complete": "Succeeded", "no-result": "Succeeded", "failed": "Failed"}.get(
            outcome, "Running"
        )
        spec = copy.deepcopy(job["spec"]["template"]["spec"])
        spec.setdefault("nodeName", "gpu-node-1")
        pod = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": pod_name,
                "namespace": ns,
                "labels": dict(
                    (job["spec"]["template"].get("metadata") or {}).get("labels") or {},
                    **{"job-name": meta["name"]},
                ),
                "ownerReferences": [
                    {
                        "apiVersion": "batch/v1",
                        "kind": "Job",
                        "name": meta["name"],
                        "uid": meta["uid"],
                        "controller": True,
                    }
                ],
            },
            "spec": spec,
            "status": {"phase": phase},
        }
        refused = emu.pod_admission(pod)
        if refused:
            emu.record_event(job, "FailedCreate", f"Error creating: {refused}")
            return
        if outcome == "image-pull":
            pod["status"] = _waiting(job, "ImagePullBackOff", 'Back-off pulling image "registry.invalid/x:1"')
        elif outcome == "unschedulable":
            del spec["nodeName"]
            pod["status"] = {"phase": "Pending", "conditions": [UNSCHEDULABLE]}
        emu.store("v1/pods", pod)
        emu.pod_logs[(ns, pod_name)] = logs
        if outcome == "complete":
            cm_ns, cm_name = result_target(job)
            text = snapshot(job) if callable(snapshot) else snapshot
            emu.store(
                "v1/configmaps",
                {
                    "apiVersion": "v1",
                    "kind": "ConfigMap",
                    "metadata": {"name": cm_name, "namespace": cm_ns},
                    "data": {"snapshot.yaml": text, "format": "yaml", "timestamp": "2025-01-01T00:00:00Z"},
                },
            )
        stored = emu._get(JOBS, ns, meta["name"])
        if outcome in ("complete", "no-result"):
            condition = {"type": "Complete", "status": "True", "reason": "Completed", "message": ""}
            status = {"succeeded": 1, "conditions": [condition]}
        elif outcome == "failed":
            condition = {"type": "Failed", "status": "True", "reason": reason, "message": message}
            status = {"failed": 1, "conditions": [condition]}
        else:
            status = {"active": 1}
        stored.patch({"status": status})

    return hook


UNSCHEDULABLE = {
    "type": "PodScheduled",
    "status": "False",
    "reason": "Unschedulable",
    "message": "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.",
}


def _waiting(job: dict[str, Any], reason: str, message: str) -> dict[str, Any]:
    container = job["spec"]["template"]["spec"]["containers"][0]["name"]
    return {
        "phase": "Pending",
        "conditions": [{"type": "PodScheduled", "status": "True"}],
        "containerStatuses": [
            {"name": container, "ready": False, "state": {"waiting": {"reason": reason, "message": message}}}
        ],
    }


def sample_snapshot(source_node: str = "gpu-node-1", gpu_count: int = 8) -> str:
    """A small Snapshot document as the agent would store it."""
    return (
        "kind: Snapshot\n"
        "apiVersion: aicr.nvidia.com/v1alpha1\n"
        "metadata:\n"
        f"  source-node: {source_node}\n"
        '  timestamp: "2025-01-01T00:00:00Z"\n'
        "  version: 0.1.0\n"
        "measurements:\n"
        "  - type: GPU\n"
        "    subtypes:\n"
        "      - subtype: smi\n"
        "        data:\n"
        '          driver: "570.86.15"\n'
        f"          gpu-count: {gpu_count}\n"
        "          gpu.model: NVIDIA H100 80GB HBM3\n"
        "  - type: K8s\n"
        "    subtypes:\n"
        "      - subtype: server\n"
        "        data:\n"
        "          version: v1.31.4\n"
    )
