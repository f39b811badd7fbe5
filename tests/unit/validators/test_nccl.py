"""all_reduce_perf parsing and the NCCL verdicts (reference/validate.md §4.2, §7 case 27)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aicr.errors import AicrError
from aicr.validators.nccl import judge_bandwidth, judge_network, judge_nvls, parse_all_reduce, threshold

FIXTURE = Path(__file__).parents[2] / "fixtures" / "validators" / "all-reduce-perf-h100-efa.txt"
LOG = FIXTURE.read_text()


def test_result_is_out_of_place_busbw_of_the_largest_size() -> None:
    result = parse_all_reduce(LOG)
    assert result.largest == (17179869184, 309.26)
    assert len(result.rows) == 25
    assert result.average == 147.6599


def test_output_without_table_is_rejected() -> None:
    with pytest.raises(AicrError, match="no all_reduce_perf result table"):
        parse_all_reduce("mpirun: error: could not connect\n")


def test_table_without_rows_is_rejected() -> None:
    header = next(line for line in LOG.splitlines() if "redop" in line)
    with pytest.raises(AicrError, match="has no rows"):
        parse_all_reduce(header + "\n# Avg bus bandwidth    : 0\n")


@pytest.mark.parametrize("value", [">= 300", "300 GB/s", "<= 300", "300"])
def test_threshold_ignores_operator_and_units(value: str) -> None:
    assert threshold(value) == 300.0


@pytest.mark.parametrize(("bandwidth", "passed"), [(275.0, True), (270.0, True), (269.9, False)])
def test_passes_at_ninety_percent_of_the_floor(bandwidth: float, passed: bool) -> None:
    assert judge_bandwidth(bandwidth, ">= 300") == (passed, 300.0)


def test_constraint_without_number_is_rejected() -> None:
    with pytest.raises(AicrError):
        threshold(">= fast")


def test_net_accepts_efa() -> None:
    assert judge_network(LOG, "efa") == (True, "NCCL used network EFA")


def test_net_socket_fallback_fails() -> None:
    ok, reason = judge_network(LOG.replace("Using network EFA", "Using network Socket"), "efa")
    assert not ok
    assert "Socket" in reason


def test_net_roce_requires_ib() -> None:
    assert judge_network(LOG, "roce")[0] is False
    assert judge_network(LOG.replace("Using network EFA", "Using network IB"), "roce")[0] is True


def test_net_without_transport_line_fails() -> None:
    assert judge_network("no info\n", "efa")[0] is False


def test_unknown_fabric_is_rejected() -> None:
    with pytest.raises(AicrError):
        judge_network(LOG, "slingshot")


def test_nvls_requires_an_nvls_communicator() -> None:
    assert judge_nvls(LOG)[0] is False
    line = "node-0:47:61 [0] NCCL INFO NVLS comm 0x55d5c8a0e7d0 headRank 0 nHeads 4 buffSize 1048576\n"
    assert judge_nvls(LOG + line) == (True, "NVLS initialized (NVLS comm 0x55d5c8a0e7d0)")
