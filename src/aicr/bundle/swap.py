"""Put a finished bundle directory in place of `-o DIR` in one atomic step, and clean up after kills.

Edge: renames, directory listings and deletions only; the tree itself is written by
`tree.write_bundle`. The new bundle is staged in `.<dir>.aicr-new-<pid>-<n>` beside the target
(same filesystem). A missing or empty target is replaced by one rename; an existing bundle is
swapped with the staged one by one `renameat2(RENAME_EXCHANGE)` (Linux 3.15+), so at every instant
the path holds the complete old or the complete new bundle. Where the exchange is unsupported the
documented fallback is two renames (old -> `.<dir>.aicr-old-<pid>-<n>`, staged -> target) and the
next run puts the old bundle back if a kill fell between them. Names in the target that no earlier
bundle owns (foreign files) are refused unless `force`; with `force` they are hard-linked into the
staged tree before the switch (same inodes, contents untouched; the target keeps them throughout).
Every run first removes the leftovers of killed runs (scratch names carry the pid; a live pid's
scratch is left alone).

Test hook (inert unless set): `AICR_TEST_SWAP_KILL_AT=N` SIGKILLs the process just before its
N-th swap step (counted per process), so tests can kill the swap at every step (tests/integration/bundle).
"""

from __future__ import annotations

import os
import stat

from aicr.errors import AicrError, Code

KILL_ENV = "AICR_TEST_SWAP_KILL_AT"
_steps = [0]


def step() -> None:
    """Count one swap step; the test hook kills the process before the step it names."""
    _steps[0] += 1
    if os.environ.get(KILL_ENV) == str(_steps[0]):
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


def remove_tree(path: str) -> None:
    """Delete a directory tree (best effort; symlinks are removed, never followed)."""
    try:
        entries = list(os.scandir(path))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                remove_tree(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            pass
    try:
        os.rmdir(path)
    except OSError:
        pass


_renameat2: list[object] = []


def exchange(a: str, b: str) -> bool:
    """Atomically swap two paths; False where the kernel or filesystem cannot (caller falls back)."""
    if not _renameat2:
        _renameat2.append(_load_renameat2())
    func = _renameat2[0]
    if func is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if func(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:  # type: ignore[operator]
        return True
    import _ctypes

    err: int = _ctypes.get_errno()
    if err in (38, 22, 95):  # ENOSYS, EINVAL (unsupported flag or filesystem), EOPNOTSUPP
        _renameat2[0] = None
        return False
    raise OSError(err, os.strerror(err), a, None, b)


def _load_renameat2() -> object:
    """libc's renameat2 through `_ctypes` (the `ctypes` package costs ~8 ms of imports), or None."""
    try:
        import _ctypes

        class _Int(_ctypes._SimpleCData):  # type: ignore[type-arg]
            _type_ = "i"

        class _Func(_ctypes.CFuncPtr):
            _flags_ = _ctypes.FUNCFLAG_CDECL | _ctypes.FUNCFLAG_USE_ERRNO
            _restype_ = _Int

        class _Process:
            _handle = _ctypes.dlopen(None, 0)  # type: ignore[arg-type]

        return _Func(("renameat2", _Process()))  # type: ignore[arg-type]
    except (ImportError, OSError, AttributeError, TypeError):
        return None


def temp_name(target: str, kind: str) -> str:
    """A fresh `.<base>.aicr-<kind>-<pid>-<n>` path beside `target` (not created)."""
    parent, base = os.path.split(target)
    for attempt in range(1000):
        path = os.path.join(parent, f".{base}.aicr-{kind}-{os.getpid()}-{attempt}")
        if not os.path.lexists(path):
            return path
    raise FileExistsError(f"no free scratch name beside {target}")


# Scratch paths of writes in progress in this process (a server may write from several threads).
ACTIVE: set[str] = set()


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # our own scratch is skipped by path (ACTIVE); the rest is from finished calls
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def leftovers(target: str) -> list[tuple[str, str]]:
    """(kind, path) of scratch directories beside `target` left by runs that no longer exist."""
    parent, base = os.path.split(target)
    prefix = f".{base}.aicr-"
    found: list[tuple[str, str]] = []
    try:
        names = sorted(os.listdir(parent or "."))
    except OSError:
        return found
    for name in names:
        if not name.startswith(prefix):
            continue
        kind, _sep, rest = name[len(prefix) :].partition("-")
        pid = rest.split("-", 1)[0]
        path = os.path.join(parent, name)
        if kind in ("new", "old") and pid.isdigit() and not _pid_alive(int(pid)) and path not in ACTIVE:
            found.append((kind, path))
    # "old" first: a target lost between the fallback renames is restored before a staged tree
    # holding carried foreign files is looked at.
    return sorted(found, key=lambda item: item[0] != "old")


def recover(target: str) -> None:
    """Undo what a killed run left: restore a target lost between fallback renames, delete scratch."""
    for kind, path in leftovers(target):
        if kind == "old" and not os.path.lexists(target):
            os.rename(path, target)  # killed between the two fallback renames: old bundle back
            continue
        remove_tree(path)  # a staged tree (foreign files in it are extra hard links only)
    _recover_inside(target)


def _recover_inside(target: str) -> None:
    """Scratch directories the entry-by-entry fallback left inside the target: old entries back."""
    try:
        names = sorted(os.listdir(target))
    except OSError:
        return
    for name in names:
        kind, _sep, rest = name.removeprefix(".aicr-").partition("-")
        pid = rest.split("-", 1)[0]
        if not name.startswith(".aicr-") or kind not in ("new", "old") or not pid.isdigit():
            continue
        path = os.path.join(target, name)
        if _pid_alive(int(pid)) or path in ACTIVE:
            continue
        if kind == "old":
            for entry in sorted(os.listdir(path)):
                if not os.path.lexists(os.path.join(target, entry)):
                    os.rename(os.path.join(path, entry), os.path.join(target, entry))
        remove_tree(path)


def mirror(src: str, dst: str) -> None:
    """Recreate `src` at `dst` with hard links to the same inodes (directories are recreated)."""
    st = os.lstat(src)
    if stat.S_ISDIR(st.st_mode):
        os.mkdir(dst, 0o700)
        for name in sorted(os.listdir(src)):
            mirror(os.path.join(src, name), os.path.join(dst, name))
        os.chmod(dst, stat.S_IMODE(st.st_mode))
        return
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        if not stat.S_ISREG(st.st_mode):
            raise
        import shutil  # hard links refused (another owner, link limit): copy the bytes instead

        shutil.copy2(src, dst)


def foreign_names(target: str, owned: set[str]) -> list[str]:
    """Entries of an existing target that no earlier bundle owns."""
    try:
        present = os.listdir(target)
    except FileNotFoundError:
        return []
    return sorted(n for n in present if n not in owned and not n.startswith(".aicr-"))


def refuse_foreign(target: str, foreign: list[str]) -> AicrError:
    """The error for a non-empty directory that is not an earlier aicr bundle."""
    shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
    return AicrError(
        Code.INVALID_REQUEST,
        f"output directory {target} is not empty and not an earlier aicr bundle (found: {shown}); "
        "choose an empty or new directory, or pass --force to write the bundle beside these files",
        {"path": target, "foreign": foreign[:20]},
    )


def switch(staged: str, target: str, carry: list[str]) -> str | None:
    """Make `staged` the target; returns the path now holding the old tree (to delete), if any.

    `carry` names foreign entries of the target to keep: they are hard-linked into the staged
    tree first, so the target keeps them at every instant and they come out with the same inodes.
    """
    for name in carry:
        step()
        mirror(os.path.join(target, name), os.path.join(staged, name))
    if not os.path.lexists(target) or not os.listdir(target):
        step()
        os.replace(staged, target)  # onto a missing or empty directory: one rename
        return None
    step()
    if exchange(staged, target):
        return staged
    return _two_renames(staged, target)


def _two_renames(staged: str, target: str) -> str:
    """Fallback where RENAME_EXCHANGE is unsupported; `recover` repairs a kill between the renames."""
    trash = temp_name(target, "old")
    ACTIVE.add(trash)
    os.rename(target, trash)
    try:
        step()
        os.rename(staged, target)
    except BaseException:
        os.rename(trash, target)
        ACTIVE.discard(trash)
        raise
    return trash
