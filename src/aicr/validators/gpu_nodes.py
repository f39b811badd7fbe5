"""Which nodes carry GPUs a check may use, and which of them are busy.

Pure: functions over Node and Pod objects as the API returns them. reference/validate.md §4.1:
a GPU node is schedulable (not cordoned) with allocatable `nvidia.com/gpu` > 0; cordoned GPU
nodes are listed as skipped; a node with a live (not Succeeded/Failed) GPU-requesting pod is
busy.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

GPU_RESOURCE = "nvidia.com/gpu"
DONE_PHASES = ("Succeeded", "Failed")


def allocatable_gpus(node: dict[str, Any]) -> int:
    """Allocatable `nvidia.com/gpu` of a node (0 when absent or not a whole number)."""
    raw = ((node.get("status") or {}).get("allocatable") or {}).get(GPU_RESOURCE, "0")
    try:
        return max(int(str(raw)), 0)
    except ValueError:
        return 0


def node_name(obj: dict[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("name") or "")


def split_gpu_nodes(nodes: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """(schedulable GPU nodes sorted by name, names of cordoned GPU nodes)."""
    usable: list[dict[str, Any]] = []
    cordoned: list[str] = []
    for node in sorted(nodes, key=node_name):
        if allocatable_gpus(node) <= 0:
            continue
        if (node.get("spec") or {}).get("unschedulable"):
            cordoned.append(node_name(node))
        else:
            usable.append(node)
    return usable, cordoned


def requests_gpu(pod: dict[str, Any]) -> bool:
    """Whether any container of the pod requests or limits `nvidia.com/gpu`."""
    spec = pod.get("spec") or {}
    for container in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        resources = container.get("resources") or {}
        for part in ("requests", "limits"):
            if str((resources.get(part) or {}).get(GPU_RESOURCE, "0")) not in ("0", ""):
                return True
    return False


def busy_nodes(pods: list[dict[str, Any]], ignore_labels: dict[str, str] | None = None) -> set[str]:
    """Nodes running a live GPU-requesting pod (pods carrying all `ignore_labels` are ours)."""
    busy: set[str] = set()
    for pod in pods:
        labels = (pod.get("metadata") or {}).get("labels") or {}
        if ignore_labels and all(labels.get(k) == v for k, v in ignore_labels.items()):
            continue
        if str((pod.get("status") or {}).get("phase")) in DONE_PHASES:
            continue
        node = str((pod.get("spec") or {}).get("nodeName") or "")
        if node and requests_gpu(pod):
            busy.add(node)
    return busy
