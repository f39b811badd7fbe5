"""The EKS H100 training recipe's deployment and performance checks against emulated clusters.

The recipe comes from the embedded catalog; every check it declares under validation.deployment
and validation.performance runs through the real check runtime against the emulated API (a
CheckContext bound to the emulator client stands in for the validator Job). A healthy cluster
passes every check; a degraded one fails the checks that look at what broke.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.support.kube_emulator import KubeEmulator
from tests.support.validator_workloads import crd, pod_runner, register, trainjob_runner

import aicr
from aicr.validators.checks import CHECKS

FIXTURES = Path(__file__).parents[2] / "fixtures" / "validators"
SMI = (FIXTURES / "nvidia-smi-h100.txt").read_text()
NCCL = (FIXTURES / "all-reduce-perf-h100-efa.txt").read_text()


@pytest.fixture(scope="module")
def recipe() -> dict[str, Any]:
    criteria = aicr.Criteria(service="eks", accelerator="h100", intent="training", os="ubuntu")
    result: dict[str, Any] = aicr.load_catalog().resolve(criteria).to_dict()
    return result


def declared(recipe: dict[str, Any]) -> list[str]:
    validation = recipe["validation"]
    checks: list[str] = validation["deployment"]["checks"] + validation["performance"]["checks"]
    return checks


def workload(res: dict[str, str], degraded: set[str]) -> tuple[str, dict[str, Any]]:
    broken = res["name"] in degraded
    obj: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": res["kind"],
        "metadata": {"name": res["name"], "namespace": res["namespace"]},
        "spec": {
            "replicas": 1,
            "template": {"spec": {"containers": [{"name": "c", "image": "x/y:v25.3.1"}]}},
        },
    }
    if res["kind"] == "DaemonSet":
        obj["status"] = {"desiredNumberScheduled": 2, "numberReady": 1 if broken else 2}
        return "apps/v1/daemonsets", obj
    obj["status"] = {"availableReplicas": 0 if broken else 1}
    return "apps/v1/deployments", obj


def emulate(kube: KubeEmulator, recipe: dict[str, Any], *, degraded: set[str], nccl_log: str) -> None:
    """Namespaces, workloads, GPU nodes, operator pods, Trainer CRDs and scripted runners."""
    namespaces = {str(ref["namespace"]) for ref in recipe["componentRefs"]} - {"default", "kube-system"}
    kube.add(
        "v1/namespaces",
        *({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n}} for n in namespaces),
    )
    for ref in recipe["componentRefs"]:
        for res in ref.get("expectedResources") or []:
            kube.add(*workload(res, degraded))
    kube.add(
        "v1/pods",
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": "gpu-operator-abc",
                "namespace": "gpu-operator",
                "labels": {"app": "gpu-operator"},
            },
            "status": {"phase": "Running"},
        },
    )
    allocatable = {"nvidia.com/gpu": "8", "vpc.amazonaws.com/efa": "32"}
    kube.add(
        "v1/nodes",
        *(
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {"name": f"p5-{i}"},
                "status": {"allocatable": allocatable},
            }
            for i in range(2)
        ),
    )
    for plural, kind in (("trainjobs", "TrainJob"), ("trainingruntimes", "TrainingRuntime")):
        register(kube, f"trainer.kubeflow.org/v1alpha1/{plural}", kind)
        kube.add("apiextensions.k8s.io/v1/customresourcedefinitions", crd(f"{plural}.trainer.kubeflow.org"))
    kube.call(lambda emu: emu.on_create.__setitem__("pods", pod_runner(lambda pod: ("Succeeded", SMI))))
    kube.call(lambda emu: emu.on_create.__setitem__("trainjobs", trainjob_runner(nccl_log)))


def test_recipe_declares_the_deployment_checks_and_the_nccl_floor(recipe: dict[str, Any]) -> None:
    assert declared(recipe) == [
        "operator-health",
        "expected-resources",
        "gpu-operator-version",
        "check-nvidia-smi",
        "nccl-all-reduce-bw",
    ]


def test_healthy_cluster_passes_every_declared_check(
    kube: KubeEmulator, run_on: Callable[..., Any], recipe: dict[str, Any]
) -> None:
    emulate(kube, recipe, degraded=set(), nccl_log=NCCL)
    verdicts = {name: run_on(CHECKS[name], recipe) for name in declared(recipe)}
    assert {name: o.code for name, o in verdicts.items()} == dict.fromkeys(declared(recipe), 0), {
        n: o.message for n, o in verdicts.items()
    }
    assert "RESULT: nodesValidated: 2/2" in verdicts["check-nvidia-smi"].out
    assert "Constraint: >= 300 → true" in verdicts["nccl-all-reduce-bw"].out


def test_degraded_cluster_fails_the_checks_that_see_it(
    kube: KubeEmulator, run_on: Callable[..., Any], recipe: dict[str, Any]
) -> None:
    slow = NCCL.replace("  309.26      0", "  240.00      0")
    emulate(kube, recipe, degraded={"nvidia-dcgm-exporter"}, nccl_log=slow)
    codes = {name: run_on(CHECKS[name], recipe).code for name in declared(recipe)}
    assert codes == {
        "operator-health": 0,
        "expected-resources": 1,
        "gpu-operator-version": 0,
        "check-nvidia-smi": 0,
        "nccl-all-reduce-bw": 1,
    }
