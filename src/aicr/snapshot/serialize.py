"""Rendering a Snapshot document as yaml, json or table text, and parsing it back.

Pure: text in, text out. reference/snapshot.md §5.1. YAML goes through our deterministic emitter
(no PyYAML on the write path); JSON is 2-space indented with a trailing newline; the table is
the reference's reflective `FIELD  VALUE` listing, rows sorted by path, write-only.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def render(doc: dict[str, Any], fmt: str) -> str:
    """`doc` (plain Snapshot data) in format `fmt`."""
    if fmt == "yaml":
        from aicr.io.yamlout import dump

        return dump(doc)
    if fmt == "json":
        import json

        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt == "table":
        return render_table(doc)
    raise AicrError(
        Code.INVALID_REQUEST, f'unknown output format: "{fmt}", valid formats are: yaml, json, table'
    )


def render_table(doc: dict[str, Any]) -> str:
    """The reference's reflective table: Go-style field paths, sorted, `<empty>` for blanks."""
    from aicr.io.table import render_table as table

    rows: list[tuple[str, str]] = [
        ("Header.Kind", str(doc.get("kind", ""))),
        ("Header.APIVersion", str(doc.get("apiVersion", ""))),
    ]
    for key, value in (doc.get("metadata") or {}).items():
        rows.append((f"Header.Metadata.{key}", str(value)))
    for i, m in enumerate(doc.get("measurements") or []):
        base = f"Measurements.[{i}]"
        rows.append((f"{base}.Type", str(m.get("type", ""))))
        for j, sub in enumerate(m.get("subtypes") or []):
            sbase = f"{base}.Subtypes.[{j}]"
            rows.append((f"{sbase}.Name", str(sub.get("subtype", ""))))
            rows.extend(_reading_rows(f"{sbase}.Data", sub.get("data") or {}))
            for key, value in (sub.get("context") or {}).items():
                rows.append((f"{sbase}.Context.{key}", str(value)))
            for k, item in enumerate(sub.get("items") or []):
                ibase = f"{sbase}.Items.[{k}]"
                for key, value in (item.get("context") or {}).items():
                    rows.append((f"{ibase}.Context.{key}", str(value)))
                rows.extend(_reading_rows(f"{ibase}.Data", item.get("data") or {}))
    rows.sort()
    body = [(path, _cell(value)) for path, value in rows]
    return "\n".join(table(["FIELD", "VALUE"], [("-----", "-----"), *body])) + "\n"


def _reading_rows(base: str, data: dict[str, Any]) -> list[tuple[str, str]]:
    from aicr.validate.constraints import format_reading

    return [(f"{base}.{key}.V", format_reading(value)) for key, value in data.items()]


def _cell(value: str) -> str:
    if value == "":
        return "<empty>"
    return value.replace("\n", "\\n").replace("\t", "\\t")


def format_for_path(path: str) -> str:
    """Input format from a file name or URL path (reference/snapshot.md §5.5): json, yaml or table."""
    lowered = path.lower().split("?", 1)[0]
    if lowered.endswith((".yaml", ".yml")):
        return "yaml"
    if lowered.endswith((".table", ".txt")):
        return "table"
    return "json" if lowered.endswith(".json") else "yaml"


def parse(data: bytes | str, source: str, fmt: str = "yaml") -> dict[str, Any]:
    """Plain data of a serialized Snapshot (YAML also reads JSON); table text is unreadable."""
    if fmt == "table":
        raise AicrError(
            Code.INVALID_REQUEST,
            f"{source}: table output cannot be read back; use yaml or json",
            {"source": source},
        )
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    if not text.strip():
        raise AicrError(Code.INVALID_REQUEST, f"snapshot is empty: {source}", {"source": source})
    if fmt == "json":
        import json

        from aicr.io.limits import check_tree

        try:
            doc = check_tree(json.loads(text), source)
        except (ValueError, RecursionError) as exc:
            raise AicrError(
                Code.INVALID_REQUEST, f"failed to deserialize snapshot {source}: {exc}", {"source": source}
            ) from None
    else:
        from aicr.io.yamlin import load_yaml, plain

        doc = plain(load_yaml(text, source))
    if not isinstance(doc, dict):
        raise AicrError(
            Code.INVALID_REQUEST,
            f"failed to deserialize snapshot {source}: not a mapping",
            {"source": source},
        )
    return doc
