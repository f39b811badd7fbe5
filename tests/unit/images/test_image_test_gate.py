"""The image tests' gate: without podman they skip locally but fail in CI (CI=true)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
ONE_IMAGE_TEST = "tests/images/test_image_contents.py::test_agent_version_flag_names_the_commit"


def _run_without_tools(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    empty = tmp_path / "bin"
    empty.mkdir()
    base = {k: v for k, v in os.environ.items() if k != "CI"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", ONE_IMAGE_TEST],
        cwd=ROOT,
        env={**base, "PATH": str(empty), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_podman_fails_the_image_tests_in_ci(tmp_path: Path) -> None:
    done = _run_without_tools(tmp_path, CI="true")
    assert done.returncode == 1, done.stdout
    assert "podman, mmdebstrap, runc" in done.stdout and "missing in CI" in done.stdout


def test_missing_podman_skips_the_image_tests_with_a_reason_locally(tmp_path: Path) -> None:
    done = _run_without_tools(tmp_path)
    assert done.returncode == 0, done.stdout
    assert "1 skipped" in done.stdout and "installed by .ci/run" in done.stdout
