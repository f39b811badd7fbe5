"""The `aicr` command-line front end; run as the console script, it first guards against Ctrl-C.

Edge: when this process is the `aicr` console script, SIGINT is set here, before any other CLI
module loads, to end the process at once with exit 9 and one `error: [CANCELED]` line (nothing
is in flight yet, so there is nothing to clean up). `aicr.cli.main.main` switches to Python's
KeyboardInterrupt while a command runs, so commands still clean up, and back afterwards.
Importing this package from anywhere else (tests, library users) changes no signal handling.
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


if _is_console_script():
    import _signal  # type: ignore[import-not-found]  # `signal` would import enum (~3 ms)

    _signal.signal(_signal.SIGINT, cancel_now)
