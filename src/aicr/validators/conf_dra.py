"""dra-support and secure-accelerator-access: GPUs are handed out through DRA, and only that way.

Pure judges (`dra_state_issues`, `claim_pod_issues`, `isolation_issue`) and a thin edge that
creates a ResourceClaim and pods in a per-run namespace (removed on every exit path).
reference/validate.md §4.3:
- dra-support skips when the recipe leaves out the DRA driver, when resource.k8s.io is not
  served, or when namespace `nvidia-dra-driver` has neither pods nor the controller (a failure
  when the recipe declares the driver: validate.md §3.3); it needs
  resource.k8s.io/v1, the controller Deployment available, the kubelet-plugin DaemonSet ready,
  at least one NVIDIA ResourceSlice, and a pod with a GPU ResourceClaim that Succeeds.
- secure-accelerator-access skips without DRA and on Slinky recipes; the DRA pod must consume
  its GPU through `resourceClaims` (no hostPath under /dev/nvidia*) with the claim allocated,
  and a pod without a claim must see no GPU device (exit 0; exit 1 means a leak).
The test image comes from the catalog env `AICR_CUDA_IMAGE`.
"""

from __future__ import annotations

from aicr.validators.conf_state import (
    component_namespace,
    daemonset_issue,
    declared_components,
    deployment_issue,
    pod_phase,
)
from aicr.validators.conf_workloads import (
    POD,
    RESOURCE_CLAIM,
    RESOURCE_SLICE,
    RunScope,
    api_served,
    find_custom,
    gpu_claim,
    list_custom,
    require_image,
    wait_pod_done,
    workload_pod,
)
from aicr.validators.runtime import CheckContext, CheckFailed, CheckSkipped

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DRA_COMPONENT = "nvidia-dra-driver-gpu"
DRA_NAMESPACE = "nvidia-dra-driver"
DRA_CONTROLLER = "nvidia-dra-driver-gpu-controller"
DRA_PLUGIN = "nvidia-dra-driver-gpu-kubelet-plugin"
GPU_DEVICE_CLASS = "gpu.nvidia.com"
NVIDIA_DRIVER_SUFFIX = ".nvidia.com"
GPU_COMMAND = ["nvidia-smi", "-L"]
# exit 1 when any GPU device node is visible, 0 when none is
ISOLATION_COMMAND = [
    "sh",
    "-c",
    "if ls /dev/nvidia[0-9]* >/dev/null 2>&1; then ls /dev/nvidia*; exit 1; fi; echo no GPU device visible",
]


def nvidia_slices(slices: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ResourceSlices published by an NVIDIA DRA driver."""
    return [
        s for s in slices if str((s.get("spec") or {}).get("driver") or "").endswith(NVIDIA_DRIVER_SUFFIX)
    ]


def dra_state_issues(
    v1_served: bool,
    controller: dict[str, Any] | None,
    plugin: dict[str, Any] | None,
    slices: list[dict[str, Any]],
    namespace: str = DRA_NAMESPACE,
) -> list[str]:
    """Every reason the DRA driver is not ready to allocate GPUs (empty when it is)."""
    issues = []
    if not v1_served:
        issues.append("resource.k8s.io/v1 is not served")
    if (issue := deployment_issue(controller)) is not None:
        issues.append(f"Deployment {namespace}/{DRA_CONTROLLER}: {issue}")
    if (issue := daemonset_issue(plugin)) is not None:
        issues.append(f"DaemonSet {namespace}/{DRA_PLUGIN}: {issue}")
    if not nvidia_slices(slices):
        issues.append("no ResourceSlice published by an NVIDIA DRA driver")
    return issues


def claim_pod_issues(pod: dict[str, Any], claim: dict[str, Any] | None) -> list[str]:
    """Why a DRA test pod does not prove claim-based access (empty when it does)."""
    spec = pod.get("spec") or {}
    issues = []
    if not spec.get("resourceClaims"):
        issues.append("pod has no resourceClaims")
    for volume in spec.get("volumes") or []:
        path = str(((volume or {}).get("hostPath") or {}).get("path") or "")
        if path.startswith("/dev/nvidia"):
            issues.append(f"pod mounts host device path {path}")
    if claim is None:
        issues.append("ResourceClaim not found")
    elif not (claim.get("status") or {}).get("allocation"):
        issues.append("ResourceClaim was not allocated")
    if pod_phase(pod) != "Succeeded":
        issues.append(f"pod ended {pod_phase(pod)} (want Succeeded)")
    return issues


def isolation_issue(pod: dict[str, Any]) -> str | None:
    """Why a claimless pod shows a GPU leak or proves nothing (None when it saw no GPU)."""
    phase = pod_phase(pod)
    if phase == "Succeeded":
        return None
    if phase == "Failed":
        return "a pod without a ResourceClaim can see GPU devices (exit 1)"
    return f"the claimless pod did not finish (phase {phase})"


def dra_namespace(ctx: CheckContext) -> str:
    """The DRA driver's namespace: the recipe's, else `nvidia-dra-driver`."""
    return component_namespace(ctx.recipe, DRA_COMPONENT, DRA_NAMESPACE)


def _dra_scope(ctx: CheckContext) -> None:
    """Skip when DRA is out of scope for this cluster (reference/validate.md §4.3)."""
    declared = declared_components(ctx.recipe)
    if declared is not None and DRA_COMPONENT not in declared:
        raise CheckSkipped(f"the recipe has no {DRA_COMPONENT}")
    if not (
        api_served(ctx.client, "resource.k8s.io/v1") or api_served(ctx.client, "resource.k8s.io/v1beta1")
    ):
        raise CheckSkipped("resource.k8s.io is not served (no Dynamic Resource Allocation)")
    namespace = dra_namespace(ctx)
    pods = ctx.client.list("Pod", namespace) if ctx.client.find("Namespace", namespace) else []
    if not pods and ctx.client.find("Deployment", DRA_CONTROLLER, namespace) is None:
        if declared is not None:  # reference/validate.md §3.3: a declared component must be there
            raise CheckFailed(
                f"the recipe declares {DRA_COMPONENT} but {namespace} has neither its pods nor its controller"
            )
        raise CheckSkipped(f"namespace {namespace} has neither DRA driver pods nor the controller")


def run_claim_pod(
    ctx: CheckContext, scope: RunScope, timeout: float
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Create a GPU ResourceClaim and a pod using it; (final pod, claim as allocated)."""
    image = require_image(ctx.env, "AICR_CUDA_IMAGE")
    scope.create(
        RESOURCE_CLAIM, gpu_claim("gpu-claim", ctx.env.get("AICR_DRA_DEVICE_CLASS") or GPU_DEVICE_CLASS)
    )
    scope.create(POD, workload_pod("dra-gpu", image, GPU_COMMAND, claim="gpu-claim"))
    pod = wait_pod_done(ctx.client, "dra-gpu", scope.namespace, timeout)
    claim = find_custom(ctx.client, RESOURCE_CLAIM, "gpu-claim", scope.namespace)
    return pod, claim


def dra_support(ctx: CheckContext) -> None:
    """The DRA driver publishes GPUs and a pod with a ResourceClaim runs."""
    _dra_scope(ctx)
    namespace = dra_namespace(ctx)
    issues = dra_state_issues(
        api_served(ctx.client, "resource.k8s.io/v1"),
        ctx.client.find("Deployment", DRA_CONTROLLER, namespace),
        ctx.client.find("DaemonSet", DRA_PLUGIN, namespace),
        list_custom(ctx.client, RESOURCE_SLICE) or [],
        namespace,
    )
    if issues:
        raise CheckFailed("DRA driver not ready:\n- " + "\n- ".join(issues))
    timeout = float(ctx.env.get("AICR_POD_TIMEOUT_S") or 180)
    with RunScope(ctx.client, "dra-support", ctx.run_id) as scope:
        pod, claim = run_claim_pod(ctx, scope, timeout)
        ctx.print(
            f"pod {scope.namespace}/dra-gpu: {pod_phase(pod)}; claim allocated: {bool((claim or {}).get('status', {}).get('allocation'))}"
        )
    ctx.result(f"DRA pod: {pod_phase(pod)}")
    if pod_phase(pod) != "Succeeded":
        raise CheckFailed(f"the pod with a GPU ResourceClaim ended {pod_phase(pod)} (want Succeeded)")


def secure_accelerator_access(ctx: CheckContext) -> None:
    """Only a pod with an allocated ResourceClaim sees a GPU."""
    declared = declared_components(ctx.recipe) or set()
    if "slinky-slurm" in declared:
        raise CheckSkipped("Slinky Slurm recipes hand GPUs to Slurm, not to DRA claims")
    if not api_served(ctx.client, "resource.k8s.io/v1"):
        raise CheckSkipped("resource.k8s.io/v1 is not served (no Dynamic Resource Allocation)")
    if not nvidia_slices(list_custom(ctx.client, RESOURCE_SLICE) or []):
        raise CheckSkipped("no NVIDIA DRA driver publishes ResourceSlices")
    image = require_image(ctx.env, "AICR_CUDA_IMAGE")
    timeout = float(ctx.env.get("AICR_POD_TIMEOUT_S") or 300)
    with RunScope(ctx.client, "secure-access", ctx.run_id) as scope:
        pod, claim = run_claim_pod(ctx, scope, timeout)
        issues = claim_pod_issues(pod, claim)
        scope.create(POD, workload_pod("no-claim", image, ISOLATION_COMMAND))
        bare = wait_pod_done(ctx.client, "no-claim", scope.namespace, timeout)
        ctx.print(f"pod dra-gpu: {pod_phase(pod)}; pod no-claim: {pod_phase(bare)}")
    if (issue := isolation_issue(bare)) is not None:
        issues.append(issue)
    ctx.result(f"secure accelerator access issues: {len(issues)}")
    if issues:
        raise CheckFailed("accelerator access is not isolated:\n- " + "\n- ".join(issues))
