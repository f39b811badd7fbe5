"""The rendered-response LRU: bounded by entries and bytes, errors cached too."""

from __future__ import annotations

from aicr.errors import AicrError, Code
from aicr.server.cache import ResponseCache


def test_least_recently_used_entry_is_evicted() -> None:
    cache = ResponseCache(max_entries=2, max_bytes=1000)
    cache.put("a", b"1")
    cache.put("b", b"2")
    assert cache.get("a") == b"1"  # a is now the most recent
    cache.put("c", b"3")
    assert "b" not in cache and "a" in cache and "c" in cache


def test_total_bytes_are_bounded() -> None:
    cache = ResponseCache(max_entries=100, max_bytes=10)
    cache.put("a", b"x" * 6)
    cache.put("b", b"y" * 6)
    assert len(cache) == 1 and cache.size == 6
    cache.put("huge", b"z" * 11)
    assert "huge" not in cache


def test_replacing_a_key_keeps_the_size_right() -> None:
    cache = ResponseCache(max_entries=10, max_bytes=100)
    cache.put("a", b"x" * 10)
    cache.put("a", b"x" * 4)
    assert cache.size == 4


def test_errors_are_cached() -> None:
    cache = ResponseCache(max_entries=10, max_bytes=10_000)
    error = AicrError(Code.INVALID_REQUEST, "no recipe provides service 'x'")
    cache.put("k", error)
    assert cache.get("k") is error
    cache.clear()
    assert len(cache) == 0 and cache.size == 0
