"""Running an external command with a deadline, killing its whole process group on timeout.

Edge module. The child starts in its own session, so a timeout kills every process it spawned
(reference/snapshot.md §2: v0.11 killed only the direct child and a wrapper's grandchild kept
the pipe open past the deadline). Collectors receive a runner so tests can inject fakes.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import TypeAlias

    CommandRunner: TypeAlias = Callable[[Sequence[str], float], bytes]


class CommandError(Exception):
    """The command is missing, failed, or ran past its deadline."""


class CommandTimeout(CommandError):
    """The command ran past its deadline and its process group was killed."""


def which(name: str, path: str | None = None) -> str | None:
    """Absolute path of the executable `name` on PATH (cheaper than importing shutil)."""
    if os.sep in name:
        return name if os.access(name, os.X_OK) else None
    for directory in (path if path is not None else os.environ.get("PATH", os.defpath)).split(os.pathsep):
        candidate = os.path.join(directory or ".", name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def run_command(argv: Sequence[str], timeout: float) -> bytes:
    """stdout of `argv`; CommandError on a missing binary or non-zero exit, CommandTimeout on timeout."""
    exe = which(argv[0])
    if exe is None:
        raise CommandError(f"{argv[0]} not found on PATH")
    import signal
    import subprocess

    try:
        proc = subprocess.Popen(
            [exe, *argv[1:]],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        raise CommandError(f"cannot run {argv[0]}: {exc.strerror}") from None
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid, signal.SIGKILL)
        try:
            proc.communicate(timeout=2)
        except subprocess.TimeoutExpired:  # pragma: no cover - a process immune to SIGKILL
            pass
        raise CommandTimeout(f"{argv[0]} timed out after {timeout:g}s") from None
    except BaseException:
        _kill_group(proc.pid, signal.SIGKILL)
        proc.wait()
        raise
    if proc.returncode != 0:
        detail = err.decode("utf-8", "replace").strip()[:200]
        raise CommandError(
            f"{argv[0]} exited with status {proc.returncode}" + (f": {detail}" if detail else "")
        )
    return out


def _kill_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass
