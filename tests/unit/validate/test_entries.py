"""Go-style durations of validator entries (aicr.validate.entries.parse_duration) without `re`."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aicr.errors import AicrError
from aicr.validate.entries import parse_duration

_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def _pattern_seconds(text: str) -> float | None:
    """The former regular-expression reading: None where it raised."""
    raw = text.strip()
    try:
        value = float(raw)
    except ValueError:
        value, pos, total = -1.0, 0, 0.0
        for match in re.finditer(r"(\d+(?:\.\d+)?)(ms|h|m|s)", raw):
            if match.start() != pos:
                break
            total += float(match.group(1)) * _UNITS[match.group(2)]
            pos = match.end()
        if raw and pos == len(raw):
            value = total
    return value if value > 0 else None


def _seconds(text: str) -> float | None:
    try:
        return parse_duration(text)
    except AicrError:
        return None


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from("0159.hms x-١³"), max_size=10))
def test_duration_reading_agrees_with_the_go_duration_pattern(text: str) -> None:
    assert _seconds(text) == _pattern_seconds(text)


@pytest.mark.parametrize(
    ("text", "seconds"), [("5m", 300.0), ("1m30s", 90.0), ("500ms", 0.5), ("1.5h", 5400.0), ("42", 42.0)]
)
def test_go_durations_are_read_as_seconds(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "1.m", "m5", "5x", "0s", "1m 5s"])
def test_malformed_durations_are_invalid_requests(text: str) -> None:
    with pytest.raises(AicrError, match="expected a duration like 5m"):
        parse_duration(text)
