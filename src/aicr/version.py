"""Version of this build: the release number plus the commit and date it was built from.

Constants, plus one edge read for `aicr --version`: run from a git checkout (`<root>/src/aicr`
with `<root>/.git`), the checkout's HEAD is asked of git so the line never names a stale stamp;
installed from a wheel, `_buildinfo.py` (written by `make` and images/context.sh) names the
commit. `_buildinfo.py` is optional, so a plain `pip install` still works and reports "unknown".
"""

from __future__ import annotations

VERSION = "0.1.0"

try:
    from aicr._buildinfo import COMMIT, DATE  # type: ignore[import-not-found, unused-ignore]
except ImportError:  # not stamped: built outside `make`
    COMMIT = "unknown"
    DATE = "unknown"


def checkout_commit() -> tuple[str, str] | None:
    """(short commit, commit date) of the git checkout this package runs from, else None."""
    import os
    import subprocess

    src = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    root = os.path.dirname(src)
    if os.path.basename(src) != "src" or not os.path.exists(os.path.join(root, ".git")):
        return None
    try:
        done = subprocess.run(
            ["git", "-C", root, "log", "-1", "--format=%h %cs"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    parts = done.stdout.split()
    return (parts[0], parts[1]) if done.returncode == 0 and len(parts) == 2 else None


def version_line() -> str:
    """The `aicr --version` text: `aicr version X (commit: C, date: D)`."""
    commit, date = checkout_commit() or (COMMIT, DATE)
    return f"aicr version {VERSION} (commit: {commit}, date: {date})"


def recipe_version() -> str:
    """Version stamped into RecipeResult `metadata.version` (reference style: leading `v`)."""
    return f"v{VERSION}"
