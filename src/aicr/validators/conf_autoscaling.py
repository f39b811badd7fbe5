"""pod-autoscaling and cluster-autoscaling: GPU workloads scale on GPU metrics, GPU nodes on demand.

Pure judges (`hpa_replicas`, `gpu_node_pools`, `autoscaler_fallback`, `scale_out_issues`) and a
thin edge that creates a Deployment (+ HPA) in a per-run namespace, removed on every exit path.
reference/validate.md §4.3:
- pod-autoscaling skips without an `app=nvidia-dcgm-exporter` pod; it needs the custom metrics
  API, external metric `dcgm_gpu_power_usage` items (pod-scoped gpu_* custom metrics are
  recorded best-effort: DRA-allocated GPUs have none), then an HPA (1–3 replicas, AverageValue
  10) must scale its Deployment up, and back to ≤ 1 once the target is raised to 999999.
- cluster-autoscaling: with Karpenter it must be healthy (no fallback), have a NodePool with
  `nvidia.com/gpu` limits, and pending GPU pods must bring up new GPU nodes and all schedule;
  without Karpenter, GPU nodes of an EKS node group or GKE's `cluster-autoscaler-status`
  ConfigMap are the evidence; otherwise skip.
Images come from the catalog env `AICR_AUTOSCALE_IMAGE`.
"""

from __future__ import annotations

from aicr.validators.conf_state import (
    condition_true,
    deployment_issue,
    gpu_allocatable,
    name_of,
    schedulable_gpu_nodes,
)
from aicr.validators.conf_workloads import (
    DEPLOYMENT,
    HPA,
    NODE_POOL,
    RunScope,
    api_served,
    list_custom,
    poll,
    require_image,
)
from aicr.validators.runtime import CheckContext, CheckFailed, CheckSkipped

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

CUSTOM_METRICS = ("gpu_utilization", "gpu_memory_used", "gpu_power_usage")
EXTERNAL_METRIC = "dcgm_gpu_power_usage"
KARPENTER_LOCATIONS = (("karpenter", "karpenter"), ("kube-system", "karpenter"))
EKS_NODEGROUP_LABEL = "eks.amazonaws.com/nodegroup"
GKE_STATUS_CONFIGMAP = ("kube-system", "cluster-autoscaler-status")
APP = "aicr-autoscale"


def hpa_replicas(hpa: dict[str, Any] | None) -> int:
    """The HPA's `status.desiredReplicas` (0 when unknown)."""
    value = ((hpa or {}).get("status") or {}).get("desiredReplicas")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def autoscale_manifests(image: str, target: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The test Deployment and its HPA on the external GPU power metric."""
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": APP},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": APP}},
            "template": {
                "metadata": {"labels": {"app": APP}},
                "spec": {
                    "tolerations": [{"operator": "Exists"}],
                    "containers": [{"name": "idle", "image": image, "command": ["sleep", "3600"]}],
                },
            },
        },
    }
    hpa = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": APP},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": APP},
            "minReplicas": 1,
            "maxReplicas": 3,
            "metrics": [_external_metric(target)],
        },
    }
    return deployment, hpa


def _external_metric(target: str) -> dict[str, Any]:
    return {
        "type": "External",
        "external": {
            "metric": {"name": EXTERNAL_METRIC},
            "target": {"type": "AverageValue", "averageValue": target},
        },
    }


def _metric_items(ctx: CheckContext, path: str) -> int:
    from aicr.errors import AicrError

    try:
        return len((ctx.client.request("GET", path) or {}).get("items") or [])
    except AicrError:
        return 0


def _desired(ctx: CheckContext, path: str) -> int:
    return hpa_replicas(ctx.client.request("GET", path))


def pod_autoscaling(ctx: CheckContext) -> None:
    """An HPA on a GPU metric scales its workload up and back down."""
    if not ctx.client.list("Pod", None, labels={"app": "nvidia-dcgm-exporter"}):
        raise CheckSkipped("no DCGM exporter pod (app=nvidia-dcgm-exporter): no GPU metrics to scale on")
    if not api_served(ctx.client, "custom.metrics.k8s.io/v1beta1"):
        raise CheckFailed("the custom metrics API (custom.metrics.k8s.io/v1beta1) is not served")
    for metric in CUSTOM_METRICS:
        count = _metric_items(ctx, f"/apis/custom.metrics.k8s.io/v1beta1/namespaces/*/pods/*/{metric}")
        ctx.print(f"custom metric {metric}: {count} item(s) (best effort)")
    image = require_image(ctx.env, "AICR_AUTOSCALE_IMAGE")
    wait = float(ctx.env.get("AICR_SCALE_TIMEOUT_S") or 180)
    with RunScope(ctx.client, "pod-autoscaling", ctx.run_id) as scope:
        path = f"/apis/external.metrics.k8s.io/v1beta1/namespaces/{scope.namespace}/{EXTERNAL_METRIC}"
        external = poll(
            lambda: _metric_items(ctx, path) or None, float(ctx.env.get("AICR_METRICS_WAIT_S") or 120), 10.0
        )
        ctx.print(f"external metric {EXTERNAL_METRIC}: {external or 0} item(s)")
        if not external:
            raise CheckFailed(f"external metric {EXTERNAL_METRIC} has no items")
        deployment, hpa = autoscale_manifests(image, "10")
        scope.create(DEPLOYMENT, deployment)
        scope.create(HPA, hpa)
        hpa_path = HPA.path(scope.namespace, APP)
        up = poll(lambda: n if (n := _desired(ctx, hpa_path)) > 1 else None, wait, 10.0)
        ctx.print(f"scale up: desiredReplicas {up or 1}")
        if not up:
            raise CheckFailed(f"the HPA did not scale {APP} above 1 replica within {wait:g}s")
        patch = {"spec": {"metrics": [_external_metric("999999")]}}
        ctx.client.request("PATCH", hpa_path, body=patch, content_type="application/merge-patch+json")
        down = poll(lambda: True if _desired(ctx, hpa_path) <= 1 else None, wait, 10.0)
        ctx.print(f"scale down: {'back to 1 replica' if down else 'still above 1 replica'}")
    ctx.result(f"HPA scaled up to {up} and {'back down' if down else 'not back down'}")
    if not down:
        raise CheckFailed(
            f"the HPA did not scale {APP} back to 1 replica within {wait:g}s after raising the target"
        )


def gpu_node_pools(pools: list[dict[str, Any]]) -> list[str]:
    """Names of the Karpenter NodePools whose `spec.limits` include `nvidia.com/gpu`."""
    return sorted(
        name_of(p) for p in pools if "nvidia.com/gpu" in ((p.get("spec") or {}).get("limits") or {})
    )


def autoscaler_fallback(nodes: list[dict[str, Any]], gke_status: dict[str, Any] | None) -> str | None:
    """Evidence of a non-Karpenter GPU autoscaler (EKS node group or GKE autoscaler status), or None."""
    groups = sorted(
        {
            str(((n.get("metadata") or {}).get("labels") or {}).get(EKS_NODEGROUP_LABEL))
            for n in schedulable_gpu_nodes(nodes)
        }
        - {"None"}
    )
    if groups:
        return "EKS managed GPU node group(s): " + ", ".join(groups)
    if gke_status is not None:
        status = str((gke_status.get("data") or {}).get("status") or "").splitlines()[:3]
        return "GKE cluster autoscaler status: " + " ".join(s.strip() for s in status)
    return None


def scale_out_issues(
    before: set[str], nodes: list[dict[str, Any]], pods: list[dict[str, Any]], want: int
) -> list[str]:
    """Why pending GPU pods did not bring up new GPU nodes and schedule (empty when they did)."""
    issues = []
    new = [name_of(n) for n in schedulable_gpu_nodes(nodes) if name_of(n) not in before]
    if not new:
        issues.append("no new GPU node joined")
    scheduled = [
        p for p in pods if condition_true(p, "PodScheduled") or (p.get("spec") or {}).get("nodeName")
    ]
    if len(scheduled) < want:
        issues.append(f"{len(scheduled)}/{want} GPU pods scheduled")
    return issues


def _karpenter(ctx: CheckContext) -> dict[str, Any] | None:
    for namespace, name in KARPENTER_LOCATIONS:
        found = ctx.client.find("Deployment", name, namespace)
        if found is not None:
            return found
    return None


def _scale_out(ctx: CheckContext, nodes: list[dict[str, Any]]) -> list[str]:
    gpu_nodes = schedulable_gpu_nodes(nodes)
    per_pod = max([gpu_allocatable(n) for n in gpu_nodes] or [1])
    want = len(gpu_nodes) + 1
    image = require_image(ctx.env, "AICR_AUTOSCALE_IMAGE")
    deployment, _ = autoscale_manifests(image, "10")
    deployment["spec"]["replicas"] = want
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["resources"] = {"limits": {"nvidia.com/gpu": str(per_pod)}}
    before = {name_of(n) for n in gpu_nodes}
    wait = float(ctx.env.get("AICR_SCALE_TIMEOUT_S") or 180)
    with RunScope(ctx.client, "cluster-autoscaling", ctx.run_id) as scope:
        scope.create(DEPLOYMENT, deployment)

        def probe() -> list[str] | None:
            pods = ctx.client.list("Pod", scope.namespace, labels={"app": APP})
            found = scale_out_issues(before, ctx.client.list("Node"), pods, want)
            return None if found else []  # [] = no issue left: done

        done = poll(probe, wait, 10.0)
        issues = (
            []
            if done is not None
            else scale_out_issues(
                before,
                ctx.client.list("Node"),
                ctx.client.list("Pod", scope.namespace, labels={"app": APP}),
                want,
            )
        )
    ctx.print(f"GPU pods: {want} x {per_pod} GPU; GPU nodes before: {len(before)}")
    return issues


def cluster_autoscaling(ctx: CheckContext) -> None:
    """Pending GPU pods make the autoscaler add GPU nodes."""
    karpenter = _karpenter(ctx)
    nodes = ctx.client.list("Node")
    if karpenter is None:
        gke = ctx.client.find("ConfigMap", GKE_STATUS_CONFIGMAP[1], GKE_STATUS_CONFIGMAP[0])
        evidence = autoscaler_fallback(nodes, gke)
        if evidence is None:
            raise CheckSkipped("no Karpenter, EKS GPU node group or GKE cluster autoscaler found")
        ctx.print(evidence)
        ctx.result(f"cluster autoscaler: {evidence}")
        return
    if (issue := deployment_issue(karpenter)) is not None:
        raise CheckFailed(f"Karpenter is installed but not healthy: {issue}")
    pools = gpu_node_pools(list_custom(ctx.client, NODE_POOL) or [])
    ctx.print(f"Karpenter NodePools with nvidia.com/gpu limits: {', '.join(pools) or 'none'}")
    if not pools:
        raise CheckFailed("Karpenter has no NodePool with nvidia.com/gpu limits")
    issues = _scale_out(ctx, nodes)
    ctx.result(f"Karpenter GPU scale-out issues: {len(issues)}")
    if issues:
        raise CheckFailed("GPU nodes were not scaled out:\n- " + "\n- ".join(issues))
