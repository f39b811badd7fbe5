"""In-process cost of `--explain`: resolving every embedded leaf with and without a provenance recorder.

Usage: python benchmarks/explain_cost.py [--rounds N]
Prints the median time per leaf for the normal path and the explain path (which also reads each
component's values files and locates lines), so the cost of provenance is visible and the normal
path can be compared with earlier figures.
"""

from __future__ import annotations

import argparse
import statistics
import time

import aicr


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    catalog = aicr.load_catalog()
    leaves = [
        aicr.Criteria(**{k: v for k, v in doc["criteria"].items() if v})
        for name, doc in catalog.overlays.items()
        if doc.get("criteria") and not any(o.get("base") == name for o in catalog.overlays.values())
    ]
    for explain in (False, True, False):
        samples = []
        for _ in range(rounds):
            for criteria in leaves:
                start = time.perf_counter()
                catalog.resolve(criteria, explain=explain)
                samples.append(time.perf_counter() - start)
        print(f"explain={explain!s:5} leaves={len(leaves)} median {statistics.median(samples) * 1000:.3f} ms "
              f"p99 {sorted(samples)[int(len(samples) * 0.99)] * 1000:.3f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
