"""Kubernetes operations of a validation run: namespace, validator Job wait, pod, logs, deletes.

Edge module (every call goes through an `ApiClient`); Job conditions are read with
`aicr.k8s.jobs.job_state`, shared with the snapshot agent. The wait polls the Job (every second by
default, so a deadline or Ctrl-C takes effect promptly) until its Complete or Failed condition
is True, and reports — rather than raises — a deadline or a Job that vanished, because a
validator that does not finish is a CTRF result, not a run failure (reference/validate.md §2).
"""

from __future__ import annotations

import time

from aicr import logs
from aicr.errors import AicrError, Code
from aicr.k8s.jobs import job_state, start_problem

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from aicr.k8s.client import ApiClient

JOB_NAME_LABEL = "batch.kubernetes.io/job-name"
LEGACY_JOB_NAME_LABEL = "job-name"
POLL_INTERVAL_S = 1.0


def ensure_namespace(client: ApiClient, manifest: dict[str, Any]) -> bool:
    """Create the namespace when missing; True when this call created it (INVALID_REQUEST for a bad name)."""
    from aicr.k8s.names import check_namespace

    name = check_namespace(manifest["metadata"]["name"], "--namespace")
    if client.find("Namespace", name) is not None:
        return False
    try:
        client.create(manifest)
    except AicrError as exc:
        if exc.code is Code.CONFLICT:
            return False
        raise
    return True


def apply_configmap(client: ApiClient, manifest: dict[str, Any]) -> dict[str, Any]:
    """Create a ConfigMap, or update it in place when it already exists."""
    try:
        return client.create(manifest)
    except AicrError as exc:
        if exc.code is not Code.CONFLICT:
            raise
    return client.apply(manifest)


def wait_for_job(
    client: ApiClient,
    name: str,
    namespace: str,
    *,
    timeout: float,
    poll: float = POLL_INTERVAL_S,
    on_tick: Callable[[dict[str, Any] | None, float], None] | None = None,
) -> tuple[dict[str, Any] | None, bool]:
    """(last Job seen, reached a terminal condition) after at most `timeout` seconds.

    A Job deleted by someone else ends the wait early with (None, False). A pod that cannot be
    created or started (FailedCreate events, image pull, unschedulable) raises
    `aicr.k8s.jobs.PodStartFailed` at once; other API errors than NOT_FOUND are raised too (the
    caller turns both into a result).
    """
    start = time.monotonic()
    deadline = start + timeout
    job: dict[str, Any] | None = None
    while True:
        try:
            job = client.get("Job", name, namespace)
        except AicrError as exc:
            if exc.code is Code.NOT_FOUND:
                return None, False
            raise
        if job_state(job)[0] != "running":
            return job, True
        problem = start_problem(client, job, find_job_pod(client, name, namespace))
        if problem is not None:
            raise problem
        if on_tick is not None:
            on_tick(job, time.monotonic() - start)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return job, False
        time.sleep(min(poll, remaining))


def job_pods(client: ApiClient, job_name: str, namespace: str) -> list[dict[str, Any]]:
    """Pods of a Job (by the Job controller's name label), oldest first."""
    pods = client.list("Pod", namespace, labels={JOB_NAME_LABEL: job_name})
    if not pods:
        pods = client.list("Pod", namespace, labels={LEGACY_JOB_NAME_LABEL: job_name})
    pods.sort(key=lambda p: str((p.get("metadata") or {}).get("creationTimestamp") or ""))
    return pods


def find_job_pod(client: ApiClient, job_name: str, namespace: str) -> dict[str, Any] | None:
    """The newest pod of a Job, or None (lookup errors count as none, logged at debug)."""
    try:
        pods = job_pods(client, job_name, namespace)
    except AicrError as exc:
        logs.debug("cannot list validator pods", job=job_name, error=exc.message)
        return None
    return pods[-1] if pods else None


def pod_logs(client: ApiClient, pod: dict[str, Any], container: str = "validator") -> str:
    """The log text of a pod's container, or "" when it cannot be read."""
    meta = pod.get("metadata") or {}
    try:
        return client.logs(str(meta.get("name")), meta.get("namespace"), container=container)
    except AicrError as exc:
        logs.warn("cannot read validator logs", pod=meta.get("name", ""), error=exc.message)
        return ""


def delete_job(
    client: ApiClient,
    name: str,
    namespace: str,
    *,
    uid: str | None = None,
    wait: float = 60.0,
    poll: float = POLL_INTERVAL_S,
) -> None:
    """Delete a Job and its pods, then wait (at most `wait` s) for the pods to be gone."""
    client.delete("Job", name, namespace, uid=uid, propagation="Background")
    deadline = time.monotonic() + wait
    while True:
        pods = job_pods(client, name, namespace)
        if not pods:
            return
        for pod in pods:
            client.delete("Pod", pod["metadata"]["name"], namespace, propagation="Background")
        if time.monotonic() >= deadline:
            logs.warn("validator pods still terminating", job=name, pods=len(pods))
            return
        time.sleep(min(poll, max(0.0, deadline - time.monotonic())))


def delete_run_pods(client: ApiClient, namespace: str, labels: dict[str, str]) -> list[str]:
    """Delete every pod carrying `labels` (a run's leftovers); returns failure texts."""
    failures: list[str] = []
    try:
        pods = client.list("Pod", namespace, labels=labels)
    except AicrError as exc:
        return [f"list pods: {exc.message}"]
    for pod in pods:
        name = str(pod["metadata"]["name"])
        try:
            client.delete("Pod", name, namespace, propagation="Background")
        except AicrError as exc:
            failures.append(f"Pod {name}: {exc.message}")
    return failures
