"""The component health contract: registry `readiness`, `customChecks`, `crds` and health asserts.

Pure judges over API objects (lists and dicts as the API returns them); the edge that fetches
them is `component_health` in health_edge.py. reference/validate.md §4.1 (ADR-006):
- `readiness{namespace, selector, workloads}`: workloads labelled with `selector` in
  `namespace` and the named `workloads` ({kind, name}) are unioned and deduplicated by
  (kind, name); every named one must exist; zero effective workloads fail closed; each must be
  healthy (Deployment available >= replicas, StatefulSet ready >= replicas, DaemonSet desired > 0
  and ready == desired);
- `customChecks`: clusterPolicyReady (every ClusterPolicy `status.state == ready`, at least one),
  skyhookReady (every Skyhook `status.status == complete`, at least one),
  draKubeletPluginReady (a DaemonSet named `*-kubelet-plugin` in the component namespace, fully
  ready); any other name is an error in the recipe;
- `crds`: each named CRD exists with condition Established=True;
- `healthCheckAsserts` (the Chainsaw assert text a component declares): interpreted as "each
  Deployment/DaemonSet/StatefulSet the asserts name is available (> 0) and no pod in the
  component namespace is Pending, Failed or Unknown".
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

WORKLOAD_KINDS = ("Deployment", "DaemonSet", "StatefulSet")
CUSTOM_CHECKS = ("clusterPolicyReady", "skyhookReady", "draKubeletPluginReady")
BAD_POD_PHASES = ("Pending", "Failed", "Unknown")
KUBELET_PLUGIN_SUFFIX = "-kubelet-plugin"


def int_field(value: Any, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def workload_issue(kind: str, obj: dict[str, Any]) -> str | None:
    """Why a workload is not healthy, or None when it is."""
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    if kind == "Deployment":
        want, have = int_field(spec.get("replicas"), 1), int_field(status.get("availableReplicas"))
        return None if have >= want else f"{have}/{want} replicas available"
    if kind == "DaemonSet":
        desired, ready = int_field(status.get("desiredNumberScheduled")), int_field(status.get("numberReady"))
        if desired <= 0:
            return "no pods scheduled (desiredNumberScheduled is 0)"
        return None if ready == desired else f"{ready}/{desired} pods ready"
    if kind == "StatefulSet":
        want, have = int_field(spec.get("replicas"), 1), int_field(status.get("readyReplicas"))
        return None if have >= want else f"{have}/{want} replicas ready"
    return None


def _name(obj: dict[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("name") or "")


def judge_readiness(
    readiness: dict[str, Any],
    selected: dict[str, list[dict[str, Any]]],
    named: dict[tuple[str, str], dict[str, Any] | None],
) -> list[str]:
    """Problems of one component's readiness block.

    `selected` maps each workload kind to the objects the selector matched; `named` maps each
    declared (kind, name) to its object or None when absent.
    """
    problems: list[str] = []
    namespace = str(readiness.get("namespace") or "")
    effective: dict[tuple[str, str], dict[str, Any]] = {}
    for kind, objects in sorted(selected.items()):
        for obj in objects:
            effective[(kind, _name(obj))] = obj
    for (kind, name), found in sorted(named.items()):
        if found is None:
            problems.append(f"{kind} {namespace}/{name}: not found")
        else:
            effective[(kind, name)] = found
    if not effective and not problems:
        return [f"no workload matches readiness in namespace {namespace} (zero matches fail closed)"]
    for (kind, name), obj in sorted(effective.items()):
        issue = workload_issue(kind, obj)
        if issue:
            problems.append(f"{kind} {namespace}/{name}: {issue}")
    return problems


def readiness_shape(readiness: Any, component: str) -> tuple[str, dict[str, str], list[tuple[str, str]]]:
    """(namespace, selector, named workloads) of a readiness block; AicrError when malformed."""
    if not isinstance(readiness, dict) or not readiness.get("namespace"):
        raise AicrError(Code.INVALID_REQUEST, f"component {component}: readiness needs a namespace")
    selector = readiness.get("selector") or {}
    if not isinstance(selector, dict):
        raise AicrError(Code.INVALID_REQUEST, f"component {component}: readiness.selector must be a mapping")
    named: list[tuple[str, str]] = []
    for item in readiness.get("workloads") or []:
        kind, name = str((item or {}).get("kind") or ""), str((item or {}).get("name") or "")
        if kind not in WORKLOAD_KINDS or not name:
            raise AicrError(
                Code.INVALID_REQUEST,
                f"component {component}: readiness workload {item!r} needs kind Deployment|DaemonSet|StatefulSet and a name",
            )
        named.append((kind, name))
    return str(readiness["namespace"]), {str(k): str(v) for k, v in selector.items()}, named


def judge_cluster_policies(policies: list[dict[str, Any]]) -> str | None:
    if not policies:
        return "no ClusterPolicy found"
    bad = [f"{_name(p)}={(p.get('status') or {}).get('state') or 'unset'}" for p in policies]
    bad = [b for b, p in zip(bad, policies, strict=True) if (p.get("status") or {}).get("state") != "ready"]
    return f"ClusterPolicy not ready: {', '.join(bad)}" if bad else None


def judge_skyhooks(skyhooks: list[dict[str, Any]]) -> str | None:
    if not skyhooks:
        return "no Skyhook found"
    bad = [
        f"{_name(s)}={(s.get('status') or {}).get('status') or 'unset'}"
        for s in skyhooks
        if (s.get("status") or {}).get("status") != "complete"
    ]
    return f"Skyhook not complete: {', '.join(bad)}" if bad else None


def judge_kubelet_plugin(daemonsets: list[dict[str, Any]], namespace: str) -> str | None:
    plugins = [d for d in daemonsets if _name(d).endswith(KUBELET_PLUGIN_SUFFIX)]
    if not plugins:
        return f"no DaemonSet *{KUBELET_PLUGIN_SUFFIX} in namespace {namespace}"
    issues = [
        f"{_name(d)}: {workload_issue('DaemonSet', d)}" for d in plugins if workload_issue("DaemonSet", d)
    ]
    return "DRA kubelet plugin not ready: " + "; ".join(issues) if issues else None


def judge_crd(name: str, crd: dict[str, Any] | None) -> str | None:
    if crd is None:
        return f"CRD {name} not found"
    for condition in (crd.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "Established" and condition.get("status") == "True":
            return None
    return f"CRD {name} is not Established"


def asserted_workloads(asserts: str, source: str) -> list[tuple[str, str]]:
    """(kind, name) of every workload the health-check assert documents name."""
    from aicr.io.yamlin import load_yaml

    found: set[tuple[str, str]] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            kind = node.get("kind")
            name = (
                (node.get("metadata") or {}).get("name") if isinstance(node.get("metadata"), dict) else None
            )
            if kind in WORKLOAD_KINDS and isinstance(name, str) and name:
                found.add((str(kind), name))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for chunk in asserts.split("\n---"):
        if chunk.strip():
            walk(load_yaml(chunk, source))
    return sorted(found)


def judge_asserted(
    workloads: dict[tuple[str, str], dict[str, Any] | None], pods: list[dict[str, Any]]
) -> list[str]:
    """Problems of a component's health asserts: workloads available, no stuck pod."""
    problems: list[str] = []
    for (kind, name), obj in sorted(workloads.items()):
        if obj is None:
            problems.append(f"{kind} {name}: not found")
            continue
        status = obj.get("status") or {}
        have = int_field(status.get("numberReady" if kind == "DaemonSet" else "availableReplicas"))
        if kind == "StatefulSet":
            have = int_field(status.get("readyReplicas"))
        if have <= 0:
            problems.append(f"{kind} {name}: nothing available")
    for pod in sorted(pods, key=_name):
        phase = str((pod.get("status") or {}).get("phase") or "Unknown")
        if phase in BAD_POD_PHASES:
            problems.append(f"pod {_name(pod)} is {phase}")
    return problems
