"""Wait for a condition to hold, with a deadline: the tests' alternative to fixed sleeps.

Pure test support: polls `condition` until it is true or `timeout` seconds pass; never assumes
that something happened after some time.
"""

from __future__ import annotations

import time
from collections.abc import Callable

POLL_S = 0.01


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    """Return once `condition()` is true; fail the test naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(POLL_S)
