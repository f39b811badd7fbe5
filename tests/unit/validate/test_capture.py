"""Result extraction from validator pods and logs: reference/validate.md §3.3-§3.4, cases 23 and 28."""

from __future__ import annotations

from typing import Any

from aicr.validate.capture import (
    abandoned_outcome,
    bound_message,
    completed_outcome,
    parse_sentinels,
    process_logs,
    result_summaries,
)


def pod(state: dict[str, Any] | None, *, name: str = "validator", **status: Any) -> dict[str, Any]:
    statuses = [] if state is None else [{"name": name, "state": state}]
    return {"metadata": {"name": "p"}, "status": {"containerStatuses": statuses, **status}}


def test_case28_stdout_keeps_the_last_1000_lines() -> None:
    stdout, _ = process_logs("".join(f"line {i}\n" for i in range(1200)))
    assert len(stdout) == 1000
    assert stdout[0] == "line 200" and stdout[-1] == "line 1199"


def test_case28_long_lines_are_cut_at_512_characters() -> None:
    stdout, _ = process_logs("x" * 600 + "\nshort\n")
    assert stdout[0] == "x" * 512 + "... [truncated 88 chars]"
    assert stdout[1] == "short"


def test_extra_sentinel_last_valid_line_wins_and_is_stripped() -> None:
    text = (
        "checking\n"
        '##AICR-EXTRA## {"nodesValidated": "1"}\n'
        '##AICR-EXTRA## {"nodesValidated": "2", "nodesTotal": "3"}\n'
        "##AICR-EXTRA## {not json\n"
        '##AICR-EXTRA## {"count": 4}\n'
        '##AICR-PROVENANCE## {"shippedDigest": "a"}\n'
        "done\n"
    )
    stdout, extra = process_logs(text)
    assert stdout == ["checking", "done"]
    assert extra == {"nodesValidated": "2", "nodesTotal": "3"}


def test_sentinels_are_read_before_the_tail_is_cut() -> None:
    text = '##AICR-EXTRA## {"skipReason": "early"}\n' + "".join(f"{i}\n" for i in range(1500))
    stdout, extra = process_logs(text)
    assert extra == {"skipReason": "early"} and len(stdout) == 1000


def test_no_sentinel_leaves_logs_alone() -> None:
    assert parse_sentinels("a\nb\n") == ("a\nb\n", {})


def test_result_lines_are_collected() -> None:
    assert result_summaries(["RESULT: 3/3 ok", "other", "RESULT: "]) == ["3/3 ok"]


def test_case23_terminated_container_gives_exit_code_message_and_duration() -> None:
    state = {
        "terminated": {
            "exitCode": 1,
            "message": "GPU Operator not ready\n",
            "reason": "Error",
            "startedAt": "2025-01-01T00:00:00Z",
            "finishedAt": "2025-01-01T00:00:42Z",
        }
    }
    outcome, read = completed_outcome({}, pod(state), "job", 120)
    assert (outcome.exit_code, outcome.message, outcome.duration_ms, read) == (
        1,
        "GPU Operator not ready",
        42000,
        True,
    )


def test_case23_oom_killed_container() -> None:
    state = {"terminated": {"exitCode": 137, "reason": "OOMKilled"}}
    outcome, _ = completed_outcome({}, pod(state), "job", 120)
    assert (outcome.exit_code, outcome.message) == (137, "Container OOMKilled")


def test_case23_waiting_container_never_ran() -> None:
    state = {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image"}}
    outcome, read = completed_outcome({}, pod(state), "job", 120)
    assert (outcome.exit_code, outcome.message, read) == (
        -1,
        "ImagePullBackOff: Back-off pulling image",
        False,
    )
    outcome, _ = abandoned_outcome(pod(state), 120)
    assert outcome.message == "ImagePullBackOff: Back-off pulling image"


def test_validator_container_is_found_by_name_among_sidecars() -> None:
    p = {
        "status": {
            "containerStatuses": [
                {"name": "sidecar", "state": {"running": {}}},
                {"name": "validator", "state": {"terminated": {"exitCode": 0}}},
            ]
        }
    }
    outcome, _ = completed_outcome({}, p, "job", 60)
    assert outcome.exit_code == 0


def test_deadline_exceeded_without_a_pod_is_a_failure() -> None:
    job = {
        "spec": {"activeDeadlineSeconds": 330},
        "status": {
            "conditions": [
                {
                    "type": "Failed",
                    "status": "True",
                    "reason": "DeadlineExceeded",
                    "message": "Job was active longer than specified deadline",
                }
            ]
        },
    }
    outcome, _ = completed_outcome(job, None, "job", 120)
    assert outcome.exit_code == 1
    assert outcome.message.startswith("validator Job did not complete within its 5m30s deadline")


def test_no_pod_and_no_failure_is_other() -> None:
    outcome, _ = completed_outcome({"status": {}}, None, "aicr-x-1", 60)
    assert (outcome.exit_code, outcome.message) == (-1, "pod not found for Job aicr-x-1")


def test_timeout_outcomes() -> None:
    outcome, _ = abandoned_outcome(None, 120)
    assert (outcome.exit_code, outcome.message) == (-1, "pod never reached running state")
    pending = {
        "metadata": {"name": "p"},
        "status": {
            "phase": "Pending",
            "conditions": [
                {
                    "type": "PodScheduled",
                    "status": "False",
                    "reason": "Unschedulable",
                    "message": "0/3 nodes are available",
                }
            ],
        },
    }
    outcome, _ = abandoned_outcome(pending, 120)
    assert outcome.message == "pod never reached running state: Unschedulable: 0/3 nodes are available"
    outcome, read = abandoned_outcome(pod({"running": {}}), 120)
    assert (outcome.exit_code, outcome.message, read) == (
        -1,
        "timeout: validator did not complete within 2m0s",
        True,
    )


def test_termination_message_is_bounded_without_splitting_characters() -> None:
    text = "é" * 3000  # 6000 bytes
    bounded = bound_message(text)
    head = bounded.split("...")[0]
    assert len(head.encode()) == 4096 and bounded.endswith("[truncated 1904 bytes]")
