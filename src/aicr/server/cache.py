"""A bounded LRU of rendered responses, keyed by normalised request identity.

Pure, single-threaded (only the event loop touches it). Values are response bodies as bytes or
a deterministic library error (a criteria combination the catalog cannot resolve fails the same
way every time, so the error is cached too). Bounded by entry count and by total body bytes.
"""

from __future__ import annotations

from collections import OrderedDict

from aicr.errors import AicrError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Hashable

    CacheValue = bytes | AicrError

_ERROR_COST = 512  # nominal size of a cached error


class ResponseCache:
    """LRU map: key -> rendered body (bytes) or AicrError."""

    __slots__ = ("_entries", "max_bytes", "max_entries", "size")

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[Hashable, CacheValue] = OrderedDict()

    def get(self, key: Hashable) -> CacheValue | None:
        """The cached value, marked most recently used, or None."""
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key: Hashable, value: CacheValue) -> None:
        """Store `value`, evicting least recently used entries beyond the bounds."""
        cost = _cost(value)
        if cost > self.max_bytes:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self.size -= _cost(old)
        self._entries[key] = value
        self.size += cost
        while len(self._entries) > self.max_entries or self.size > self.max_bytes:
            _key, evicted = self._entries.popitem(last=False)
            self.size -= _cost(evicted)

    def clear(self) -> None:
        """Drop every entry."""
        self._entries.clear()
        self.size = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries


def _cost(value: CacheValue) -> int:
    return len(value) if isinstance(value, bytes) else _ERROR_COST
