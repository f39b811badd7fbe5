"""Compare commands run in turn, by CPU time (user + system of the child, from wait4).

Usage: .venv/bin/python benchmarks/interleave.py [--rounds 30] -- 'CMD A' -- 'CMD B' [...]

On a shared VM the machine's speed drifts within seconds, so timing A's runs and then B's runs
(as hyperfine does) compares two different machines. Here every round runs each command once,
in turn, and the child's own CPU time is read from its rusage, which scheduling delays do not
inflate. Prints per command the median and the 25th/75th percentiles, and each command's median
ratio to the first one over the rounds. Bytecode caches are used as they are (run the command
once beforehand to write them).
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess


def cpu_ms(argv: list[str]) -> float:
    """User + system CPU milliseconds of one run of `argv` (its output discarded)."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"exit {proc.returncode}: {shlex.join(argv)}")
    return (usage.ru_utime + usage.ru_stime) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("commands", nargs="+", help="commands, each one shell-quoted string")
    args = parser.parse_args()
    commands = [shlex.split(c) for c in args.commands if c != "--"]
    for argv in commands:  # warm-up: bytecode, page cache, the catalog cache
        cpu_ms(argv)
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(args.rounds):
        for i, argv in enumerate(commands):
            times[i].append(cpu_ms(argv))
    base = times[0]
    for argv, row in zip(commands, times):
        q1, med, q3 = statistics.quantiles(row, n=4)
        ratio = statistics.median(t / b for t, b in zip(row, base))
        print(f"{med:7.2f} ms  (IQR {q1:6.2f}-{q3:6.2f})  x{ratio:5.3f}  {shlex.join(argv)[:90]}")


if __name__ == "__main__":
    main()
