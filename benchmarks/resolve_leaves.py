"""In-process resolution of every leaf of the embedded catalog: p50/p99 per resolution.

Run: .venv/bin/python benchmarks/resolve_leaves.py [--rounds N]
A leaf is an overlay with criteria that no other overlay names as its base.
"""

from __future__ import annotations

import argparse
import statistics
import time

from aicr.catalog.catalog import load_catalog
from aicr.recipe.criteria import Criteria


def leaves(cat):  # type: ignore[no-untyped-def]
    parents = {o.get("base") for o in cat.overlays.values()}
    for name, overlay in sorted(cat.overlays.items()):
        crit = overlay.get("criteria")
        if crit is None or name in parents or name == cat.base_name:
            continue
        if all(v == "any" for v in crit.values()):
            continue
        yield name, Criteria(**crit)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    t0 = time.perf_counter()
    cat = load_catalog()
    load_ms = (time.perf_counter() - t0) * 1000
    queries = list(leaves(cat))
    samples: list[float] = []
    for _ in range(args.rounds):
        for _name, crit in queries:
            start = time.perf_counter()
            cat.resolve(crit)
            samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p50 = statistics.median(samples)
    p99 = samples[int(len(samples) * 0.99) - 1]
    print(f"catalog load (cache warm): {load_ms:.2f} ms")
    print(f"leaves: {len(queries)}, resolutions: {len(samples)}")
    print(f"resolve p50: {p50:.3f} ms, p99: {p99:.3f} ms, max: {samples[-1]:.3f} ms")


if __name__ == "__main__":
    main()
