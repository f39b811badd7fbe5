"""gang-scheduling: KAI Scheduler places a two-pod gang together or not at all.

Pure judges (`kai_issues`, `gang_issues`, `scheduled_at`) and a thin edge that creates a
PodGroup and two CPU-only pods in a per-run namespace (removed on every exit path).
reference/validate.md §4.3 (current behaviour): skip when `kai-scheduler/kai-scheduler-default`
is absent; the KAI Deployments must be available and the `queues`/`podgroups.scheduling.run.ai`
CRDs Established; a PodGroup (minMember 2) with two pods must end with both Succeeded, both
scheduled by `kai-scheduler`, both labelled with the PodGroup, and their PodScheduled=True
transitions at most 30 s apart. A recipe that declares kai-scheduler turns "absent" into a
failure (§3.3). The worker image comes from the catalog env `AICR_GANG_IMAGE`.
"""

from __future__ import annotations

from datetime import datetime

from aicr.validators.conf_state import (
    condition_true,
    crd_issue,
    declared_components,
    deployment_issue,
    name_of,
    pod_phase,
)
from aicr.validators.conf_workloads import (
    CRD,
    POD,
    POD_GROUP,
    RunScope,
    require_image,
    wait_pod_done,
    workload_pod,
)
from aicr.validators.runtime import CheckContext, CheckFailed, CheckSkipped

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

KAI_COMPONENT = "kai-scheduler"
KAI_NAMESPACE = "kai-scheduler"
KAI_DEPLOYMENTS = (
    "kai-scheduler-default",
    "admission",
    "binder",
    "kai-operator",
    "pod-grouper",
    "podgroup-controller",
)
KAI_CRDS = ("queues.scheduling.run.ai", "podgroups.scheduling.run.ai")
SCHEDULER = "kai-scheduler"
GROUP_LABEL = "pod-group.scheduling.run.ai/name"
QUEUE_LABEL = "kai.scheduler/queue"
MAX_SPREAD_S = 30.0
GROUP = "gang-group"
WORKERS = ("gang-worker-0", "gang-worker-1")


def kai_issues(
    deployments: dict[str, dict[str, Any] | None], crds: dict[str, dict[str, Any] | None]
) -> list[str]:
    """Every KAI component or CRD that is not ready."""
    issues = []
    for name, obj in deployments.items():
        if (issue := deployment_issue(obj)) is not None:
            issues.append(f"Deployment {KAI_NAMESPACE}/{name}: {issue}")
    for name, obj in crds.items():
        if (issue := crd_issue(obj)) is not None:
            issues.append(f"CRD {name}: {issue}")
    return issues


def scheduled_at(pod: dict[str, Any]) -> datetime | None:
    """When the pod's PodScheduled condition turned True (None when it did not)."""
    if not condition_true(pod, "PodScheduled"):
        return None
    for cond in (pod.get("status") or {}).get("conditions") or []:
        if cond.get("type") == "PodScheduled":
            try:
                return datetime.fromisoformat(
                    str(cond.get("lastTransitionTime") or "").replace("Z", "+00:00")
                )
            except ValueError:
                return None
    return None


def gang_issues(pods: list[dict[str, Any]], group: str) -> tuple[list[str], float | None]:
    """(why the pods do not show gang scheduling, spread of their scheduling times in seconds)."""
    issues = []
    times = []
    for pod in pods:
        name = name_of(pod)
        spec = pod.get("spec") or {}
        if pod_phase(pod) != "Succeeded":
            issues.append(f"pod {name}: phase {pod_phase(pod)} (want Succeeded)")
        if spec.get("schedulerName") != SCHEDULER:
            issues.append(f"pod {name}: schedulerName {spec.get('schedulerName')} (want {SCHEDULER})")
        if ((pod.get("metadata") or {}).get("labels") or {}).get(GROUP_LABEL) != group:
            issues.append(f"pod {name}: missing label {GROUP_LABEL}={group}")
        when = scheduled_at(pod)
        if when is None:
            issues.append(f"pod {name}: no PodScheduled=True condition with a time")
        else:
            times.append(when)
    spread = (max(times) - min(times)).total_seconds() if len(times) == len(pods) and times else None
    if spread is not None and spread > MAX_SPREAD_S:
        issues.append(f"pods scheduled {spread:g}s apart (max {MAX_SPREAD_S:g}s): not co-scheduled")
    return issues, spread


def _gang_manifests(image: str, queue: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    group = {
        "apiVersion": "scheduling.run.ai/v2alpha2",
        "kind": "PodGroup",
        "metadata": {"name": GROUP},
        "spec": {"minMember": len(WORKERS), "queue": queue},
    }
    pods = []
    for name in WORKERS:
        pod = workload_pod(name, image, ["sh", "-c", "echo gang member $HOSTNAME scheduled; sleep 5"])
        pod["metadata"]["labels"] = {GROUP_LABEL: GROUP, QUEUE_LABEL: queue}
        pod["metadata"]["annotations"] = {"pod-group-name": GROUP}
        pod["spec"]["schedulerName"] = SCHEDULER
        pods.append(pod)
    return group, pods


def gang_scheduling(ctx: CheckContext) -> None:
    """A two-pod PodGroup is co-scheduled by KAI Scheduler."""
    if ctx.client.find("Deployment", "kai-scheduler-default", KAI_NAMESPACE) is None:
        if KAI_COMPONENT in (declared_components(ctx.recipe) or set()):  # validate.md §3.3
            raise CheckFailed(
                "the recipe declares kai-scheduler but kai-scheduler/kai-scheduler-default is not found"
            )
        raise CheckSkipped("KAI scheduler not found (kai-scheduler/kai-scheduler-default)")
    deployments = {n: ctx.client.find("Deployment", n, KAI_NAMESPACE) for n in KAI_DEPLOYMENTS}
    crds = {n: ctx.client.find(CRD, n) for n in KAI_CRDS}
    for name, obj in deployments.items():
        ctx.print(f"Deployment {KAI_NAMESPACE}/{name}: {deployment_issue(obj) or 'available'}")
    issues = kai_issues(deployments, crds)
    if issues:
        raise CheckFailed("KAI scheduler not ready:\n- " + "\n- ".join(issues))
    image = require_image(ctx.env, "AICR_GANG_IMAGE")
    group, manifests = _gang_manifests(image, ctx.env.get("AICR_KAI_QUEUE") or "default-queue")
    timeout = float(ctx.env.get("AICR_POD_TIMEOUT_S") or 300)
    with RunScope(ctx.client, "gang-scheduling", ctx.run_id) as scope:
        scope.create(POD_GROUP, group)
        for pod in manifests:
            scope.create(POD, pod)
        pods = [wait_pod_done(ctx.client, name, scope.namespace, timeout) for name in WORKERS]
    issues, spread = gang_issues(pods, GROUP)
    for pod in pods:
        ctx.print(f"pod {name_of(pod)}: {pod_phase(pod)} scheduled {scheduled_at(pod)}")
    ctx.result(
        f"gang pods Succeeded: {sum(pod_phase(p) == 'Succeeded' for p in pods)}/{len(WORKERS)}, spread {spread}s"
    )
    if issues:
        raise CheckFailed("gang scheduling failed:\n- " + "\n- ".join(issues))
