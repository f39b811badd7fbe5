"""Rendering value provenance (`--explain`): a table for people, YAML/JSON for programs.

Pure: the provenance mapping of a RecipeResult in, text out. `select_provenance` keeps the
entries at and below a query selector.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def select_provenance(provenance: dict[str, Any], selector: str) -> dict[str, Any]:
    """Entries at `selector` or below it (`''` or `.` keeps everything)."""
    path = selector.strip().strip(".")
    if not path:
        return dict(provenance)
    return {k: v for k, v in provenance.items() if k == path or k.startswith(path + ".")}


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def render_table(provenance: dict[str, Any]) -> str:
    """A plain text table: path, value, layer, source, file:line, what it overrode."""
    rows = [("PATH", "VALUE", "LAYER", "SOURCE", "FILE", "OVERRODE")]
    for path, entry in provenance.items():
        overrode = ", ".join(f"{o['source']}={_cell(o['value'])}" for o in entry.get("overrode") or [])
        rows.append(
            (path, _cell(entry["value"]), entry["layer"], entry["source"], entry.get("file", ""), overrode)
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [
        "  ".join(cell.ljust(widths[i]) if i < 5 else cell for i, cell in enumerate(row)).rstrip()
        for row in rows
    ]
    return "\n".join(lines) + "\n"


def render_provenance(provenance: dict[str, Any], fmt: str) -> str:
    """`provenance:` keyed by path as YAML or JSON, or the table for `table`."""
    if fmt == "table":
        return render_table(provenance)
    doc = {"provenance": provenance}
    if fmt == "json":
        import json

        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    from aicr.io.yamlout import dump

    return dump(doc)
