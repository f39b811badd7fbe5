"""In-process bundling of every leaf of the embedded catalog with all five deployers.

Run: .venv/bin/python benchmarks/bundle_all.py [--rounds N]
Each bundle is planned in memory and written (atomically) to a temporary directory; prints the
total wall time and the per-bundle p50 / p99. Every bundle gets one keyed accelerated-node
toleration (AKS leaves reject the default tolerate-all one).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bundle_largest import leaf_recipes

from aicr import logs
from aicr.bundle.api import build_bundle
from aicr.catalog.catalog import load_catalog

DEPLOYERS = ("helm", "helmfile", "argocd", "argocd-helm", "flux")
OPTIONS = {"accelerated_node_toleration": ["nvidia.com/gpu:NoSchedule"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dir", default=None, help="where to write the bundles (default: a temp dir)")
    args = parser.parse_args()
    logs.configure(level="error")
    catalog = load_catalog()
    recipes = leaf_recipes()
    samples: list[float] = []
    files = 0
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=args.dir) as work:
        for _ in range(args.rounds):
            for name, recipe in recipes:
                for deployer in DEPLOYERS:
                    t0 = time.perf_counter()
                    out = os.path.join(work, name, deployer)
                    result = build_bundle(recipe, out, deployer=deployer, catalog=catalog, options=OPTIONS)
                    samples.append((time.perf_counter() - t0) * 1000)
                    files += len(result.files)
    total = time.perf_counter() - start
    samples.sort()
    print(
        f"leaves: {len(recipes)}, deployers: {len(DEPLOYERS)}, rounds: {args.rounds}, bundles: {len(samples)}"
    )
    print(f"files written: {files}, total: {total:.2f} s")
    print(
        f"per bundle p50: {statistics.median(samples):.2f} ms, "
        f"p99: {samples[max(0, int(len(samples) * 0.99) - 1)]:.2f} ms, max: {samples[-1]:.2f} ms"
    )


if __name__ == "__main__":
    main()
