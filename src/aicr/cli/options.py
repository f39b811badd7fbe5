"""Flag-value helpers that need no argparse: booleans, environment defaults, `--format` checks.

Pure. Kept apart from `aicr.cli.flags` so the `aicr recipe` fast path (`aicr.cli.fastpath`) can
use them without importing argparse.
"""

from __future__ import annotations

import os

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FORMATS = ("yaml", "json", "table")


def parse_bool(text: str, flag: str) -> bool:
    """`true`/`false` (and 1/0, yes/no) as a bool; INVALID_REQUEST otherwise."""
    lowered = text.strip().lower()
    if lowered in ("true", "1", "yes", "on", "t"):
        return True
    if lowered in ("false", "0", "no", "off", "f"):
        return False
    raise AicrError(Code.INVALID_REQUEST, f'invalid value "{text}" for flag {flag}: expected true or false')


def env_default(name: str, fallback: str | None = None) -> str | None:
    """Value of an environment variable bound to a flag, or `fallback`."""
    value = os.environ.get(name)
    return value if value not in (None, "") else fallback


def env_bool(name: str) -> bool:
    """An environment variable read as a bool (unset = false)."""
    value = os.environ.get(name, "")
    return bool(value) and parse_bool(value, name)


def check_format(args: Any) -> str:
    """The validated `--format` value."""
    fmt = str(args.format).strip().lower()
    choices: tuple[str, ...] = args._format_choices
    if fmt not in choices:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'unknown output format: "{args.format}", valid formats are: {", ".join(choices)}',
        )
    return fmt
