"""A scripted Job controller for validator Jobs on the emulated API.

The emulator stores Jobs but runs nothing. `validator_controller(script)` returns an
`on_create["jobs"]` hook that, when a validator Job is created, plays what the kubelet and the
Job controller would do for the check named by the Job's `aicr.nvidia.com/validator` label:

- `Exit(code, logs=..., message=..., reason=...)`: the container terminated with `code` (the Job
  Complete for 0, Failed otherwise); `reason="OOMKilled"` for an OOM kill.
- `PENDING`: the pod is never scheduled (the orchestrator's wait times out).
- `RUNNING`: the container runs forever (the orchestrator's wait times out).
- `IMAGE_PULL`: the container waits in ImagePullBackOff forever.
- `DEADLINE`: the Job controller killed and deleted the pod at activeDeadlineSeconds.

Jobs that are not validator Jobs (the snapshot agent) go to `fallback`, if given.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import kmock
from tests.support.kube_emulator import PatchedEmulator

JOBS = kmock.resource("batch/v1/jobs")
PENDING = "pending"
RUNNING = "running"
IMAGE_PULL = "image-pull"
DEADLINE = "deadline"
VALIDATION_NS = "aicr-validation"


class Exit:
    """A container that ran and exited."""

    def __init__(self, code: int, logs: str = "", message: str = "", reason: str = "") -> None:
        self.code = code
        self.logs = logs
        self.message = message
        self.reason = reason or ("Completed" if code == 0 else "Error")


Hook = Callable[[PatchedEmulator, dict[str, Any]], None]


def _pod(job: dict[str, Any], phase: str, status: dict[str, Any]) -> dict[str, Any]:
    meta = job["metadata"]
    labels = dict(job["spec"]["template"]["metadata"]["labels"])
    labels.update({"batch.kubernetes.io/job-name": meta["name"], "job-name": meta["name"]})
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": f"{meta['name']}-x7k2p",
            "namespace": meta["namespace"],
            "labels": labels,
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
        "spec": copy.deepcopy(job["spec"]["template"]["spec"]),
        "status": {"phase": phase, **status},
    }


def _container(state: dict[str, Any]) -> dict[str, Any]:
    return {"containerStatuses": [{"name": "validator", "ready": False, "restartCount": 0, "state": state}]}


def play(emu: PatchedEmulator, job: dict[str, Any], step: Any) -> None:
    """Make the emulator look like `step` happened to `job`."""
    meta = job["metadata"]
    stored = emu._get(JOBS, meta["namespace"], meta["name"])
    if isinstance(step, Exit):
        state = {
            "terminated": {
                "exitCode": step.code,
                "reason": step.reason,
                "message": step.message,
                "startedAt": "2025-01-01T00:00:00Z",
                "finishedAt": "2025-01-01T00:00:03Z",
            }
        }
        pod = _pod(job, "Succeeded" if step.code == 0 else "Failed", _container(state))
        emu.store("v1/pods", pod)
        emu.pod_logs[(meta["namespace"], pod["metadata"]["name"])] = step.logs
        if step.code == 0:
            condition = {"type": "Complete", "status": "True", "reason": "Completed"}
            stored.patch({"status": {"succeeded": 1, "conditions": [condition]}})
        else:
            condition = {
                "type": "Failed",
                "status": "True",
                "reason": "BackoffLimitExceeded",
                "message": "Job has reached the specified backoff limit",
            }
            stored.patch({"status": {"failed": 1, "conditions": [condition]}})
    elif step == PENDING:
        unscheduled = {
            "conditions": [
                {
                    "type": "PodScheduled",
                    "status": "False",
                    "reason": "Unschedulable",
                    "message": "0/3 nodes are available: 3 Insufficient memory.",
                }
            ]
        }
        emu.store("v1/pods", _pod(job, "Pending", unscheduled))
        stored.patch({"status": {"active": 1}})
    elif step == RUNNING:
        pod = _pod(job, "Running", _container({"running": {"startedAt": "2025-01-01T00:00:00Z"}}))
        emu.store("v1/pods", pod)
        emu.pod_logs[(meta["namespace"], pod["metadata"]["name"])] = "still working\n"
        stored.patch({"status": {"active": 1}})
    elif step == IMAGE_PULL:
        waiting = {"waiting": {"reason": "ImagePullBackOff", "message": 'Back-off pulling image "x"'}}
        emu.store("v1/pods", _pod(job, "Pending", _container(waiting)))
        stored.patch({"status": {"active": 1}})
    elif step == DEADLINE:
        condition = {
            "type": "Failed",
            "status": "True",
            "reason": "DeadlineExceeded",
            "message": "Job was active longer than specified deadline",
        }
        stored.patch({"status": {"failed": 1, "conditions": [condition]}})
    else:
        raise AssertionError(f"unknown step {step!r}")


def validator_controller(
    script: dict[str, Any], *, fallback: Hook | None = None, seen: list[dict[str, Any]] | None = None
) -> Hook:
    """An `on_create["jobs"]` hook playing `script[check]` for each validator Job."""

    def hook(emu: PatchedEmulator, job: dict[str, Any]) -> None:
        labels = job["metadata"].get("labels") or {}
        if labels.get("aicr.nvidia.com/job-type") != "validation":
            if fallback is not None:
                fallback(emu, job)
            return
        if seen is not None:
            seen.append(copy.deepcopy(job))
        play(emu, job, script[labels["aicr.nvidia.com/validator"]])

    return hook


RUN_RESOURCES = (
    "batch/v1/jobs",
    "v1/pods",
    "v1/configmaps",
    "v1/serviceaccounts",
    "rbac.authorization.k8s.io/v1/clusterrolebindings",
    "rbac.authorization.k8s.io/v1/roles",
    "rbac.authorization.k8s.io/v1/rolebindings",
    "rbac.authorization.k8s.io/v1/clusterroles",
)


def leftovers(kube: Any) -> list[str]:
    """`resource/namespace/name` of every object the runs left behind."""
    found = []
    for resource in RUN_RESOURCES:
        for obj in kube.objects(resource):
            meta = obj["metadata"]
            found.append(f"{resource}/{meta.get('namespace') or ''}/{meta['name']}")
    return found
