"""Criteria detected from a Snapshot: service, accelerator and OS (never intent or platform).

Pure. reference/recipe.md §6: the K8s server `service` reading (else the version string's
`-eks-`/`-gke`/`-aks`/`+lke` marker), the GPU model by substring, and `/etc/os-release` ID.
Values that do not parse are ignored; explicit flags override everything detected here.
"""

from __future__ import annotations

from aicr.errors import AicrError
from aicr.recipe.criteria import ANY, parse_value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any

_VERSION_MARKERS = (("-eks-", "eks"), ("-gke", "gke"), ("-aks", "aks"), ("+lke", "lke"))
_GPU_MARKERS = (
    ("gb300", "gb300"),
    ("gb200", "gb200"),
    ("b200", "b200"),
    ("rtx pro 6000", "rtx-pro-6000"),
    ("h200", "h200"),
    ("h100", "h100"),
    ("a100", "a100"),
    ("l40s", "l40s"),
    ("l40", "l40"),
)


def _data(snapshot: dict[str, Any], mtype: str, subtype: str) -> dict[str, Any] | None:
    for m in snapshot.get("measurements") or []:
        if m.get("type") != mtype:
            continue
        for sub in m.get("subtypes") or []:
            if sub.get("subtype") == subtype:
                data: dict[str, Any] = sub.get("data") or {}
                return data
    return None


def _parse(field: str, raw: Any, allowed: Mapping[str, Iterable[str]]) -> str:
    if not isinstance(raw, str):
        return ANY
    try:
        return parse_value(field, raw, allowed)
    except AicrError:
        return ANY


def accelerator_from_model(model: str) -> str | None:
    """Accelerator criteria value for a GPU model name, or None."""
    lowered = model.lower().replace("-", " ")
    for needle, value in _GPU_MARKERS:
        if needle in lowered:
            return value
    return None


def criteria_from_snapshot(snapshot: dict[str, Any], allowed: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Detected criteria values (only the fields that could be detected)."""
    out: dict[str, str] = {}
    server = _data(snapshot, "K8s", "server") or {}
    service = _parse("service", server.get("service"), allowed)
    if service == ANY:
        node = _data(snapshot, "K8s", "node") or {}
        service = _parse("service", node.get("provider"), allowed)
    if service == ANY:
        version = str(server.get("version") or "")
        for marker, value in _VERSION_MARKERS:
            if marker in version:
                service = value
                break
    if service != ANY:
        out["service"] = service
    for subtype in ("smi", "device", "hardware"):
        data = _data(snapshot, "GPU", subtype)
        if not data:
            continue
        model = data.get("gpu.model") or data.get("model")
        if isinstance(model, str) and model:
            accel = accelerator_from_model(model)
            if accel is not None and accel in allowed["accelerator"]:
                out["accelerator"] = accel
                break
    release = _data(snapshot, "OS", "release") or {}
    os_value = _parse("os", release.get("ID"), allowed)
    if os_value != ANY:
        out["os"] = os_value
    return out
