"""The FleetSnapshot document: per-node snapshots of every GPU node plus a heterogeneity report.

Pure: node results in, a plain document out (and back). A fleet snapshot is what
`aicr snapshot --all-gpu-nodes` writes:

    kind: FleetSnapshot
    apiVersion: aicr.nvidia.com/v1alpha1
    metadata: {timestamp, version}
    summary: {nodes, measured, failed, timedOut, cordoned}
    heterogeneity:            # over the measured nodes, one entry per dimension
      driver: {majority: 580.95.05, counts: {580.95.05: 180, 570.86.15: 20}, differing: [node-7, …]}
    nodes:                    # sorted by name
      - {name, status: measured, measurements: [...]}       # the node's Snapshot measurements
      - {name, status: failed | timed-out | cordoned, reason}

The dimensions are the readings that decide recipes and readiness: GPU driver, kernel, GPU
model, OS (ID and VERSION_ID) and kubelet version. The majority value is the most frequent
(ties: the smallest value); `differing` lists the measured nodes with another value or none.
`majority_snapshot` is the Snapshot of the most typical measured node: criteria detection and
the cluster-wide readiness checks read it.
"""

from __future__ import annotations

from aicr.documents import API_VERSION, KIND_SNAPSHOT
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

KIND_FLEET = "FleetSnapshot"
STATUSES = ("measured", "failed", "timed-out", "cordoned")
SUMMARY_KEYS = {"measured": "measured", "failed": "failed", "timed-out": "timedOut", "cordoned": "cordoned"}


def _reading(measurements: list[dict[str, Any]], mtype: str, subtype: str, key: str) -> str:
    for m in measurements:
        if m.get("type") != mtype:
            continue
        for sub in m.get("subtypes") or []:
            if sub.get("subtype") == subtype:
                value = (sub.get("data") or {}).get(key)
                return "" if value is None else str(value)
    return ""


def _os(measurements: list[dict[str, Any]]) -> str:
    ident = _reading(measurements, "OS", "release", "ID")
    version = _reading(measurements, "OS", "release", "VERSION_ID")
    return f"{ident} {version}".strip()


DIMENSIONS: dict[str, Callable[[list[dict[str, Any]]], str]] = {
    "driver": lambda m: _reading(m, "GPU", "smi", "driver"),
    "kernel": lambda m: _reading(m, "OS", "sysctl", "/proc/sys/kernel/osrelease"),
    "gpuModel": lambda m: _reading(m, "GPU", "smi", "gpu.model"),
    "os": _os,
    "kubelet": lambda m: _reading(m, "K8s", "node", "kubelet-version"),
}


class NodeResult:
    """What measuring one node gave: its snapshot document, or why there is none."""

    __slots__ = ("name", "reason", "snapshot", "status")

    def __init__(self, name: str, status: str, *, snapshot: dict[str, Any] | None = None, reason: str = ""):
        if status not in STATUSES:
            raise ValueError(status)
        self.name = name
        self.status = status
        self.snapshot = snapshot
        self.reason = reason


def _majority(values: Mapping[str, str]) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for value in values.values():
        counts[value] = counts.get(value, 0) + 1
    majority = min(counts, key=lambda v: (-counts[v], v)) if counts else ""
    return {
        "majority": majority,
        "counts": {v: counts[v] for v in sorted(counts, key=lambda v: (-counts[v], v))},
        "differing": sorted(name for name, value in values.items() if value != majority),
    }


def heterogeneity(measured: Mapping[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Per dimension: the majority value, the count of each value and the nodes that differ."""
    return {
        dim: _majority({name: read(m) for name, m in measured.items()}) for dim, read in DIMENSIONS.items()
    }


def build_fleet_document(results: list[NodeResult], *, version: str, timestamp: str) -> dict[str, Any]:
    """The FleetSnapshot of `results` (nodes sorted by name)."""
    ordered = sorted(results, key=lambda r: r.name)
    summary = {"nodes": len(ordered), **{key: 0 for key in SUMMARY_KEYS.values()}}
    nodes: list[dict[str, Any]] = []
    measured: dict[str, list[dict[str, Any]]] = {}
    for result in ordered:
        summary[SUMMARY_KEYS[result.status]] += 1
        entry: dict[str, Any] = {"name": result.name, "status": result.status}
        if result.status == "measured" and result.snapshot is not None:
            measurements = list(result.snapshot.get("measurements") or [])
            measured[result.name] = measurements
            entry["measurements"] = measurements
        else:
            entry["reason"] = result.reason
        nodes.append(entry)
    return {
        "kind": KIND_FLEET,
        "apiVersion": API_VERSION,
        "metadata": {"timestamp": timestamp, "version": version},
        "summary": summary,
        "heterogeneity": heterogeneity(measured),
        "nodes": nodes,
    }


def is_fleet(doc: Mapping[str, Any] | None) -> bool:
    """Whether `doc` is a FleetSnapshot document."""
    return doc is not None and doc.get("kind") == KIND_FLEET


def check_fleet_document(doc: dict[str, Any], source: str) -> dict[str, Any]:
    """INVALID_REQUEST unless `doc` is a well-formed FleetSnapshot (each node's measurements
    checked as strictly as a Snapshot's); returns `doc`."""
    from aicr.snapshot.document import check_snapshot_document
    from aicr.snapshot.model import Snapshot

    if doc.get("apiVersion") != API_VERSION:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'{source}: unsupported apiVersion "{doc.get("apiVersion")}" for {KIND_FLEET}',
        )
    unknown = sorted(set(doc) - {"kind", "apiVersion", "metadata", "summary", "heterogeneity", "nodes"})
    if unknown:
        raise AicrError(Code.INVALID_REQUEST, f"{source}: unknown field {unknown[0]} in {KIND_FLEET}")
    nodes = doc.get("nodes")
    if not isinstance(nodes, list) or not nodes:
        raise AicrError(Code.INVALID_REQUEST, f"{source}: {KIND_FLEET} needs a non-empty nodes list")
    for i, node in enumerate(nodes):
        where = f"{source}: nodes[{i}]"
        if (
            not isinstance(node, dict)
            or not isinstance(node.get("name"), str)
            or node.get("status") not in STATUSES
        ):
            raise AicrError(
                Code.INVALID_REQUEST, f"{where} needs a name and a status ({', '.join(STATUSES)})"
            )
        extra = sorted(set(node) - {"name", "status", "measurements", "reason"})
        if extra:
            raise AicrError(Code.INVALID_REQUEST, f"{where}: unknown field {extra[0]}")
        if node["status"] == "measured":
            snapshot = node_snapshot(doc, node)
            Snapshot.from_dict(check_snapshot_document(snapshot, where), where)
    return doc


def node_snapshot(doc: Mapping[str, Any], node: Mapping[str, Any]) -> dict[str, Any]:
    """One measured node as a Snapshot document."""
    meta = doc.get("metadata") or {}
    return {
        "kind": KIND_SNAPSHOT,
        "apiVersion": API_VERSION,
        "metadata": {
            "source-node": node["name"],
            "timestamp": str(meta.get("timestamp") or ""),
            "version": str(meta.get("version") or ""),
        },
        "measurements": list(node.get("measurements") or []),
    }


def measured_nodes(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The Snapshot of every measured node, in node order."""
    return [node_snapshot(doc, n) for n in doc.get("nodes") or [] if n.get("status") == "measured"]


def majority_snapshot(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The Snapshot of the most typical measured node (the most majority values; ties: by name).

    NOT_FOUND when no node was measured: there is nothing to derive criteria from.
    """
    snapshots = measured_nodes(doc)
    if not snapshots:
        raise AicrError(Code.NOT_FOUND, f"the {KIND_FLEET} has no measured node")
    report = doc.get("heterogeneity") or heterogeneity(
        {s["metadata"]["source-node"]: s["measurements"] for s in snapshots}
    )

    def typical(snapshot: dict[str, Any]) -> tuple[int, str]:
        name = snapshot["metadata"]["source-node"]
        misses = sum(1 for dim in DIMENSIONS if name in (report.get(dim) or {}).get("differing", []))
        return misses, name

    return min(snapshots, key=typical)
