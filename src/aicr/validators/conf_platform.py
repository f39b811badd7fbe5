"""gpu-operator-health and platform-health: the installed platform is up.

Pure judges (`gpu_operator_issues`, `namespace_issue`) with a thin edge through the check's
client. reference/validate.md §4.3: gpu-operator-health wants the gpu-operator Deployment
available, a ClusterPolicy with `status.state == ready` and the `nvidia-dcgm-exporter` DaemonSet
ready; platform-health wants every componentRef namespace Active and every expected resource
healthy (the deployment phase's expected-resources judge is reused).
"""

from __future__ import annotations

from aicr.validators.conf_state import (
    component_namespace,
    daemonset_issue,
    declared_components,
    deployment_issue,
    name_of,
)
from aicr.validators.conf_workloads import CLUSTER_POLICY, list_custom
from aicr.validators.deployment import resource_problems
from aicr.validators.runtime import CheckContext, CheckFailed, CheckSkipped

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

GPU_OPERATOR_DEPLOYMENT = "gpu-operator"
DCGM_DAEMONSET = "nvidia-dcgm-exporter"


def gpu_operator_issues(
    deployment: dict[str, Any] | None, policies: list[dict[str, Any]] | None, dcgm: dict[str, Any] | None
) -> list[str]:
    """Every reason the GPU Operator is not healthy (empty when it is)."""
    issues = []
    if (issue := deployment_issue(deployment)) is not None:
        issues.append(f"Deployment {GPU_OPERATOR_DEPLOYMENT}: {issue}")
    if policies is None:
        issues.append("ClusterPolicy API (nvidia.com/v1) is not served")
    elif not policies:
        issues.append("no ClusterPolicy found")
    else:
        for policy in policies:
            state = str((policy.get("status") or {}).get("state") or "unknown")
            if state != "ready":
                issues.append(f"ClusterPolicy {name_of(policy)}: state {state} (want ready)")
    if (issue := daemonset_issue(dcgm)) is not None:
        issues.append(f"DaemonSet {DCGM_DAEMONSET}: {issue}")
    return issues


def gpu_operator_health(ctx: CheckContext) -> None:
    """The GPU Operator Deployment, its ClusterPolicy and the DCGM exporter are ready."""
    namespace = component_namespace(ctx.recipe, "gpu-operator", "gpu-operator")
    deployment = ctx.client.find("Deployment", GPU_OPERATOR_DEPLOYMENT, namespace)
    declared = declared_components(ctx.recipe)
    if deployment is None and declared is not None and "gpu-operator" not in declared:
        raise CheckSkipped("the recipe has no gpu-operator and none is installed")
    policies = list_custom(ctx.client, CLUSTER_POLICY)
    dcgm = ctx.client.find("DaemonSet", DCGM_DAEMONSET, namespace)
    for policy in policies or []:
        ctx.print(
            f"ClusterPolicy {name_of(policy)}: state {(policy.get('status') or {}).get('state', 'unknown')}"
        )
    issues = gpu_operator_issues(deployment, policies, dcgm)
    ctx.result(f"GPU Operator health issues: {len(issues)}")
    if issues:
        raise CheckFailed("GPU Operator is not healthy:\n- " + "\n- ".join(issues))


def namespace_issue(name: str, obj: dict[str, Any] | None) -> str | None:
    """Why a component namespace is not usable (None when it is Active)."""
    if obj is None:
        return f"namespace {name} not found"
    phase = str((obj.get("status") or {}).get("phase") or "Active")
    return None if phase == "Active" else f"namespace {name} is {phase}"


def platform_health(ctx: CheckContext) -> None:
    """Every component namespace is Active and every expected resource healthy."""
    refs = [r for r in ctx.recipe.get("componentRefs") or [] if isinstance(r, dict)]
    if not refs:
        raise CheckSkipped("the recipe declares no components")
    problems: list[str] = []
    seen: dict[str, bool] = {}
    checked = 0
    for ref in refs:
        home = str(ref.get("namespace") or "")
        if home and home not in seen:
            obj = ctx.client.find("Namespace", home)
            seen[home] = obj is not None
            issue = namespace_issue(home, obj)
            ctx.print(f"namespace {home}: {issue or 'Active'}")
            # a missing namespace is reported by the expected-resources judge when it has resources
            if issue and (obj is not None or not ref.get("expectedResources")):
                problems.append(f"{ref.get('name')}: {issue}")
        if ref.get("expectedResources"):
            found, count, _ = resource_problems(ctx, ref, seen)
            problems += found
            checked += count
    ctx.result(f"components: {len(refs)}, expected resources checked: {checked}, problems: {len(problems)}")
    if problems:
        raise CheckFailed(f"{len(problems)} platform problem(s):\n- " + "\n- ".join(problems))
