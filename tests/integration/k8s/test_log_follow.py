"""Following agent logs survives a silent agent: read timeouts reconnect, no line twice, no traceback."""

from __future__ import annotations

import asyncio
import io
import threading
from typing import Any

import pytest
from tests.support.kube_emulator import KubeEmulator, PatchedEmulator

from aicr.k8s.client import ApiClient
from aicr.k8s.jobs import LogFollower

NS, JOB, POD = "default", "agent", "agent-pod"
LABELS = {"aicr.run/run-id": "r1"}
KEY = (NS, POD)


def pod(phase: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": POD, "namespace": NS, "labels": dict(LABELS)},
        "spec": {"containers": [{"name": "aicr", "image": "x"}]},
        "status": {"phase": phase},
    }


@pytest.fixture
def silent_agent(kube: KubeEmulator) -> threading.Event:
    """A running agent that logged one line and then says nothing; set when a reconnect arrives."""
    reconnected = threading.Event()

    def setup(emu: PatchedEmulator) -> None:
        emu.store(
            "batch/v1/jobs",
            {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": JOB, "namespace": NS}},
        )
        emu.store("v1/pods", pod("Running"))
        emu.append_log(NS, POD, "[agent] collecting")
        emu.log_hold[KEY] = asyncio.Event()

        def on_request(e: PatchedEmulator, params: dict[str, str]) -> None:
            if len(e.log_requests) >= 2:
                reconnected.set()

        emu.on_log_request = on_request

    kube.call(setup)
    return reconnected


def finish_agent(emu: PatchedEmulator) -> None:
    emu.append_log(NS, POD, "[agent] snapshot written")
    emu.store("v1/pods", pod("Succeeded"))
    emu.log_hold[KEY].set()


def test_silence_longer_than_the_read_timeout_keeps_the_lines_coming(
    kube: KubeEmulator, api: ApiClient, silent_agent: threading.Event, capsys: pytest.CaptureFixture[str]
) -> None:
    out = io.StringIO()
    follower = LogFollower(api, JOB, NS, LABELS, out, poll=0.01, read_timeout=0.2).start()
    assert silent_agent.wait(30), "the follower never reconnected after the read timeout"
    kube.call(finish_agent)
    follower.finish(30)
    assert out.getvalue() == "[agent] collecting\n[agent] snapshot written\n"
    assert follower.reconnects >= 1
    assert "Traceback" not in capsys.readouterr().err


def test_reconnects_ask_for_lines_since_the_last_one(
    kube: KubeEmulator, api: ApiClient, silent_agent: threading.Event
) -> None:
    follower = LogFollower(api, JOB, NS, LABELS, io.StringIO(), poll=0.01, read_timeout=0.2).start()
    assert silent_agent.wait(30)
    kube.call(finish_agent)
    follower.finish(30)
    first, second = kube.call(lambda emu: list(emu.log_requests))[:2]
    assert first["timestamps"] == "true" and "sinceTime" not in first
    assert second["sinceTime"].endswith("Z") and len(second["sinceTime"]) == 20


def test_a_dropped_stream_is_resumed(
    kube: KubeEmulator, api: ApiClient, silent_agent: threading.Event
) -> None:
    api.retry_backoff = 0.0
    out = io.StringIO()
    follower = LogFollower(api, JOB, NS, LABELS, out, poll=0.01, read_timeout=0.2).start()
    assert silent_agent.wait(30)
    kube.call(lambda emu: emu.outage("drop", 2))
    kube.call(finish_agent)
    follower.finish(30)
    assert out.getvalue() == "[agent] collecting\n[agent] snapshot written\n"
