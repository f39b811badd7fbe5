"""Evidence Markdown: reference/validate.md §6 (grouping, skipped dropped, failed vs other)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aicr.validate.ctrf import build_report, ctrf_test
from aicr.validate.evidence import render_evidence, write_evidence


def report() -> dict[str, Any]:
    tests = [
        ctrf_test("accelerator-metrics", "conformance", "passed", stdout=["DCGM_FI_DEV_GPU_UTIL found"]),
        ctrf_test("ai-service-metrics", "conformance", "other", message="Prometheus unreachable"),
        ctrf_test("dra-support", "conformance", "failed", message="no ResourceSlice"),
        ctrf_test("gang-scheduling", "conformance", "skipped", message="kai not installed"),
        ctrf_test(
            "robust-controller", "conformance", "passed", extra={"runtimeSource": "cluster-capability"}
        ),
    ]
    return build_report(tests, start_ms=0, stop_ms=1000)


def test_files_per_requirement_with_skipped_checks_dropped() -> None:
    files = render_evidence(report())
    assert sorted(files) == ["accelerator-metrics.md", "dra-support.md", "index.md", "robust-operator.md"]
    metrics = files["accelerator-metrics.md"]
    assert "**Result: PASS**" in metrics  # `other` does not fail a requirement
    assert "## ai-service-metrics" in metrics and "Prometheus unreachable" in metrics
    assert "DCGM_FI_DEV_GPU_UTIL found" in metrics
    assert "**Result: FAIL**" in files["dra-support.md"]
    assert "runtimeSource: cluster-capability" in files["robust-operator.md"]


def test_index_lists_every_requirement() -> None:
    index = render_evidence(report())["index.md"]
    assert "| [Dynamic Resource Allocation (DRA)](dra-support.md) | FAIL | dra-support |" in index
    assert "| Gang scheduling | NOT RUN | gang-scheduling |" in index


def test_write_evidence(tmp_path: Path) -> None:
    written = write_evidence(str(tmp_path / "ev"), report())
    assert sorted(Path(p).name for p in written) == [
        "accelerator-metrics.md",
        "dra-support.md",
        "index.md",
        "robust-operator.md",
    ]
    assert (tmp_path / "ev" / "index.md").read_text().startswith("# CNCF AI conformance evidence")
