"""Atomic file writes: write a temp file beside the target, then rename it into place.

Edge module. A failure part-way leaves the previous file (or no file) untouched, never a
truncated one. Temp names come from os.urandom rather than `tempfile`, which costs ~20 ms of
imports on the CLI's start-up path.
"""

from __future__ import annotations

import os


def temp_path_beside(target: str) -> tuple[int, str]:
    """Create and open an exclusive temp file in the directory of `target`."""
    directory = os.path.dirname(target) or "."
    base = os.path.basename(target)
    while True:
        path = os.path.join(directory, f".{base}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), path
        except FileExistsError:  # pragma: no cover - 48 random bits
            continue


def write_atomic(path: str, data: bytes | str, mode: int = 0o644) -> None:
    """Replace `path` with `data` in one rename (parent directories are created)."""
    target = os.path.abspath(path)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = temp_path_beside(target)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
