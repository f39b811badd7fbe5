"""Single-file outputs: atomic replace for regular files, write-through for special files.

Edge module. What `-o FILE` does depends on what FILE is now (issue 10 item 11):
- missing or a regular file: a temp file beside it is renamed over it, so a failure part-way
  leaves the previous file (or no file), never a truncated one;
- a symlink: never replaced. It is followed: a link to a regular (or missing) file has its final
  target replaced atomically; a link to a FIFO or character device, and any descriptor link
  (`/dev/stdout` -> `/proc/self/fd/1`, even when stdout is a redirected file), is written through;
- a FIFO or character device (`/dev/null`, `/dev/full`, a terminal): opened and written directly,
  no temp file, no rename, so the node itself is never replaced and write errors surface;
- a directory, a block device or a socket: refused (INVALID_REQUEST, exit 2).
Temp names come from os.urandom rather than `tempfile`, which costs ~20 ms of imports on the
CLI's start-up path.
"""

from __future__ import annotations

import os
import stat

from aicr.errors import AicrError, Code


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


_FD_DIRS = ("/proc/", "/dev/fd/")


def _names_open_file(path: str) -> bool:
    """Whether `path` or a link on its way is a file-descriptor link (`/dev/stdout`, `/proc/self/fd/1`).

    Such a link names an already open file; replacing what it resolves to would bypass the
    descriptor (a shell redirection or pipe), so it is always written through.
    """
    current = os.path.abspath(path)
    for _hop in range(40):
        if current.startswith(_FD_DIRS):
            return True
        if not os.path.islink(current):
            return False
        current = os.path.join(os.path.dirname(current), os.readlink(current))
    return False


def output_kind(path: str) -> str:
    """What writing `path` means: "replace" (atomic), "through" (open and write) or "refuse:<why>"."""
    try:
        st = os.stat(path)  # follows symlinks: a link is judged by what it points at
    except FileNotFoundError:
        return "replace"
    except OSError as exc:
        return f"refuse:{exc.strerror}"
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return "through" if _names_open_file(path) else "replace"
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return "through"
    if stat.S_ISDIR(mode):
        return "refuse:is a directory"
    if stat.S_ISSOCK(mode):
        return "refuse:is a socket"
    return "refuse:is a block device or other special file"


def write_atomic(path: str, data: bytes | str, mode: int = 0o644) -> None:
    """Write `data` to `path` as the module docstring describes (parent directories are created)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    kind = output_kind(path)
    if kind.startswith("refuse:"):
        raise AicrError(Code.INVALID_REQUEST, f"cannot write output to {path}: {kind[7:]}", {"path": path})
    if kind == "through":
        _write_through(path, payload)
        return
    # A symlink (even a dangling one) is followed to the file it names; the link stays.
    target = os.path.realpath(path) if os.path.islink(path) else os.path.abspath(path)
    _replace(target, payload, mode)


def _write_through(path: str, payload: bytes) -> None:
    """Open an existing FIFO or character device and write everything to it."""
    # O_APPEND: a descriptor link reopens a redirected file at offset 0; never overwrite its start.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_CLOEXEC", 0))
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _replace(target: str, payload: bytes, mode: int) -> None:
    os.makedirs(os.path.dirname(target), exist_ok=True)
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
