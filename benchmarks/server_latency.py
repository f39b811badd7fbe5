"""Cached GET /v1/recipe latency: sequential requests over ONE keep-alive connection.

Run: .venv/bin/python benchmarks/server_latency.py [--requests 1000] [--url URL]
Without --url it starts `aicrd` (rate limit off, AICR_RATE_LIMIT=0, so the figure is the
cached answer, not 429s). 200 warm-up requests fill the cache and the connection first.
Prints one JSON line: p50/p90/p99/max in ms and the status counts.
"""

from __future__ import annotations

import argparse
import contextlib
import time
from collections import Counter
from urllib.parse import urlencode

from server_common import KeepAliveClient, emit, start_aicrd, summary

QUERY = {"service": "eks", "accelerator": "h100", "intent": "training", "os": "ubuntu"}


def measure(url: str, requests: int, warmup: int, target: str) -> dict[str, object]:
    client = KeepAliveClient(url)
    statuses: Counter[int] = Counter()
    for _ in range(warmup):
        client.request("GET", target)
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        status, _body = client.request("GET", target)
        samples.append((time.perf_counter() - start) * 1000)
        statuses[status] += 1
    client.close()
    return {**summary(samples), "statuses": dict(statuses)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--url", help="an aicrd that is already running")
    args = parser.parse_args()
    target = "/v1/recipe?" + urlencode(QUERY)
    server = contextlib.nullcontext(args.url) if args.url else start_aicrd(AICR_RATE_LIMIT="0")
    with server as url:
        emit(
            "cached_recipe_sequential", {"target": target, **measure(url, args.requests, args.warmup, target)}
        )


if __name__ == "__main__":
    main()
