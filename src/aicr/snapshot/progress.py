"""Agent progress on stderr: a live status line on a terminal, one log line per phase otherwise.

Edge module (writes to stderr). rich is imported only when stderr is a TTY; stdout is never
touched, so piping the snapshot stays clean.
"""

from __future__ import annotations

import sys

from aicr import logs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO

_LABELS = {
    "pending": "waiting for the agent pod to be scheduled",
    "scheduled": "agent pod scheduled, starting",
    "running": "agent pod running",
    "succeeded": "agent pod finished",
    "failed": "agent pod failed",
    "done": "snapshot collected",
}


class JobProgress:
    """Callable progress sink for `wait_for_job(on_progress=...)`; use as a context manager."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr
        self._tty = bool(getattr(self._stream, "isatty", lambda: False)())
        self._status: Any = None
        self._console: Any = None
        self._last = ""

    def __enter__(self) -> JobProgress:
        if self._tty:
            from rich.console import Console

            self._console = Console(file=self._stream, stderr=True)
            self._status = self._console.status(_LABELS["pending"])
            self._status.start()
        return self

    @property
    def log_stream(self) -> TextIO:
        """Where streamed agent logs go: printed above the live status line on a terminal."""
        if self._console is None:
            return self._stream
        return _ConsoleWriter(self._console)  # type: ignore[return-value]

    def __exit__(self, *exc: object) -> None:
        if self._status is not None:
            self._status.stop()

    def __call__(self, phase: str, elapsed: float) -> None:
        label = _LABELS.get(phase, phase)
        if self._status is not None:
            self._status.update(f"{label} ({elapsed:.0f}s)")
        elif phase != self._last:
            logs.info(label, elapsed=f"{elapsed:.1f}s")
        self._last = phase


class _ConsoleWriter:
    """A minimal text stream that prints through a rich console (keeps the status line intact)."""

    def __init__(self, console: Any) -> None:
        self._console = console

    def write(self, text: str) -> int:
        self._console.print(text, end="", markup=False, highlight=False, soft_wrap=True)
        return len(text)

    def flush(self) -> None:
        self._console.file.flush()
