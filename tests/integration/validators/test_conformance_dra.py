"""dra-support and secure-accelerator-access against the emulated API: verdicts, skips, cleanup."""

from __future__ import annotations

from typing import Any

from tests.integration.validators.conftest import Runner, recipe_with
from tests.support.conformance_cluster import daemonset, deployment, ns, pod_outcome
from tests.support.kube_emulator import KubeEmulator, PatchedEmulator

from aicr.validators.runtime import EXIT_FAILED, EXIT_PASSED, EXIT_SKIPPED

RECIPE = recipe_with("gpu-operator", "nvidia-dra-driver-gpu")
RUN_NS = "aicr-dra-support-89abcdef"


def dra_cluster(kube: KubeEmulator, *, slices: bool = True) -> None:
    kube.add("v1/namespaces", ns("nvidia-dra-driver"))
    kube.add("apps/v1/deployments", deployment("nvidia-dra-driver-gpu-controller", "nvidia-dra-driver"))
    kube.add("apps/v1/daemonsets", daemonset("nvidia-dra-driver-gpu-kubelet-plugin", "nvidia-dra-driver"))
    if slices:
        kube.add(
            "resource.k8s.io/v1/resourceslices",
            {"metadata": {"name": "node-0-gpu"}, "spec": {"driver": "gpu.nvidia.com"}},
        )


def allocate_claims(kube: KubeEmulator) -> None:
    def hook(emu: PatchedEmulator, claim: dict[str, Any]) -> None:
        claim["status"] = {
            "allocation": {"devices": {"results": [{"driver": "gpu.nvidia.com", "device": "gpu-0"}]}}
        }
        emu.store("resource.k8s.io/v1/resourceclaims", claim)

    kube.call(lambda emu: emu.on_create.__setitem__("resourceclaims", hook))


def pods_end(
    kube: KubeEmulator, claimed: str, claimless: str = "Succeeded", seen: list[dict[str, Any]] | None = None
) -> None:
    def rule(pod: dict[str, Any]) -> tuple[str, str]:
        return (
            (claimed, "GPU 0: NVIDIA H100")
            if pod["spec"].get("resourceClaims")
            else (claimless, "no GPU device visible")
        )

    kube.call(lambda emu: emu.on_create.__setitem__("pods", pod_outcome(rule, seen)))


def leftovers(kube: KubeEmulator) -> list[str]:
    """Objects a conformance check created (its label) that still exist."""
    objs = (
        kube.objects("v1/pods")
        + kube.objects("resource.k8s.io/v1/resourceclaims")
        + kube.objects("v1/namespaces")
    )
    return [
        o["metadata"]["name"]
        for o in objs
        if "aicr.nvidia.com/conformance-check" in (o["metadata"].get("labels") or {})
    ]


def test_dra_pod_that_succeeds_passes_and_is_cleaned_up(kube: KubeEmulator, run_conformance: Runner) -> None:
    dra_cluster(kube)
    allocate_claims(kube)
    seen: list[dict[str, Any]] = []
    pods_end(kube, "Succeeded", seen=seen)
    outcome = run_conformance("dra-support", RECIPE)
    assert outcome.code == EXIT_PASSED, outcome.message
    assert seen[0]["metadata"]["namespace"] == RUN_NS
    assert seen[0]["metadata"]["labels"]["aicr.nvidia.com/run-id"] == "20261204-100000-0123456789abcdef"
    assert leftovers(kube) == []


def test_dra_pod_that_fails_fails_and_is_cleaned_up(kube: KubeEmulator, run_conformance: Runner) -> None:
    dra_cluster(kube)
    pods_end(kube, "Failed")
    outcome = run_conformance("dra-support", RECIPE)
    assert outcome.code == EXIT_FAILED
    assert "ended Failed" in outcome.message
    assert leftovers(kube) == []


def test_dra_skips_when_the_recipe_has_no_dra_driver(kube: KubeEmulator, run_conformance: Runner) -> None:
    outcome = run_conformance("dra-support", recipe_with("gpu-operator"))
    assert (outcome.code, outcome.message) == (EXIT_SKIPPED, "the recipe has no nvidia-dra-driver-gpu")


def test_dra_skips_when_resource_api_is_not_served(kube: KubeEmulator, run_conformance: Runner) -> None:
    kube.call(lambda emu: [emu.resources.pop(r) for r in list(emu.resources) if "resource.k8s.io" in str(r)])
    outcome = run_conformance("dra-support", RECIPE)
    assert outcome.code == EXIT_SKIPPED and "resource.k8s.io is not served" in outcome.message


def test_dra_skips_without_driver_pods_or_controller_when_recipe_lists_no_components(
    kube: KubeEmulator, run_conformance: Runner
) -> None:
    outcome = run_conformance("dra-support", {})
    assert outcome.code == EXIT_SKIPPED and "neither DRA driver pods nor the controller" in outcome.message


def test_dra_declared_but_absent_fails(kube: KubeEmulator, run_conformance: Runner) -> None:
    outcome = run_conformance("dra-support", RECIPE)
    assert outcome.code == EXIT_FAILED and "the recipe declares nvidia-dra-driver-gpu" in outcome.message


def test_dra_without_resource_slices_fails_before_creating_anything(
    kube: KubeEmulator, run_conformance: Runner
) -> None:
    dra_cluster(kube, slices=False)
    outcome = run_conformance("dra-support", RECIPE)
    assert outcome.code == EXIT_FAILED and "no ResourceSlice published" in outcome.message
    assert not any(m == "POST" for m, _, _ in kube.requests())


def test_cleanup_runs_when_pod_creation_errors(kube: KubeEmulator, run_conformance: Runner) -> None:
    dra_cluster(kube)
    kube.call(lambda emu: emu.fail("POST", "pods", 500, "admission exploded"))
    outcome = run_conformance("dra-support", RECIPE)
    assert outcome.code == EXIT_FAILED and "admission exploded" in outcome.message
    assert leftovers(kube) == []


def test_secure_access_passes_when_only_claimed_pod_sees_gpu(
    kube: KubeEmulator, run_conformance: Runner
) -> None:
    dra_cluster(kube)
    allocate_claims(kube)
    pods_end(kube, "Succeeded", "Succeeded")
    outcome = run_conformance("secure-accelerator-access", RECIPE)
    assert outcome.code == EXIT_PASSED, outcome.message
    assert leftovers(kube) == []


def test_secure_access_fails_on_a_gpu_leak(kube: KubeEmulator, run_conformance: Runner) -> None:
    dra_cluster(kube)
    allocate_claims(kube)
    pods_end(kube, "Succeeded", "Failed")
    outcome = run_conformance("secure-accelerator-access", RECIPE)
    assert outcome.code == EXIT_FAILED and "can see GPU devices" in outcome.message
    assert leftovers(kube) == []


def test_secure_access_fails_when_claim_is_not_allocated(kube: KubeEmulator, run_conformance: Runner) -> None:
    dra_cluster(kube)
    pods_end(kube, "Succeeded", "Succeeded")
    outcome = run_conformance("secure-accelerator-access", RECIPE)
    assert outcome.code == EXIT_FAILED and "ResourceClaim was not allocated" in outcome.message


def test_secure_access_skips_on_slinky(kube: KubeEmulator, run_conformance: Runner) -> None:
    outcome = run_conformance("secure-accelerator-access", recipe_with("slinky-slurm"))
    assert outcome.code == EXIT_SKIPPED and "Slinky" in outcome.message


def test_secure_access_skips_without_nvidia_slices(kube: KubeEmulator, run_conformance: Runner) -> None:
    outcome = run_conformance("secure-accelerator-access", RECIPE)
    assert (outcome.code, outcome.message) == (EXIT_SKIPPED, "no NVIDIA DRA driver publishes ResourceSlices")


def test_secure_access_skips_without_resource_api(kube: KubeEmulator, run_conformance: Runner) -> None:
    kube.call(lambda emu: [emu.resources.pop(r) for r in list(emu.resources) if "resource.k8s.io" in str(r)])
    outcome = run_conformance("secure-accelerator-access", RECIPE)
    assert outcome.code == EXIT_SKIPPED and "resource.k8s.io/v1 is not served" in outcome.message


def test_missing_image_env_fails_closed(kube: KubeEmulator, run_conformance: Runner) -> None:
    dra_cluster(kube)
    outcome = run_conformance("dra-support", RECIPE, AICR_CUDA_IMAGE="")
    assert outcome.code == EXIT_FAILED and "AICR_CUDA_IMAGE is not set" in outcome.message
    assert leftovers(kube) == []
