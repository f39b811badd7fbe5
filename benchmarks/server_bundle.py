"""POST /v1/bundle latency for the embedded catalog's largest leaf recipe (most components).

Run: .venv/bin/python benchmarks/server_bundle.py [--requests 20] [--deployer helm]
Starts `aicrd` (rate limit off), fetches the recipe over the API, then posts it N times over
one keep-alive connection; each sample is the whole exchange (build, zip, transfer).
"""

from __future__ import annotations

import argparse
import json
import time
from urllib.parse import urlencode

from server_common import KeepAliveClient, emit, leaf_queries, start_aicrd, summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--deployer", default="helm")
    args = parser.parse_args()
    with start_aicrd(AICR_RATE_LIMIT="0") as url:
        client = KeepAliveClient(url)
        recipes = []
        for name, params in leaf_queries():
            status, body = client.request("GET", "/v1/recipe?" + urlencode(params))
            if status == 200:
                recipes.append((len(json.loads(body)["deploymentOrder"]), name, body))
        components, leaf, recipe = max(recipes)
        target = "/v1/bundle?" + urlencode({"deployer": args.deployer})
        status, archive = client.request("POST", target, recipe)
        if status != 200:
            raise SystemExit(f"bundle failed: {status} {archive[:300]!r}")
        samples = []
        for _ in range(args.requests):
            start = time.perf_counter()
            client.request("POST", target, recipe)
            samples.append((time.perf_counter() - start) * 1000)
        client.close()
    emit(
        "bundle_largest_recipe",
        {
            "leaf": leaf,
            "components": components,
            "deployer": args.deployer,
            "zip_bytes": len(archive),
            **summary(samples),
        },
    )


if __name__ == "__main__":
    main()
