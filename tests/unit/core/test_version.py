"""`aicr --version` names the commit: the checkout's HEAD from a checkout, the stamp when installed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import aicr.version
from aicr.version import version_line

VERSION_PY = Path(aicr.version.__file__)


def test_version_line_from_a_checkout_names_its_head_commit() -> None:
    root = VERSION_PY.parents[2]
    head = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert version_line().startswith(f"aicr version 0.1.0 (commit: {head}, date: ")


def test_installed_package_names_the_stamped_commit(tmp_path: Path) -> None:
    package = tmp_path / "site-packages" / "aicr"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    shutil.copy(VERSION_PY, package / "version.py")
    (package / "_buildinfo.py").write_text('COMMIT = "abc1234"\nDATE = "2026-01-02"\n')
    done = subprocess.run(
        [sys.executable, "-S", "-c", "from aicr.version import version_line; print(version_line())"],
        env={"PYTHONPATH": str(package.parent)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "aicr version 0.1.0 (commit: abc1234, date: 2026-01-02)"


def test_unstamped_installed_package_says_unknown(tmp_path: Path) -> None:
    package = tmp_path / "site-packages" / "aicr"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    shutil.copy(VERSION_PY, package / "version.py")
    done = subprocess.run(
        [sys.executable, "-S", "-c", "from aicr.version import version_line; print(version_line())"],
        env={"PYTHONPATH": str(package.parent)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "aicr version 0.1.0 (commit: unknown, date: unknown)"
