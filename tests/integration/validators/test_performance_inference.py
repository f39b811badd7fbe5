"""inference-perf against the emulated API: scripted Dynamo operator and load Job (§4.2)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import kmock
import pytest
from tests.integration.validators.conftest import RUN_ID
from tests.support.kube_emulator import KubeEmulator, PatchedEmulator
from tests.support.validator_workloads import crd, job_runner, register

from aicr.validators.performance import CHECKS

LOG = (Path(__file__).parents[2] / "fixtures" / "validators" / "aiperf-load-job.log").read_text()
DGDS = "nvidia.com/v1alpha1/dynamographdeployments"
NAMESPACE = f"aicr-inference-perf-{RUN_ID}"


def recipe(throughput: str | None = ">= 50000", dynamo: bool = True) -> dict[str, Any]:
    constraints = [{"name": "inference-ttft-p99", "value": "<= 2000"}]
    if throughput:
        constraints.append({"name": "inference-throughput", "value": throughput})
    refs = [{"name": "dynamo-platform", "namespace": "dynamo-system"}] if dynamo else []
    return {"componentRefs": refs, "validation": {"performance": {"constraints": constraints}}}


def ready_graph(emu: PatchedEmulator, obj: dict[str, Any]) -> None:
    stored = emu._get(kmock.resource(DGDS), obj["metadata"]["namespace"], obj["metadata"]["name"])
    stored.patch({"status": {"conditions": [{"type": "Ready", "status": "True"}]}})


def cluster(
    kube: KubeEmulator, *, crd_installed: bool = True, logs: str = LOG, outcome: str = "complete"
) -> None:
    node = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": "gpu-a"},
        "status": {"allocatable": {"nvidia.com/gpu": "8"}},
    }
    kube.add("v1/nodes", node)
    register(kube, DGDS, "DynamoGraphDeployment")
    if crd_installed:
        kube.add(
            "apiextensions.k8s.io/v1/customresourcedefinitions", crd("dynamographdeployments.nvidia.com")
        )
    kube.call(lambda emu: emu.on_create.__setitem__("dynamographdeployments", ready_graph))
    kube.call(lambda emu: emu.on_create.__setitem__("jobs", job_runner(logs, outcome)))


def leftovers(kube: KubeEmulator) -> list[str]:
    names = [
        n["metadata"]["name"] for n in kube.objects("v1/namespaces") if n["metadata"]["name"] == NAMESPACE
    ]
    names += [o["metadata"]["name"] for o in kube.objects(DGDS, NAMESPACE)]
    return names + [o["metadata"]["name"] for o in kube.objects("batch/v1/jobs", NAMESPACE)]


def test_gates_met_pass_and_clean_up(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    cluster(kube)
    outcome = run_on(CHECKS["inference-perf"], recipe())
    assert outcome.code == 0, outcome.message
    assert "RESULT: throughput 53437.9 tok/s, TTFT p99 1480.3 ms" in outcome.out
    assert leftovers(kube) == []


def test_throughput_below_floor_fails_and_cleans_up(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    cluster(kube)
    outcome = run_on(CHECKS["inference-perf"], recipe(">= 80000"))
    assert outcome.code == 1
    assert outcome.message.startswith("throughput 53437.9 tok/s vs floor 80000.0")
    assert leftovers(kube) == []


def test_failed_load_job_fails_and_cleans_up(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    cluster(kube, logs="aiperf: cannot reach the frontend\n", outcome="failed")
    outcome = run_on(CHECKS["inference-perf"], recipe())
    assert outcome.code == 1
    assert "cannot reach the frontend" in outcome.message
    assert leftovers(kube) == []


def test_api_error_still_cleans_up(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    cluster(kube)
    kube.call(lambda emu: emu.fail("POST", "jobs", 500))
    outcome = run_on(CHECKS["inference-perf"], recipe())
    assert outcome.code == 1
    assert leftovers(kube) == []


@pytest.mark.parametrize(
    ("rec", "installed", "message"),
    [
        ({"componentRefs": [], "validation": {}}, True, "declares neither"),
        (recipe(dynamo=False), True, "dynamo-platform is not in the recipe"),
        (recipe(), False, "CRD dynamographdeployments.nvidia.com not installed"),
    ],
    ids=["no-constraints", "no-dynamo", "no-crd"],
)
def test_skips(
    kube: KubeEmulator, run_on: Callable[..., Any], rec: dict[str, Any], installed: bool, message: str
) -> None:
    cluster(kube, crd_installed=installed)
    outcome = run_on(CHECKS["inference-perf"], rec)
    assert outcome.code == 2
    assert message in outcome.message


def test_skips_when_every_gpu_is_busy(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    cluster(kube)
    busy = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "train", "namespace": "default"},
        "spec": {"nodeName": "gpu-a", "containers": [{"resources": {"limits": {"nvidia.com/gpu": "8"}}}]},
        "status": {"phase": "Running"},
    }
    kube.add("v1/pods", busy)
    outcome = run_on(CHECKS["inference-perf"], recipe())
    assert (outcome.code, outcome.message) == (2, "no free GPU (8 allocatable, all in use)")
