"""The `aicr` command-line front end; run as the console script, it first guards against Ctrl-C.

Edge: when this process is the `aicr` console script, SIGINT is set here, before any other CLI
module loads, to end the process at once with exit 9 and one `error: [CANCELED]` line (nothing
is in flight yet, so there is nothing to clean up). `aicr.cli.main.main` switches to Python's
KeyboardInterrupt while a command runs, so commands still clean up, and back afterwards.
The console script also raises the cyclic GC's young-generation threshold (D18).
Importing this package from anywhere else (tests, library users) changes neither.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import FrameType


def cancel_now(signum: int, frame: FrameType | None) -> None:
    """Signal handler: exit 9 with one CANCELED line, without unwinding (no traceback)."""
    import os

    try:
        os.write(2, b"error: [CANCELED] interrupted\n")
    finally:
        os._exit(9)


def _is_console_script() -> bool:
    name = sys.argv[0].replace("\\", "/").rsplit("/", 1)[-1] if sys.argv else ""
    return name in ("aicr", "aicr.exe")


GC_THRESHOLD = 10_000


if _is_console_script():
    import _signal  # type: ignore[import-not-found]  # `signal` would import enum (~3 ms)
    import gc

    _signal.signal(_signal.SIGINT, cancel_now)
    # A young-generation threshold of 10,000 tracked objects instead of 700: a command's imports
    # and its compiled catalog (tens of thousands of dicts and lists) otherwise set off 9-16
    # collections, some of them full ones, costing 1-3 ms of a 20-40 ms run (docs/decisions.md
    # D18). Long-running commands still collect, every 10,000 allocations.
    gc.set_threshold(GC_THRESHOLD, 10, 10)
