"""CTRF reports: reference/validate.md §5.1 (shape, omitted empties, merge rules, renderings)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from tests.unit.validate.ctrf_schema import assert_valid_ctrf

from aicr.errors import AicrError
from aicr.validate.ctrf import build_report, ctrf_test, merge_reports, render_report


def phase_report(phase: str, *statuses: str, start: int = 1000, stop: int = 2000) -> dict[str, Any]:
    tests = [ctrf_test(f"{phase}-{i}", phase, s, duration_ms=10 * i) for i, s in enumerate(statuses)]
    return build_report(tests, start_ms=start, stop_ms=stop, version="9.9.9")


def test_report_shape_and_summary() -> None:
    report = phase_report("deployment", "passed", "failed", "skipped", "other")
    assert_valid_ctrf(report)
    assert list(report) == ["reportFormat", "specVersion", "timestamp", "generatedBy", "results"]
    assert report["results"]["tool"] == {"name": "aicr", "version": "9.9.9"}
    assert report["results"]["summary"] == {
        "tests": 4,
        "passed": 1,
        "failed": 1,
        "skipped": 1,
        "pending": 0,
        "other": 1,
        "start": 1000,
        "stop": 2000,
    }
    assert report["timestamp"] == "1970-01-01T00:00:02Z"


def test_empty_fields_are_omitted() -> None:
    assert ctrf_test("a", "deployment", "passed") == {
        "name": "a",
        "status": "passed",
        "duration": 0,
        "suite": ["deployment"],
    }
    full = ctrf_test("a", "deployment", "failed", message="m", stdout=["x"], extra={"k": "v"})
    assert (full["message"], full["stdout"], full["extra"]) == ("m", ["x"], {"k": "v"})


def test_unknown_status_is_a_bug() -> None:
    with pytest.raises(AicrError):
        ctrf_test("a", "deployment", "weird")


def test_merge_concatenates_tests_sums_counts_and_spans_time() -> None:
    first = phase_report("deployment", "passed", "failed", start=5000, stop=6000)
    second = phase_report("conformance", "skipped", start=4000, stop=9000)
    second["timestamp"] = "2030-01-01T00:00:00Z"
    merged = merge_reports([first, second], version="9.9.9")
    assert_valid_ctrf(merged)
    assert [t["name"] for t in merged["results"]["tests"]] == [
        "deployment-0",
        "deployment-1",
        "conformance-0",
    ]
    summary = merged["results"]["summary"]
    assert (summary["tests"], summary["passed"], summary["failed"], summary["skipped"]) == (3, 1, 1, 1)
    assert (summary["start"], summary["stop"]) == (4000, 9000)
    assert merged["timestamp"] == first["timestamp"]


def test_single_report_passes_through() -> None:
    only = phase_report("deployment", "passed")
    assert merge_reports([only]) is only


def test_renderings() -> None:
    report = phase_report("deployment", "passed", "failed")
    assert json.loads(render_report(report, "json")) == report
    assert yaml.safe_load(render_report(report, "yaml")) == report
    table = render_report(report, "table").splitlines()
    assert table[0].split() == ["PHASE", "CHECK", "STATUS", "DURATION", "MESSAGE"]
    assert table[1].split()[:3] == ["deployment", "deployment-0", "PASSED"]
    assert table[-1] == "2 checks: 1 passed, 1 failed, 0 skipped, 0 other"


def test_unknown_format_is_rejected() -> None:
    with pytest.raises(AicrError, match='unknown output format: "xml", valid formats are: json, yaml, table'):
        render_report(phase_report("deployment"), "xml")
