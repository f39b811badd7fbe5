"""Validation progress on stderr: a live status line on a terminal, and the readiness results.

Edge module (writes to stderr). rich is imported only when stderr is a TTY; off a terminal the
run's own log lines already say what happens, so nothing extra is written, and the readiness
constraints are one log line each. stdout is never touched, so the CTRF report stays clean
when piped.
"""

from __future__ import annotations

import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from contextlib import AbstractContextManager
    from typing import Any, TextIO

    from aicr.validate.readiness import ConstraintResult

READINESS_COLUMNS = ("Constraint", "Expected", "Actual", "Passed")
SNAPSHOT_COLUMNS = ("Overlay", "Constraint", "Expected", "Actual", "Passed")


def _tty(stream: TextIO) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)())


def snapshot_constraints_shown(stream: TextIO | None = None) -> AbstractContextManager[None]:
    """`recipe --snapshot`: on a TTY, every evaluated constraint in one table when resolution ends
    (also when it fails); elsewhere the evaluations stay one log line each. A plain-text table:
    the recipe path does not import rich. (contextlib loads here: `validate` does not need it.)"""
    from contextlib import contextmanager

    return contextmanager(_constraints_shown)(stream)


def _constraints_shown(stream: TextIO | None) -> Iterator[None]:
    out = stream or sys.stderr
    if not _tty(out):
        yield
        return
    from aicr.io.table import render_table
    from aicr.recipe.snapshot_mode import collected_evaluations

    with collected_evaluations() as rows:
        try:
            yield
        finally:
            if rows:
                out.write("\n".join(render_table(SNAPSHOT_COLUMNS, rows)) + "\n")
                out.flush()


def readiness_table(results: list[ConstraintResult]) -> Any:
    """A rich Table of the readiness results (rich imported here, on a terminal only)."""
    from rich.table import Table

    table = Table(title="Readiness constraints", title_justify="left")
    for column in READINESS_COLUMNS:
        table.add_column(column)
    for result in results:
        table.add_row(*result.row(), style=None if result.passed else "red")
    return table


def show_readiness(results: list[ConstraintResult], stream: TextIO | None = None) -> None:
    """Every readiness constraint as expected / actual / passed: a table on a TTY, else log lines."""
    out = stream or sys.stderr
    if not results:
        return
    if not _tty(out):
        from aicr import logs

        for result in results:
            name, expected, actual, passed = result.row()
            log = logs.info if result.passed else logs.warn
            log("readiness constraint", name=name, expected=expected, actual=actual, passed=passed)
        return
    from rich.console import Console

    Console(file=out, stderr=True).print(readiness_table(results))


class ValidateProgress:
    """An `on_event` sink for `RunOptions`; use as a context manager."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr
        self._tty = bool(getattr(self._stream, "isatty", lambda: False)())
        self._status: Any = None
        self._console: Any = None
        self._phase = ""
        self._check = ""
        self._position = ""
        self._started = time.monotonic()
        self.events: list[tuple[str, dict[str, Any]]] = []

    @property
    def active(self) -> bool:
        """Whether a live display is shown."""
        return self._status is not None

    def __enter__(self) -> ValidateProgress:
        if self._tty:
            from rich.console import Console

            self._console = console = Console(file=self._stream, stderr=True)
            self._status = console.status("preparing validation")
            self._status.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None

    def show_readiness(self, results: list[ConstraintResult]) -> None:
        """The readiness results, printed above the live status line when one is shown."""
        if self._console is not None and results:
            self._console.print(readiness_table(results))
        else:
            show_readiness(results, self._stream)

    def __call__(self, event: str, fields: dict[str, Any]) -> None:
        self.events.append((event, fields))
        if event == "phase":
            self._phase = str(fields.get("phase", ""))
            self._check = ""
            self._position = ""
        elif event == "check":
            self._check = str(fields.get("check", ""))
            self._position = f"{fields.get('index', '?')}/{fields.get('total', '?')}"
            self._started = time.monotonic()
        elif event == "check-done":
            self._check = f"{fields.get('check', '')}: {fields.get('status', '')}"
        if self._status is not None:
            self._status.update(self.line(time.monotonic() - self._started))

    def line(self, elapsed: float) -> str:
        """The status text: `phase deployment · check operator-health (1/4) · 12s`."""
        parts = [f"phase {self._phase}" if self._phase else "validation"]
        if self._check:
            parts.append(f"check {self._check}" + (f" ({self._position})" if self._position else ""))
            parts.append(f"{elapsed:.0f}s")
        return " · ".join(parts)
