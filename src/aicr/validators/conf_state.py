"""Readings of cluster objects and of the recipe shared by the conformance checks.

Pure: every function takes plain Kubernetes objects (dicts) or the recipe document and returns
a fact about them; nothing here talks to the API. reference/validate.md §4.3.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

TRUTHY = ("1", "true", "yes", "on")


def _int(value: Any, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def env_flag(env: dict[str, str], name: str) -> bool:
    """Whether an environment variable is set to a truthy value (`1`, `true`, `yes`, `on`)."""
    return env.get(name, "").strip().lower() in TRUTHY


def declared_components(recipe: dict[str, Any]) -> set[str] | None:
    """Names of the recipe's enabled components, or None when it lists no components at all."""
    refs = recipe.get("componentRefs")
    if not isinstance(refs, list) or not refs:
        return None
    names = set()
    for ref in refs:
        if isinstance(ref, dict) and ref.get("enabled", True) is not False and ref.get("name"):
            names.add(str(ref["name"]))
    return names


def component_namespace(recipe: dict[str, Any], name: str, default: str) -> str:
    """The namespace the recipe installs component `name` into (else `default`)."""
    for ref in recipe.get("componentRefs") or []:
        if isinstance(ref, dict) and ref.get("name") == name and ref.get("namespace"):
            return str(ref["namespace"])
    return default


def condition_true(obj: dict[str, Any] | None, kind: str) -> bool:
    """Whether the object's `status.conditions` holds `kind` with status True."""
    for cond in ((obj or {}).get("status") or {}).get("conditions") or []:
        if isinstance(cond, dict) and cond.get("type") == kind:
            return str(cond.get("status")) == "True"
    return False


def deployment_issue(obj: dict[str, Any] | None) -> str | None:
    """Why a Deployment is not available (None when `availableReplicas >= replicas`, min 1)."""
    if obj is None:
        return "not found"
    want = max(_int((obj.get("spec") or {}).get("replicas"), 1), 1)
    have = _int((obj.get("status") or {}).get("availableReplicas"))
    return None if have >= want else f"{have}/{want} replicas available"


def daemonset_issue(obj: dict[str, Any] | None) -> str | None:
    """Why a DaemonSet is not ready (None when desired > 0 and every desired pod is ready)."""
    if obj is None:
        return "not found"
    status = obj.get("status") or {}
    desired = _int(status.get("desiredNumberScheduled"))
    ready = _int(status.get("numberReady"))
    if desired <= 0:
        return "no pods scheduled (desiredNumberScheduled is 0)"
    return None if ready >= desired else f"{ready}/{desired} pods ready"


def crd_issue(obj: dict[str, Any] | None) -> str | None:
    """Why a CustomResourceDefinition cannot be used (None when it is Established)."""
    if obj is None:
        return "not found"
    return None if condition_true(obj, "Established") else "not Established"


def pod_phase(pod: dict[str, Any]) -> str:
    """The pod's `status.phase` (`Unknown` when absent)."""
    return str((pod.get("status") or {}).get("phase") or "Unknown")


def pod_ready(pod: dict[str, Any]) -> bool:
    """Running with the Ready condition True."""
    return pod_phase(pod) == "Running" and condition_true(pod, "Ready")


def name_of(obj: dict[str, Any]) -> str:
    """`metadata.name` (empty when absent)."""
    return str((obj.get("metadata") or {}).get("name") or "")


def gpu_allocatable(node: dict[str, Any]) -> int:
    """Allocatable `nvidia.com/gpu` of a node (0 when absent or not a number)."""
    raw = ((node.get("status") or {}).get("allocatable") or {}).get("nvidia.com/gpu", "0")
    try:
        return int(str(raw))
    except ValueError:
        return 0


def schedulable_gpu_nodes(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Nodes not cordoned with at least one allocatable GPU."""
    return [n for n in nodes if not (n.get("spec") or {}).get("unschedulable") and gpu_allocatable(n) > 0]
