"""Drift between two documents of one kind: two Snapshots or two RecipeResults.

Pure: documents in, a `DriftReport` out. Every reading (Snapshot: `Type.subtype.key`, and
`Type.subtype[i].key` for per-item readings) or recipe field (`criteria.<k>`,
`components.<name>.<field>`, `components.<name>.overrides.<path>`, `constraints.<name>`,
`deploymentOrder`, `validation.<phase>.<field>`) is compared as text; each difference is
`added`, `removed` or `modified`, sorted by path. The report's fields follow the reference's
diff result (`baselineSource`, `targetSource`, `changes`, `summary`).
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

KINDS = ("Snapshot", "RecipeResult")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    if isinstance(value, list | dict):
        import json

        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    return str(value)


def _flatten(prefix: str, value: Any, out: dict[str, str]) -> None:
    if isinstance(value, dict) and value:
        for key in value:
            _flatten(f"{prefix}.{key}" if prefix else str(key), value[key], out)
    else:
        out[prefix] = _text(value)


def snapshot_readings(doc: dict[str, Any]) -> dict[str, str]:
    """Every reading of a Snapshot as path -> text (first measurement of a type wins)."""
    out: dict[str, str] = {}
    seen: set[str] = set()
    for m in doc.get("measurements") or []:
        kind = str(m.get("type"))
        if kind in seen:
            continue
        seen.add(kind)
        for sub in m.get("subtypes") or []:
            prefix = f"{kind}.{sub.get('subtype')}"
            for key, value in (sub.get("data") or {}).items():
                out[f"{prefix}.{key}"] = _text(value)
            for i, item in enumerate(sub.get("items") or []):
                for key, value in ((item or {}).get("data") or item or {}).items():
                    out[f"{prefix}[{i}].{key}"] = _text(value)
    return out


def recipe_fields(doc: dict[str, Any]) -> dict[str, str]:
    """Every field of a RecipeResult that describes the cluster stack, as path -> text."""
    out: dict[str, str] = {}
    _flatten("criteria", doc.get("criteria") or {}, out)
    for ref in doc.get("componentRefs") or []:
        name = ref.get("name")
        for field, value in ref.items():
            if field == "name":
                continue
            if field == "overrides" and isinstance(value, dict):
                _flatten(f"components.{name}.overrides", value, out)
            else:
                out[f"components.{name}.{field}"] = _text(value)
    for constraint in doc.get("constraints") or []:
        out[f"constraints.{constraint.get('name')}"] = _text(constraint.get("value"))
    if "deploymentOrder" in doc:
        out["deploymentOrder"] = _text(doc["deploymentOrder"])
    for phase, body in (doc.get("validation") or {}).items():
        for field, value in (body or {}).items():
            out[f"validation.{phase}.{field}"] = _text(value)
    return out


class DriftReport:
    """What changed from the baseline to the target."""

    __slots__ = ("baseline_source", "changes", "target_source")

    def __init__(
        self, changes: list[dict[str, str]], baseline_source: str = "", target_source: str = ""
    ) -> None:
        self.changes = changes
        self.baseline_source = baseline_source
        self.target_source = target_source

    @property
    def summary(self) -> dict[str, int]:
        """Counts per kind of change, and the total."""
        counts = {
            kind: sum(c["kind"] == kind for c in self.changes) for kind in ("added", "removed", "modified")
        }
        return {**counts, "total": len(self.changes)}

    @property
    def has_drift(self) -> bool:
        """Whether anything changed."""
        return bool(self.changes)

    def to_dict(self) -> dict[str, Any]:
        """The report document."""
        out: dict[str, Any] = {}
        if self.baseline_source:
            out["baselineSource"] = self.baseline_source
        if self.target_source:
            out["targetSource"] = self.target_source
        out["changes"] = self.changes
        out["summary"] = self.summary
        return out

    def to_table(self) -> str:
        """A plain text table and a summary line."""
        rows = [("KIND", "PATH", "BASELINE", "TARGET")] + [
            (c["kind"], c["path"], c.get("baseline", ""), c.get("target", "")) for c in self.changes
        ]
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        lines = ["  ".join(r[i].ljust(widths[i]) if i < 3 else r[i] for i in range(4)).rstrip() for r in rows]
        s = self.summary
        lines.append(
            f"{s['total']} change(s): {s['added']} added, {s['removed']} removed, {s['modified']} modified"
        )
        return "\n".join(lines) + "\n"


def compare(
    baseline: dict[str, Any], target: dict[str, Any], *, baseline_source: str = "", target_source: str = ""
) -> DriftReport:
    """Compare two Snapshots or two RecipeResults (INVALID_REQUEST for other or mixed kinds)."""
    kinds = (baseline.get("kind"), target.get("kind"))
    if kinds[0] not in KINDS or kinds[1] not in KINDS:
        raise AicrError(
            Code.INVALID_REQUEST,
            f"diff compares Snapshots or RecipeResults; got {kinds[0]!s} and {kinds[1]!s}",
        )
    if kinds[0] != kinds[1]:
        raise AicrError(Code.INVALID_REQUEST, f"cannot diff a {kinds[0]} against a {kinds[1]}")
    flatten = snapshot_readings if kinds[0] == "Snapshot" else recipe_fields
    base, new = flatten(baseline), flatten(target)
    changes: list[dict[str, str]] = []
    for path in sorted(set(base) | set(new)):
        if path not in base:
            changes.append({"kind": "added", "severity": "info", "path": path, "target": new[path]})
        elif path not in new:
            changes.append({"kind": "removed", "severity": "info", "path": path, "baseline": base[path]})
        elif base[path] != new[path]:
            changes.append(
                {
                    "kind": "modified",
                    "severity": "info",
                    "path": path,
                    "baseline": base[path],
                    "target": new[path],
                }
            )
    return DriftReport(changes, baseline_source, target_source)
