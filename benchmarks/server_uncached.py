"""First-request (uncached) GET /v1/recipe latency for every leaf of the embedded catalog.

Run: .venv/bin/python benchmarks/server_uncached.py [--rounds 5]
Each round starts a fresh `aicrd` (empty cache, rate limit off) and requests every leaf once
over one keep-alive connection, so every sample is a cache miss: parse, resolve in a worker
thread, render. Prints p50/p99 over all samples and the status counts.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from urllib.parse import urlencode

from server_common import KeepAliveClient, emit, leaf_queries, start_aicrd, summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    leaves = leaf_queries()
    samples: list[float] = []
    statuses: Counter[int] = Counter()
    for _ in range(args.rounds):
        with start_aicrd(AICR_RATE_LIMIT="0") as url:
            client = KeepAliveClient(url)
            client.request("GET", "/")  # connection set up outside the samples
            for _name, params in leaves:
                start = time.perf_counter()
                status, _ = client.request("GET", "/v1/recipe?" + urlencode(params))
                samples.append((time.perf_counter() - start) * 1000)
                statuses[status] += 1
            client.close()
    emit("uncached_recipe_per_leaf", {"leaves": len(leaves), **summary(samples), "statuses": dict(statuses)})


if __name__ == "__main__":
    main()
