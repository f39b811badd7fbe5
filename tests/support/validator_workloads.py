"""Scripted kubelet/controllers for the workloads validator checks create (see kube_emulator.py).

The emulator stores objects but runs nothing. These return `on_create` hooks that play what the
cluster would do the moment a check creates something:
- `pod_runner(script)`: a created Pod gets the phase and log text `script(pod)` returns
  (`("Succeeded", "...nvidia-smi output...")`); `seen` collects the created pods.
- `trainjob_runner(logs, outcome)`: a created TrainJob gets a launcher pod (label
  `jobset.sigs.k8s.io/replicatedjob-name=launcher`, owned by the TrainJob) with `logs`, and the
  TrainJob's `Complete` or `Failed` condition.
- `job_runner(logs, outcome)`: a created batch Job gets a pod with `logs` and its final condition.
`register(kube, "group/version/plural", kind, namespaced)` makes the emulator serve a custom
resource (as installing its CRD would).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import kmock
from tests.support.kube_emulator import KubeEmulator, PatchedEmulator

TRAINJOBS = "trainer.kubeflow.org/v1alpha1/trainjobs"
Hook = Callable[[PatchedEmulator, dict[str, Any]], None]


def register(kube: KubeEmulator, resource: str, kind: str, namespaced: bool = True) -> None:
    """Serve `resource` (`group/version/plural`) as if its CRD were installed."""

    def add(emu: PatchedEmulator) -> None:
        emu.resources[resource] = kmock.ResourceInfo(kind=kind, namespaced=namespaced, verbs=["*"])

    kube.call(add)


def crd(name: str) -> dict[str, Any]:
    """An Established CustomResourceDefinition object called `name`."""
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": name},
        "status": {"conditions": [{"type": "Established", "status": "True"}]},
    }


def _set_status(emu: PatchedEmulator, resource: str, obj: dict[str, Any], status: dict[str, Any]) -> None:
    meta = obj["metadata"]
    stored = emu._get(kmock.resource(resource), meta.get("namespace"), meta["name"])
    stored.patch({"status": status})


def pod_runner(
    script: Callable[[dict[str, Any]], tuple[str, str]], seen: list[dict[str, Any]] | None = None
) -> Hook:
    """An `on_create["pods"]` hook: each created pod gets `script(pod)` = (phase, log)."""

    def hook(emu: PatchedEmulator, pod: dict[str, Any]) -> None:
        if seen is not None:
            seen.append(copy.deepcopy(pod))
        phase, log = script(pod)
        meta = pod["metadata"]
        emu.pod_logs[(meta["namespace"], meta["name"])] = log
        _set_status(emu, "v1/pods", pod, {"phase": phase})

    return hook


def _launcher_pod(owner: dict[str, Any], phase: str) -> dict[str, Any]:
    meta = owner["metadata"]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": f"{meta['name']}-launcher-0-0",
            "namespace": meta["namespace"],
            "labels": {
                "jobset.sigs.k8s.io/jobset-name": meta["name"],
                "jobset.sigs.k8s.io/replicatedjob-name": "launcher",
                "batch.kubernetes.io/job-name": meta["name"],
            },
            "ownerReferences": [
                {
                    "apiVersion": owner["apiVersion"],
                    "kind": owner["kind"],
                    "name": meta["name"],
                    "uid": meta["uid"],
                }
            ],
        },
        "status": {"phase": phase},
    }


def trainjob_runner(logs: str, outcome: str = "complete", seen: list[dict[str, Any]] | None = None) -> Hook:
    """An `on_create["trainjobs"]` hook: launcher pod with `logs`, then Complete/Failed."""

    def hook(emu: PatchedEmulator, job: dict[str, Any]) -> None:
        if seen is not None:
            seen.append(copy.deepcopy(job))
        phase = "Succeeded" if outcome == "complete" else "Failed"
        pod = emu.store("v1/pods", _launcher_pod(job, phase))
        emu.pod_logs[(pod["metadata"]["namespace"], pod["metadata"]["name"])] = logs
        kind = "Complete" if outcome == "complete" else "Failed"
        _set_status(
            emu, TRAINJOBS, job, {"conditions": [{"type": kind, "status": "True", "message": outcome}]}
        )

    return hook


def job_runner(logs: str, outcome: str = "complete", seen: list[dict[str, Any]] | None = None) -> Hook:
    """An `on_create["jobs"]` hook: a pod with `logs`, then the Job's Complete/Failed condition."""

    def hook(emu: PatchedEmulator, job: dict[str, Any]) -> None:
        if seen is not None:
            seen.append(copy.deepcopy(job))
        phase = "Succeeded" if outcome == "complete" else "Failed"
        pod = emu.store("v1/pods", _launcher_pod(job, phase))
        emu.pod_logs[(pod["metadata"]["namespace"], pod["metadata"]["name"])] = logs
        kind = "Complete" if outcome == "complete" else "Failed"
        _set_status(
            emu, "batch/v1/jobs", job, {"conditions": [{"type": kind, "status": "True", "message": outcome}]}
        )

    return hook
