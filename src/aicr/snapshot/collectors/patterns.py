"""Key filters for collected readings: exact names or `*` wildcards.

Pure. reference/snapshot.md §1.4: a pattern is exact unless it contains `*`; each `*` matches any
run of characters (also none); the segments between stars must appear in order, anchored at the
start and the end unless the pattern starts or ends with `*`.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable


def matches(key: str, pattern: str) -> bool:
    """Whether `key` matches `pattern`."""
    if "*" not in pattern:
        return key == pattern
    parts = pattern.split("*")
    first, last = parts[0], parts[-1]
    if not key.startswith(first):
        return False
    pos = len(first)
    for middle in parts[1:-1]:
        found = key.find(middle, pos)
        if found < 0:
            return False
        pos = found + len(middle)
    return len(key) - pos >= len(last) and key.endswith(last)


def is_filtered(key: str, patterns: Iterable[str]) -> bool:
    """Whether any of `patterns` matches `key`."""
    return any(matches(key, p) for p in patterns)
