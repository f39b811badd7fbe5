"""The Snapshot document envelope: reading and checking `kind`, `apiVersion` and `measurements`.

Edge (reads through `aicr.io.documents`) plus pure shape checks. The measurement model and
collectors live beside this module; resolution only needs the plain document. `check_envelope`
is also the kind/apiVersion check of the strict `model.Snapshot.from_dict`.
"""

from __future__ import annotations

from aicr.documents import KIND_SNAPSHOT, READ_API_VERSIONS
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any


def check_envelope(doc: Mapping[str, Any], source: str) -> str:
    """The apiVersion of a Snapshot document; INVALID_REQUEST for another kind or version."""
    kind = doc.get("kind")
    if kind != KIND_SNAPSHOT:
        raise AicrError(Code.INVALID_REQUEST, f'{source}: invalid kind "{kind}", expected "{KIND_SNAPSHOT}"')
    version = doc.get("apiVersion")
    if version not in READ_API_VERSIONS:
        raise AicrError(Code.INVALID_REQUEST, f'{source}: unsupported apiVersion "{version}" for Snapshot')
    return str(version)


def check_snapshot_document(doc: dict[str, Any], source: str) -> dict[str, Any]:
    """Raise INVALID_REQUEST unless `doc` is a Snapshot with well-formed measurements."""
    check_envelope(doc, source)
    measurements = doc.get("measurements")
    if measurements is None:
        measurements = doc["measurements"] = []
    if not isinstance(measurements, list):
        raise AicrError(Code.INVALID_REQUEST, f"{source}: measurements must be a list")
    for i, m in enumerate(measurements):
        if not isinstance(m, dict) or not isinstance(m.get("type"), str):
            raise AicrError(Code.INVALID_REQUEST, f"{source}: measurements[{i}] needs a string type")
        subtypes = m.get("subtypes") or []
        if not isinstance(subtypes, list):
            raise AicrError(Code.INVALID_REQUEST, f"{source}: measurements[{i}].subtypes must be a list")
        for j, sub in enumerate(subtypes):
            if not isinstance(sub, dict) or not isinstance(sub.get("data", {}), dict):
                raise AicrError(
                    Code.INVALID_REQUEST, f"{source}: measurements[{i}].subtypes[{j}].data must be a mapping"
                )
    return doc


def load_snapshot_document(
    uri: str, *, kubeconfig: str | None = None, keep_fleet: bool = False
) -> dict[str, Any]:
    """Read the Snapshot at `uri` (file, `-`, http(s) or cm://), decoded as strictly as
    `model.Snapshot.from_dict` (an unknown field or a non-scalar reading is INVALID_REQUEST).

    A FleetSnapshot (`aicr snapshot --all-gpu-nodes`) is checked as strictly and stands for its
    most typical measured node, or is returned whole with `keep_fleet` (validate reads every node).
    """
    from aicr.io.documents import load_document
    from aicr.snapshot.model import Snapshot

    loaded = load_document(uri, what="snapshot", kubeconfig=kubeconfig)
    from aicr.snapshot.fleet_report import check_fleet_document, is_fleet, majority_snapshot

    if is_fleet(loaded):
        fleet = check_fleet_document(loaded, uri)
        return fleet if keep_fleet else majority_snapshot(fleet)
    doc = check_snapshot_document(loaded, uri)
    Snapshot.from_dict(doc, uri)
    return doc
