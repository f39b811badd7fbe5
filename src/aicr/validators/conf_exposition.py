"""A parser for the Prometheus text exposition format (what DCGM exporter and Prometheus serve).

Pure: text in, samples out. Handles `# HELP` / `# TYPE` comments, labels with escaped quotes,
backslashes and newlines, optional timestamps, and the special values `NaN`, `+Inf`, `-Inf`.
A line that is not valid exposition is an INVALID_REQUEST naming the line number.
"""

from __future__ import annotations

import math

from aicr.errors import AicrError, Code

_ESCAPES = {"\\": "\\", '"': '"', "n": "\n"}


class Sample:
    """One exposition sample: metric name, labels, value (timestamp dropped)."""

    __slots__ = ("labels", "name", "value")

    def __init__(self, name: str, labels: dict[str, str], value: float) -> None:
        self.name = name
        self.labels = labels
        self.value = value

    def __repr__(self) -> str:
        return f"Sample({self.name}, {self.labels}, {self.value})"


def _labels(text: str, start: int, lineno: int) -> tuple[dict[str, str], int]:
    """Parse `{k="v",...}` starting after `{`; the labels and the index after `}`."""
    labels: dict[str, str] = {}
    i = start
    while True:
        while i < len(text) and text[i] in " ,":
            i += 1
        if i < len(text) and text[i] == "}":
            return labels, i + 1
        eq = text.find("=", i)
        if eq < 0 or eq + 1 >= len(text) or text[eq + 1] != '"':
            raise AicrError(Code.INVALID_REQUEST, f"metrics line {lineno}: malformed label set")
        key = text[i:eq].strip()
        i = eq + 2
        value: list[str] = []
        while i < len(text) and text[i] != '"':
            if text[i] == "\\" and i + 1 < len(text):
                value.append(_ESCAPES.get(text[i + 1], "\\" + text[i + 1]))
                i += 2
                continue
            value.append(text[i])
            i += 1
        if i >= len(text):
            raise AicrError(Code.INVALID_REQUEST, f"metrics line {lineno}: unterminated label value")
        labels[key] = "".join(value)
        i += 1


def _value(raw: str, lineno: int) -> float:
    special = {"nan": math.nan, "+inf": math.inf, "inf": math.inf, "-inf": -math.inf}
    if raw.lower() in special:
        return special[raw.lower()]
    try:
        return float(raw)
    except ValueError:
        raise AicrError(Code.INVALID_REQUEST, f"metrics line {lineno}: bad sample value {raw!r}") from None


def parse_line(line: str, lineno: int) -> Sample | None:
    """One sample line (None for blank lines and comments)."""
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    brace = text.find("{")
    space = text.find(" ")
    if brace >= 0 and (space < 0 or brace < space):
        name = text[:brace]
        labels, end = _labels(text, brace + 1, lineno)
        rest = text[end:].split()
    else:
        name, _, tail = text.partition(" ")
        labels, rest = {}, tail.split()
    if not name or not rest or len(rest) > 2:
        raise AicrError(
            Code.INVALID_REQUEST, f"metrics line {lineno}: expected `name[{{labels}}] value [timestamp]`"
        )
    return Sample(name, labels, _value(rest[0], lineno))


def parse_exposition(text: str) -> list[Sample]:
    """Every sample of an exposition text, in order."""
    samples = []
    for lineno, line in enumerate(text.splitlines(), 1):
        sample = parse_line(line, lineno)
        if sample is not None:
            samples.append(sample)
    return samples


def metric_names(samples: list[Sample]) -> set[str]:
    """The distinct metric names of `samples`."""
    return {s.name for s in samples}
