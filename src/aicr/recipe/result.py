"""RecipeResult: the resolved recipe document and its renderings (yaml, json, table).

Pure. The document is kept as plain data in the reference's key order (reference/recipe.md §4),
so rendering is a straight walk and two renderings of the same result are byte-identical.
"""

from __future__ import annotations

from aicr.recipe.deepmerge import copy_tree

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FORMATS = ("yaml", "json", "table")


class RecipeResult:
    """A resolved recipe. `doc` holds the document exactly as it is written out."""

    __slots__ = ("doc", "provenance")

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        # path -> {layer, source, file, value, overrode}: set when resolved with a recorder (--explain)
        self.provenance: dict[str, Any] | None = None

    @property
    def criteria(self) -> dict[str, Any]:
        """The resolved criteria block."""
        result: dict[str, Any] = self.doc.get("criteria") or {}
        return result

    @property
    def component_refs(self) -> list[dict[str, Any]]:
        """Component refs, sorted by name."""
        result: list[dict[str, Any]] = self.doc.get("componentRefs") or []
        return result

    @property
    def deployment_order(self) -> list[str]:
        """Enabled component names, dependencies first."""
        result: list[str] = self.doc.get("deploymentOrder") or []
        return result

    @property
    def applied_overlays(self) -> list[str]:
        """Overlays merged into this result, in merge order."""
        result: list[str] = self.doc.get("metadata", {}).get("appliedOverlays") or []
        return result

    @property
    def constraints(self) -> list[dict[str, Any]]:
        """Top-level (readiness) constraints."""
        result: list[dict[str, Any]] = self.doc.get("constraints") or []
        return result

    def component(self, name: str) -> dict[str, Any] | None:
        """One component ref by name."""
        for ref in self.component_refs:
            if ref["name"] == name:
                return ref
        return None

    def to_dict(self) -> dict[str, Any]:
        """A deep copy of the document as plain data."""
        result: dict[str, Any] = copy_tree(self.doc)
        return result

    def to_yaml(self) -> str:
        """YAML rendering (2-space indent, reference key order)."""
        from aicr.io.yamlout import dump

        return dump(self.doc)

    def to_json(self) -> str:
        """JSON rendering (2-space indent, trailing newline)."""
        import json

        return json.dumps(self.doc, indent=2, ensure_ascii=False) + "\n"

    def to_table(self) -> str:
        """Human-readable summary: criteria, overlays, constraints and a component table."""
        from aicr.io.table import render_table

        meta = self.doc.get("metadata", {})
        lines = [
            f"Criteria:          {_criteria_text(self.criteria)}",
            f"Applied overlays:  {', '.join(meta.get('appliedOverlays', []))}",
        ]
        if meta.get("excludedOverlays"):
            names = [e["name"] if isinstance(e, dict) else str(e) for e in meta["excludedOverlays"]]
            lines.append(f"Excluded overlays: {', '.join(names)}")
        lines.append(f"Deployment order:  {', '.join(self.deployment_order)}")
        if self.constraints:
            lines.append("")
            lines.extend(
                render_table(["CONSTRAINT", "VALUE"], [[c["name"], c["value"]] for c in self.constraints])
            )
        order = {name: i for i, name in enumerate(self.deployment_order)}
        rows = []
        for ref in sorted(self.component_refs, key=lambda r: (order.get(r["name"], len(order)), r["name"])):
            enabled = ref["name"] in order
            rows.append(
                [
                    ref["name"],
                    ref.get("version") or ref.get("tag") or "-",
                    ref.get("namespace") or "-",
                    ref.get("type") or "-",
                    ref.get("source") or "(manifests)",
                    "" if enabled else "disabled",
                ]
            )
        lines.append("")
        lines.extend(render_table(["COMPONENT", "VERSION", "NAMESPACE", "TYPE", "SOURCE", ""], rows))
        return "\n".join(line.rstrip() for line in lines) + "\n"

    def render(self, fmt: str) -> str:
        """Render in one of FORMATS."""
        if fmt == "json":
            return self.to_json()
        if fmt == "table":
            return self.to_table()
        return self.to_yaml()


def _criteria_text(criteria: dict[str, Any]) -> str:
    parts = [f"{k}={v}" for k, v in criteria.items() if v not in ("any", 0, "")]
    return ", ".join(parts) or "any"
