"""A "kubelet" for the emulated API server that really runs a created Job's container with podman.

Edge module (podman, threads). `podman_kubelet(kube, kubeconfig)` returns an `on_create["jobs"]`
hook: when a Job is created it starts a thread that runs the Job's first container image with
the Job's command, args, plain env values and user, on the host network (so the container
reaches the emulator on 127.0.0.1 through the mounted kubeconfig), with emptyDir volumes as
tmpfs, configMap volumes written out as files, hostPath volumes that exist here bind-mounted
read-only, and a writable file at the container's terminationMessagePath. When the container
exits, the pod (the container's output as its log; a terminated state with the exit code and the
termination message) and the Job's final condition are stored, as the kubelet and Job
controller would.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import kmock
from tests.images.podman import podman
from tests.support.kube_emulator import KubeEmulator, PatchedEmulator

JOBS = kmock.resource("batch/v1/jobs")
NODE_NAME = "image-test-node"
KUBECONFIG_IN_CONTAINER = "/var/run/aicr-test/kubeconfig"


def write_config_maps(emu: PatchedEmulator, job: dict[str, Any], root: Path) -> dict[str, Path]:
    """{volume name: directory} holding the data of each configMap volume (missing → empty)."""
    namespace = job["metadata"]["namespace"]
    found = {c["metadata"]["name"]: c for c in emu.live("v1/configmaps", namespace)}
    dirs: dict[str, Path] = {}
    for volume in job["spec"]["template"]["spec"].get("volumes") or []:
        if "configMap" not in volume:
            continue
        target = root / volume["name"]
        target.mkdir(parents=True)
        target.chmod(0o755)
        for key, value in (found.get(volume["configMap"]["name"], {}).get("data") or {}).items():
            (target / key).write_text(value)
            (target / key).chmod(0o644)
        dirs[volume["name"]] = target
    return dirs


def run_arguments(
    job: dict[str, Any], kubeconfig: Path, config_maps: dict[str, Path], termination: Path
) -> list[str]:
    """`podman run` arguments for the Job's first container."""
    pod = job["spec"]["template"]["spec"]
    container = pod["containers"][0]
    security = pod.get("securityContext") or {}
    argv = ["run", "--rm", "--network", "host", "-v", f"{kubeconfig}:{KUBECONFIG_IN_CONTAINER}:ro"]
    argv += ["-e", f"KUBECONFIG={KUBECONFIG_IN_CONTAINER}", "-e", f"NODE_NAME={NODE_NAME}"]
    if "runAsUser" in security:
        argv += ["--user", f"{security['runAsUser']}:{security.get('runAsGroup', security['runAsUser'])}"]
    if (container.get("securityContext") or {}).get("readOnlyRootFilesystem"):
        argv.append("--read-only")
    for item in container.get("env") or []:
        if "value" in item:
            argv += ["-e", f"{item['name']}={item['value']}"]
    volumes = {v["name"]: v for v in pod.get("volumes") or []}
    for mount in container.get("volumeMounts") or []:
        volume = volumes[mount["name"]]
        if "emptyDir" in volume:
            argv += ["--tmpfs", mount["mountPath"]]
        elif mount["name"] in config_maps:
            argv += ["-v", f"{config_maps[mount['name']]}:{mount['mountPath']}:ro"]
        elif "hostPath" in volume and os.path.exists(volume["hostPath"]["path"]):
            argv += ["-v", f"{volume['hostPath']['path']}:{mount['mountPath']}:ro"]
    if container.get("terminationMessagePath"):
        argv += ["-v", f"{termination}:{container['terminationMessagePath']}"]
    command = container.get("command") or []
    if command:
        argv += ["--entrypoint", command[0]]
    return [*argv, container["image"], *command[1:], *container.get("args", [])]


def _finish(emu: PatchedEmulator, job: dict[str, Any], code: int, output: str, message: str) -> None:
    meta = job["metadata"]
    pod_name = f"{meta['name']}-pod"
    container = job["spec"]["template"]["spec"]["containers"][0]["name"]
    terminated = {"exitCode": code, "reason": "Completed" if code == 0 else "Error", "message": message}
    labels = dict(job["spec"]["template"]["metadata"]["labels"])
    labels.update({"job-name": meta["name"], "batch.kubernetes.io/job-name": meta["name"]})
    emu.store(
        "v1/pods",
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": pod_name,
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
            "spec": {"nodeName": NODE_NAME, "containers": job["spec"]["template"]["spec"]["containers"]},
            "status": {
                "phase": "Succeeded" if code == 0 else "Failed",
                "containerStatuses": [{"name": container, "state": {"terminated": terminated}}],
            },
        },
    )
    emu.pod_logs[(meta["namespace"], pod_name)] = output
    if code == 0:
        status = {
            "succeeded": 1,
            "conditions": [{"type": "Complete", "status": "True", "reason": "Completed"}],
        }
    else:
        message = f"container exited {code}"
        condition = {"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded", "message": message}
        status = {"failed": 1, "conditions": [condition]}
    emu._get(JOBS, meta["namespace"], meta["name"]).patch({"status": status})


def podman_kubelet(
    kube: KubeEmulator, kubeconfig: Path, workdir: Path, runs: list[list[str]]
) -> Callable[[PatchedEmulator, dict[str, Any]], None]:
    """An `on_create["jobs"]` hook running each Job's container; `runs` records the podman argv."""

    def run(job: dict[str, Any], root: Path, config_maps: dict[str, Path]) -> None:
        root.mkdir(parents=True, exist_ok=True)
        termination = root / "termination-log"
        termination.write_text("")
        termination.chmod(0o666)
        argv = run_arguments(job, kubeconfig, config_maps, termination)
        runs.append(argv)
        done = podman(*argv, timeout=300, check=False)
        kube.call(_finish, job, done.returncode, done.stdout + done.stderr, termination.read_text())

    def hook(emu: PatchedEmulator, job: dict[str, Any]) -> None:
        root = workdir / job["metadata"]["name"]
        config_maps = write_config_maps(emu, job, root / "volumes")
        thread = threading.Thread(
            target=run, args=(job, root, config_maps), name="podman-kubelet", daemon=True
        )
        thread.start()

    return hook
