"""Time commands run in turn, each round running every command once, as ratios to the first.

Usage: .venv/bin/python benchmarks/interleave.py [--rounds 30] [--name N --target X ...] CMD...

On a shared VM the machine's speed drifts by up to 1.5x within seconds, so timing all of A's
runs and then all of B's (as hyperfine does) compares two different machines. Here each round
runs every command once, in the order given, and a command's ratio is the median over rounds of
its time divided by the first command's time in the same round. Both the wall time (spawn to
exit, as hyperfine measures it) and the child's own CPU time (user + system from wait4, which
scheduling delays do not inflate) are reported. With `--target`, a row is "ok" when its median
wall ratio is at or under the target. Output goes to stdout only; run each command once
beforehand so bytecode and catalog caches exist, as they do for users.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import time


def run_once(argv: list[str]) -> tuple[float, float]:
    """(wall ms, CPU ms) of one run of `argv`, its output discarded; exits on a failure."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = (time.perf_counter() - start) * 1000
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"exit {proc.returncode}: {shlex.join(argv)}")
    return wall, (usage.ru_utime + usage.ru_stime) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--name", action="append", default=[], help="row names, in command order")
    parser.add_argument("--target", action="append", type=float, default=[], help="wall ratio targets")
    parser.add_argument("commands", nargs="+", help="commands, each one shell-quoted string")
    args = parser.parse_args()
    commands = [shlex.split(c) for c in args.commands]
    names = args.name or [shlex.join(c)[:40] for c in commands]
    targets: list[float | None] = [None, *args.target] if args.target else [None] * len(commands)
    for argv in commands:  # warm-up
        run_once(argv)
    walls: list[list[float]] = [[] for _ in commands]
    cpus: list[list[float]] = [[] for _ in commands]
    for _ in range(args.rounds):
        for i, argv in enumerate(commands):
            wall, cpu = run_once(argv)
            walls[i].append(wall)
            cpus[i].append(cpu)
    print(
        f"{'path':28s} {'wall':>8s} {'ratio':>6s} {'target':>7s}      {'IQR of ratio':>12s} {'CPU':>8s} {'ratio':>6s}"
    )
    for i, name in enumerate(names):
        ratios = [w / b for w, b in zip(walls[i], walls[0], strict=True)]
        cpu_ratio = statistics.median(c / b for c, b in zip(cpus[i], cpus[0], strict=True))
        ratio = statistics.median(ratios)
        q1, _, q3 = statistics.quantiles(ratios, n=4)
        target = targets[i] if i < len(targets) else None
        verdict = "" if target is None else f"{target:6.1f}x {'ok' if ratio <= target else 'OVER':4s}"
        print(
            f"{name:28s} {statistics.median(walls[i]):6.1f}ms {ratio:6.2f} {verdict:12s}"
            f" {q1:5.2f}-{q3:5.2f} {statistics.median(cpus[i]):6.1f}ms {cpu_ratio:6.2f}"
        )


if __name__ == "__main__":
    main()
