"""Bounded waiting for the objects a check creates (pods, TrainJobs, Jobs).

Pure over injected time: `poll` calls a probe until it reports a result or the deadline
passes, sleeping through the given `sleep` (tests pass a fake clock; the emulator has no
watches, so checks poll). `check_timeout` reads AICR_CHECK_TIMEOUT (`600s`, `10m`) from the
check's environment, reference/validate.md §3.3.
"""

from __future__ import annotations

import time
from typing import TypeVar

from aicr.validate.entries import parse_duration

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

T = TypeVar("T")


class Clock:
    """Monotonic time and sleep; replaced by a fake in tests."""

    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def check_timeout(env: Mapping[str, str], default: float) -> float:
    """Seconds from AICR_CHECK_TIMEOUT, else `default` (INVALID_REQUEST when malformed)."""
    raw = env.get("AICR_CHECK_TIMEOUT", "").strip()
    return parse_duration(raw, "AICR_CHECK_TIMEOUT") if raw else default


def poll(
    probe: Callable[[], T | None], timeout: float, *, interval: float = 5.0, clock: Clock | None = None
) -> T | None:
    """The first non-None result of `probe`, or None when `timeout` seconds pass first."""
    clock = clock or Clock()
    deadline = clock.now() + timeout
    while True:
        result = probe()
        if result is not None:
            return result
        left = deadline - clock.now()
        if left <= 0:
            return None
        clock.sleep(min(interval, left))
