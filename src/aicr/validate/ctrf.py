"""CTRF reports: one per phase, merged for output, rendered as JSON, YAML or a table.

Pure (plain dicts in the reference's key order). reference/validate.md §5.1: `reportFormat`,
`specVersion`, `timestamp` (RFC 3339, UTC), `generatedBy`, `results.{tool, summary, tests,
environment}`; `start`/`stop` in Unix milliseconds; a test's `message`, `stdout` and `extra`
are omitted when empty. Merging concatenates tests, sums counts, keeps the earliest start, the
latest stop and the first timestamp; a single report passes through unchanged.
"""

from __future__ import annotations

import time

from aicr.errors import AicrError, Code
from aicr.validate.phases import STATUS_FAILED, STATUS_OTHER, STATUS_PASSED, STATUS_PENDING, STATUS_SKIPPED

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

REPORT_FORMAT = "CTRF"
SPEC_VERSION = "0.0.1"
TOOL_NAME = "aicr"
STATUSES = (STATUS_PASSED, STATUS_FAILED, STATUS_SKIPPED, STATUS_PENDING, STATUS_OTHER)
FORMATS = ("json", "yaml", "table")
_SUMMARY_KEYS = ("tests", *STATUSES)


def now_ms() -> int:
    """The current time in Unix milliseconds."""
    return int(time.time() * 1000)


def timestamp(ms: int | None = None) -> str:
    """RFC 3339 UTC timestamp (second precision) of `ms`, or of now."""
    seconds = (now_ms() if ms is None else ms) / 1000
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def ctrf_test(
    name: str,
    phase: str,
    status: str,
    *,
    duration_ms: int = 0,
    message: str = "",
    stdout: Sequence[str] | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One CTRF test entry."""
    if status not in STATUSES:
        raise AicrError(Code.INTERNAL, f'invalid CTRF status "{status}"')
    test: dict[str, Any] = {
        "name": name,
        "status": status,
        "duration": max(0, int(duration_ms)),
        "suite": [phase],
    }
    if message:
        test["message"] = message
    if stdout:
        test["stdout"] = list(stdout)
    if extra:
        test["extra"] = dict(extra)
    return test


def summarize(tests: Sequence[dict[str, Any]], start_ms: int, stop_ms: int) -> dict[str, int]:
    """The summary block: counts per status plus start/stop."""
    summary = dict.fromkeys(_SUMMARY_KEYS, 0)
    summary["tests"] = len(tests)
    for test in tests:
        status = test.get("status")
        if status in summary:
            summary[str(status)] += 1
    summary["start"] = start_ms
    summary["stop"] = stop_ms
    return summary


def build_report(
    tests: Sequence[dict[str, Any]],
    *,
    start_ms: int,
    stop_ms: int | None = None,
    version: str | None = None,
    environment: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A CTRF report for one phase."""
    if version is None:
        from aicr.version import VERSION

        version = VERSION
    stop = now_ms() if stop_ms is None else stop_ms
    results: dict[str, Any] = {
        "tool": {"name": TOOL_NAME, "version": version},
        "summary": summarize(tests, start_ms, stop),
        "tests": list(tests),
    }
    if environment:
        results["environment"] = dict(environment)
    return {
        "reportFormat": REPORT_FORMAT,
        "specVersion": SPEC_VERSION,
        "timestamp": timestamp(stop),
        "generatedBy": TOOL_NAME,
        "results": results,
    }


def merge_reports(reports: Sequence[dict[str, Any]], *, version: str | None = None) -> dict[str, Any]:
    """One report from several (a single report is returned as is)."""
    present = [r for r in reports if r]
    if len(present) == 1:
        return present[0]
    if version is None:
        from aicr.version import VERSION

        version = VERSION
    tests: list[dict[str, Any]] = []
    summary = dict.fromkeys(_SUMMARY_KEYS, 0)
    start = 0
    stop = 0
    stamp = ""
    environment: dict[str, Any] | None = None
    for report in present:
        results = report.get("results") or {}
        tests.extend(results.get("tests") or [])
        part = results.get("summary") or {}
        for key in _SUMMARY_KEYS:
            summary[key] += int(part.get(key) or 0)
        if part.get("start") and (start == 0 or part["start"] < start):
            start = int(part["start"])
        stop = max(stop, int(part.get("stop") or 0))
        stamp = stamp or str(report.get("timestamp") or "")
        if results.get("environment"):
            environment = results["environment"]
    summary["start"] = start
    summary["stop"] = stop
    merged_results: dict[str, Any] = {
        "tool": {"name": TOOL_NAME, "version": version},
        "summary": summary,
        "tests": tests,
    }
    if environment:
        merged_results["environment"] = environment
    return {
        "reportFormat": REPORT_FORMAT,
        "specVersion": SPEC_VERSION,
        "timestamp": stamp or timestamp(),
        "generatedBy": TOOL_NAME,
        "results": merged_results,
    }


def check_format(fmt: str) -> str:
    """A validated `--format` for reports."""
    value = (fmt or "json").strip().lower()
    if value not in FORMATS:
        raise AicrError(
            Code.INVALID_REQUEST, f'unknown output format: "{fmt}", valid formats are: {", ".join(FORMATS)}'
        )
    return value


def render_report(report: dict[str, Any], fmt: str = "json") -> str:
    """The report as JSON (2-space indent), YAML, or a human table (one row per check)."""
    value = check_format(fmt)
    if value == "json":
        from aicr.io.jsonout import dumps_indented

        return dumps_indented(report) + "\n"
    if value == "yaml":
        from aicr.io.yamlout import dump

        return dump(report)
    return render_table(report)


def _first_line(text: str, width: int = 80) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 3] + "..."


def render_table(report: dict[str, Any]) -> str:
    """One row per check (phase, check, status, duration, message) and a summary line."""
    from aicr.io.table import render_table as table

    results = report.get("results") or {}
    rows = []
    for test in results.get("tests") or []:
        suite = test.get("suite") or [""]
        seconds = int(test.get("duration") or 0) / 1000
        rows.append([suite[0], test.get("name", ""), str(test.get("status", "")).upper(), f"{seconds:.1f}s",
                     _first_line(str(test.get("message") or ""))])  # fmt: skip
    lines = table(["PHASE", "CHECK", "STATUS", "DURATION", "MESSAGE"], rows)
    s = results.get("summary") or {}
    lines.append("")
    lines.append(
        f"{s.get('tests', 0)} checks: {s.get('passed', 0)} passed, {s.get('failed', 0)} failed, "
        f"{s.get('skipped', 0)} skipped, {s.get('other', 0)} other"
    )
    return "\n".join(lines) + "\n"
