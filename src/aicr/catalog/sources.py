"""Which files make up a catalog: the embedded data, an external `--data` overlay, or a root dir.

Edge module: walks directories and stats files, never parses them. The result maps each
catalog-relative path (POSIX, e.g. `overlays/eks.yaml`) to the absolute file that provides it,
after the reference's layering rule (reference/recipe.md §7): an external file replaces the
embedded file at the same relative path. `registry.yaml` and `validators/catalog.yaml` are
kept from every layer because they merge by entry name instead.
"""

from __future__ import annotations

import os
import stat

from aicr.errors import AicrError, Code

MAX_FILE_BYTES = 10 * 1024 * 1024
EMBEDDED_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
MERGED_BY_NAME = ("registry.yaml", "validators/catalog.yaml")
# A 128-bit prime of no special form (the first above the golden-ratio constant 0x9e37…c834):
# with 2**127-1 or 2**128-c, byte positions a fixed distance apart carry related weights, so a
# structured edit (two swapped digits 127 bytes apart) could keep the same key.
_KEY_PRIME = 0x9E3779B97F4A7C15F39CC0605CEDC839


class Layer:
    """One directory of catalog files, with every file's relative path and stat signature, and
    the mtime, ctime and inode of every directory walked (taken before it was listed)."""

    __slots__ = ("dirs", "external", "files", "root")

    def __init__(
        self,
        root: str,
        files: dict[str, tuple[int, int, int, int]],
        external: bool,
        dirs: dict[str, tuple[int, int, int]] | None = None,
    ) -> None:
        self.root = root
        # relpath -> (size, mtime_ns, ctime_ns, inode). ctime and inode too: a file replaced by
        # one with the same size and a forged mtime (tar x, cp -p, rsync -t) still differs.
        self.files = files
        self.external = external
        # relpath of a directory ("" for the root) -> (mtime_ns, ctime_ns, inode)
        self.dirs = dirs or {}

    def path(self, relpath: str) -> str:
        """Absolute path of one file of this layer."""
        return os.path.join(self.root, *relpath.split("/"))


def scan_layer(root: str, *, external: bool, checked: bool | None = None) -> Layer:
    """List every regular file under `root`; user-supplied dirs get the safety checks of §7."""
    root = os.path.abspath(root)
    if not os.path.exists(root):
        raise AicrError(Code.NOT_FOUND, f"data directory not found: {root}", {"path": root})
    if not os.path.isdir(root):
        raise AicrError(Code.INVALID_REQUEST, f"data path is not a directory: {root}", {"path": root})
    files: dict[str, tuple[int, int, int, int]] = {}
    dirs: dict[str, tuple[int, int, int]] = {}
    _walk(root, "", files, external if checked is None else checked, dirs)
    if "registry.yaml" not in files:
        what = "external data directory" if external else "catalog directory"
        raise AicrError(Code.INVALID_REQUEST, f"registry.yaml is required in {what}: {root}", {"path": root})
    return Layer(root, files, external, dirs)


def _walk(
    root: str,
    prefix: str,
    files: dict[str, tuple[int, int, int, int]],
    checked: bool,
    dirs: dict[str, tuple[int, int, int]],
) -> None:
    directory = os.path.join(root, prefix) if prefix else root
    # Before listing: an entry added while the walk runs then shows as a newer mtime next time.
    st = os.stat(directory)
    dirs[prefix] = (st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    with os.scandir(directory) as entries:
        for entry in entries:
            rel = f"{prefix}/{entry.name}" if prefix else entry.name
            if checked and ".." in rel.split("/"):
                raise AicrError(Code.INVALID_REQUEST, f"path traversal is not allowed: {rel}", {"path": rel})
            if entry.is_symlink():
                if checked:
                    raise AicrError(
                        Code.INVALID_REQUEST,
                        f"symlinks are not allowed in external data: {rel}",
                        {"path": rel},
                    )
                continue
            if entry.is_dir(follow_symlinks=False):
                if entry.name == "__pycache__":
                    continue
                _walk(root, rel, files, checked, dirs)
                continue
            st = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(st.st_mode):
                continue
            if st.st_size > MAX_FILE_BYTES:
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f"file too large ({st.st_size} bytes, max {MAX_FILE_BYTES}): {rel}",
                    {"path": rel, "size": st.st_size},
                )
            files[rel] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class FileSet:
    """The layered view of a catalog: layers in priority order (external first)."""

    __slots__ = ("layers",)

    def __init__(self, layers: list[Layer]) -> None:
        self.layers = layers

    def resolved(self) -> dict[str, str]:
        """relpath -> absolute path of the winning file (first layer that has it)."""
        out: dict[str, str] = {}
        for layer in self.layers:
            for rel in layer.files:
                out.setdefault(rel, layer.path(rel))
        return out

    def all_versions(self, relpath: str) -> list[tuple[Layer, str]]:
        """Every layer's copy of `relpath`, lowest priority (embedded) first."""
        return [(layer, layer.path(relpath)) for layer in reversed(self.layers) if relpath in layer.files]

    def stat_signature(self, salt: str = "") -> str:
        """Paths, sizes, mtimes, ctimes and inodes of every file (no reads), with `salt`: what a
        cache entry stores and is checked against, so a stale entry is never used."""
        parts = [salt, "\n"]
        for layer in self.layers:
            parts.append(f"{layer.root}\0{int(layer.external)}\n")
            files = layer.files
            for rel in sorted(files):
                size, mtime, ctime, inode = files[rel]
                parts.append(f"{rel}\0{size}\0{mtime}\0{ctime}\0{inode}\n")
        return "".join(parts)

    def content_hash(self) -> str:
        """Hash over every file's bytes: the identity of the catalog's contents."""
        try:  # only on a cache miss; the bare C module: hashlib also loads OpenSSL (~3 ms)
            from _blake2 import blake2b
        except ImportError:  # pragma: no cover - non-CPython
            from hashlib import blake2b

        h = blake2b(digest_size=16)
        for layer in self.layers:
            h.update(f"layer {int(layer.external)}\n".encode())
            for rel in sorted(layer.files):
                with open(layer.path(rel), "rb") as fh:
                    data = fh.read()
                h.update(f"{rel}\0{len(data)}\n".encode())
                h.update(data)
        return h.hexdigest()


def short_key(text: str) -> str:
    """32 hex digits from `text`: its UTF-8 bytes as one integer modulo a 128-bit prime.

    Names cache files only; whoever reads one compares the full signature stored in it, so a
    collision is a miss, never a wrong catalog. Not a hashlib digest because loading `_blake2`
    (a shared library) costs 0.3-0.8 ms of every `recipe`, `query`, `bundle` and `validate` run.
    """
    return f"{int.from_bytes(text.encode(), 'little') % _KEY_PRIME:032x}"


def layer_roots(*, data: str | None = None, root: str | None = None) -> list[tuple[str, bool]]:
    """(absolute root, external) of each layer `file_set` would scan, in priority order, without
    touching the disk."""
    if root is not None and data is not None:
        raise AicrError(Code.INVALID_REQUEST, "root and data cannot be combined")
    if root is not None:
        return [(os.path.abspath(root), False)]
    layers = [(EMBEDDED_DIR, False)]
    if data is not None:
        layers.insert(0, (os.path.abspath(data), True))
    return layers


def file_set(*, data: str | None = None, root: str | None = None) -> FileSet:
    """Layers for `load_catalog`: `root` alone, or the embedded data under an optional `data` dir."""
    checked = True if root is not None else None  # a root directory gets the external checks
    return FileSet(
        [
            scan_layer(path, external=external, checked=checked)
            for path, external in layer_roots(data=data, root=root)
        ]
    )
