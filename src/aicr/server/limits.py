"""Limits on what one API request may hold: nesting depth, integer length, nodes, `set` paths.

Pure checks raising INVALID_REQUEST (400) before anything unbounded happens. The numbers are
those of `aicr.io.limits` (the CLI's readers), so a hostile input is refused the same way at
both edges.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code
from aicr.io.limits import MAX_DEPTH, MAX_INT_DIGITS, MAX_NODES, MAX_PATH_SEGMENTS, check_tree, int_too_long

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

__all__ = ["MAX_DEPTH", "MAX_INT_DIGITS", "MAX_NODES", "MAX_PATH_SEGMENTS", "check_tree", "int_too_long"]


def check_nodes(raw: Any) -> None:
    """`nodes` as a whole number 0..MAX_NODES: ASCII digits, or an int (not `1.5`, `1e400`, `³`)."""
    if raw is None or raw == "":
        return
    if isinstance(raw, int) and not isinstance(raw, bool):
        ok = raw <= MAX_NODES  # a negative count gets the library's own message
    elif isinstance(raw, str):
        text = raw.strip().removeprefix("+")
        ok = text.isascii() and text.isdigit() and len(text) <= 7 and int(text) <= MAX_NODES
        ok = ok or (text.startswith("-") and text[1:].isascii() and text[1:].isdigit() and len(text) <= 8)
    else:
        ok = False
    if not ok:
        raise AicrError(
            Code.INVALID_REQUEST,
            f"invalid nodes value: {str(raw)[:64]}",  # the reference's text
            {"value": str(raw)[:64], "want": f"a whole number from 0 to {MAX_NODES}"},
        )


def check_option_paths(values: Iterable[str], param: str) -> None:
    """`component:path=value` parameters: bounded path depth and integer length."""
    for value in values:
        target, _, literal = value.partition("=")
        if target.count(".") + 1 > MAX_PATH_SEGMENTS:
            raise AicrError(
                Code.INVALID_REQUEST,
                f"{param}: path has more than {MAX_PATH_SEGMENTS} segments",
                {"param": param, "limit": MAX_PATH_SEGMENTS},
            )
        digits = literal.strip().lstrip("+-")
        if len(digits) > MAX_INT_DIGITS and digits.isdigit():
            raise int_too_long(f"{param} value")
