"""Cleanup survives an API outage: bounded retries, then exit 6 with the `kubectl delete` commands."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.integration.validate.test_orchestration import SNAPSHOT, catalog_of, entry, options, recipe
from tests.integration.validate.validator_jobs import RUNNING, leftovers, validator_controller
from tests.support.kube_emulator import KubeEmulator, PatchedEmulator
from tests.support.kube_jobs import job_controller

from aicr.cli.main import main
from aicr.errors import AicrError, Code
from aicr.k8s import client as client_module
from aicr.k8s import runs
from aicr.k8s.client import ApiClient
from aicr.snapshot.agent import run_agent
from aicr.snapshot.agent_spec import AgentOptions
from aicr.validate.api import validate

from .test_agent import run_objects, set_jobs


class FakeClock:
    """A monotonic clock that `sleep` advances: budgets elapse without waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeClock]:
    fake = FakeClock()
    monkeypatch.setattr(runs, "_clock", fake)
    monkeypatch.setattr(runs, "_sleep", fake.sleep)
    monkeypatch.setattr(client_module, "RETRY_BACKOFF_S", 0.0)
    yield fake


def cut_after_create(hook: Any, mode: str = "503", requests: int | None = None) -> Any:
    """A Job hook that plays `hook`, then cuts the API (the Job's own create still succeeds)."""

    def wrapped(emu: PatchedEmulator, job: dict[str, Any]) -> None:
        hook(emu, job)
        emu.outage(mode, requests)

    return wrapped


def opts(**kw: Any) -> AgentOptions:
    return AgentOptions(poll_interval=0.02, timeout=300.0, stream_logs=False, **kw)


def test_lasting_outage_exits_unavailable_listing_kubectl_deletes(
    kube: KubeEmulator, api: ApiClient, clock: FakeClock
) -> None:
    api.retry_backoff = 0.0
    set_jobs(kube, cut_after_create(job_controller("running")))
    with pytest.raises(AicrError) as err:
        run_agent(api, opts(), run_id="20250101-000000-0123456789abcdef")
    assert err.value.code is Code.UNAVAILABLE
    message = err.value.message
    assert "stayed unavailable for 60s" in message
    rid = "20250101-000000-0123456789abcdef"
    for command in (
        f"kubectl delete job aicr-{rid} -n default",
        f"kubectl delete clusterrolebinding aicr-node-reader-{rid}",
        f"kubectl delete clusterrole aicr-node-reader-{rid}",
        f"kubectl delete serviceaccount aicr-{rid} -n default",
    ):
        assert command in message
    assert sum(clock.slept) == pytest.approx(60.0)
    kube.call(lambda emu: emu.restore())
    assert len(run_objects(kube)) == 7  # what the commands name is really still there


@pytest.mark.parametrize("mode", ["503", "drop"])
def test_short_outage_is_ridden_out_and_nothing_is_left(
    kube: KubeEmulator, api: ApiClient, mode: str
) -> None:
    api.retry_backoff = 0.0
    set_jobs(kube, cut_after_create(job_controller("running"), mode, requests=12))
    with pytest.raises(AicrError) as err:  # the wait itself lost the API
        run_agent(api, opts())
    assert err.value.code is Code.UNAVAILABLE
    assert "delete what remains" not in err.value.message
    assert run_objects(kube) == []


def test_cli_snapshot_outage_exits_6_with_commands(
    kube: KubeEmulator, kubeconfig: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_jobs(kube, cut_after_create(job_controller("running")))
    assert main(["snapshot", "--timeout", "5m"]) == 6
    err = capsys.readouterr().err
    assert "kubectl delete clusterrolebinding aicr-node-reader-" in err
    assert "Traceback" not in err


def test_validate_outage_exits_unavailable_not_internal(kube: KubeEmulator, api: ApiClient) -> None:
    api.retry_backoff = 0.0
    set_jobs(kube, cut_after_create(validator_controller({"c-run": RUNNING})))
    with pytest.raises(AicrError) as err:
        validate(
            recipe(deployment=["c-run"]),
            SNAPSHOT,
            client=api,
            catalog=catalog_of([entry("c-run", timeout="5m")]),
            phases=["deployment"],
            options=options(),
        )
    assert err.value.code is Code.UNAVAILABLE
    assert "kubectl delete clusterrolebinding" in err.value.message
    kube.call(lambda emu: emu.restore())
    assert any("clusterrolebindings" in o for o in leftovers(kube))


class InterruptedCreate(ApiClient):
    """A client whose Job create is interrupted (Ctrl-C) after the server stored the Job."""

    def create(self, obj: dict[str, Any]) -> dict[str, Any]:
        created = super().create(obj)
        if obj.get("kind") == "Job":
            raise KeyboardInterrupt
        return created


def test_ctrl_c_during_job_creation_removes_the_job_and_its_pod(kube: KubeEmulator, kubeconfig: Path) -> None:
    from aicr.k8s.config import ConfigSource

    set_jobs(kube, job_controller("running"))
    client = InterruptedCreate.from_source(ConfigSource("file", str(kubeconfig)))
    with client, pytest.raises(KeyboardInterrupt):
        run_agent(client, opts())
    assert run_objects(kube) == []
    assert kube.objects("v1/pods") == []


def test_ctrl_c_during_validator_job_creation_removes_the_job_and_its_pod(
    kube: KubeEmulator, kubeconfig: Path
) -> None:
    from aicr.k8s.config import ConfigSource

    set_jobs(kube, validator_controller({"c-run": RUNNING}))
    client = InterruptedCreate.from_source(ConfigSource("file", str(kubeconfig)))
    with client, pytest.raises(KeyboardInterrupt):
        validate(
            recipe(deployment=["c-run"]),
            SNAPSHOT,
            client=client,
            catalog=catalog_of([entry("c-run", timeout="5m")]),
            phases=["deployment"],
            options=options(),
        )
    assert leftovers(kube) == []
    assert kube.objects("v1/pods") == []
