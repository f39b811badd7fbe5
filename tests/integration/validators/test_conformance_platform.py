"""gpu-operator-health and platform-health against emulated cluster states."""

from __future__ import annotations

from tests.integration.validators.conftest import Runner, recipe_with
from tests.support.conformance_cluster import daemonset, deployment, ns
from tests.support.kube_emulator import KubeEmulator

from aicr.validators.runtime import EXIT_FAILED, EXIT_PASSED, EXIT_SKIPPED


def gpu_operator(kube: KubeEmulator, state: str = "ready") -> None:
    kube.add("v1/namespaces", ns("gpu-operator"))
    kube.add("apps/v1/deployments", deployment("gpu-operator", "gpu-operator"))
    kube.add("apps/v1/daemonsets", daemonset("nvidia-dcgm-exporter", "gpu-operator"))
    kube.add(
        "nvidia.com/v1/clusterpolicies", {"metadata": {"name": "cluster-policy"}, "status": {"state": state}}
    )


def test_ready_gpu_operator_passes(kube: KubeEmulator, run_conformance: Runner) -> None:
    gpu_operator(kube)
    assert run_conformance("gpu-operator-health", recipe_with("gpu-operator")).code == EXIT_PASSED


def test_not_ready_cluster_policy_fails(kube: KubeEmulator, run_conformance: Runner) -> None:
    gpu_operator(kube, "notReady")
    outcome = run_conformance("gpu-operator-health", recipe_with("gpu-operator"))
    assert outcome.code == EXIT_FAILED and "state notReady" in outcome.message


def test_gpu_operator_health_skips_when_not_in_recipe(kube: KubeEmulator, run_conformance: Runner) -> None:
    assert run_conformance("gpu-operator-health", recipe_with("cert-manager")).code == EXIT_SKIPPED


def test_platform_with_healthy_components_passes(kube: KubeEmulator, run_conformance: Runner) -> None:
    gpu_operator(kube)
    recipe = recipe_with("gpu-operator", gpu_operator="gpu-operator")
    recipe["componentRefs"][0]["expectedResources"] = [{"kind": "Deployment", "name": "gpu-operator"}]
    assert run_conformance("platform-health", recipe).code == EXIT_PASSED


def test_terminating_namespace_fails_platform_health(kube: KubeEmulator, run_conformance: Runner) -> None:
    kube.add("v1/namespaces", ns("cert-manager", "Terminating"))
    outcome = run_conformance("platform-health", recipe_with("cert-manager", cert_manager="cert-manager"))
    assert outcome.code == EXIT_FAILED and "namespace cert-manager is Terminating" in outcome.message


def test_missing_namespace_is_reported_once(kube: KubeEmulator, run_conformance: Runner) -> None:
    recipe = recipe_with("cert-manager", cert_manager="cert-manager")
    recipe["componentRefs"][0]["expectedResources"] = [{"kind": "Deployment", "name": "cert-manager"}]
    outcome = run_conformance("platform-health", recipe)
    assert outcome.code == EXIT_FAILED and outcome.message.count("namespace cert-manager not found") == 1


def test_platform_health_skips_without_components(kube: KubeEmulator, run_conformance: Runner) -> None:
    assert run_conformance("platform-health", {"componentRefs": []}).code == EXIT_SKIPPED
