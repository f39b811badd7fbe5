"""pod-autoscaling and cluster-autoscaling against the emulated API: scaling, fallbacks, skips, cleanup."""

from __future__ import annotations

from typing import Any

from tests.integration.validators.conftest import Runner, recipe_with
from tests.support.conformance_cluster import after, deployment, gpu_node
from tests.support.kube_emulator import KubeEmulator, PatchedEmulator

from aicr.validators.runtime import EXIT_FAILED, EXIT_PASSED, EXIT_SKIPPED

RECIPE = recipe_with("gpu-operator", "kube-prometheus-stack")


def dcgm_pod(kube: KubeEmulator) -> None:
    kube.add(
        "v1/pods",
        {
            "metadata": {
                "name": "nvidia-dcgm-exporter-x",
                "namespace": "gpu-operator",
                "labels": {"app": "nvidia-dcgm-exporter"},
            }
        },
    )


def external_metric(kube: KubeEmulator) -> None:
    def run(emu: PatchedEmulator) -> None:
        import kmock

        emu.resources[kmock.resource("external.metrics.k8s.io/v1beta1/dcgm_gpu_power_usage")] = (
            kmock.ResourceInfo(kind="ExternalMetricValueList", namespaced=True, verbs=["get", "list"])
        )

    kube.call(run)


def hpa_scales(kube: KubeEmulator, desired: list[int]) -> None:
    """Each HPA GET after creation answers the next desiredReplicas (like the HPA controller)."""
    answers = iter(desired)

    def on_hpa(emu: PatchedEmulator, hpa: dict[str, Any]) -> None:
        hpa["status"] = {"desiredReplicas": next(answers)}
        emu.store("autoscaling/v2/horizontalpodautoscalers", hpa)

    def on_get(emu: PatchedEmulator) -> None:
        emu.on_create["horizontalpodautoscalers"] = on_hpa

    kube.call(on_get)


def leftovers(kube: KubeEmulator) -> list[str]:
    objs = kube.objects("apps/v1/deployments") + kube.objects("autoscaling/v2/horizontalpodautoscalers")
    names = [o["metadata"]["name"] for o in objs if o["metadata"].get("namespace", "").startswith("aicr-")]
    return names + [
        o["metadata"]["name"]
        for o in kube.objects("v1/namespaces")
        if o["metadata"]["name"].startswith("aicr-")
    ]


def test_pod_autoscaling_skips_without_dcgm_exporter(kube: KubeEmulator, run_conformance: Runner) -> None:
    outcome = run_conformance("pod-autoscaling", RECIPE)
    assert outcome.code == EXIT_SKIPPED and "no DCGM exporter pod" in outcome.message


def test_pod_autoscaling_fails_without_custom_metrics_api(
    kube: KubeEmulator, run_conformance: Runner
) -> None:
    dcgm_pod(kube)
    kube.call(lambda emu: [emu.resources.pop(r) for r in list(emu.resources) if "custom.metrics" in str(r)])
    outcome = run_conformance("pod-autoscaling", RECIPE)
    assert outcome.code == EXIT_FAILED and "custom metrics API" in outcome.message


def test_pod_autoscaling_fails_without_external_metric_and_cleans_up(
    kube: KubeEmulator, run_conformance: Runner
) -> None:
    dcgm_pod(kube)
    outcome = run_conformance("pod-autoscaling", RECIPE)
    assert (
        outcome.code == EXIT_FAILED and "external metric dcgm_gpu_power_usage has no items" in outcome.message
    )
    assert leftovers(kube) == []


def test_hpa_that_never_scales_up_fails_and_cleans_up(kube: KubeEmulator, run_conformance: Runner) -> None:
    dcgm_pod(kube)
    external_metric(kube)
    kube.add(
        "external.metrics.k8s.io/v1beta1/dcgm_gpu_power_usage",
        {"metadata": {"name": "x", "namespace": "aicr-pod-autoscaling-89abcdef"}},
    )
    hpa_scales(kube, [1])
    outcome = run_conformance("pod-autoscaling", RECIPE)
    assert outcome.code == EXIT_FAILED and "did not scale aicr-autoscale above 1 replica" in outcome.message
    assert leftovers(kube) == []


def test_hpa_that_scales_up_and_back_down_passes_and_cleans_up(
    kube: KubeEmulator, run_conformance: Runner
) -> None:
    dcgm_pod(kube)
    external_metric(kube)
    kube.add(
        "external.metrics.k8s.io/v1beta1/dcgm_gpu_power_usage",
        {"metadata": {"name": "x", "namespace": "aicr-pod-autoscaling-89abcdef"}},
    )
    hpa_scales(kube, [3])
    patches: list[dict[str, Any]] = []

    def scale_down(emu: PatchedEmulator) -> None:  # the HPA controller reacting to the raised target
        hpa = emu.live("autoscaling/v2/horizontalpodautoscalers")[0]
        patches.append(hpa["spec"]["metrics"][0])
        emu.store("autoscaling/v2/horizontalpodautoscalers", {**hpa, "status": {"desiredReplicas": 1}})

    after(kube, "PATCH", "/horizontalpodautoscalers/aicr-autoscale", scale_down)
    outcome = run_conformance("pod-autoscaling", RECIPE)
    assert outcome.code == EXIT_PASSED, outcome.message
    assert patches[0]["external"]["target"]["averageValue"] == "999999"
    assert "RESULT: HPA scaled up to 3 and back down" in outcome.stdout
    assert leftovers(kube) == []


def test_karpenter_without_gpu_node_pool_fails(kube: KubeEmulator, run_conformance: Runner) -> None:
    kube.add("apps/v1/deployments", deployment("karpenter", "karpenter"))
    kube.add("karpenter.sh/v1/nodepools", {"metadata": {"name": "cpu"}, "spec": {"limits": {"cpu": "64"}}})
    outcome = run_conformance("cluster-autoscaling", RECIPE)
    assert outcome.code == EXIT_FAILED and "no NodePool with nvidia.com/gpu limits" in outcome.message


def test_unhealthy_karpenter_fails_without_fallback(kube: KubeEmulator, run_conformance: Runner) -> None:
    kube.add("apps/v1/deployments", deployment("karpenter", "karpenter", available=0))
    kube.add("v1/nodes", gpu_node("n1", labels={"eks.amazonaws.com/nodegroup": "gpu"}))
    outcome = run_conformance("cluster-autoscaling", RECIPE)
    assert outcome.code == EXIT_FAILED and "Karpenter is installed but not healthy" in outcome.message


def test_karpenter_scale_out_with_new_gpu_node_passes_and_cleans_up(
    kube: KubeEmulator, run_conformance: Runner
) -> None:
    kube.add("apps/v1/deployments", deployment("karpenter", "karpenter"))
    kube.add(
        "karpenter.sh/v1/nodepools",
        {"metadata": {"name": "gpu"}, "spec": {"limits": {"nvidia.com/gpu": "16"}}},
    )
    kube.add("v1/nodes", gpu_node("n1"))

    def scale_out(emu: PatchedEmulator, dep: dict[str, Any]) -> None:
        emu.store("v1/nodes", gpu_node("n2"))
        for i in range(dep["spec"]["replicas"]):
            emu.store(
                "v1/pods",
                {
                    "metadata": {
                        "name": f"gpu-{i}",
                        "namespace": dep["metadata"]["namespace"],
                        "labels": {"app": "aicr-autoscale"},
                    },
                    "spec": {"nodeName": f"n{i + 1}"},
                },
            )

    kube.call(lambda emu: emu.on_create.__setitem__("deployments", scale_out))
    outcome = run_conformance("cluster-autoscaling", RECIPE)
    assert outcome.code == EXIT_PASSED, outcome.message
    assert leftovers(kube) == []


def test_eks_gpu_node_group_is_accepted_without_karpenter(
    kube: KubeEmulator, run_conformance: Runner
) -> None:
    kube.add("v1/nodes", gpu_node("n1", labels={"eks.amazonaws.com/nodegroup": "gpu-ng"}))
    outcome = run_conformance("cluster-autoscaling", RECIPE)
    assert outcome.code == EXIT_PASSED and "EKS managed GPU node group(s): gpu-ng" in outcome.stdout


def test_cluster_autoscaling_skips_without_any_autoscaler(
    kube: KubeEmulator, run_conformance: Runner
) -> None:
    kube.add("v1/nodes", gpu_node("n1"))
    outcome = run_conformance("cluster-autoscaling", RECIPE)
    assert outcome.code == EXIT_SKIPPED
