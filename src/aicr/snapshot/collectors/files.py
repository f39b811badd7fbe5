"""The shared line parser for small text files under /proc, /sys and /etc, and host paths.

Edge module (reads files). reference/snapshot.md §2 "File parser": whole-file read capped at
1 MiB, UTF-8 only, split on a delimiter, every part trimmed, blank and `#` parts dropped.
`host_path` maps a host path below the root the collectors read (`/`, or a fixture tree).
"""

from __future__ import annotations

import os

MAX_FILE_BYTES = 1024 * 1024


class FileTooLarge(OSError):
    """The file exceeds MAX_FILE_BYTES."""


_CHUNK = 64 * 1024


def host_path(root: str, path: str) -> str:
    """`path` (absolute, as on the host) below `root`; unchanged when `root` is `/` or empty."""
    return path if root in ("", "/") else os.path.join(root, path.lstrip("/"))


def read_text(path: str) -> str:
    """The whole file as UTF-8 text; OSError/UnicodeDecodeError/FileTooLarge on failure.

    Plain os.open/os.read: a /proc file costs one open, usually one read and one close
    (the buffered `open()` adds fstat, ioctl and an extra read per file).
    """
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        data = os.read(fd, _CHUNK)
        if len(data) == _CHUNK:  # large file: read on until EOF or the cap
            chunks = [data]
            size = len(data)
            while size <= MAX_FILE_BYTES:
                more = os.read(fd, _CHUNK)
                if not more:
                    break
                chunks.append(more)
                size += len(more)
            data = b"".join(chunks)
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise FileTooLarge(f"{path} exceeds {MAX_FILE_BYTES} bytes")
    return data.decode("utf-8")


def split_parts(text: str, delimiter: str = "\n") -> list[str]:
    """Trimmed parts of `text`, without blank and `#`-prefixed ones."""
    out = []
    for part in text.split(delimiter):
        part = part.strip()
        if part and not part.startswith("#"):
            out.append(part)
    return out


def read_lines(path: str, delimiter: str = "\n") -> list[str]:
    """`split_parts` of the file at `path`."""
    return split_parts(read_text(path), delimiter)


def split_kv(part: str) -> tuple[str, str]:
    """`key=value` split at the first `=`; a bare key gives an empty value."""
    key, _, value = part.partition("=")
    return key, value
