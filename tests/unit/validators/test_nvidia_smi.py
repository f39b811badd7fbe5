"""The pure side of check-nvidia-smi: the log judge, the driver version, the pod it creates."""

from __future__ import annotations

from pathlib import Path

from aicr.validators.nvidia_smi import judge_smi_log, parse_driver_version, smi_pod

FIXTURE = Path(__file__).parents[2] / "fixtures" / "validators" / "nvidia-smi-h100.txt"
LOG = FIXTURE.read_text()


def test_driver_version_is_read_from_the_header() -> None:
    assert parse_driver_version(LOG) == "570.86.15"


def test_full_output_passes_without_constraint() -> None:
    assert judge_smi_log(LOG, None) == (True, "driver 570.86.15")


def test_output_without_success_marker_fails() -> None:
    ok, reason = judge_smi_log(LOG.replace("GPU_CHECK_SUCCESS", ""), None)
    assert not ok
    assert reason == "output lacks GPU_CHECK_SUCCESS"


def test_driver_floor_met_passes() -> None:
    assert judge_smi_log(LOG, ">= 570")[0]


def test_driver_floor_missed_fails() -> None:
    ok, reason = judge_smi_log(LOG, ">= 580.65")
    assert not ok
    assert reason == "driver 570.86.15 does not satisfy Deployment.gpu-driver.version >= 580.65"


def test_unmeasurable_driver_fails_when_a_constraint_is_declared() -> None:
    text = "NVIDIA-SMI x Driver Version: N/A CUDA Version: 12.8\nGPU_CHECK_SUCCESS\n"
    ok, reason = judge_smi_log(text, ">= 570")
    assert not ok
    assert "not measurable" in reason


def test_pod_is_pinned_non_root_and_asks_one_gpu() -> None:
    pod = smi_pod("gpu-a", "aicr-validation", "cuda:x", "20261204-120000-0123456789abcdef")
    spec = pod["spec"]
    assert spec["nodeName"] == "gpu-a"
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["containers"][0]["resources"]["limits"] == {"nvidia.com/gpu": "1"}
    assert spec["containers"][0]["command"][-1] == "nvidia-smi && echo GPU_CHECK_SUCCESS"
    assert pod["metadata"]["labels"]["aicr.run/run-id"] == "20261204-120000-0123456789abcdef"
    assert len(pod["metadata"]["name"]) <= 63
