"""Reads what the component health contract needs from the cluster and applies its judges.

Edge: lists and gets objects through the context's `ApiClient`; every decision is made by the
pure judges in health_contract.py. One function per contract part; `contract_problems` runs
all parts a component ref declares and returns its problems (prefixed with the component).
"""

from __future__ import annotations

from aicr.errors import AicrError, Code
from aicr.k8s.resources import Resource
from aicr.validators.health_contract import (
    CUSTOM_CHECKS,
    WORKLOAD_KINDS,
    asserted_workloads,
    judge_asserted,
    judge_cluster_policies,
    judge_crd,
    judge_kubelet_plugin,
    judge_readiness,
    judge_skyhooks,
    readiness_shape,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.validators.runtime import CheckContext

CLUSTER_POLICIES = Resource("nvidia.com/v1", "clusterpolicies", False, "ClusterPolicy")
SKYHOOKS = Resource("skyhook.nvidia.com/v1alpha1", "skyhooks", False, "Skyhook")
CONTRACT_FIELDS = ("readiness", "customChecks", "crds", "healthCheckAsserts")


def declares_contract(ref: dict[str, Any]) -> bool:
    """Whether a component ref declares any part of the health contract."""
    return any(ref.get(field) for field in CONTRACT_FIELDS)


def _list_or_absent(
    ctx: CheckContext, res: Resource | str, namespace: str | None = None
) -> list[dict[str, Any]] | None:
    """Items, or None when the resource is not served (its CRD is not installed)."""
    try:
        return ctx.client.list(res, namespace)
    except AicrError as exc:
        if exc.code is Code.NOT_FOUND:
            return None
        raise


def readiness_problems(ctx: CheckContext, readiness: Any, component: str) -> list[str]:
    namespace, selector, named = readiness_shape(readiness, component)
    selected: dict[str, list[dict[str, Any]]] = {}
    if selector:
        for kind in WORKLOAD_KINDS:
            selected[kind] = ctx.client.list(kind, namespace, labels=selector)
    found = {(kind, name): ctx.client.find(kind, name, namespace) for kind, name in named}
    return judge_readiness({"namespace": namespace}, selected, found)


def custom_check_problem(ctx: CheckContext, check: str, namespace: str) -> str | None:
    if check == "clusterPolicyReady":
        policies = _list_or_absent(ctx, CLUSTER_POLICIES)
        return "ClusterPolicy CRD not served" if policies is None else judge_cluster_policies(policies)
    if check == "skyhookReady":
        skyhooks = _list_or_absent(ctx, SKYHOOKS)
        return "Skyhook CRD not served" if skyhooks is None else judge_skyhooks(skyhooks)
    if check == "draKubeletPluginReady":
        return judge_kubelet_plugin(ctx.client.list("DaemonSet", namespace), namespace)
    raise AicrError(
        Code.INVALID_REQUEST, f'unknown customChecks entry "{check}" (known: {", ".join(CUSTOM_CHECKS)})'
    )


def assert_problems(ctx: CheckContext, ref: dict[str, Any], namespace: str) -> list[str]:
    names = asserted_workloads(str(ref["healthCheckAsserts"]), f"healthCheckAsserts of {ref.get('name')}")
    workloads = {(kind, name): ctx.client.find(kind, name, namespace) for kind, name in names}
    return judge_asserted(workloads, ctx.client.list("Pod", namespace))


def contract_problems(ctx: CheckContext, ref: dict[str, Any]) -> list[str]:
    """Every contract problem of one component ref (empty when healthy or nothing declared)."""
    component = str(ref.get("name") or "")
    namespace = str(ref.get("namespace") or "default")
    problems: list[str] = []
    if ref.get("readiness"):
        problems += readiness_problems(ctx, ref["readiness"], component)
    for check in ref.get("customChecks") or []:
        problem = custom_check_problem(ctx, str(check), namespace)
        problems += [problem] if problem else []
    for crd in ref.get("crds") or []:
        problem = judge_crd(str(crd), ctx.client.find("CustomResourceDefinition", str(crd)))
        problems += [problem] if problem else []
    if ref.get("healthCheckAsserts") and not ref.get("expectedResources"):
        problems += assert_problems(ctx, ref, namespace)
    return [f"{component}: {p}" for p in problems]
