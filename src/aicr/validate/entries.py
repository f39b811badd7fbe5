"""Validator catalog entries as the orchestrator uses them: timeout, image, resources, env.

Pure. The catalog itself (strict schema, merge of `--data` by name, parse errors) is loaded by
`aicr.catalog`; this module turns one compiled entry (a plain dict) into a `CheckSpec` with its
timeout in seconds (default 5m, reference/validate.md §2 "Timeouts") and its image resolved by
`aicr.validate.images`.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code
from aicr.validate.images import pull_policy, resolve_image

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DEFAULT_TIMEOUT_S = 300.0
DEFAULT_CPU = "1"
DEFAULT_MEMORY = "1Gi"
_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def parse_duration(text: str, what: str = "duration") -> float:
    """Seconds of a Go-style duration (`2m`, `1m30s`, `500ms`) or a plain number of seconds."""
    raw = str(text).strip()
    try:
        value = float(raw)
    except ValueError:
        value = _go_duration(raw)
    if value <= 0:
        raise AicrError(Code.INVALID_REQUEST, f'invalid {what} "{text}": expected a duration like 5m')
    return value


def _go_duration(raw: str) -> float:
    """Seconds of `raw` read as `(\\d+(\\.\\d+)?(ms|h|m|s))+` in full; -1 when it is not one."""
    pos, total = 0, 0.0
    while pos < len(raw):
        end = _digits_end(raw, pos)
        if end == pos:
            return -1.0
        if raw.startswith(".", end) and _digits_end(raw, end + 1) > end + 1:
            end = _digits_end(raw, end + 1)
        unit = "ms" if raw.startswith("ms", end) else raw[end : end + 1]
        if unit not in _UNITS:
            return -1.0
        total += float(raw[pos:end]) * _UNITS[unit]
        pos = end + len(unit)
    return total if raw else -1.0


def _digits_end(text: str, pos: int) -> int:
    """The end of the run of Unicode decimal digits (`\\d`) starting at `pos`."""
    while pos < len(text) and text[pos].isdecimal():
        pos += 1
    return pos


def format_duration(seconds: float) -> str:
    """`2m0s`-style text for messages (Go's time.Duration String for whole seconds)."""
    if seconds < 1:
        return f"{round(seconds * 1000)}ms"
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    if minutes:
        return f"{minutes}m{secs}s"
    return f"{secs}s"


class CheckSpec:
    """One catalog entry ready to run: name, phase, resolved image, timeout, args, env, resources."""

    __slots__ = (
        "args",
        "cpu",
        "description",
        "env",
        "image",
        "memory",
        "name",
        "phase",
        "pull_policy",
        "timeout",
    )

    def __init__(
        self, entry: dict[str, Any], *, version: str = "", commit: str = "", registry: str = "", tag: str = ""
    ) -> None:
        self.name = str(entry["name"])
        self.phase = str(entry["phase"])
        self.description = str(entry.get("description") or "")
        timeout = entry.get("timeout")
        self.timeout = (
            parse_duration(str(timeout), f'timeout of validator "{self.name}"')
            if timeout
            else DEFAULT_TIMEOUT_S
        )
        self.image = resolve_image(
            str(entry["image"]), version=version, commit=commit, registry=registry, tag=tag
        )
        self.pull_policy = pull_policy(self.image, tag_override=tag)
        self.args = [str(a) for a in entry.get("args") or []]
        self.env = [(str(e["name"]), str(e.get("value") or "")) for e in entry.get("env") or []]
        resources = entry.get("resources") or {}
        self.cpu = str(resources.get("cpu") or DEFAULT_CPU)
        self.memory = str(resources.get("memory") or DEFAULT_MEMORY)

    def __repr__(self) -> str:
        return f"CheckSpec({self.phase}/{self.name}, {self.image})"
