"""The GPU collector on real `nvidia-smi -q -x` output captured on an H200 (tests/fixtures/device-h200)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aicr.snapshot.collectors import gpu

DEVICE = Path(__file__).parents[2] / "fixtures" / "device-h200"


def test_real_h200_xml_gives_driver_cuda_and_model() -> None:
    readings = gpu.parse_nvidia_smi((DEVICE / "nvidia-smi-q.xml").read_bytes())
    assert readings["driver"] == "580.159.04"
    assert readings["cuda-version"] == "13.0"
    assert readings["gpu-count"] == 1
    assert readings["gpu.model"] == "NVIDIA H200"
    assert readings["gpu.persistence-mode"] == "Enabled"


def test_real_h200_collect_matches_the_snapshot_taken_on_that_machine() -> None:
    xml = (DEVICE / "nvidia-smi-q.xml").read_bytes()

    def run(argv: Sequence[str], timeout: float) -> bytes:
        return xml

    smi = gpu.collect_smi(run)
    snapshot = (DEVICE / "snapshot.yaml").read_text()
    assert "driver: 580.159.04" in snapshot
    assert smi.data["driver"] == "580.159.04"
    assert "gpu.model: NVIDIA H200" in snapshot


def test_real_h200_items_carry_no_identifiers() -> None:
    _, items = gpu._parse((DEVICE / "nvidia-smi-q.xml").read_bytes())
    assert len(items) == 1
    text = repr(items[0].data)
    assert "GPU-0000" not in text
    assert items[0].data["model"] == "NVIDIA H200"
