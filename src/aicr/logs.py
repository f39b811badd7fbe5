"""Structured logging to stderr: `[name] msg: k=v` text lines, or JSON objects with `--log-json`.

`name` is the logger of the calling code: the command line logs as `cli`, library code under
its package (`aicr.recipe`, `aicr.bundle`, ...), so a library user can tell what spoke. With
AICR_LOG_PREFIX set (`agent` in snapshot agent pods) every line carries that one name, so the
agent's lines stand out among the CLI's when its logs are streamed back.

The only module that writes log lines. Import-light on purpose (no `logging`, `json` only in
JSON mode) because every CLI command imports it. stdout is never touched here.
"""

from __future__ import annotations

import os
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO

_LEVELS = {"debug": 10, "info": 20, "warn": 30, "warning": 30, "error": 40}


class _State:
    level = 20
    json_mode = False
    quiet = False
    prefix = "cli"
    fixed = False  # AICR_LOG_PREFIX set: every line carries it (the snapshot agent's pods)
    stream: TextIO | None = None


def configure(
    *, debug: bool = False, json_mode: bool = False, level: str | None = None, quiet: bool = False
) -> None:
    """Set the log level and format for the rest of the process (`quiet`: no success summaries)."""
    _State.quiet = quiet
    chosen = level or os.environ.get("AICR_LOG_LEVEL", "")
    _State.level = 10 if debug else _LEVELS.get(chosen.lower(), 20)
    _State.json_mode = json_mode
    _State.prefix = os.environ.get("AICR_LOG_PREFIX", "cli") or "cli"
    _State.fixed = bool(os.environ.get("AICR_LOG_PREFIX"))


def set_stream(stream: TextIO | None) -> None:
    """Redirect log output (tests); None restores sys.stderr."""
    _State.stream = stream


def enabled(level: str) -> bool:
    """Whether a message at `level` would be written."""
    return _LEVELS[level] >= _State.level


def logger_name(module: str) -> str:
    """The logger a module logs under: its top two package levels, or the CLI's prefix."""
    parts = module.split(".")
    if _State.fixed or parts[0] != "aicr" or len(parts) < 2 or parts[1] in ("cli", "__main__"):
        return _State.prefix
    return f"aicr.{parts[1]}"


def _caller() -> str:
    # Two frames up is the module that called debug()/info()/warn()/error(); reading its
    # __name__ costs far less than a logging.Logger per module, and keeps this module import-light.
    return logger_name(str(sys._getframe(3).f_globals.get("__name__", "")))


def _write(level: str, msg: str, fields: dict[str, Any]) -> None:
    if _LEVELS[level] < _State.level:
        return
    name = _caller()
    stream = _State.stream or sys.stderr
    if _State.json_mode:
        import json

        from aicr.version import VERSION

        record: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "level": level.upper(),
            "msg": msg,
            "module": name,
            "version": VERSION,
        }
        record.update(fields)
        stream.write(json.dumps(record, default=str, sort_keys=False) + "\n")
    else:
        tail = " ".join(f"{k}={_fmt(v)}" for k, v in fields.items())
        if not tail:
            stream.write(f"[{name}] {msg}\n")
        elif msg.endswith((".", "!", "?")):  # a sentence keeps its full stop; fields follow in brackets
            stream.write(f"[{name}] {msg} ({tail})\n")
        else:
            stream.write(f"[{name}] {msg}: {tail}\n")
    stream.flush()


def summary(text: str) -> None:
    """A command's closing summary for people: plain text on stderr, an info record with
    `--log-json`, nothing with `--quiet`. Never stdout, which carries only data."""
    if _State.quiet:
        return
    if _State.json_mode:
        _write("info", text.strip().splitlines()[0] if text.strip() else text, {"summary": text})
        return
    stream = _State.stream or sys.stderr
    stream.write(text if text.endswith("\n") else text + "\n")
    stream.flush()


def _fmt(value: Any) -> str:
    text = str(value)
    return f'"{text}"' if (" " in text or not text) else text


def debug(msg: str, **fields: Any) -> None:
    """Log at debug level."""
    _write("debug", msg, fields)


def info(msg: str, **fields: Any) -> None:
    """Log at info level."""
    _write("info", msg, fields)


def warn(msg: str, **fields: Any) -> None:
    """Log at warning level."""
    _write("warn", msg, fields)


def error(msg: str, **fields: Any) -> None:
    """Log at error level."""
    _write("error", msg, fields)
