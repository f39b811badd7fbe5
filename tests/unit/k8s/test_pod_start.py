"""Why a Job's pod cannot start, read from pod status and Job events (aicr.k8s.jobs, pure parts)."""

from __future__ import annotations

from typing import Any

import pytest

from aicr.errors import Code
from aicr.k8s.jobs import event_problem, failed_create_code, pod_problem


def waiting(reason: str, message: str = "m") -> dict[str, Any]:
    state = {"waiting": {"reason": reason, "message": message}}
    return {"status": {"phase": "Pending", "containerStatuses": [{"name": "c", "state": state}]}}


@pytest.mark.parametrize(
    "reason", ["ImagePullBackOff", "ErrImagePull", "InvalidImageName", "CreateContainerConfigError"]
)
def test_stuck_container_reasons_are_problems(reason: str) -> None:
    assert pod_problem(waiting(reason, "why")) == (reason, "why")


@pytest.mark.parametrize("reason", ["ContainerCreating", "PodInitializing"])
def test_normal_waiting_reasons_are_not(reason: str) -> None:
    assert pod_problem(waiting(reason)) is None


def test_init_container_image_pull_is_a_problem() -> None:
    pod = {"status": {"initContainerStatuses": [{"state": {"waiting": {"reason": "ErrImagePull"}}}]}}
    assert pod_problem(pod) == ("ErrImagePull", "")


def test_unschedulable_carries_the_scheduler_message() -> None:
    cond = {"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": "0/2 nodes"}
    assert pod_problem({"status": {"conditions": [cond]}}) == ("Unschedulable", "0/2 nodes")


def test_running_pod_and_no_pod_are_fine() -> None:
    assert pod_problem({"status": {"phase": "Running"}}) is None
    assert pod_problem(None) is None


def test_newest_failed_create_event_wins() -> None:
    events = [
        {
            "type": "Warning",
            "reason": "FailedCreate",
            "message": "old",
            "lastTimestamp": "2025-01-01T00:00:01Z",
        },
        {
            "type": "Warning",
            "reason": "FailedCreate",
            "message": "new",
            "lastTimestamp": "2025-01-01T00:00:09Z",
        },
        {
            "type": "Normal",
            "reason": "SuccessfulCreate",
            "message": "x",
            "lastTimestamp": "2025-01-01T00:00:10Z",
        },
    ]
    assert event_problem(events) == ("FailedCreate", "new")


def test_normal_events_are_no_problem() -> None:
    assert event_problem([{"type": "Normal", "reason": "SuccessfulCreate"}]) is None


@pytest.mark.parametrize(
    ("message", "code"),
    [
        (
            'Error creating: pods "p" is forbidden: violates PodSecurity "restricted:latest": x',
            Code.UNAUTHORIZED,
        ),
        ('Error creating: pods "p" is forbidden: exceeded quota: q, requested: cpu=2', Code.INVALID_REQUEST),
        (
            'Error creating: pods "p" is forbidden: error looking up service account ns/sa: serviceaccount "sa" not found',
            Code.INVALID_REQUEST,
        ),
    ],
)
def test_failed_create_codes(message: str, code: Code) -> None:
    assert failed_create_code(message) is code
