"""Deployment-phase checks: are the recipe's components installed and running?

Edge (reads the cluster through the context's `ApiClient`) over pure judges (`workload_issue`,
`pod_summary`, health_contract). gpu-operator-version and check-nvidia-smi live in their own
modules; this one holds the registry. reference/validate.md §4.1:
- operator-health: pods labelled `app=gpu-operator` in the GPU Operator's namespace (the
  recipe's gpu-operator namespace, else `gpu-operator`); none → fail; at least one Running →
  pass; each pod's phase and `Running: n/m` are printed.
- expected-resources: for every component ref, its namespace must exist and every
  `expectedResources` entry must be healthy — Deployment `availableReplicas >= replicas`
  (unset replicas = 1), DaemonSet desired > 0 and ready == desired, StatefulSet
  `readyReplicas >= replicas`, Service/ConfigMap/Secret present; any other kind is
  "unsupported"; and every component's health contract (`readiness`, `customChecks`, `crds`,
  `healthCheckAsserts`, see health_contract.py) must hold. Every problem is reported together;
  components declaring none of these are listed as not checked.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code
from aicr.validators.gke_networks import gke_gpu_nic_networks
from aicr.validators.health_contract import int_field, workload_issue
from aicr.validators.health_edge import contract_problems, declares_contract
from aicr.validators.nvidia_smi import check_nvidia_smi
from aicr.validators.operator_version import gpu_operator_version
from aicr.validators.runtime import CheckContext, CheckFailed, CheckSkipped

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

GPU_OPERATOR = "gpu-operator"
GPU_OPERATOR_LABELS = {"app": "gpu-operator"}
PRESENCE_KINDS = ("Service", "ConfigMap", "Secret")
WORKLOAD_KINDS = ("Deployment", "DaemonSet", "StatefulSet")


def workload_state(kind: str, obj: dict[str, Any]) -> str:
    """A short `ready n/m` description for the evidence log (pure)."""
    status = obj.get("status") or {}
    spec = obj.get("spec") or {}
    if kind == "Deployment":
        return f"available {int_field(status.get('availableReplicas'))}/{int_field(spec.get('replicas'), 1)}"
    if kind == "DaemonSet":
        return (
            f"ready {int_field(status.get('numberReady'))}/{int_field(status.get('desiredNumberScheduled'))}"
        )
    if kind == "StatefulSet":
        return f"ready {int_field(status.get('readyReplicas'))}/{int_field(spec.get('replicas'), 1)}"
    return "present"


def _namespace_exists(ctx: CheckContext, name: str, cache: dict[str, bool]) -> bool:
    if name not in cache:
        cache[name] = ctx.client.find("Namespace", name) is not None
    return cache[name]


def resource_problems(
    ctx: CheckContext, ref: dict[str, Any], namespaces: dict[str, bool]
) -> tuple[list[str], int, int]:
    """(problems, resources checked, resources healthy) for one component ref."""
    component = str(ref.get("name") or "")
    problems: list[str] = []
    home = str(ref.get("namespace") or "")
    if home and not _namespace_exists(ctx, home, namespaces):
        problems.append(f"{component}: namespace {home} not found")
    checked = healthy = 0
    for res in ref.get("expectedResources") or []:
        kind, name = str(res.get("kind") or ""), str(res.get("name") or "")
        namespace = str(res.get("namespace") or home or "default")
        label = f"{component}: {kind} {namespace}/{name}"
        checked += 1
        if kind not in WORKLOAD_KINDS + PRESENCE_KINDS:
            problems.append(f"{label}: unsupported kind")
            ctx.print(f"{label}: unsupported kind")
            continue
        if namespace != home and not _namespace_exists(ctx, namespace, namespaces):
            problems.append(f"{label}: namespace {namespace} not found")
            ctx.print(f"{label}: namespace not found")
            continue
        if not namespaces.get(namespace, True):
            ctx.print(f"{label}: namespace not found")
            continue
        obj = ctx.client.find(kind, name, namespace)
        if obj is None:
            problems.append(f"{label}: not found")
            ctx.print(f"{label}: not found")
            continue
        issue = workload_issue(kind, obj)
        ctx.print(f"{label}: {workload_state(kind, obj)}" + (f" (NOT READY: {issue})" if issue else ""))
        if issue:
            problems.append(f"{label}: {issue}")
        else:
            healthy += 1
    return problems, checked, healthy


def expected_resources(ctx: CheckContext) -> None:
    """Every component's expected resources and health contract hold."""
    refs = [r for r in ctx.recipe.get("componentRefs") or [] if isinstance(r, dict)]
    if not refs:
        raise CheckSkipped("the recipe declares no components")
    namespaces: dict[str, bool] = {}
    problems: list[str] = []
    checked = healthy = 0
    unchecked: list[str] = []
    for ref in refs:
        if not ref.get("expectedResources") and not declares_contract(ref):
            unchecked.append(str(ref.get("name")))
            continue
        found, count, good = resource_problems(ctx, ref, namespaces)
        contract = contract_problems(ctx, ref) if declares_contract(ref) else []
        for problem in contract:
            ctx.print(f"{problem} (NOT READY)")
        problems += found + contract
        checked += count + (1 if declares_contract(ref) else 0)
        healthy += good + (1 if declares_contract(ref) and not contract else 0)
    if unchecked:
        ctx.print(f"components without expectedResources (not checked here): {', '.join(unchecked)}")
    if checked == 0:
        raise CheckSkipped("no component of the recipe declares expectedResources")
    ctx.result(f"expected resources healthy: {healthy}/{checked}")
    if problems:
        raise CheckFailed(f"{len(problems)} expected resource problem(s):\n- " + "\n- ".join(problems))


def pod_summary(pods: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """(running pods, one `name: Phase` line per pod) — pure."""
    lines = []
    running = 0
    for pod in pods:
        phase = str((pod.get("status") or {}).get("phase") or "Unknown")
        running += phase == "Running"
        lines.append(f"{(pod.get('metadata') or {}).get('name', '?')}: {phase}")
    return running, lines


def operator_health(ctx: CheckContext) -> None:
    """At least one GPU Operator pod is Running."""
    namespace = GPU_OPERATOR
    try:
        ref = next((r for r in ctx.recipe.get("componentRefs") or [] if r.get("name") == GPU_OPERATOR), None)
    except CheckFailed:
        ref = None
    if ref and ref.get("namespace"):
        namespace = str(ref["namespace"])
    try:
        pods = ctx.client.list("Pod", namespace, labels=GPU_OPERATOR_LABELS)
    except AicrError as exc:
        if exc.code is Code.NOT_FOUND:
            pods = []
        else:
            raise
    running, lines = pod_summary(pods)
    for line in lines:
        ctx.print(line)
    ctx.print(f"Running: {running}/{len(pods)}")
    if not pods:
        raise CheckFailed(f"no GPU Operator pods (label app=gpu-operator) found in namespace {namespace}")
    ctx.result(f"GPU Operator pods running: {running}/{len(pods)}")
    if running == 0:
        raise CheckFailed(f"no GPU Operator pod is Running in namespace {namespace} ({len(pods)} found)")


CHECKS: dict[str, Callable[[CheckContext], None]] = {
    "operator-health": operator_health,
    "expected-resources": expected_resources,
    "gpu-operator-version": gpu_operator_version,
    "check-nvidia-smi": check_nvidia_smi,
    "gke-gpu-nic-networks": gke_gpu_nic_networks,
}
