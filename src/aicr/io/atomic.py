"""Atomic file writes: write a temp file beside the target, then rename it into place.

Edge module. A failure part-way leaves the previous file (or no file) untouched, never a
truncated one.
"""

from __future__ import annotations

import os
import tempfile


def write_atomic(path: str, data: bytes | str, mode: int = 0o644) -> None:
    """Replace `path` with `data` in one rename (parent directories are created)."""
    target = os.path.abspath(path)
    directory = os.path.dirname(target)
    os.makedirs(directory, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=directory)
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
