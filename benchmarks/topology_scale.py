"""NodeTopology collection over 1,000 / 2,500 / 5,000 emulated nodes: wall time and peak memory.

Usage: .venv/bin/python benchmarks/topology_scale.py [--nodes 1000,2500,5000] [--rounds 3]

For each size, the patched kmock emulator (tests/support/kube_emulator.py) runs as its own
process preloaded with realistic Node objects (5 labels, half of them GPU nodes with 3 more
labels and a taint); a fresh collector process then pages through them (500 per page) and
reports the collection's wall time and the collector's own CPU time (medians of the rounds; the
rest of the wall time is the emulator building and encoding pages), its peak RSS and the RSS
growth over the process's state just before collecting. Growth should be linear in node count.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CPU_TARGET_MS = 35
# The issue set the target on a machine where `python -c pass` took 6.6 ms: 35 ms is 5.3 times
# that. This VM's speed has since varied by 2x, so the verdict line also gives the collector's
# CPU as a multiple of `python -c pass` CPU measured in the same run.
BASELINE_AT_TARGET_MS = 6.6
RSS_HEADROOM_MIB = 10.0

MEASURE = r"""
import json, resource, sys, time
from aicr.k8s.client import ApiClient
from aicr.k8s.config import ConfigSource
from aicr.snapshot.collectors import topology

def rss_kib():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0

client = ApiClient.from_source(ConfigSource("file", sys.argv[1]))
client.version()  # connection and TLS/auth set up before measuring
rounds = int(sys.argv[2])
before = rss_kib()
times, cpu = [], []
for _ in range(rounds):
    start, usage = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    m = topology.collect(client)
    times.append(time.perf_counter() - start)
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu.append(after.ru_utime - usage.ru_utime + after.ru_stime - usage.ru_stime)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
summary = m.subtypes[0].data
print(json.dumps({"times": times, "cpu": cpu, "before_kib": before, "peak_kib": peak, "nodes": summary["node-count"],
                  "labels": summary["label-count"], "taints": summary["taint-count"]}))
"""


def baseline_cpu_ms(runs: int = 15) -> float:
    """Median user + system CPU of `python -c pass` (this interpreter), from wait4."""
    times = []
    for _ in range(runs):
        proc = subprocess.Popen([sys.executable, "-c", "pass"])
        _pid, _status, usage = os.wait4(proc.pid, 0)
        proc.returncode = 0
        times.append((usage.ru_utime + usage.ru_stime) * 1000)
    return statistics.median(times)


def measure(count: int, rounds: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        kubeconfig = Path(tmp) / "kubeconfig"
        server = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "tests" / "support" / "kube_emulator.py"),
                "--nodes",
                str(count),
                "--kubeconfig",
                str(kubeconfig),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
        )
        try:
            assert server.stdout is not None
            server.stdout.readline()  # the URL: preloading is done
            out = subprocess.run(
                [sys.executable, "-c", MEASURE, str(kubeconfig), str(rounds)],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
        finally:
            server.terminate()
            server.wait(10)
    result = json.loads(out.stdout)
    assert result["nodes"] == count, result
    return {
        "nodes": count,
        "median_s": statistics.median(result["times"]),
        "cpu_s": statistics.median(result["cpu"]),
        "peak_mib": result["peak_kib"] / 1024,
        "growth_mib": (result["peak_kib"] - result["before_kib"]) / 1024,
        "labels": result["labels"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", default="1000,2500,5000")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    before = baseline_cpu_ms()
    rows = [measure(int(n), args.rounds) for n in args.nodes.split(",")]
    base = statistics.median([before, baseline_cpu_ms()])
    print(
        f"{'nodes':>6}  {'wall':>8}  {'collector CPU':>13}  {'CPU/node':>8}  {'peak RSS':>9}  {'RSS growth':>10}"
    )
    for row in rows:
        print(
            f"{row['nodes']:>6}  {row['median_s'] * 1000:>5.0f} ms  {row['cpu_s'] * 1000:>10.0f} ms"
            f"  {row['cpu_s'] / row['nodes'] * 1e6:>5.0f} us  {row['peak_mib']:>6.1f} MiB  {row['growth_mib']:>7.1f} MiB"
        )
    first = rows[0]
    for row in rows[1:]:
        scale = row["nodes"] / first["nodes"]
        print(
            f"x{scale:.1f} nodes: wall x{row['median_s'] / first['median_s']:.2f}, "
            f"collector CPU x{row['cpu_s'] / first['cpu_s']:.2f}, "
            f"RSS growth x{row['growth_mib'] / max(first['growth_mib'], 0.1):.2f}"
        )
    print(verdict(rows, base))
    print(f"load average: {os.getloadavg()[0]:.2f}")


def verdict(rows: list[dict[str, float]], base_ms: float) -> str:
    """Issue 14's targets: collector CPU <= 35 ms at the largest size (also shown as a multiple
    of `python -c pass` CPU against the issue's 35 / 6.6), peak RSS <= smallest + 10 MiB."""
    first, last = rows[0], rows[-1]
    cpu_ms = last["cpu_s"] * 1000
    cpu_ok = cpu_ms <= CPU_TARGET_MS
    ratio, ratio_target = cpu_ms / base_ms, CPU_TARGET_MS / BASELINE_AT_TARGET_MS
    rss_ok = last["peak_mib"] <= first["peak_mib"] + RSS_HEADROOM_MIB
    return (
        f"NodeTopology {last['nodes']:.0f} nodes: collector CPU {cpu_ms:.0f} ms "
        f"(target {CPU_TARGET_MS} ms) {'ok' if cpu_ok else 'OVER'}, = {ratio:.1f}x python -c pass CPU "
        f"{base_ms:.1f} ms (target {ratio_target:.1f}x) {'ok' if ratio <= ratio_target else 'OVER'}; "
        f"peak RSS {last['peak_mib']:.1f} MiB (target {first['peak_mib'] + RSS_HEADROOM_MIB:.1f}) "
        f"{'ok' if rss_ok else 'OVER'}"
    )


if __name__ == "__main__":
    main()
