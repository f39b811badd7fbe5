"""What a finished (or abandoned) validator pod says: exit code, message, duration, stdout, extra.

Pure: pod and Job objects (plain dicts) and log text in, a `CheckOutcome` out.
reference/validate.md §3.3-§3.4: exit code → CTRF status is decided by `phases.status_for_exit_code`;
a terminated container gives its exit code and termination message (`Container OOMKilled` when
it was OOM-killed); a waiting one `-1` and `Reason: Message`; no pod or no container status `-1`
and an explanation. Stdout keeps the last 1000 lines, each cut at 512 characters with a
`... [truncated N chars]` suffix; `##AICR-EXTRA## {json}` lines become `extra` (last valid one
wins) and `##AICR-PROVENANCE##` lines are transport only; both are removed from stdout.
"""

from __future__ import annotations

from aicr.validate.entries import format_duration

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

CONTAINER_NAME = "validator"
MAX_STDOUT_LINES = 1000
MAX_LINE_LENGTH = 512
MAX_MESSAGE_BYTES = 4096
EXTRA_PREFIX = "##AICR-EXTRA## "
PROVENANCE_PREFIX = "##AICR-PROVENANCE## "
RESULT_PREFIX = "RESULT: "
NEVER_RAN = -1


class CheckOutcome:
    """The raw result of one validator run before it becomes a CTRF test."""

    __slots__ = ("duration_ms", "exit_code", "extra", "message", "stdout")

    def __init__(
        self,
        exit_code: int,
        message: str = "",
        *,
        duration_ms: int = 0,
        stdout: list[str] | None = None,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.exit_code = exit_code
        self.message = message
        self.duration_ms = duration_ms
        self.stdout = stdout or []
        self.extra = extra or {}

    def __repr__(self) -> str:
        return f"CheckOutcome(exit={self.exit_code}, message={self.message!r})"


def parse_sentinels(text: str) -> tuple[str, dict[str, str]]:
    """(logs without sentinel lines, the last valid non-empty extra map)."""
    if EXTRA_PREFIX.strip() not in text and PROVENANCE_PREFIX.strip() not in text:
        return text, {}
    import json

    extra: dict[str, str] = {}
    kept: list[str] = []
    for line in text.split("\n"):
        bare = line.rstrip("\r")
        if bare.startswith(EXTRA_PREFIX.strip()):
            try:
                parsed = json.loads(bare[len(EXTRA_PREFIX.strip()) :])
            except ValueError:
                continue
            if isinstance(parsed, dict) and parsed and all(isinstance(v, str) for v in parsed.values()):
                extra = {str(k): v for k, v in parsed.items()}
            continue
        if bare.startswith(PROVENANCE_PREFIX.strip()):
            continue
        kept.append(line)
    return "\n".join(kept), extra


def tail_lines(text: str, limit: int = MAX_STDOUT_LINES) -> list[str]:
    """The last `limit` lines of `text` (a trailing newline does not make an empty line)."""
    trimmed = text.rstrip("\n")
    if not trimmed:
        return []
    lines = trimmed.split("\n")
    return lines[-limit:] if len(lines) > limit else lines


def cut_line(line: str, limit: int = MAX_LINE_LENGTH) -> str:
    """A line cut at `limit` characters, with a note of how many were dropped."""
    if len(line) <= limit:
        return line
    return f"{line[:limit]}... [truncated {len(line) - limit} chars]"


def process_logs(text: str) -> tuple[list[str], dict[str, str]]:
    """(stdout lines for the report, extra): sentinels are read from the FULL log before the tail."""
    cleaned, extra = parse_sentinels(text)
    return [cut_line(line) for line in tail_lines(cleaned)], extra


def result_summaries(stdout: list[str]) -> list[str]:
    """The text of `RESULT: ...` lines, echoed to the CLI log."""
    return [
        line[len(RESULT_PREFIX) :]
        for line in stdout
        if line.startswith(RESULT_PREFIX) and line[len(RESULT_PREFIX) :]
    ]


def bound_message(message: str, limit: int = MAX_MESSAGE_BYTES) -> str:
    """A termination message capped at `limit` bytes (never splitting a character)."""
    data = message.encode("utf-8", "replace")
    if len(data) <= limit:
        return message
    head = data[:limit].decode("utf-8", "ignore")
    dropped = len(data) - len(head.encode("utf-8"))
    return f"{head}... [truncated {dropped} bytes]"


def _ms(stamp: Any) -> int | None:
    if not isinstance(stamp, str) or not stamp:
        return None
    import calendar
    import time

    text = stamp.rstrip("Z").split(".")[0]
    try:
        return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%S")) * 1000
    except ValueError:
        return None


def container_status(pod: dict[str, Any], name: str = CONTAINER_NAME) -> dict[str, Any] | None:
    """The status of the validator container (the first container when none has that name)."""
    statuses = (pod.get("status") or {}).get("containerStatuses") or []
    for status in statuses:
        if status.get("name") == name:
            return dict(status)
    return dict(statuses[0]) if statuses else None


def _unscheduled_reason(pod: dict[str, Any]) -> str:
    for cond in (pod.get("status") or {}).get("conditions") or []:
        if cond.get("type") == "PodScheduled" and cond.get("status") == "False":
            reason = str(cond.get("reason") or "Unschedulable")
            message = str(cond.get("message") or "")
            return f"{reason}: {message}" if message else reason
    return ""


def terminated_outcome(state: dict[str, Any]) -> CheckOutcome:
    """Exit code, message and duration of a terminated container state."""
    code = int(state.get("exitCode", NEVER_RAN))
    message = bound_message(str(state.get("message") or "").strip())
    if state.get("reason") == "OOMKilled":
        message = "Container OOMKilled"
    start, end = _ms(state.get("startedAt")), _ms(state.get("finishedAt"))
    duration = end - start if start is not None and end is not None and end >= start else 0
    return CheckOutcome(code, message, duration_ms=duration)


def _job_failed(job: dict[str, Any] | None) -> tuple[str, str] | None:
    for cond in ((job or {}).get("status") or {}).get("conditions") or []:
        if cond.get("type") == "Failed" and cond.get("status") == "True":
            return str(cond.get("reason") or ""), str(cond.get("message") or "").strip()
    return None


def completed_outcome(
    job: dict[str, Any] | None, pod: dict[str, Any] | None, job_name: str, timeout: float
) -> tuple[CheckOutcome, bool]:
    """The outcome of a Job that reached a terminal condition; the bool says whether to read logs."""
    if pod is None:
        failed = _job_failed(job)
        if failed is None:
            return CheckOutcome(NEVER_RAN, f"pod not found for Job {job_name}"), False
        reason, detail = failed
        if reason == "DeadlineExceeded":
            deadline = ((job or {}).get("spec") or {}).get("activeDeadlineSeconds") or timeout
            return CheckOutcome(
                1,
                bound_message(
                    f"validator Job did not complete within its {format_duration(float(deadline))} deadline; "
                    f"no pod remains for it, so its logs are unavailable (Job condition Failed/{reason}: {detail or reason})"
                ),
            ), False
        return CheckOutcome(
            NEVER_RAN, bound_message(f"Job {job_name} failed ({reason}): {detail or reason}; pod not found")
        ), False
    status = container_status(pod)
    if status is None:
        return CheckOutcome(
            NEVER_RAN,
            f'container "{CONTAINER_NAME}" has no status in pod '
            f"{(pod.get('metadata') or {}).get('name', '')}",
        ), False
    state = status.get("state") or {}
    if "terminated" in state:
        return terminated_outcome(state["terminated"] or {}), True
    if "waiting" in state:
        waiting = state["waiting"] or {}
        return CheckOutcome(NEVER_RAN, f"{waiting.get('reason', '')}: {waiting.get('message', '')}"), False
    return CheckOutcome(NEVER_RAN, "container still running after wait completed"), True


def abandoned_outcome(
    pod: dict[str, Any] | None, timeout: float, cause: str = ""
) -> tuple[CheckOutcome, bool]:
    """The outcome of a check whose wait ended without a terminal Job (timeout or lost API)."""
    waited = cause or f"timeout: validator did not complete within {format_duration(timeout)}"
    if pod is None:
        return CheckOutcome(
            NEVER_RAN, "pod never reached running state" + (f": {cause}" if cause else "")
        ), False
    status = container_status(pod)
    if status is None:
        unscheduled = _unscheduled_reason(pod)
        if unscheduled:
            return CheckOutcome(NEVER_RAN, f"pod never reached running state: {unscheduled}"), False
        return CheckOutcome(NEVER_RAN, f'{waited} (container "{CONTAINER_NAME}" has no status)'), False
    state = status.get("state") or {}
    if "terminated" in state:
        return terminated_outcome(state["terminated"] or {}), True
    if "waiting" in state:
        waiting = state["waiting"] or {}
        return CheckOutcome(NEVER_RAN, f"{waiting.get('reason', '')}: {waiting.get('message', '')}"), True
    return CheckOutcome(NEVER_RAN, waited), True
