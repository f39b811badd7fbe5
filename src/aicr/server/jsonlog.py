"""JSON log lines on stderr for aicrd (its own records and uvicorn's), one object per line.

Edge module: configures the standard `logging` package. Fields: `time` (UTC, RFC 3339),
`level`, `msg`, `module` ("aicrd"), `version`, then any `extra=` fields of the record and, for
exceptions, `error` and `traceback`. Levels follow AICR_LOG_LEVEL (debug|info|warn|error).
"""

from __future__ import annotations

import json
import logging
import time

from aicr.version import VERSION

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "taskName",
    "color_message",  # uvicorn's ANSI-coloured copy of msg
}
LEVELS = {"debug": "DEBUG", "info": "INFO", "warn": "WARNING", "warning": "WARNING", "error": "ERROR"}


class JsonFormatter(logging.Formatter):
    """Render a record as one JSON object."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON: the fixed fields, its `extra=` fields, any exception."""
        seconds = time.gmtime(record.created)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", seconds) + f".{int(record.msecs):03d}Z"
        level = "WARN" if record.levelno == logging.WARNING else record.levelname
        out: dict[str, Any] = {
            "time": stamp,
            "level": level,
            "msg": record.getMessage(),
            "module": "aicrd",
            "version": VERSION,
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            out["error"] = repr(record.exc_info[1])
            out["traceback"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str, ensure_ascii=False)


def log_config(level: str) -> dict[str, Any]:
    """A `logging.config.dictConfig` mapping for aicrd and uvicorn (access log off)."""
    name = LEVELS.get(level, "INFO")
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": handler},
        "loggers": {
            "aicrd": {"handlers": ["stderr"], "level": name, "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": name, "propagate": False},
            "uvicorn.error": {"level": name},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
