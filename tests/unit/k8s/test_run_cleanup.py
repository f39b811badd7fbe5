"""RunObjects.cleanup against a scripted client: bounded retries, order, kubectl commands, waits."""

from __future__ import annotations

from typing import Any

import pytest

from aicr.errors import AicrError, Code
from aicr.k8s.runs import RunObjects, kubectl_deletes


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class Client:
    """Deletes fail with `down` until `down_until` (clock time); objects linger for `linger` finds."""

    def __init__(
        self, clock: Clock, down_until: float = 0.0, linger: int = 0, error: AicrError | None = None
    ) -> None:
        self.clock = clock
        self.down_until = down_until
        self.linger = linger
        self.error = error or AicrError(Code.UNAVAILABLE, "connection refused")
        self.deleted: list[str] = []
        self.finds = 0

    def delete(self, kind: str, name: str, namespace: str | None = None, **kw: Any) -> bool:
        if self.clock.now < self.down_until:
            raise self.error
        self.deleted.append(f"{kind}/{name}")
        return True

    def find(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        self.finds += 1
        return {} if self.finds <= self.linger else None


def objects(clock: Clock, budget: float = 60.0) -> RunObjects:
    run = RunObjects()
    run.clock, run.sleep, run.budget = clock, clock.sleep, budget
    run.expect("ServiceAccount", "sa", "ns")
    run.expect("ClusterRoleBinding", "crb")
    run.expect("Job", "job", "ns")
    return run


def test_deletes_go_workloads_first_cluster_grants_last() -> None:
    clock = Clock()
    client = Client(clock)
    assert objects(clock).cleanup(client) == []  # type: ignore[arg-type]
    assert client.deleted == ["Job/job", "ServiceAccount/sa", "ClusterRoleBinding/crb"]


def test_an_outage_shorter_than_the_budget_is_ridden_out() -> None:
    clock = Clock()
    client = Client(clock, down_until=20.0)
    assert objects(clock).cleanup(client) == []  # type: ignore[arg-type]
    assert len(client.deleted) == 3


def test_a_lasting_outage_is_unavailable_after_the_budget() -> None:
    clock = Clock()
    client = Client(clock, down_until=1e9)
    with pytest.raises(AicrError) as err:
        objects(clock, budget=30.0).cleanup(client)  # type: ignore[arg-type]
    assert err.value.code is Code.UNAVAILABLE
    assert clock.now == pytest.approx(30.0)
    assert (
        "kubectl delete job job -n ns\n  kubectl delete serviceaccount sa -n ns\n  kubectl delete clusterrolebinding crb"
        in (err.value.message)
    )


def test_a_500_is_a_failure_not_an_outage() -> None:
    clock = Clock()
    client = Client(clock, down_until=1e9, error=AicrError(Code.UNAVAILABLE, "etcd", {"status": 500}))
    failures = objects(clock).cleanup(client)  # type: ignore[arg-type]
    assert len(failures) == 3 and clock.now == 0.0


def test_cleanup_waits_until_deleted_workloads_are_gone() -> None:
    clock = Clock()
    client = Client(clock, linger=3)
    objects(clock).cleanup(client)  # type: ignore[arg-type]
    assert client.finds == 4 and clock.now > 0


def test_waiting_for_deletion_is_bounded() -> None:
    clock = Clock()
    client = Client(clock, linger=10**6)
    run = objects(clock)
    run.gone_wait = 5.0
    run.cleanup(client)  # type: ignore[arg-type]
    assert 5.0 <= clock.now < 60.0


def test_kubectl_commands_name_kind_name_and_namespace() -> None:
    entries: list[dict[str, Any]] = [
        {"kind": "ConfigMap", "name": "cm", "namespace": "ns"},
        {"kind": "ClusterRole", "name": "cr", "namespace": None},
    ]
    assert kubectl_deletes(entries) == ["kubectl delete configmap cm -n ns", "kubectl delete clusterrole cr"]
