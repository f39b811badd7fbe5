"""check-nvidia-smi's log judge on real output captured on an H200 (tests/fixtures/device-h200).

The log is what the check's pod runs (`nvidia-smi && echo GPU_CHECK_SUCCESS`), captured on the
device machine lent to this project on 2026-12-04 (driver 580.159.04, CUDA 13.0).
"""

from __future__ import annotations

from pathlib import Path

from aicr.validators.nvidia_smi import judge_smi_log, parse_driver_version

LOG = (Path(__file__).parents[2] / "fixtures" / "device-h200" / "check-nvidia-smi.log").read_text()


def test_real_h200_log_passes_and_reads_the_driver() -> None:
    assert parse_driver_version(LOG) == "580.159.04"
    assert judge_smi_log(LOG, None) == (True, "driver 580.159.04")


def test_real_h200_driver_floor() -> None:
    assert judge_smi_log(LOG, ">= 580")[0]
    assert judge_smi_log(LOG, ">= 580.159.04")[0]
    ok, reason = judge_smi_log(LOG, ">= 595.91.07")
    assert not ok and "driver 580.159.04 does not satisfy" in reason


def test_real_h200_log_without_the_marker_fails() -> None:
    ok, reason = judge_smi_log(LOG.replace("GPU_CHECK_SUCCESS", ""), None)
    assert not ok and "GPU_CHECK_SUCCESS" in reason
