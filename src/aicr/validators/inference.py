"""inference-perf verdicts: parse the load generator's result and gate throughput and TTFT p99.

Pure. The load Job (AIPerf, `aiperf profile ... --artifact-dir /tmp/aiperf`) prints, after the
benchmark, a line `##AIPERF-RESULT##` followed by the content of AIPerf's JSON export
(`profile_export_aiperf.json`). This module reads the JSON object after the LAST marker:
- `output_token_throughput.avg` — output tokens per second over the run (the throughput gate);
- `time_to_first_token.p99` — p99 time to first token in ms (the latency gate);
a metric whose `unit` is given must be `tokens/sec` resp. `ms`. Anything missing or malformed
is an INVALID_REQUEST naming the field (the check then fails, never passes).
reference/validate.md §4.2: `inference-throughput >= N` is scaled by the fraction of the
cluster's GPUs that were free for the run; both gates have 10 % tolerance (throughput passes
at >= 0.9 × scaled N, TTFT at <= 1.1 × M).
"""

from __future__ import annotations

import json
import re

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

RESULT_MARKER = "##AIPERF-RESULT##"
THROUGHPUT = "inference-throughput"
TTFT_P99 = "inference-ttft-p99"
TOLERANCE = 0.10
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _metric(doc: dict[str, Any], name: str, stat: str, unit: str) -> float:
    entry = doc.get(name)
    if not isinstance(entry, dict):
        raise AicrError(Code.INVALID_REQUEST, f"load result has no {name} metric")
    if "unit" in entry and entry["unit"] != unit:
        raise AicrError(Code.INVALID_REQUEST, f"load result {name} is in {entry['unit']}, expected {unit}")
    value = entry.get(stat)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise AicrError(Code.INVALID_REQUEST, f"load result {name}.{stat} is missing or not a number")
    return float(value)


def parse_load_result(log: str) -> tuple[float, float]:
    """(output tokens/s, TTFT p99 ms) from the load Job's log."""
    _, marker, tail = log.rpartition(RESULT_MARKER)
    if not marker:
        raise AicrError(Code.INVALID_REQUEST, f"the load generator printed no {RESULT_MARKER} result")
    try:
        doc, _ = json.JSONDecoder().raw_decode(tail.strip())
    except json.JSONDecodeError as exc:
        raise AicrError(Code.INVALID_REQUEST, f"the load result is not JSON: {exc.msg}") from None
    if not isinstance(doc, dict):
        raise AicrError(Code.INVALID_REQUEST, "the load result is not a JSON object")
    return (
        _metric(doc, "output_token_throughput", "avg", "tokens/sec"),
        _metric(doc, "time_to_first_token", "p99", "ms"),
    )


def gate_number(value: str, name: str) -> float:
    """The number of a gate constraint (`>= 50000` → 50000)."""
    found = _NUMBER.search(value)
    if not found:
        raise AicrError(Code.INVALID_REQUEST, f'{name} value "{value}" holds no number')
    return float(found.group())


def judge_inference(
    throughput: float, ttft_p99: float, gates: dict[str, str], free_fraction: float
) -> list[tuple[bool, str]]:
    """(passed, line) per declared gate."""
    verdicts: list[tuple[bool, str]] = []
    if THROUGHPUT in gates:
        floor = gate_number(gates[THROUGHPUT], THROUGHPUT) * free_fraction
        ok = throughput >= (1 - TOLERANCE) * floor
        verdicts.append(
            (
                ok,
                f"throughput {throughput:.1f} tok/s vs floor {floor:.1f} (x{free_fraction:.2f} free GPUs, -10%)",
            )
        )
    if TTFT_P99 in gates:
        ceiling = gate_number(gates[TTFT_P99], TTFT_P99)
        ok = ttft_p99 <= (1 + TOLERANCE) * ceiling
        verdicts.append((ok, f"TTFT p99 {ttft_p99:.1f} ms vs ceiling {ceiling:.1f} ms (+10%)"))
    return verdicts
