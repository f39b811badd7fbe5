"""Version of this build: the release number plus the commit and date stamped by `make`.

Pure constants; `_buildinfo.py` is generated at install time (git commit and date) and is
optional, so a plain `pip install` still works and reports "unknown".
"""

from __future__ import annotations

VERSION = "0.1.0"

try:
    from aicr._buildinfo import COMMIT, DATE  # type: ignore[import-not-found, unused-ignore]
except ImportError:  # not stamped: built outside `make`
    COMMIT = "unknown"
    DATE = "unknown"


def version_line() -> str:
    """The `aicr --version` text: `aicr version X (commit: C, date: D)`."""
    return f"aicr version {VERSION} (commit: {COMMIT}, date: {DATE})"


def recipe_version() -> str:
    """Version stamped into RecipeResult `metadata.version` (reference style: leading `v`)."""
    return f"v{VERSION}"
