"""The load result parser and the inference gates (reference/validate.md §4.2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aicr.errors import AicrError
from aicr.validators.inference import judge_inference, parse_load_result
from aicr.validators.inference_check import free_gpus
from aicr.validators.inference_manifests import graph_deployment, load_job

LOG = (Path(__file__).parents[2] / "fixtures" / "validators" / "aiperf-load-job.log").read_text()
GATES = {"inference-throughput": ">= 50000", "inference-ttft-p99": "<= 2000"}


def test_result_gives_throughput_and_ttft_p99() -> None:
    assert parse_load_result(LOG) == (53437.9, 1480.3)


def test_missing_marker_is_rejected() -> None:
    with pytest.raises(AicrError, match="printed no ##AIPERF-RESULT## result"):
        parse_load_result("aiperf: connection refused\n")


def test_missing_metric_is_rejected() -> None:
    with pytest.raises(AicrError, match="time_to_first_token"):
        parse_load_result('##AIPERF-RESULT##\n{"output_token_throughput": {"avg": 1.0}}')


def test_wrong_unit_is_rejected() -> None:
    text = LOG.replace('"time_to_first_token": {"unit": "ms"', '"time_to_first_token": {"unit": "s"')
    with pytest.raises(AicrError, match="expected ms"):
        parse_load_result(text)


def test_both_gates_pass_on_the_fixture() -> None:
    assert all(ok for ok, _ in judge_inference(53437.9, 1480.3, GATES, 1.0))


def test_throughput_floor_has_ten_percent_tolerance() -> None:
    assert judge_inference(45000.0, 100.0, GATES, 1.0)[0][0] is True
    assert judge_inference(44999.0, 100.0, GATES, 1.0)[0][0] is False


def test_throughput_floor_scales_with_free_gpus() -> None:
    assert judge_inference(23000.0, 100.0, GATES, 0.5)[0][0] is True


def test_ttft_ceiling_has_ten_percent_tolerance() -> None:
    assert judge_inference(60000.0, 2200.0, GATES, 1.0)[1][0] is True
    assert judge_inference(60000.0, 2201.0, GATES, 1.0)[1][0] is False


def test_free_gpus_subtract_live_gpu_pods() -> None:
    nodes = [{"metadata": {"name": "a"}, "spec": {}, "status": {"allocatable": {"nvidia.com/gpu": "8"}}}]
    pods = [
        {
            "spec": {"nodeName": "a", "containers": [{"resources": {"limits": {"nvidia.com/gpu": "2"}}}]},
            "status": {"phase": "Running"},
        },
        {
            "spec": {"nodeName": "a", "containers": [{"resources": {"limits": {"nvidia.com/gpu": "4"}}}]},
            "status": {"phase": "Succeeded"},
        },
    ]
    assert free_gpus(nodes, pods) == (6, 8)


def test_graph_has_one_worker_per_free_gpu_and_the_job_scales_load() -> None:
    graph = graph_deployment("ns", "run", 6, "img")
    assert graph["spec"]["services"]["VllmDecodeWorker"]["replicas"] == 6
    script = load_job("ns", "run", 6, "img")["spec"]["template"]["spec"]["containers"][0]["command"][2]
    assert "--concurrency 1536" in script
    assert "--model Qwen/Qwen3-8B" in script
