"""Building and running the project's images with podman, for the image tests.

Edge module (runs podman and the images/ scripts). `build_images()` is what `make images` does:
the mmdebstrap base (kept once built), the wheel-only build context, and the three builds
(podman's layer cache makes a rebuild of an unchanged wheel take seconds). `podman()` runs one
podman command with the project's containers.conf (runc, cgroupfs, no default ulimits).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTAINERS_CONF = ROOT / "images" / "containers.conf"
IMAGES = ("agent", "validators", "aicrd")
BASE = os.environ.get("BASE") or "localhost/aicr-base:bookworm"  # as the Makefile's BASE_IMAGE


def environment() -> dict[str, str]:
    """The environment podman and the scripts run with (an explicit CONTAINERS_CONF wins)."""
    env = dict(os.environ)
    env.setdefault("CONTAINERS_CONF", str(CONTAINERS_CONF))
    return env


def podman(*args: str, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run `podman ARGS`; raise with its stderr when `check` and it fails."""
    done = subprocess.run(
        ["podman", *args], env=environment(), capture_output=True, text=True, timeout=timeout
    )
    if check and done.returncode != 0:
        raise AssertionError(f"podman {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return done


def _script(name: str, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(ROOT / "images" / name), *args],
        env={**environment(), **(env or {})},
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode != 0:
        raise AssertionError(f"images/{name} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def build_images() -> dict[str, str]:
    """Build (or refresh from cache) the three images; {name: image reference}."""
    env = {"PYTHON": sys.executable}
    _script("base-image.sh", BASE)
    _script("context.sh", env=env)
    env["BASE"] = BASE
    refs: dict[str, str] = {}
    for line, name in zip(_script("build.sh", env=env).splitlines(), IMAGES, strict=True):
        refs[name] = line.split()[0]
    return refs


def head_commit() -> str:
    """The short commit of the checkout (what `aicr --version` in the images must name)."""
    return subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
