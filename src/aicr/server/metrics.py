"""Prometheus metrics for aicrd, kept in plain dicts and rendered in the text exposition format.

Pure. Metric names are the reference's (reference/surface.md §3); the `path` label is the
ROUTE TEMPLATE (`/v1/recipe`), or `unmatched` for paths no route serves, and `method` is one of
the standard methods or `OTHER`, so label cardinality stays bounded whatever clients send.
"""

from __future__ import annotations

from bisect import bisect_left

# Seconds. Finer than Prometheus' defaults at the low end: cached answers take well under 1 ms.
BUCKETS: tuple[float, ...] = (
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
)  # fmt: skip
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"})
UNMATCHED = "unmatched"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"  # of the exposition `render` returns


class _Histogram:
    __slots__ = ("count", "counts", "total")

    def __init__(self) -> None:
        self.counts = [0] * (len(BUCKETS) + 1)
        self.total = 0.0
        self.count = 0


class Metrics:
    """Counters, one histogram family and gauges for the HTTP layer and the response cache."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.requests: dict[tuple[str, str, int], int] = {}
        self.durations: dict[tuple[str, str], _Histogram] = {}
        self.in_flight = 0
        self.rate_limit_rejects = 0
        self.panic_recoveries = 0
        self.cache_hits: dict[str, int] = {}
        self.cache_misses: dict[str, int] = {}
        self.auth: dict[tuple[str, str], int] = {}  # (token name | anonymous, accepted | rejected)

    @staticmethod
    def method_label(method: str) -> str:
        """`method` if it is a standard HTTP method, else OTHER."""
        return method if method in METHODS else "OTHER"

    def observe(self, method: str, path: str, status: int, seconds: float) -> None:
        """Count one finished request and record its duration."""
        key = (method, path, status)
        self.requests[key] = self.requests.get(key, 0) + 1
        hist = self.durations.get((method, path))
        if hist is None:
            hist = self.durations[(method, path)] = _Histogram()
        hist.counts[bisect_left(BUCKETS, seconds)] += 1
        hist.total += seconds
        hist.count += 1

    def cache_lookup(self, kind: str, hit: bool) -> None:
        """Count one response-cache lookup."""
        table = self.cache_hits if hit else self.cache_misses
        table[kind] = table.get(kind, 0) + 1

    def authenticated(self, token: str, accepted: bool) -> None:
        """Count one authentication decision (`token` is a name from the token file or `anonymous`)."""
        key = (token, "accepted" if accepted else "rejected")
        self.auth[key] = self.auth.get(key, 0) + 1

    def render(self) -> bytes:
        """The text exposition of every metric."""
        out: list[str] = [
            "# HELP aicr_http_requests_total Total HTTP requests by method, route template and status.",
            "# TYPE aicr_http_requests_total counter",
        ]
        for (method, path, status), value in sorted(self.requests.items()):
            out.append(
                f'aicr_http_requests_total{{method="{method}",path="{path}",status="{status}"}} {value}'
            )
        out += [
            "# HELP aicr_http_request_duration_seconds HTTP request latency by method and route template.",
            "# TYPE aicr_http_request_duration_seconds histogram",
        ]
        for (method, path), hist in sorted(self.durations.items()):
            labels = f'method="{method}",path="{path}"'
            cumulative = 0
            for bound, count in zip(BUCKETS, hist.counts, strict=False):
                cumulative += count
                out.append(
                    f'aicr_http_request_duration_seconds_bucket{{{labels},le="{bound:g}"}} {cumulative}'
                )
            out.append(f'aicr_http_request_duration_seconds_bucket{{{labels},le="+Inf"}} {hist.count}')
            out.append(f"aicr_http_request_duration_seconds_sum{{{labels}}} {hist.total!r}")
            out.append(f"aicr_http_request_duration_seconds_count{{{labels}}} {hist.count}")
        out += [
            "# HELP aicr_http_requests_in_flight HTTP requests being served.",
            "# TYPE aicr_http_requests_in_flight gauge",
            f"aicr_http_requests_in_flight {self.in_flight}",
            "# HELP aicr_rate_limit_rejects_total Requests rejected by the rate limiter.",
            "# TYPE aicr_rate_limit_rejects_total counter",
            f"aicr_rate_limit_rejects_total {self.rate_limit_rejects}",
            "# HELP aicr_panic_recoveries_total Unhandled errors turned into 500 responses.",
            "# TYPE aicr_panic_recoveries_total counter",
            f"aicr_panic_recoveries_total {self.panic_recoveries}",
            "# HELP aicr_response_cache_hits_total Rendered responses served from the cache.",
            "# TYPE aicr_response_cache_hits_total counter",
        ]
        for kind, value in sorted(self.cache_hits.items()):
            out.append(f'aicr_response_cache_hits_total{{kind="{kind}"}} {value}')
        out += [
            "# HELP aicr_response_cache_misses_total Responses that had to be computed.",
            "# TYPE aicr_response_cache_misses_total counter",
        ]
        for kind, value in sorted(self.cache_misses.items()):
            out.append(f'aicr_response_cache_misses_total{{kind="{kind}"}} {value}')
        if self.auth:
            out += [
                "# HELP aicr_auth_requests_total Authentication decisions by token name (anonymous: no valid token).",
                "# TYPE aicr_auth_requests_total counter",
            ]
            for (token, result), value in sorted(self.auth.items()):
                out.append(f'aicr_auth_requests_total{{token="{token}",result="{result}"}} {value}')
        out += [
            "# HELP aicr_build_info Build information.",
            "# TYPE aicr_build_info gauge",
            f'aicr_build_info{{version="{self.version}"}} 1',
        ]
        return ("\n".join(out) + "\n").encode()
