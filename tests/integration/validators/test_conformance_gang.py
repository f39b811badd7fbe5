"""gang-scheduling against the emulated API: co-scheduled gang, failures, skip, cleanup."""

from __future__ import annotations

from typing import Any

from tests.integration.validators.conftest import Runner, recipe_with
from tests.support.conformance_cluster import crd, deployment, pod_outcome
from tests.support.kube_emulator import KubeEmulator

from aicr.validators.conf_gang import KAI_CRDS, KAI_DEPLOYMENTS
from aicr.validators.runtime import EXIT_FAILED, EXIT_PASSED, EXIT_SKIPPED

RECIPE = recipe_with("kai-scheduler")


def kai(kube: KubeEmulator, *, binder_ready: bool = True) -> None:
    kube.add(
        "apps/v1/deployments",
        *(deployment(n, "kai-scheduler", 1 if binder_ready or n != "binder" else 0) for n in KAI_DEPLOYMENTS),
    )
    kube.add("apiextensions.k8s.io/v1/customresourcedefinitions", *(crd(n) for n in KAI_CRDS))


def pods_end(kube: KubeEmulator, phase: str, seen: list[dict[str, Any]]) -> None:
    kube.call(
        lambda emu: emu.on_create.__setitem__("pods", pod_outcome(lambda pod: (phase, "gang member"), seen))
    )


def leftovers(kube: KubeEmulator) -> list[str]:
    objs = kube.objects("v1/pods") + kube.objects("scheduling.run.ai/v2alpha2/podgroups")
    return [o["metadata"]["name"] for o in objs] + [
        o["metadata"]["name"]
        for o in kube.objects("v1/namespaces")
        if o["metadata"]["name"].startswith("aicr-")
    ]


def test_co_scheduled_gang_passes_and_is_cleaned_up(kube: KubeEmulator, run_conformance: Runner) -> None:
    kai(kube)
    seen: list[dict[str, Any]] = []
    pods_end(kube, "Succeeded", seen)
    outcome = run_conformance("gang-scheduling", RECIPE)
    assert outcome.code == EXIT_PASSED, outcome.message
    assert [p["spec"]["schedulerName"] for p in seen] == ["kai-scheduler", "kai-scheduler"]
    assert leftovers(kube) == []


def test_gang_pods_that_never_finish_fail_and_are_cleaned_up(
    kube: KubeEmulator, run_conformance: Runner
) -> None:
    kai(kube)
    pods_end(kube, "Pending", [])
    outcome = run_conformance("gang-scheduling", RECIPE)
    assert outcome.code == EXIT_FAILED and "phase Pending (want Succeeded)" in outcome.message
    assert leftovers(kube) == []


def test_unavailable_kai_component_fails(kube: KubeEmulator, run_conformance: Runner) -> None:
    kai(kube, binder_ready=False)
    outcome = run_conformance("gang-scheduling", RECIPE)
    assert outcome.code == EXIT_FAILED and "kai-scheduler/binder: 0/1 replicas available" in outcome.message


def test_gang_scheduling_skips_without_kai(kube: KubeEmulator, run_conformance: Runner) -> None:
    outcome = run_conformance("gang-scheduling", recipe_with("gpu-operator"))
    assert outcome.code == EXIT_SKIPPED and "KAI scheduler not found" in outcome.message


def test_declared_but_absent_kai_fails(kube: KubeEmulator, run_conformance: Runner) -> None:
    outcome = run_conformance("gang-scheduling", RECIPE)
    assert outcome.code == EXIT_FAILED and "the recipe declares kai-scheduler" in outcome.message
