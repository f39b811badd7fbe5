"""ApiClient against an unreliable API: transient read failures are retried, writes are not."""

from __future__ import annotations

import pytest
from tests.support.kube_emulator import KubeEmulator

from aicr.errors import AicrError, Code
from aicr.k8s.client import ApiClient, warning_text


@pytest.fixture
def fast(api: ApiClient) -> ApiClient:
    api.retry_backoff = 0.0
    return api


@pytest.mark.parametrize("mode", ["503", "drop"])
def test_reads_survive_a_short_outage(fast: ApiClient, kube: KubeEmulator, mode: str) -> None:
    kube.call(lambda emu: emu.outage(mode, 2))
    assert fast.get("Namespace", "default")["metadata"]["name"] == "default"
    assert kube.call(lambda emu: emu.outage_hits) == 2


def test_a_lasting_outage_is_unavailable(fast: ApiClient, kube: KubeEmulator) -> None:
    kube.call(lambda emu: emu.outage("503"))
    with pytest.raises(AicrError, match="503") as err:
        fast.get("Namespace", "default")
    assert err.value.code is Code.UNAVAILABLE
    assert kube.call(lambda emu: emu.outage_hits) == 1 + fast.read_retries


def test_writes_are_not_retried(fast: ApiClient, kube: KubeEmulator) -> None:
    kube.call(lambda emu: emu.outage("503", 1))
    with pytest.raises(AicrError) as err:
        fast.create(
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "default"}}
        )
    assert err.value.code is Code.UNAVAILABLE
    assert kube.objects("v1/configmaps", "default") == []


def test_backoff_is_bounded_and_grows(fast: ApiClient, kube: KubeEmulator) -> None:
    delays: list[float] = []
    fast.retry_backoff = 0.5
    fast.sleep = delays.append
    kube.call(lambda emu: emu.outage("503"))
    with pytest.raises(AicrError):
        fast.get("Namespace", "default")
    assert delays == [0.5, 1.0, 2.0, 4.0]


@pytest.mark.parametrize(
    ("header", "text"),
    [
        (
            '299 - "would violate PodSecurity \\"restricted:latest\\": x"',
            'would violate PodSecurity "restricted:latest": x',
        ),
        ('299 - "batch/v1beta1 CronJob is deprecated"', "batch/v1beta1 CronJob is deprecated"),
        ("plain text", "plain text"),
    ],
)
def test_warning_header_text(header: str, text: str) -> None:
    assert warning_text(header) == text
