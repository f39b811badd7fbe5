"""Rate limiting: one token bucket per client address (the reference has one per process).

Pure: the caller passes the clock. A bucket holds up to `burst` tokens and refills at `rate`
tokens per second; a request takes one. Buckets live in a bounded map: when it is full, buckets
that have refilled completely are dropped first (forgetting them changes nothing), then the
oldest ones.
"""

from __future__ import annotations

import math


class RateLimiter:
    """Per-client token buckets."""

    __slots__ = ("_buckets", "burst", "max_clients", "rate")

    def __init__(self, rate: float, burst: int, *, max_clients: int = 16384) -> None:
        self.rate = rate
        self.burst = burst
        self.max_clients = max_clients
        self._buckets: dict[str, list[float]] = {}

    def take(self, client: str, now: float) -> tuple[bool, int]:
        """Take one token for `client`: (allowed, whole tokens left)."""
        bucket = self._buckets.get(client)
        if bucket is None:
            if len(self._buckets) >= self.max_clients:
                self._evict(now)
            bucket = [float(self.burst), now]
            self._buckets[client] = bucket
        else:
            tokens = bucket[0] + (now - bucket[1]) * self.rate
            bucket[0] = tokens if tokens < self.burst else float(self.burst)
            bucket[1] = now
        if bucket[0] >= 1.0:
            bucket[0] -= 1.0
            return True, int(bucket[0])
        return False, 0

    def retry_after(self, client: str) -> int:
        """Whole seconds until `client` has a token again (at least 1)."""
        bucket = self._buckets.get(client)
        missing = 1.0 - (bucket[0] if bucket else 0.0)
        return max(1, math.ceil(missing / self.rate))

    def __len__(self) -> int:
        return len(self._buckets)

    def _evict(self, now: float) -> None:
        full = [
            c
            for c, (tokens, last) in self._buckets.items()
            if tokens + (now - last) * self.rate >= self.burst
        ]
        for client in full:
            del self._buckets[client]
        excess = len(self._buckets) - self.max_clients // 2
        if excess > 0:
            for client in list(self._buckets)[:excess]:
                del self._buckets[client]
