"""Waiting for a Job, finding its pod, and reading or following the pod's logs.

Edge module (polls the API through an `ApiClient`); `job_state`, `pod_problem` and
`event_problem` are pure. Shared by the snapshot agent and validator Jobs. The wait polls (every
0.5 s by default) so a deadline or Ctrl-C takes effect promptly, and fails at once when the pod
cannot be created or started; `on_progress` receives the pod phase as it changes.
"""

from __future__ import annotations

import threading
import time

from aicr import logs
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TextIO

    from aicr.k8s.client import ApiClient

POLL_INTERVAL_S = 0.5
LOG_READ_TIMEOUT_S = 60.0  # a followed log silent this long is re-opened (the agent may be quiet)
# Container waiting reasons that will not fix themselves: the pod can never start.
STUCK_REASONS = (
    "ImagePullBackOff",
    "ErrImagePull",
    "InvalidImageName",
    "ErrImageNeverPull",
    "CreateContainerConfigError",
)


class JobFailed(AicrError):
    """The Job reached its Failed condition."""

    def __init__(self, name: str, reason: str, message: str) -> None:
        text = f"agent Job {name} failed"
        if reason:
            text += f": {reason}"
        if message:
            text += f": {message}"
        super().__init__(Code.INTERNAL, text, {"job": name, "reason": reason})
        self.reason = reason


def job_state(job: dict[str, Any]) -> tuple[str, str, str]:
    """("complete" | "failed" | "running", reason, message) from the Job's status."""
    status = job.get("status") or {}
    for cond in status.get("conditions") or []:
        if cond.get("status") != "True":
            continue
        if cond.get("type") in ("Complete", "SuccessCriteriaMet"):
            return "complete", str(cond.get("reason") or ""), str(cond.get("message") or "")
        if cond.get("type") in ("Failed", "FailureTarget"):
            return "failed", str(cond.get("reason") or ""), str(cond.get("message") or "")
    return "running", "", ""


def pod_phase(pod: dict[str, Any] | None) -> str:
    """`pending`, `scheduled`, `running`, `succeeded` or `failed` for progress reporting."""
    if pod is None:
        return "pending"
    status = pod.get("status") or {}
    phase = str(status.get("phase") or "Pending")
    if phase == "Pending":
        scheduled = (pod.get("spec") or {}).get("nodeName") or any(
            c.get("type") == "PodScheduled" and c.get("status") == "True"
            for c in status.get("conditions") or []
        )
        return "scheduled" if scheduled else "pending"
    return phase.lower()


class PodStartFailed(AicrError):
    """The Job's pod cannot be created or cannot start (admission, quota, image, scheduling)."""

    def __init__(self, code: Code, job: str, reason: str, message: str) -> None:
        text = f"pod of Job {job} cannot start: {reason}: {message}"
        if "violates PodSecurity" in message:
            text += (
                " (the namespace's pod-security.kubernetes.io/enforce level refuses this pod; "
                "use a namespace that allows it)"
            )
        super().__init__(code, text, {"job": job, "reason": reason})
        self.reason = reason
        self.cause = f"{reason}: {message}"


def failed_create_code(message: str) -> Code:
    """The code for a FailedCreate message: quota and missing objects are input, the rest forbidden."""
    text = message.lower()
    if "exceeded quota" in text or ("serviceaccount" in text and "not found" in text):
        return Code.INVALID_REQUEST
    if "forbidden" in text:
        return Code.UNAUTHORIZED
    return Code.INVALID_REQUEST


def event_problem(events: list[dict[str, Any]]) -> tuple[str, str] | None:
    """(reason, message) of the newest FailedCreate Warning event, or None."""
    failed = [e for e in events if e.get("type") == "Warning" and e.get("reason") == "FailedCreate"]
    if not failed:
        return None
    failed.sort(key=lambda e: str(e.get("lastTimestamp") or e.get("eventTime") or ""))
    return "FailedCreate", str(failed[-1].get("message") or "")


def pod_problem(pod: dict[str, Any] | None) -> tuple[str, str] | None:
    """(reason, message) when a pod is stuck: a container waiting for good, or unschedulable."""
    if pod is None:
        return None
    status = pod.get("status") or {}
    for container in [*(status.get("initContainerStatuses") or []), *(status.get("containerStatuses") or [])]:
        waiting = (container.get("state") or {}).get("waiting") or {}
        if waiting.get("reason") in STUCK_REASONS:
            return str(waiting["reason"]), str(waiting.get("message") or "")
    for cond in status.get("conditions") or []:
        if (
            cond.get("type") == "PodScheduled"
            and cond.get("status") == "False"
            and cond.get("reason") == "Unschedulable"
        ):
            return "Unschedulable", str(cond.get("message") or "")
    return None


def start_problem(
    client: ApiClient, job: dict[str, Any], pod: dict[str, Any] | None
) -> PodStartFailed | None:
    """Why the Job's pod cannot start (FailedCreate events when there is no pod), or None."""
    meta = job.get("metadata") or {}
    name = str(meta.get("name") or "")
    found = pod_problem(pod)
    if found is not None:
        reason, message = found
        code = (
            Code.INVALID_REQUEST
            if reason in ("Unschedulable", "CreateContainerConfigError")
            else Code.INTERNAL
        )
        return PodStartFailed(code, name, reason, message)
    if pod is not None:
        return None
    try:
        events = client.list_events(name, meta.get("namespace"), kind="Job")
    except AicrError as exc:
        logs.debug("cannot read Job events", job=name, error=exc.message)
        return None
    failed = event_problem(events)
    if failed is None:
        return None
    return PodStartFailed(failed_create_code(failed[1]), name, *failed)


def find_job_pod(client: ApiClient, job: dict[str, Any], labels: dict[str, str]) -> dict[str, Any] | None:
    """The newest pod with `labels` owned by `job` (pods without owner references also match)."""
    meta = job.get("metadata") or {}
    uid = meta.get("uid")
    pods = client.list("Pod", meta.get("namespace"), labels=labels)
    owned = [
        p
        for p in pods
        if not uid
        or not (p.get("metadata") or {}).get("ownerReferences")
        or any(ref.get("uid") == uid for ref in p["metadata"]["ownerReferences"])
    ]
    owned.sort(key=lambda p: str((p.get("metadata") or {}).get("creationTimestamp") or ""))
    return owned[-1] if owned else None


def wait_for_job(
    client: ApiClient,
    name: str,
    namespace: str,
    *,
    timeout: float,
    pod_labels: dict[str, str],
    poll: float = POLL_INTERVAL_S,
    on_progress: Callable[[str, float], None] | None = None,
) -> dict[str, Any]:
    """The Job once Complete; JobFailed when it fails, TIMEOUT past `timeout` seconds.

    PodStartFailed as soon as the pod cannot be created (FailedCreate events: PodSecurity,
    quota, missing ServiceAccount) or cannot start (image pull, unschedulable): no wait to the
    timeout for what will not fix itself.
    """
    start = time.monotonic()
    deadline = start + timeout
    while True:
        job = client.get("Job", name, namespace)
        state, reason, message = job_state(job)
        if state == "complete":
            if on_progress:
                on_progress("done", time.monotonic() - start)
            return job
        if state == "failed":
            raise JobFailed(name, reason, message)
        pod = find_job_pod(client, job, pod_labels)
        problem = start_problem(client, job, pod)
        if problem is not None:
            raise problem
        if on_progress:
            on_progress(pod_phase(pod), time.monotonic() - start)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AicrError(
                Code.TIMEOUT,
                f"timed out after {timeout:g}s waiting for Job {namespace}/{name} to complete",
                {"job": name, "timeout_s": timeout},
            )
        time.sleep(min(poll, remaining))


def read_pod_logs(
    client: ApiClient, job: dict[str, Any] | None, name: str, namespace: str, pod_labels: dict[str, str]
) -> str:
    """The logs of the Job's pod, or "" when there is no pod or no log yet."""
    try:
        current = job or client.get("Job", name, namespace)
        pod = find_job_pod(client, current, pod_labels)
        if pod is None:
            return ""
        return client.logs(pod["metadata"]["name"], namespace)
    except AicrError as exc:
        logs.debug("cannot read agent logs", error=exc.message)
        return ""


class LogFollower:
    """Streams the logs of a Job's pod to a text stream in a background thread.

    A silent agent is normal: when no line comes for `read_timeout` seconds, or the stream drops,
    the follower reconnects from the last line's second (`sinceTime`, timestamps on) and skips
    the lines it already wrote, until the pod has ended and its stream closes. Nothing it meets
    ends in a traceback.
    """

    def __init__(
        self,
        client: ApiClient,
        name: str,
        namespace: str,
        pod_labels: dict[str, str],
        out: TextIO,
        *,
        poll: float = POLL_INTERVAL_S,
        ready_timeout: float = 120.0,
        read_timeout: float = LOG_READ_TIMEOUT_S,
    ) -> None:
        self._args = (client, name, namespace, pod_labels)
        self._out = out
        self._poll = poll
        self._ready_timeout = ready_timeout
        self._read_timeout = read_timeout
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"logs-{name}", daemon=True)
        self._second = ""  # the second (RFC 3339, no fraction) of the newest line written
        self._written: set[str] = set()  # raw lines of that second already written
        self.reconnects = 0

    def start(self) -> LogFollower:
        """Start following in the background; returns self."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Ask the follower to stop at its next line or poll (does not wait)."""
        self._stop.set()

    def finish(self, timeout: float) -> None:
        """Let the stream drain (the pod has ended, so it closes) for up to `timeout` seconds."""
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._stop.set()

    def _run(self) -> None:
        try:
            self._follow()
        except Exception as exc:  # streaming is best effort and must never print a traceback
            logs.debug("agent log stream ended", error=str(exc))

    def _ready_pod(self) -> dict[str, Any] | None:
        """The Job's pod once it runs or ran; None while pending."""
        client, name, namespace, labels = self._args
        pod = find_job_pod(client, client.get("Job", name, namespace), labels)
        if pod is not None and pod_phase(pod) in ("running", "succeeded", "failed"):
            return pod
        return None

    def _follow(self) -> None:
        client, _name, namespace, _labels = self._args
        deadline = time.monotonic() + self._ready_timeout
        while not self._stop.is_set():
            try:
                pod = self._ready_pod()
                if pod is None:
                    if time.monotonic() >= deadline:
                        return
                    self._stop.wait(self._poll)
                    continue
                ended = pod_phase(pod) in ("succeeded", "failed")
                if self._stream(client, pod["metadata"]["name"], namespace) and ended:
                    return
            except AicrError as exc:
                if exc.code not in (Code.TIMEOUT, Code.UNAVAILABLE):
                    raise
                logs.debug("agent log stream interrupted; reconnecting", error=exc.message)
            self.reconnects += 1
            self._stop.wait(self._poll)

    def _stream(self, client: ApiClient, pod: str, namespace: str) -> bool:
        """Write the new lines of one log stream; True when it ended (not stopped)."""
        since = f"{self._second}Z" if self._second else None
        lines = client.follow_logs(
            pod, namespace, since_time=since, timestamps=True, read_timeout=self._read_timeout
        )
        for raw in lines:
            if self._stop.is_set():
                return False
            self._write(raw.rstrip("\n"))
        return True

    def _write(self, raw: str) -> None:
        """Write one timestamped line unless it was already written before a reconnect."""
        stamp, sep, text = raw.partition(" ")
        second = stamp[:19]
        if not sep or len(second) != 19 or second[10:11] != "T":  # no timestamp: write as is
            self._out.write(raw + "\n")
            self._out.flush()
            return
        if second < self._second or raw in self._written:
            return
        if second > self._second:
            self._second, self._written = second, set()
        self._written.add(raw)
        self._out.write(text + "\n")
        self._out.flush()
