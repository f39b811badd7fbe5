"""The bundle as an in-memory tree of files, and the one function that puts it on disk.

`BundleTree` is pure: relative POSIX paths -> bytes + mode, kept in generation order (the order
checksums.txt lists them in). `write_bundle` is the edge: it writes the whole tree into a staging
directory beside the target and switches it into place in one atomic step (`swap`). `-o` naming a
symlink writes into the directory the link points at; the link stays. A non-empty target that is
not an earlier aicr bundle is refused unless `force` (its foreign entries are then kept, except
names the new bundle itself uses). Where the staging directory cannot sit beside the target (a
read-only parent, a mount point) it goes inside, and entries are moved one by one with rollback
(not atomic under SIGKILL). A failure before the switch leaves the target untouched and no temp
directory behind.
"""

from __future__ import annotations

import os
import stat

from aicr.bundle import swap
from aicr.bundle.swap import remove_tree
from aicr.errors import AicrError, Code

FILE_MODE = 0o600
SCRIPT_MODE = 0o755


class BundleTree:
    """Files of a bundle in generation order."""

    __slots__ = ("files",)

    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, int]] = {}

    def add(self, relpath: str, content: str | bytes, *, executable: bool = False) -> None:
        """Add (or replace) a file; paths are POSIX and relative to the bundle root."""
        if relpath.startswith("/") or ".." in relpath.split("/") or not relpath:
            raise AicrError(Code.INVALID_REQUEST, f"bundle path escapes the bundle root: {relpath}")
        data = content.encode("utf-8") if isinstance(content, str) else content
        self.files[relpath] = (data, SCRIPT_MODE if executable else FILE_MODE)

    def text(self, relpath: str) -> str:
        """A file's content as text."""
        return self.files[relpath][0].decode("utf-8")

    def __contains__(self, relpath: object) -> bool:
        return relpath in self.files

    def __len__(self) -> int:
        return len(self.files)

    def top_level(self) -> list[str]:
        """First path segments of every file, in first-seen order."""
        seen: dict[str, None] = {}
        for rel in self.files:
            seen.setdefault(rel.split("/", 1)[0], None)
        return list(seen)

    def size(self) -> int:
        """Total bytes."""
        return sum(len(data) for data, _mode in self.files.values())


def _umask() -> int | None:
    """The process umask read without changing it (Linux /proc), or None when unknown."""
    try:
        with open("/proc/self/status", "rb") as fh:  # bytes: a text codec would be one more import
            for line in fh:
                if line.startswith(b"Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return None


def _write_files(items: list[tuple[str, bytes, int]], mask: int | None) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for path, data, mode in items:
        fd = os.open(path, flags, mode)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if mask is None or mode & mask:
                os.fchmod(fd, mode)
        finally:
            os.close(fd)


def _populate(tree: BundleTree, root: str) -> None:
    """Write every file under `root`; two threads share the work (file creation is syscall-bound)."""
    mask = _umask()
    made: set[str] = set()
    items: list[tuple[str, bytes, int]] = []
    for rel, (data, mode) in tree.files.items():
        path = os.path.join(root, *rel.split("/"))
        parent = os.path.dirname(path)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        items.append((path, data, mode))
    if len(items) < 32:
        _write_files(items, mask)
        return
    import _thread  # `threading` would pull in functools and collections (~4 ms)

    errors: list[BaseException] = []
    done = _thread.allocate_lock()
    done.acquire()

    def helper() -> None:
        try:
            _write_files(items[1::2], mask)
        except BaseException as exc:
            errors.append(exc)
        finally:
            done.release()

    _thread.start_new_thread(helper, ())
    try:
        _write_files(items[0::2], mask)
    finally:
        done.acquire()
    if errors:
        raise errors[0]


def _mkdir_unique(prefix: str) -> str:
    for attempt in range(1000):
        path = f"{prefix}{os.getpid()}-{attempt}"
        try:
            os.mkdir(path, 0o700)
            return path
        except FileExistsError:
            continue
    raise FileExistsError(f"cannot create a scratch directory {prefix}*")


def _scratch_dir(target: str, tag: str) -> str:
    """A new directory on the target's filesystem: beside it, else (mount point, read-only parent)
    inside it."""
    parent = os.path.dirname(target)
    base = os.path.basename(target) or "bundle"
    try:
        if not os.path.isdir(target) or os.stat(target).st_dev == os.stat(parent).st_dev:
            return _mkdir_unique(os.path.join(parent, f".{base}.aicr-{tag}-"))
    except PermissionError:
        pass
    return _mkdir_unique(os.path.join(target, f".aicr-{tag}-"))


def _numbered(name: str) -> bool:
    """An `NNN-` folder name."""
    return len(name) > 4 and name[3] == "-" and all(c in "0123456789" for c in name[:3])


def _previous_entries(target: str) -> set[str]:
    """Top-level names an earlier bundle owns: NNN-* folders and everything its checksums listed."""
    names: set[str] = set()
    try:
        listing = os.listdir(target)
    except OSError:
        return names
    for name in listing:
        if _numbered(name) and os.path.isdir(os.path.join(target, name)):
            names.add(name)
    try:
        with open(os.path.join(target, "checksums.txt"), encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return names
    names.add("checksums.txt")
    for line in lines:
        _digest, sep, rel = line.partition("  ")
        first = rel.split("/", 1)[0]
        if (
            sep
            and first
            and first not in (".", "..")
            and not rel.startswith("/")
            and ".." not in rel.split("/")
        ):
            names.add(first)
    return names


def _resolve_target(target: str) -> str:
    """The directory to write: a symlink is followed deliberately (the link itself stays)."""
    target = os.path.abspath(target)
    if os.path.islink(target):
        target = os.path.realpath(target)
    if os.path.exists(target) and not os.path.isdir(target):
        raise AicrError(Code.INVALID_REQUEST, f"output path is not a directory: {target}", {"path": target})
    return target


def recover_output(target: str) -> None:
    """Repair what a killed `write_bundle` left at `target` (write_bundle does this first itself)."""
    swap.recover(_resolve_target(target))


def write_bundle(tree: BundleTree, target: str, *, force: bool = False) -> None:
    """Write `tree` to directory `target` atomically (see the module docstring and `swap`)."""
    target = _resolve_target(target)
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        swap.recover(target)
    except OSError as exc:
        raise AicrError(
            Code.INVALID_REQUEST, f"cannot create output directory {target}: {exc.strerror}"
        ) from None
    new_names = tree.top_level()
    foreign = swap.foreign_names(target, _previous_entries(target))
    if foreign and not force:
        raise swap.refuse_foreign(target, foreign)
    try:
        staging = _scratch_dir(target, "new")
        swap.ACTIVE.add(staging)
    except OSError as exc:
        raise AicrError(
            Code.INVALID_REQUEST, f"cannot create output directory {target}: {exc.strerror}"
        ) from None
    try:
        _populate(tree, staging)
        os.chmod(staging, stat.S_IMODE(os.stat(target).st_mode) if os.path.isdir(target) else 0o755)
    except BaseException as exc:
        remove_tree(staging)
        swap.ACTIVE.discard(staging)
        if isinstance(exc, OSError):
            raise AicrError(Code.INTERNAL, f"failed to write bundle: {exc}") from None
        raise
    try:
        if os.path.dirname(staging) != os.path.dirname(target):
            _swap(tree, staging, target)  # staged inside the target: entry by entry, not atomic
            return
        old = swap.switch(staging, target, [n for n in foreign if n not in new_names])
        if old is not None:
            swap.step()
            remove_tree(old)
            swap.ACTIVE.discard(old)
    except OSError as exc:
        raise AicrError(Code.INTERNAL, f"failed to move bundle into {target}: {exc}") from None
    finally:
        if os.path.isdir(staging):
            remove_tree(staging)
        swap.ACTIVE.discard(staging)


def _swap(tree: BundleTree, staging: str, target: str) -> None:
    present = set(os.listdir(target))
    retire = (_previous_entries(target) | set(tree.top_level())) & present
    trash = _scratch_dir(target, "old")
    retired: list[str] = []
    placed: list[str] = []
    try:
        for name in sorted(retire):
            os.rename(os.path.join(target, name), os.path.join(trash, name))
            retired.append(name)
        for name in tree.top_level():
            os.rename(os.path.join(staging, name), os.path.join(target, name))
            placed.append(name)
    except BaseException:
        for name in reversed(placed):
            os.rename(os.path.join(target, name), os.path.join(staging, name))
        for name in reversed(retired):
            os.rename(os.path.join(trash, name), os.path.join(target, name))
        remove_tree(trash)
        raise
    remove_tree(trash)
