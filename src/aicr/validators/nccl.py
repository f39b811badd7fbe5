"""NCCL all-reduce: parse `all_reduce_perf` output and judge it against the recipe's floor.

Pure: text and recipe data in, verdicts out. reference/validate.md §4.2 and §7 case 27:
- the result is the out-of-place `busbw` of the LAST row of the result table (the largest
  message size); rows are the lines after the `size count type redop root time algbw busbw
  #wrong time algbw busbw #wrong` header that start with a number;
- the threshold is the number in the constraint value with the operator and units stripped
  (`>= 300`, `300 GB/s` and `<= 300` all mean 300; the operator is ignored);
- the check passes iff bandwidth >= 0.9 × threshold;
- `-net`: the launcher log must name the NET transport NCCL chose (`NCCL INFO Using network
  X`); X = Socket is a TCP fallback and fails; with AICR_NCCL_FABRIC=efa (default) X must be
  EFA (or the aws-ofi-nccl plugin's `Libfabric` / `AWS Libfabric`) or IB, with `roce` it must
  be IB (NCCL drives RoCE through its IB verbs transport);
- `-nvls`: the log must show an NVLS communicator (`NVLS comm 0x…`).
"""

from __future__ import annotations

import re

from aicr.errors import AicrError, Code

TOLERANCE = 0.9
CONSTRAINT = "nccl-all-reduce-bw"
HEADER_FIELDS = ("size", "count", "type", "redop", "root", "time", "algbw", "busbw", "#wrong")
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
_NETWORK = re.compile(r"NCCL INFO Using network (.+?)\s*$", re.MULTILINE)
_NVLS = re.compile(r"NVLS comm 0x[0-9a-fA-F]+")
ACCEPTED_NETWORKS = {"efa": ("EFA", "Libfabric", "AWS Libfabric", "IB"), "roce": ("IB",)}


class NcclResult:
    """The parsed table: rows of (size bytes, out-of-place busbw GB/s) and the average line."""

    def __init__(self, rows: list[tuple[int, float]], average: float | None) -> None:
        self.rows = rows
        self.average = average

    @property
    def largest(self) -> tuple[int, float]:
        return self.rows[-1]


def _is_header(line: str) -> bool:
    words = line.lstrip("#").split()
    return words[: len(HEADER_FIELDS)] == list(HEADER_FIELDS)


def parse_all_reduce(text: str) -> NcclResult:
    """Rows of the all_reduce_perf table; INVALID_REQUEST when there is no table or no row."""
    rows: list[tuple[int, float]] = []
    average: float | None = None
    in_table = False
    for line in text.splitlines():
        if _is_header(line):
            in_table = True
            continue
        if line.startswith("# Avg bus bandwidth"):
            found = _NUMBER.search(line.partition(":")[2])
            average = float(found.group()) if found else None
            continue
        words = line.split()
        if not in_table or not words or not words[0].isdigit():
            continue
        if len(words) < 8:
            raise AicrError(Code.INVALID_REQUEST, f"all_reduce_perf row is truncated: {line.strip()!r}")
        try:
            rows.append((int(words[0]), float(words[7])))
        except ValueError:
            raise AicrError(
                Code.INVALID_REQUEST, f"all_reduce_perf row is malformed: {line.strip()!r}"
            ) from None
    if not in_table:
        raise AicrError(Code.INVALID_REQUEST, "no all_reduce_perf result table in the output")
    if not rows:
        raise AicrError(Code.INVALID_REQUEST, "the all_reduce_perf result table has no rows")
    return NcclResult(rows, average)


def threshold(value: str, name: str = CONSTRAINT) -> float:
    """The floor in GB/s: the number in the constraint value, operator and units stripped."""
    found = _NUMBER.search(value.strip().lstrip("<>=!~ "))
    if not found:
        raise AicrError(Code.INVALID_REQUEST, f'{name} value "{value}" holds no number')
    number = float(found.group())
    if number <= 0:
        raise AicrError(Code.INVALID_REQUEST, f'{name} value "{value}" must be positive')
    return number


def judge_bandwidth(bandwidth: float, constraint: str) -> tuple[bool, float]:
    """(passed, threshold): passed iff bandwidth >= 0.9 × threshold."""
    floor = threshold(constraint)
    return bandwidth >= TOLERANCE * floor, floor


def judge_network(text: str, fabric: str) -> tuple[bool, str]:
    """(passed, reason) for the -net variant: NCCL chose the expected NET transport."""
    accepted = ACCEPTED_NETWORKS.get(fabric.lower() or "efa")
    if accepted is None:
        raise AicrError(Code.INVALID_REQUEST, f'AICR_NCCL_FABRIC "{fabric}" must be efa or roce')
    names = [name.strip() for name in _NETWORK.findall(text)]
    if not names:
        return False, "the NCCL log names no network transport (NCCL_DEBUG=INFO missing?)"
    bad = sorted({n for n in names if n not in accepted})
    if any(n == "Socket" for n in names):
        return False, "NCCL fell back to the Socket transport (TCP) instead of " + "/".join(accepted)
    if bad:
        return False, f"NCCL used network {', '.join(bad)}, expected one of {', '.join(accepted)}"
    return True, f"NCCL used network {names[0]}"


def judge_nvls(text: str) -> tuple[bool, str]:
    """(passed, reason) for the -nvls variant: an NVLS communicator was created."""
    found = _NVLS.search(text)
    if found is None:
        return False, "no NVLS communicator in the NCCL log (NVLS/MNNVL did not initialize)"
    return True, f"NVLS initialized ({found.group()})"
