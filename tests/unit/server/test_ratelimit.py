"""Per-client token buckets: burst, refill, Retry-After and bounded memory."""

from __future__ import annotations

from aicr.server.ratelimit import RateLimiter


def test_burst_then_reject_then_refill() -> None:
    limiter = RateLimiter(rate=100, burst=200)
    results = [limiter.take("a", 0.0) for _ in range(201)]
    assert all(ok for ok, _ in results[:200])
    assert results[199] == (True, 0)
    assert results[200] == (False, 0)
    assert limiter.take("a", 0.011) == (True, 0)  # 1.1 tokens refilled


def test_clients_have_separate_buckets() -> None:
    limiter = RateLimiter(rate=1, burst=2)
    assert limiter.take("a", 0.0)[0] and limiter.take("a", 0.0)[0]
    assert not limiter.take("a", 0.0)[0]
    assert limiter.take("b", 0.0) == (True, 1)


def test_refill_never_exceeds_the_burst() -> None:
    limiter = RateLimiter(rate=100, burst=5)
    limiter.take("a", 0.0)
    assert limiter.take("a", 1000.0) == (True, 4)


def test_retry_after_is_whole_seconds_until_a_token() -> None:
    limiter = RateLimiter(rate=0.25, burst=1)
    limiter.take("a", 0.0)
    assert limiter.retry_after("a") == 4
    assert RateLimiter(rate=100, burst=1).retry_after("unknown") == 1


def test_bucket_map_is_bounded() -> None:
    limiter = RateLimiter(rate=1, burst=1, max_clients=100)
    for i in range(1000):
        limiter.take(f"10.0.0.{i}", 0.0)
    assert len(limiter) <= 100
