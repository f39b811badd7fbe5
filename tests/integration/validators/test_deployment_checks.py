"""gpu-operator-version, check-nvidia-smi and gke-gpu-nic-networks against emulated cluster states (§4.1)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.integration.validators.conftest import RUN_ID
from tests.support.kube_emulator import KubeEmulator
from tests.support.validator_workloads import pod_runner, register

from aicr.k8s.runs import run_name
from aicr.validators.gke_networks import gke_gpu_nic_networks
from aicr.validators.nvidia_smi import check_nvidia_smi
from aicr.validators.operator_version import gpu_operator_version
from aicr.validators.polling import Clock

SMI_LOG = (Path(__file__).parents[2] / "fixtures" / "validators" / "nvidia-smi-h100.txt").read_text()


def recipe(**constraints: str) -> dict[str, Any]:
    entries = [{"name": k, "value": v} for k, v in constraints.items()]
    return {"componentRefs": [], "validation": {"deployment": {"constraints": entries}}}


def operator(namespace: str, name: str, image: str) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"template": {"spec": {"containers": [{"name": "op", "image": image}]}}},
    }


VERSION = "Deployment.gpu-operator.version"


def test_operator_version_meets_floor(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    kube.add(
        "apps/v1/deployments", operator("gpu-operator", "gpu-operator", "nvcr.io/nvidia/gpu-operator:v25.3.1")
    )
    outcome = run_on(gpu_operator_version, recipe(**{VERSION: ">= v24.6.0"}))
    assert outcome.code == 0, outcome.message
    assert "RESULT: gpu-operator version: v25.3.1" in outcome.out


def test_operator_version_below_floor_fails(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    kube.add(
        "apps/v1/deployments", operator("kube-system", "nvidia-gpu-operator", "x/gpu-operator:24.3.0-ubi8")
    )
    outcome = run_on(gpu_operator_version, recipe(**{VERSION: ">= v24.6.0"}))
    assert outcome.code == 1
    assert (
        outcome.message
        == "GPU Operator version v24.3.0 does not satisfy Deployment.gpu-operator.version >= v24.6.0"
    )


def test_operator_version_without_constraint_passes(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    kube.add("apps/v1/deployments", operator("gpu-operator", "gpu-operator", "x/gpu-operator:v24.9.0"))
    assert run_on(gpu_operator_version, recipe()).code == 0


def test_operator_missing_fails(run_on: Callable[..., Any]) -> None:
    outcome = run_on(gpu_operator_version, recipe())
    assert outcome.code == 1
    assert outcome.message.startswith(
        "GPU Operator Deployment (gpu-operator or nvidia-gpu-operator) not found"
    )


def gpu_node(name: str, gpus: str = "8", cordoned: bool = False) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name},
        "spec": {"unschedulable": cordoned},
        "status": {"allocatable": {"nvidia.com/gpu": gpus}},
    }


def smi_script(failing: str = "", log: str = SMI_LOG) -> Callable[[dict[str, Any]], tuple[str, str]]:
    def script(pod: dict[str, Any]) -> tuple[str, str]:
        if pod["spec"]["nodeName"] == failing:
            return "Failed", "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver"
        return "Succeeded", log

    return script


def smi_pods_left(kube: KubeEmulator) -> list[str]:
    return [p["metadata"]["name"] for p in kube.objects("v1/pods", "aicr-validation")]


def test_nvidia_smi_passes_on_every_node(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    seen: list[dict[str, Any]] = []
    kube.add(
        "v1/nodes",
        gpu_node("gpu-a"),
        gpu_node("gpu-b"),
        gpu_node("cpu", "0"),
        gpu_node("gpu-c", cordoned=True),
    )
    kube.call(lambda emu: emu.on_create.__setitem__("pods", pod_runner(smi_script(), seen)))
    outcome = run_on(check_nvidia_smi, recipe(**{"Deployment.gpu-driver.version": ">= 570"}))
    assert outcome.code == 0, outcome.message
    assert sorted(p["spec"]["nodeName"] for p in seen) == ["gpu-a", "gpu-b"]
    assert "gpu-c: skipped (cordoned)" in outcome.out
    assert "RESULT: nodesValidated: 2/2" in outcome.out
    assert '##AICR-EXTRA## {"nodesTotal": "2", "nodesValidated": "2"}' in outcome.out
    assert smi_pods_left(kube) == []


def test_nvidia_smi_failing_node_fails_and_cleans_up(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    kube.add("v1/nodes", gpu_node("gpu-a"), gpu_node("gpu-b"))
    kube.call(lambda emu: emu.on_create.__setitem__("pods", pod_runner(smi_script(failing="gpu-b"))))
    outcome = run_on(check_nvidia_smi, recipe())
    assert outcome.code == 1
    assert "gpu-b: pod nvidia-smi-gpu-b-" in outcome.message
    assert "RESULT: nodesValidated: 1/2" in outcome.out
    assert smi_pods_left(kube) == []


def test_nvidia_smi_driver_floor_missed_fails(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    kube.add("v1/nodes", gpu_node("gpu-a"))
    kube.call(lambda emu: emu.on_create.__setitem__("pods", pod_runner(smi_script())))
    outcome = run_on(check_nvidia_smi, recipe(**{"Deployment.gpu-driver.version": ">= 580"}))
    assert outcome.code == 1
    assert "does not satisfy Deployment.gpu-driver.version >= 580" in outcome.message


def test_nvidia_smi_skips_without_gpu_nodes(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    kube.add("v1/nodes", gpu_node("cpu", "0"), gpu_node("gpu-c", cordoned=True))
    outcome = run_on(check_nvidia_smi, recipe())
    assert (outcome.code, outcome.message) == (2, "no schedulable node with allocatable nvidia.com/gpu")


def test_nvidia_smi_skips_when_every_node_is_busy(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    kube.add("v1/nodes", gpu_node("gpu-a"))
    kube.add(
        "v1/pods",
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "train", "namespace": "default"},
            "spec": {"nodeName": "gpu-a", "containers": [{"resources": {"limits": {"nvidia.com/gpu": "8"}}}]},
            "status": {"phase": "Running"},
        },
    )
    outcome = run_on(check_nvidia_smi, recipe())
    assert outcome.code == 2
    assert "busy" in outcome.message


def test_nvidia_smi_pods_are_deleted_when_the_api_fails(
    kube: KubeEmulator, run_on: Callable[..., Any]
) -> None:
    kube.add("v1/nodes", gpu_node("gpu-a"))
    kube.call(lambda emu: emu.on_create.__setitem__("pods", pod_runner(smi_script())))
    seen: list[dict[str, Any]] = []
    kube.call(lambda emu: emu.on_create.__setitem__("pods", pod_runner(smi_script(), seen)))
    pod = run_name("nvidia-smi-gpu-a", RUN_ID)
    kube.call(lambda emu: emu.fail("GET", "pods", 500, name=pod))
    outcome = run_on(check_nvidia_smi, recipe())
    assert outcome.code == 1
    assert [p["metadata"]["name"] for p in seen] == [pod]
    assert smi_pods_left(kube) == []


def network(name: str, kind: str = "Device") -> dict[str, Any]:
    return {
        "apiVersion": "networking.gke.io/v1",
        "kind": "Network",
        "metadata": {"name": name},
        "spec": {"type": kind},
    }


TCPXO_RECIPE = {"componentRefs": [{"name": "gke-nccl-tcpxo", "namespace": "kube-system"}]}


def tcpxo_cluster(kube: KubeEmulator, nics: int = 8, ready: int = 2) -> None:
    register(kube, "networking.gke.io/v1/networks", "Network", namespaced=False)
    kube.add(
        "networking.gke.io/v1/networks",
        network("default", "L3"),
        *(network(f"gpu-nic-{i}") for i in range(nics)),
    )
    kube.add(
        "apps/v1/daemonsets",
        {
            "apiVersion": "apps/v1",
            "kind": "DaemonSet",
            "metadata": {"name": "nccl-tcpxo-installer", "namespace": "kube-system"},
            "status": {"desiredNumberScheduled": 2, "numberReady": ready},
        },
    )


def test_gpu_nic_networks_pass(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    tcpxo_cluster(kube)
    outcome = run_on(gke_gpu_nic_networks, TCPXO_RECIPE)
    assert outcome.code == 0, outcome.message
    assert "RESULT: gpuNicNetworks: 8/8" in outcome.out


def test_gpu_nic_networks_too_few_fail(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    tcpxo_cluster(kube, nics=7)
    outcome = run_on(gke_gpu_nic_networks, TCPXO_RECIPE)
    assert (outcome.code, outcome.message) == (1, "found 7 of 8 Network objects named *gpu-nic*")


def test_gpu_nic_networks_installer_not_ready_fails(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    tcpxo_cluster(kube, ready=1)
    outcome = run_on(gke_gpu_nic_networks, TCPXO_RECIPE)
    assert outcome.code == 1
    assert "nccl-tcpxo-installer: 1/2 pods ready" in outcome.message


def test_gpu_nic_networks_api_missing_fails(run_on: Callable[..., Any]) -> None:
    outcome = run_on(gke_gpu_nic_networks, TCPXO_RECIPE)
    assert outcome.code == 1
    assert "Network API not served" in outcome.message


def test_gpu_nic_networks_skip_without_tcpxo(run_on: Callable[..., Any]) -> None:
    outcome = run_on(gke_gpu_nic_networks, recipe())
    assert outcome.code == 2
    assert "gke-nccl-tcpxo not declared" in outcome.message


class FakeClock(Clock):
    """Time that moves only when slept."""

    def __init__(self) -> None:
        self.t = 0.0

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds


def test_nvidia_smi_pod_that_never_finishes_fails_and_is_deleted(
    kube: KubeEmulator, run_on: Callable[..., Any]
) -> None:
    kube.add("v1/nodes", gpu_node("gpu-a"))
    kube.call(lambda emu: emu.on_create.__setitem__("pods", pod_runner(lambda pod: ("Pending", ""))))
    clock = FakeClock()
    outcome = run_on(lambda ctx: check_nvidia_smi(ctx, clock=clock), recipe(), {"AICR_CHECK_TIMEOUT": "30s"})
    assert outcome.code == 1
    assert "did not finish within 30s (phase Pending)" in outcome.message
    assert clock.t == 30.0
    assert smi_pods_left(kube) == []
