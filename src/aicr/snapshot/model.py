"""The Snapshot measurement model: readings, subtypes, measurements and the document envelope.

Pure: no I/O. reference/snapshot.md §1. A reading is a bare scalar (int, float, bool, str); the
model keeps its Python type so YAML and JSON round trips neither turn ints into floats nor
strings into `"<nil>"`. Measurement types are emitted sorted (the reference's order depends on
which collector finished first). `from_dict` is strict: unknown fields and non-scalar readings
are INVALID_REQUEST errors naming the field path.
"""

from __future__ import annotations

from aicr.documents import API_VERSION, KIND_SNAPSHOT
from aicr.errors import AicrError, Code
from aicr.snapshot.document import check_envelope

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any, TypeAlias

    Reading: TypeAlias = "int | float | bool | str | None"

TYPES = ("GPU", "K8s", "NodeTopology", "OS", "SystemD")
# Documents written by newer references may carry these top-level fields; they are kept verbatim.
_PASSTHROUGH_FIELDS = ("fingerprint",)


class Item:
    """One ordered record inside a subtype: identifying `context` strings plus `data` readings."""

    __slots__ = ("context", "data")

    def __init__(
        self, context: Mapping[str, str] | None = None, data: Mapping[str, Reading] | None = None
    ) -> None:
        self.context: dict[str, str] = dict(context or {})
        self.data: dict[str, Reading] = dict(data or {})

    @classmethod
    def adopt(cls, context: dict[str, str], data: dict[str, Reading]) -> Item:
        """An item that takes ownership of `context` and `data` (no copies; for bulk builders)."""
        item = cls.__new__(cls)
        item.context = context
        item.data = data
        return item

    def to_dict(self) -> dict[str, Any]:
        """Plain data: `context` and `data`, keys sorted."""
        return {"context": _sorted(self.context), "data": _sorted(self.data)}


class Subtype:
    """A named group of readings (`smi`, `sysctl`, `containerd.service`, ...)."""

    __slots__ = ("context", "data", "items", "name")

    def __init__(
        self,
        name: str,
        data: Mapping[str, Reading] | None = None,
        *,
        context: Mapping[str, str] | None = None,
        items: Iterable[Item] | None = None,
    ) -> None:
        self.name = name
        self.data: dict[str, Reading] = dict(data or {})
        self.context: dict[str, str] = dict(context or {})
        self.items: list[Item] = list(items or [])

    def to_dict(self) -> dict[str, Any]:
        """Plain data; `subtype`, `context` and `items` only when non-empty, `data` always."""
        out: dict[str, Any] = {}
        if self.name:
            out["subtype"] = self.name
        out["data"] = _sorted(self.data)
        if self.context:
            out["context"] = _sorted(self.context)
        if self.items:
            out["items"] = [item.to_dict() for item in self.items]
        return out


class Measurement:
    """All readings of one type (K8s, GPU, OS, SystemD, NodeTopology)."""

    __slots__ = ("subtypes", "type")

    def __init__(self, mtype: str, subtypes: Iterable[Subtype] | None = None) -> None:
        self.type = mtype
        self.subtypes: list[Subtype] = list(subtypes or [])

    def subtype(self, name: str) -> Subtype | None:
        """The subtype called `name`, or None."""
        return next((s for s in self.subtypes if s.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        """Plain data; `subtypes` only when there are any."""
        out: dict[str, Any] = {"type": self.type}
        if self.subtypes:
            out["subtypes"] = [s.to_dict() for s in self.subtypes]
        return out


class Snapshot:
    """The Snapshot document: envelope metadata plus measurements."""

    __slots__ = ("api_version", "extra", "measurements", "metadata")

    def __init__(
        self,
        measurements: Iterable[Measurement] | None = None,
        *,
        metadata: Mapping[str, str] | None = None,
        api_version: str = API_VERSION,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        self.api_version = api_version
        self.metadata: dict[str, str] = dict(metadata or {})
        self.measurements: list[Measurement] = list(measurements or [])
        self.extra: dict[str, Any] = dict(extra or {})

    def measurement(self, mtype: str) -> Measurement | None:
        """The measurement of type `mtype`, or None."""
        return next((m for m in self.measurements if m.type == mtype), None)

    def reading(self, mtype: str, subtype: str, key: str) -> Reading:
        """One reading; NOT_FOUND when the type, subtype or key is missing."""
        m = self.measurement(mtype)
        sub = m.subtype(subtype) if m else None
        if sub is None or key not in sub.data:
            raise AicrError(Code.NOT_FOUND, f"reading {mtype}.{subtype}.{key} not found in snapshot")
        return sub.data[key]

    def gpu_count(self) -> int:
        """`GPU.smi.gpu-count` as an int (0 when absent or not an integer)."""
        try:
            value = self.reading("GPU", "smi", "gpu-count")
        except AicrError:
            return 0
        if isinstance(value, bool) or not isinstance(value, int | float):
            return 0
        return int(value) if float(value).is_integer() else 0

    def to_dict(self) -> dict[str, Any]:
        """Plain data in the reference's field order; types and map keys sorted."""
        out: dict[str, Any] = {"kind": KIND_SNAPSHOT, "apiVersion": self.api_version}
        out["metadata"] = _sorted(self.metadata)
        out["measurements"] = [m.to_dict() for m in sorted(self.measurements, key=lambda m: m.type)]
        out.update(self.extra)
        return out

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any], source: str = "snapshot") -> Snapshot:
        """Decode a Snapshot document strictly (INVALID_REQUEST naming the field path)."""
        return _decode(doc, source)


def _sorted(mapping: Mapping[str, Any]) -> dict[str, Any]:
    return {k: mapping[k] for k in sorted(mapping)}


def _bad(source: str, path: str, problem: str) -> AicrError:
    return AicrError(Code.INVALID_REQUEST, f"{source}: {path}: {problem}", {"source": source, "field": path})


def _check_fields(obj: Any, allowed: tuple[str, ...], source: str, path: str) -> Mapping[str, Any]:
    if not isinstance(obj, dict):
        raise _bad(source, path, f"must be a mapping, found {_type_name(obj)}")
    for key in obj:
        if key not in allowed:
            raise _bad(source, f"{path}.{key}" if path else str(key), "unknown field")
    return obj


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "mapping", list: "list", str: "string", bool: "bool", int: "int", float: "float"}.get(
        type(value), type(value).__name__
    )


def _string_map(obj: Any, source: str, path: str) -> dict[str, str]:
    if obj is None:
        return {}
    if not isinstance(obj, dict):
        raise _bad(source, path, f"must be a mapping of strings, found {_type_name(obj)}")
    out: dict[str, str] = {}
    for key, value in obj.items():
        if not isinstance(value, str):
            raise _bad(source, f"{path}.{key}", f"must be a string, found {_type_name(value)}")
        out[str(key)] = value
    return out


def _readings(obj: Any, source: str, path: str) -> dict[str, Reading]:
    if obj is None:
        return {}
    if not isinstance(obj, dict):
        raise _bad(source, path, f"must be a mapping of readings, found {_type_name(obj)}")
    out: dict[str, Reading] = {}
    for key, value in obj.items():
        # A null reading is accepted (the reference writes one when the API server is down)
        # and kept as None rather than the reference's "<nil>" string.
        if value is not None and not isinstance(value, int | float | str):
            raise _bad(source, f"{path}.{key}", f"reading must be a scalar, found {_type_name(value)}")
        out[str(key)] = value
    return out


def _decode(doc: Mapping[str, Any], source: str) -> Snapshot:
    allowed = ("kind", "apiVersion", "metadata", "measurements", *_PASSTHROUGH_FIELDS)
    _check_fields(doc, allowed, source, "")
    version = check_envelope(doc, source)
    metadata = _string_map(doc.get("metadata"), source, "metadata")
    raw = doc.get("measurements")
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise _bad(source, "measurements", f"must be a list, found {_type_name(raw)}")
    measurements: list[Measurement] = []
    seen: set[str] = set()
    for i, m in enumerate(raw):
        path = f"measurements[{i}]"
        _check_fields(m, ("type", "subtypes"), source, path)
        mtype = m.get("type")
        if not isinstance(mtype, str) or not mtype:
            raise _bad(source, f"{path}.type", "must be a non-empty string")
        if mtype in seen:
            raise _bad(source, f"{path}.type", f"duplicate measurement type {mtype}")
        seen.add(mtype)
        measurements.append(Measurement(mtype, _decode_subtypes(m.get("subtypes"), source, path)))
    extra = {k: doc[k] for k in _PASSTHROUGH_FIELDS if k in doc}
    return Snapshot(measurements, metadata=metadata, api_version=version, extra=extra)


def _decode_subtypes(raw: Any, source: str, path: str) -> list[Subtype]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise _bad(source, f"{path}.subtypes", f"must be a list, found {_type_name(raw)}")
    out: list[Subtype] = []
    for j, sub in enumerate(raw):
        spath = f"{path}.subtypes[{j}]"
        _check_fields(sub, ("subtype", "data", "context", "items"), source, spath)
        name = sub.get("subtype") or ""
        if not isinstance(name, str):
            raise _bad(source, f"{spath}.subtype", "must be a string")
        items_raw = sub.get("items") or []
        if not isinstance(items_raw, list):
            raise _bad(source, f"{spath}.items", f"must be a list, found {_type_name(items_raw)}")
        items = []
        for k, item in enumerate(items_raw):
            ipath = f"{spath}.items[{k}]"
            _check_fields(item, ("context", "data"), source, ipath)
            items.append(
                Item(
                    _string_map(item.get("context"), source, f"{ipath}.context"),
                    _readings(item.get("data"), source, f"{ipath}.data"),
                )
            )
        out.append(
            Subtype(
                name,
                _readings(sub.get("data"), source, f"{spath}.data"),
                context=_string_map(sub.get("context"), source, f"{spath}.context"),
                items=items,
            )
        )
    return out


def new_metadata(timestamp: str, version: str, source_node: str) -> dict[str, str]:
    """The three envelope metadata keys (reference/snapshot.md §1.1); version omitted if empty."""
    meta = {"timestamp": timestamp, "source-node": source_node}
    if version:
        meta["version"] = version
    return meta
