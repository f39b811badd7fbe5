"""The NCCL all-reduce checks against the emulated API: a scripted Trainer runs the TrainJob.

Covers pass, fail, each skip, the -net and -nvls transports, and cleanup of everything the run
created on the success, failure and exception paths (reference/validate.md §4.2).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.integration.validators.conftest import RUN_ID
from tests.support.kube_emulator import KubeEmulator
from tests.support.validator_workloads import TRAINJOBS, crd, register, trainjob_runner

from aicr.validators.performance import CHECKS

LOG = (Path(__file__).parents[2] / "fixtures" / "validators" / "all-reduce-perf-h100-efa.txt").read_text()
NAMESPACE = f"aicr-nccl-perf-bw-{RUN_ID}"
TRAINER = "trainer.kubeflow.org/v1alpha1"
NET = "nccl-all-reduce-bw-net"
NVLS = "nccl-all-reduce-bw-nvls"


def recipe(
    service: str = "eks",
    accelerator: str = "h100",
    floor: str | None = ">= 300",
    check: str = "nccl-all-reduce-bw",
) -> dict[str, Any]:
    constraints = [] if floor is None else [{"name": check, "value": floor}]
    return {
        "criteria": {"service": service, "accelerator": accelerator, "intent": "training"},
        "componentRefs": [],
        "validation": {"performance": {"constraints": constraints}},
    }


def gpu_node(name: str) -> dict[str, Any]:
    allocatable = {"nvidia.com/gpu": "8", "vpc.amazonaws.com/efa": "32"}
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name},
        "status": {"allocatable": allocatable},
    }


def cluster(kube: KubeEmulator, *, nodes: int = 2, trainer: bool = True, dra: bool = False) -> None:
    kube.add("v1/nodes", *(gpu_node(f"p5-{i}") for i in range(nodes)))
    register(kube, f"{TRAINER}/trainjobs", "TrainJob")
    register(kube, f"{TRAINER}/trainingruntimes", "TrainingRuntime")
    register(kube, "resource.nvidia.com/v1beta1/computedomains", "ComputeDomain")
    if trainer:
        kube.add(
            "apiextensions.k8s.io/v1/customresourcedefinitions",
            crd("trainjobs.trainer.kubeflow.org"),
            crd("trainingruntimes.trainer.kubeflow.org"),
        )
    if dra:
        kube.add(
            "apiextensions.k8s.io/v1/customresourcedefinitions", crd("computedomains.resource.nvidia.com")
        )


def play(kube: KubeEmulator, logs: str = LOG, outcome: str = "complete") -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    kube.call(lambda emu: emu.on_create.__setitem__("trainjobs", trainjob_runner(logs, outcome, seen)))
    return seen


def leftovers(kube: KubeEmulator, namespace: str = NAMESPACE) -> list[str]:
    found = [
        f"Namespace/{n['metadata']['name']}"
        for n in kube.objects("v1/namespaces")
        if n["metadata"]["name"] == namespace
    ]
    for res in (TRAINJOBS, f"{TRAINER}/trainingruntimes", "resource.nvidia.com/v1beta1/computedomains"):
        found += [f"{res}/{o['metadata']['name']}" for o in kube.objects(res, namespace)]
    return found


def test_bandwidth_above_ninety_percent_passes(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    cluster(kube)
    seen = play(kube)
    outcome = run_on(CHECKS["nccl-all-reduce-bw"], recipe())
    assert outcome.code == 0, outcome.message
    assert "NCCL All Reduce bandwidth: 309.26 GB/s" in outcome.out
    assert "Constraint: >= 300 → true" in outcome.out
    assert '##AICR-EXTRA## {"runtimeSource": "delivered-artifact"}' in outcome.out
    assert seen[0]["metadata"]["namespace"] == NAMESPACE
    assert leftovers(kube) == []


def test_bandwidth_below_floor_fails_and_cleans_up(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    cluster(kube)
    play(kube)
    outcome = run_on(CHECKS["nccl-all-reduce-bw"], recipe(floor=">= 400"))
    assert outcome.code == 1
    assert outcome.message == "bus bandwidth 309.26 GB/s is below 90% of nccl-all-reduce-bw 400 GB/s"
    assert "Constraint: >= 400 → false" in outcome.out
    assert leftovers(kube) == []


def test_failed_trainjob_fails_with_the_log_tail(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    cluster(kube)
    play(kube, logs="mpirun: ssh: connect to host node-0-1: Connection refused\n", outcome="failed")
    outcome = run_on(CHECKS["nccl-all-reduce-bw"], recipe())
    assert outcome.code == 1
    assert "Connection refused" in outcome.message
    assert leftovers(kube) == []


def test_api_error_while_waiting_still_cleans_up(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    cluster(kube)
    seen = play(kube)
    kube.call(lambda emu: emu.fail("GET", "trainjobs", 500, name="nccl-all-reduce-tj"))
    outcome = run_on(CHECKS["nccl-all-reduce-bw"], recipe())
    assert outcome.code == 1
    assert len(seen) == 1
    assert leftovers(kube) == []


def test_unparsable_output_fails(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    cluster(kube)
    play(kube, logs="NCCL WARN something went wrong\n")
    outcome = run_on(CHECKS["nccl-all-reduce-bw"], recipe())
    assert (outcome.code, outcome.message) == (
        1,
        "cannot judge the NCCL output: no all_reduce_perf result table in the output",
    )


@pytest.mark.parametrize(
    ("setup", "rec", "message"),
    [
        ({}, recipe(floor=None), "no nccl-all-reduce-bw constraint"),
        ({"nodes": 1}, recipe(), "at least 2 schedulable GPU nodes, found 1"),
        ({}, recipe("oke", "a100"), "requires Service + Accelerator to be implemented"),
        ({"trainer": False}, recipe(), "trainjobs.trainer.kubeflow.org"),
    ],
    ids=["no-constraint", "one-node", "unsupported-pair", "no-trainer"],
)
def test_skips(
    kube: KubeEmulator, run_on: Callable[..., Any], setup: dict[str, Any], rec: dict[str, Any], message: str
) -> None:
    cluster(kube, **setup)
    seen = play(kube)
    outcome = run_on(CHECKS["nccl-all-reduce-bw"], rec)
    assert outcome.code == 2
    assert message in outcome.message
    assert seen == []


def test_net_socket_fallback_fails(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    cluster(kube)
    play(kube, logs=LOG.replace("Using network EFA", "Using network Socket"))
    outcome = run_on(CHECKS["nccl-all-reduce-bw-net"], recipe(check=NET))
    assert outcome.code == 1
    assert "Socket transport" in outcome.message
    assert leftovers(kube, f"aicr-nccl-perf-net-{RUN_ID}") == []


def test_net_over_efa_passes(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    cluster(kube)
    play(kube)
    outcome = run_on(CHECKS["nccl-all-reduce-bw-net"], recipe(floor=">= 40", check=NET))
    assert outcome.code == 0, outcome.message
    assert "NCCL used network EFA" in outcome.out


def test_nvls_creates_a_compute_domain_and_needs_nvls(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    cluster(kube, dra=True)
    created: list[str] = []
    kube.call(
        lambda emu: emu.on_create.__setitem__(
            "computedomains", lambda e, obj: created.append(obj["metadata"]["name"])
        )
    )
    nvls = LOG + "node-0:47:61 [0] NCCL INFO NVLS comm 0x55d5c8a0e7d0 headRank 0 nHeads 4\n"
    play(kube, logs=nvls)
    outcome = run_on(CHECKS["nccl-all-reduce-bw-nvls"], recipe("eks", "gb200", floor=">= 300", check=NVLS))
    assert outcome.code == 0, outcome.message
    assert created == ["nccl-all-reduce-cd"]
    assert leftovers(kube, f"aicr-nccl-perf-nvls-{RUN_ID}") == []


def test_nvls_without_nvls_communicator_fails(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    cluster(kube, dra=True)
    play(kube)
    outcome = run_on(CHECKS["nccl-all-reduce-bw-nvls"], recipe("eks", "gb200", floor=">= 300", check=NVLS))
    assert outcome.code == 1
    assert "no NVLS communicator" in outcome.message


def test_nvls_skips_without_the_compute_domain_crd(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    cluster(kube)
    outcome = run_on(CHECKS["nccl-all-reduce-bw-nvls"], recipe("eks", "gb200", check=NVLS))
    assert outcome.code == 2
    assert "computedomains.resource.nvidia.com" in outcome.message


def test_variant_reads_its_own_floor(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    cluster(kube)
    play(kube)
    outcome = run_on(CHECKS["nccl-all-reduce-bw-net"], recipe(floor=">= 300"))
    assert outcome.code == 2
    assert "no nccl-all-reduce-bw-net constraint" in outcome.message


def test_runtime_ref_uses_the_cluster_runtime_and_creates_none(
    kube: KubeEmulator, run_on: Callable[..., Any]
) -> None:
    cluster(kube)
    seen = play(kube)
    rec = recipe("oke", "a100")
    rec["validation"]["performance"]["constraints"].append(
        {"name": "nccl-benchmark-runtime-ref", "value": "site-nccl"}
    )
    created: list[str] = []
    kube.call(
        lambda emu: emu.on_create.__setitem__(
            "trainingruntimes", lambda e, obj: created.append(obj["metadata"]["name"])
        )
    )
    outcome = run_on(CHECKS["nccl-all-reduce-bw"], rec)
    assert outcome.code == 0, outcome.message
    assert seen[0]["spec"]["runtimeRef"] == {
        "apiGroup": "trainer.kubeflow.org",
        "kind": "ClusterTrainingRuntime",
        "name": "site-nccl",
    }
    assert created == []
    assert '##AICR-EXTRA## {"runtimeSource": "recipe-supplied-runtime"}' in outcome.out


def test_profile_and_runtime_ref_together_fail(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    cluster(kube)
    rec = recipe()
    rec["validation"]["performance"]["constraints"] += [
        {"name": "nccl-benchmark-runtime-ref", "value": "site-nccl"},
        {"name": "nccl-benchmark-profile", "value": "h100/eks"},
    ]
    outcome = run_on(CHECKS["nccl-all-reduce-bw"], rec)
    assert outcome.code == 1
    assert "mutually exclusive" in outcome.message
