"""Slinky Slurm checks against the emulated API: the helper pod's log is judged, the pod removed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.integration.validators.conftest import Runner, recipe_with
from tests.support.conformance_cluster import gpu_node, ns, pod_outcome
from tests.support.kube_emulator import KubeEmulator

from aicr.validators.runtime import EXIT_FAILED, EXIT_PASSED, EXIT_SKIPPED

FIXTURES = Path(__file__).parents[2] / "fixtures" / "validators" / "conformance"
RECIPE = recipe_with("slinky-slurm", slinky_slurm="slurm")
READY = {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}


def slinky(kube: KubeEmulator, *, kwok: bool = False, login_ready: bool = True) -> None:
    kube.add("v1/namespaces", ns("slurm"))
    kube.add(
        "v1/nodes",
        {
            **gpu_node("worker-0", labels={"nvidia.com/gpu.clique": "abc.1"}),
            "metadata": {
                "name": "worker-0",
                "labels": {"nvidia.com/gpu.clique": "abc.1"},
                "annotations": {"kwok.x-k8s.io/node": "fake"} if kwok else {},
            },
        },
    )
    for kind, plural, app in (("LoginSet", "loginsets", "login"), ("NodeSet", "nodesets", "slurmd")):
        kube.add(
            f"slinky.slurm.net/v1beta1/{plural}",
            {
                "apiVersion": "slinky.slurm.net/v1beta1",
                "kind": kind,
                "metadata": {"name": f"slurm-{app}", "namespace": "slurm"},
                "spec": {"controllerRef": {"name": "slinky-slurm"}},
                "status": {"selector": f"app.kubernetes.io/name={app}"},
            },
        )
    kube.add(
        "v1/pods",
        {
            "metadata": {
                "name": "slurm-login-0",
                "namespace": "slurm",
                "labels": {"app.kubernetes.io/name": "login"},
            },
            "spec": {"containers": [{"name": "login", "image": "ghcr.io/slinkyproject/login:25.05"}]},
            "status": READY if login_ready else {"phase": "Pending"},
        },
        {
            "metadata": {
                "name": "slurm-worker-0",
                "namespace": "slurm",
                "labels": {"app.kubernetes.io/name": "slurmd"},
            },
            "spec": {"nodeName": "worker-0"},
            "status": READY,
        },
    )


def helper_logs(kube: KubeEmulator, fixture: str, seen: list[dict[str, Any]]) -> None:
    log = (FIXTURES / fixture).read_text()
    kube.call(
        lambda emu: emu.on_create.__setitem__("pods", pod_outcome(lambda pod: ("Succeeded", log), seen))
    )


def helpers_left(kube: KubeEmulator) -> list[str]:
    return [
        p["metadata"]["name"]
        for p in kube.objects("v1/pods", "slurm")
        if p["metadata"]["name"].startswith("aicr-")
    ]


def test_healthy_slurm_passes_and_helper_is_removed(kube: KubeEmulator, run_conformance: Runner) -> None:
    slinky(kube)
    seen: list[dict[str, Any]] = []
    helper_logs(kube, "slurm-health-pass.log", seen)
    outcome = run_conformance("slinky-slurm-health", RECIPE)
    assert outcome.code == EXIT_PASSED, outcome.message
    assert seen[0]["spec"]["containers"][0]["image"] == "ghcr.io/slinkyproject/login:25.05"
    assert seen[0]["metadata"]["labels"]["aicr.nvidia.com/run-id"] == "20261204-100000-0123456789abcdef"
    assert helpers_left(kube) == []


def test_slurm_without_idle_nodes_fails(kube: KubeEmulator, run_conformance: Runner) -> None:
    slinky(kube)
    helper_logs(kube, "slurm-health-no-nodes.log", [])
    outcome = run_conformance("slinky-slurm-health", RECIPE)
    assert outcome.code == EXIT_FAILED
    assert (
        "sinfo idle/mix: no idle or mixed Slurm node" in outcome.message
        and "srun hostname: exit code 1" in outcome.message
    )
    assert helpers_left(kube) == []


def test_no_ready_login_pod_fails(kube: KubeEmulator, run_conformance: Runner) -> None:
    slinky(kube, login_ready=False)
    outcome = run_conformance("slinky-slurm-health", RECIPE)
    assert outcome.code == EXIT_FAILED and "no ready Slinky login pod" in outcome.message


def test_slurm_health_skips_without_component(kube: KubeEmulator, run_conformance: Runner) -> None:
    outcome = run_conformance("slinky-slurm-health", recipe_with("gpu-operator"))
    assert (outcome.code, outcome.message) == (EXIT_SKIPPED, "slinky-slurm component not present in recipe")


def test_slurm_health_skips_without_slinky_api(kube: KubeEmulator, run_conformance: Runner) -> None:
    kube.call(lambda emu: [emu.resources.pop(r) for r in list(emu.resources) if "slinky" in str(r)])
    outcome = run_conformance("slinky-slurm-health", RECIPE)
    assert outcome.code == EXIT_SKIPPED and "slinky.slurm.net/v1beta1" in outcome.message


def test_slurm_health_skips_on_kwok_workers(kube: KubeEmulator, run_conformance: Runner) -> None:
    slinky(kube, kwok=True)
    outcome = run_conformance("slinky-slurm-health", RECIPE)
    assert outcome.code == EXIT_SKIPPED and "KWOK" in outcome.message


def test_distinct_imex_channels_pass(kube: KubeEmulator, run_conformance: Runner) -> None:
    slinky(kube)
    helper_logs(kube, "slurm-imex-distinct.log", [])
    outcome = run_conformance("slinky-slurm-imex-channel", RECIPE)
    assert outcome.code == EXIT_PASSED, outcome.message
    assert helpers_left(kube) == []


def test_shared_imex_channel_fails(kube: KubeEmulator, run_conformance: Runner) -> None:
    slinky(kube)
    helper_logs(kube, "slurm-imex-shared.log", [])
    outcome = run_conformance("slinky-slurm-imex-channel", RECIPE)
    assert outcome.code == EXIT_FAILED and "share IMEX channel(s) [0]" in outcome.message


def test_imex_skips_without_an_nvlink_clique(kube: KubeEmulator, run_conformance: Runner) -> None:
    slinky(kube)
    kube.call(lambda emu: emu.store("v1/nodes", gpu_node("worker-0")))
    outcome = run_conformance("slinky-slurm-imex-channel", RECIPE)
    assert outcome.code == EXIT_SKIPPED and "nvidia.com/gpu.clique" in outcome.message
