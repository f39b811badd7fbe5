"""Limits on every document aicr reads from a user: bytes, nesting depth, alias expansion, ints.

Pure constants and checks, shared by the CLI readers (`aicr.io.documents`, `aicr.io.yamlin`,
`--set`/`--set-file`/`--nodes` parsing) and meant for the server's request decoding too, so a
hostile input is refused the same way at every edge: INVALID_REQUEST naming the input and the
limit, before anything unbounded happens.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Bytes read from one input (file, stdin, URL, --set-file); more is refused, not truncated.
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
# Nesting of mappings and sequences (real recipes, values and snapshots stay under 30).
MAX_DEPTH = 200
# Nodes that YAML aliases may add when expanded (a billion-laughs file needs ~10^9).
MAX_ALIAS_NODES = 100_000
# Decimal digits in an integer (Python refuses to convert more than 4,300).
MAX_INT_DIGITS = 4000
# GPU nodes in --nodes / criteria `nodes` (far above any real cluster).
MAX_NODES = 1_000_000
# Segments in a --set path (`a.b.c`).
MAX_PATH_SEGMENTS = MAX_DEPTH


def too_large(what: str, source: str, size: int) -> AicrError:
    """The error for an input over MAX_DOCUMENT_BYTES."""
    return AicrError(
        Code.INVALID_REQUEST,
        f"{what} {source} is larger than the limit of {MAX_DOCUMENT_BYTES} bytes",
        {"source": source, "limit": MAX_DOCUMENT_BYTES, "size": size},
    )


def too_deep(source: str) -> AicrError:
    """The error for nesting deeper than MAX_DEPTH."""
    return AicrError(
        Code.INVALID_REQUEST,
        f"{source} nests deeper than the limit of {MAX_DEPTH} levels",
        {"source": source, "limit": MAX_DEPTH},
    )


def int_too_long(source: str) -> AicrError:
    """The error for an integer with more than MAX_INT_DIGITS digits."""
    return AicrError(
        Code.INVALID_REQUEST,
        f"{source} holds an integer longer than the limit of {MAX_INT_DIGITS} digits",
        {"source": source, "limit": MAX_INT_DIGITS},
    )


def check_int(value: int, source: str) -> int:
    """`value` unchanged, or int_too_long when it has more than MAX_INT_DIGITS decimal digits."""
    # 3 bits per decimal digit is an under-estimate, so this never calls str() on a huge int.
    if value.bit_length() > 3 * MAX_INT_DIGITS:
        raise int_too_long(source)
    return value


def check_tree(value: Any, source: str) -> Any:
    """`value` unchanged after an iterative walk: depth <= MAX_DEPTH, every int within limits."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            if isinstance(node, int) and not isinstance(node, bool):
                check_int(node, source)
            continue
        if depth >= MAX_DEPTH:
            raise too_deep(source)
        stack.extend((child, depth + 1) for child in children)
    return value
