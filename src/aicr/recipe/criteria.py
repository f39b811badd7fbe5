"""Criteria: the five enum dimensions plus `nodes` that describe a cluster.

Pure. Parsing follows reference/recipe.md §1: trim, lowercase, aliases, `""`/`any` mean any;
a value is valid when it is in the static list or declared by a loaded overlay. Error texts are
the reference's (`invalid service type: foo`, `invalid nodes value: abc`, …).
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any

ANY = "any"
FIELDS = ("service", "accelerator", "intent", "os", "platform")

# reference/recipe.md §1, current static values, plus the values the reference's own catalog
# uses beyond that list (service `generic`: bare-metal GB300; accelerator `vr200`; platform
# `kueue`: the Kueue topology-aware scheduling leaves).
STATIC_VALUES: dict[str, frozenset[str]] = {
    "service": frozenset(
        {"aks", "bcm", "eks", "generic", "gke", "k0s", "kind", "lke", "metal3", "ocp", "oke", "rke2"}
    ),
    "accelerator": frozenset(
        {"a100", "b200", "gb200", "gb300", "h100", "h200", "l40", "l40s", "rtx-pro-6000", "vr200"}
    ),
    "intent": frozenset({"inference", "training"}),
    "os": frozenset({"amazonlinux", "cos", "ol", "rhel", "sles", "talos", "ubuntu"}),
    "platform": frozenset({"dynamo", "kubeflow", "kueue", "nim", "runai", "slurm"}),
}

ALIASES: dict[str, dict[str, str]] = {
    "service": {"self-managed": ANY, "self": ANY, "vanilla": ANY},
    "os": {"al2": "amazonlinux", "al2023": "amazonlinux"},
}


def normalize(field: str, raw: str) -> str:
    """Trim, lowercase and de-alias one value; `""` becomes `any`. No validity check."""
    value = raw.strip().lower()
    if not value:
        return ANY
    return ALIASES.get(field, {}).get(value, value)


def parse_value(field: str, raw: str, allowed: Mapping[str, Iterable[str]] | None = None) -> str:
    """Normalise `raw` and check it against `allowed` (defaults to the static lists)."""
    value = normalize(field, raw)
    if value == ANY:
        return value
    values = allowed[field] if allowed is not None else STATIC_VALUES[field]
    if value not in values:
        raise AicrError(
            Code.INVALID_REQUEST,
            f"invalid {field} type: {raw}",
            {"field": field, "value": raw, "valid": sorted(values)},
        )
    return value


def parse_nodes(raw: str | int) -> int:
    """Parse `nodes`: a whole decimal number (ASCII digits, optional sign), 0..MAX_NODES.

    Stricter than the reference's leading-integer parse (issue 10 item 8): `1.5`, `1e400` and
    `4abc` are refused instead of read as 1, 1 and 4."""
    from aicr.io.limits import MAX_NODES

    if isinstance(raw, bool):
        raise AicrError(Code.INVALID_REQUEST, f"invalid nodes value: {raw}")
    if isinstance(raw, int):
        value = raw
    else:
        text = raw.strip()
        digits = text[1:] if text[:1] in ("-", "+") else text
        if not (digits.isascii() and digits.isdigit()):
            raise AicrError(Code.INVALID_REQUEST, f"invalid nodes value: {raw[:40]}", {"value": raw[:40]})
        if len(digits.lstrip("0")) > len(str(MAX_NODES)):
            raise AicrError(Code.INVALID_REQUEST, f"invalid nodes value: {raw[:40]}... (over {MAX_NODES})")
        value = int(text, 10)
    shown = str(value) if value.bit_length() <= 64 else "<over 19 digits>"
    if value < 0:
        raise AicrError(
            Code.INVALID_REQUEST, f"invalid nodes count: {shown} (must be >= 0)", {"value": shown}
        )
    if value > MAX_NODES:
        raise AicrError(Code.INVALID_REQUEST, f"invalid nodes count: {shown} (over the limit of {MAX_NODES})")
    return value


class Criteria:
    """A query: five enum fields (`any` when unset) and `nodes` (0 when unset).

    Construct with raw strings; values are normalised (trimmed, lowercased, de-aliased) but
    checked against the catalog's value lists only when the catalog resolves them.
    """

    __slots__ = ("_raw", "accelerator", "intent", "nodes", "os", "platform", "service")

    def __init__(
        self,
        service: str = ANY,
        accelerator: str = ANY,
        intent: str = ANY,
        os: str = ANY,
        platform: str = ANY,
        nodes: int = 0,
    ) -> None:
        self.service = normalize("service", service or "")
        self.accelerator = normalize("accelerator", accelerator or "")
        self.intent = normalize("intent", intent or "")
        self.os = normalize("os", os or "")
        self.platform = normalize("platform", platform or "")
        self.nodes = parse_nodes(nodes)
        self._raw = {
            "service": service,
            "accelerator": accelerator,
            "intent": intent,
            "os": os,
            "platform": platform,
        }

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Criteria:
        """Build from a dict with any subset of the six keys (unknown keys are rejected)."""
        unknown = sorted(set(values) - {*FIELDS, "nodes"})
        if unknown:
            raise AicrError(Code.INVALID_REQUEST, f"unknown criteria field: {unknown[0]}")
        kwargs: dict[str, Any] = {}
        for field in FIELDS:
            raw = values.get(field)
            if raw is None:
                continue
            if not isinstance(raw, str):
                raise AicrError(Code.INVALID_REQUEST, f"invalid {field} type: {raw}")
            kwargs[field] = raw
        if values.get("nodes") is not None:
            kwargs["nodes"] = parse_nodes(values["nodes"])
        return cls(**kwargs)

    def get(self, field: str) -> str:
        """Value of one enum field."""
        return str(getattr(self, field))

    def replace(self, **changes: Any) -> Criteria:
        """A copy with some fields changed."""
        values: dict[str, Any] = {f: getattr(self, f) for f in (*FIELDS, "nodes")}
        values.update(changes)
        return Criteria(**values)

    def validate(self, allowed: Mapping[str, Iterable[str]]) -> None:
        """Raise INVALID_REQUEST for the first field whose value is not in `allowed`."""
        for field in FIELDS:
            if getattr(self, field) != ANY:
                value = normalize(field, self._raw[field] or "")
                parse_value(field, self._raw[field] if value == getattr(self, field) else value, allowed)

    def specificity(self) -> int:
        """Number of stated enum fields, plus one when `nodes` is set."""
        return sum(1 for f in FIELDS if getattr(self, f) != ANY) + (1 if self.nodes else 0)

    def to_dict(self) -> dict[str, Any]:
        """RecipeResult `criteria` block: the five fields always, `nodes` when set."""
        out: dict[str, Any] = {f: getattr(self, f) for f in FIELDS}
        if self.nodes:
            out["nodes"] = self.nodes
        return out

    def key(self) -> tuple[Any, ...]:
        """Hashable identity (for caches)."""
        return (self.service, self.accelerator, self.intent, self.os, self.platform, self.nodes)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Criteria) and self.key() == other.key()

    def __hash__(self) -> int:
        return hash(self.key())

    def __str__(self) -> str:
        parts = [f"{f}={getattr(self, f)}" for f in FIELDS if getattr(self, f) != ANY]
        if self.nodes:
            parts.append(f"nodes={self.nodes}")
        return f"criteria({', '.join(parts) or 'any'})"

    def __repr__(self) -> str:
        return f"Criteria({str(self)[9:-1]})"
