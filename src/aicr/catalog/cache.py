"""The compiled-catalog cache: marshal files named by a stat signature, checked by content hash.

Edge module (file I/O only). A lookup first tries the manifest stored for the catalog's layer
roots: when every directory and file it lists still has its recorded stat, the compiled catalog
it names is loaded without walking the directories (D18). Otherwise the layers are walked, every
file is stat'ed (no reads), and the cache file named by a short key of that stat signature is
used if it stores the same full signature; on a miss the files' contents are hashed, a cache
entry with the same content hash is reused when one exists (e.g. after a checkout touched
mtimes), and otherwise the catalog is compiled with the strict models and stored. A single
section (the validator list for `aicr validate`) can be read from its own file under the same
signature. The embedded catalog's cache lives in the package (`_compiled/`, written by `make`)
when writable, else in the user's cache directory.
"""

from __future__ import annotations

import marshal
import os
import sys

from aicr import logs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from aicr.catalog.sources import FileSet

_TAG = f"py{sys.version_info[0]}{sys.version_info[1]}"
_PACKAGE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_compiled")
_KEEP = 8
# Sections most commands never read, kept as marshalled bytes in the cache blob: the validator
# list (`aicr validate` reads it from its own section file) and the file map (values files are
# looked up only when a bundle or query hydrates values). Unmarshalling them in a fresh process
# cost ~1 ms of every `aicr recipe`.
LAZY_SECTIONS = ("validators", "files")
_USED_AFTER_NS = 60 * 10**9
_RACY_NS = 2 * 10**9


def _user_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "aicr")


def _dirs(files: FileSet) -> list[str]:
    return _dirs_for([layer.root for layer in files.layers])


def _dirs_for(roots: list[str]) -> list[str]:
    override = os.environ.get("AICR_CACHE_DIR")
    if override:
        return [override]
    from aicr.catalog.sources import EMBEDDED_DIR

    if roots == [EMBEDDED_DIR]:
        return [_PACKAGE_DIR, _user_dir()]
    return [_user_dir()]  # user catalogs never land in the package


def _load(path: str, *, signature: str | None = None) -> dict[str, Any] | None:
    """The cache blob at `path`, or None. With `signature`, only a blob stored under that exact
    stat signature is returned, and the hit marks the file as recently used."""
    try:
        with open(path, "rb") as fh:
            blob = marshal.loads(fh.read())
            if not isinstance(blob, dict) or "catalog" not in blob:
                return None
            if signature is not None:
                if blob.get("stat") != signature:
                    return None
                _mark_used(path, fh.fileno())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return blob


def _mark_used(path: str, fd: int) -> None:
    """Refresh the mtime of a cache file last marked over a minute ago, so that pruning (newest
    `_KEEP` by mtime) drops the least recently *used* catalogs, not the oldest written."""
    import time

    if time.time_ns() - os.fstat(fd).st_mtime_ns > _USED_AFTER_NS:
        try:
            os.utime(path)
        except OSError:
            pass  # a read-only cache directory keeps its order


def _store(blob: dict[str, Any], name: str, directories: list[str]) -> None:
    data = marshal.dumps(blob)
    for directory in directories:
        try:
            from aicr.io.atomic import temp_path_beside

            os.makedirs(directory, exist_ok=True)
            fd, tmp = temp_path_beside(os.path.join(directory, name))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, os.path.join(directory, name))
            _prune(directory)
            return
        except OSError:
            continue
    logs.debug("catalog cache not writable; compiled catalog not stored")


def _prune(directory: str) -> None:
    """Keep the newest `_KEEP` whole catalogs, section files and manifests."""
    for prefix in ("catalog-", "section-", "manifest-"):
        entries = []
        for entry in os.scandir(directory):
            if entry.name.startswith(prefix) and entry.name.endswith(".marshal"):
                entries.append((entry.stat().st_mtime_ns, entry.path))
        for _mtime, path in sorted(entries, reverse=True)[_KEEP:]:
            try:
                os.unlink(path)
            except OSError:
                pass


def _code_signature() -> str:
    """Stat signature of the modules that shape compiled output, so code changes invalidate."""
    here = os.path.dirname(os.path.abspath(__file__))
    parts = []
    for name in (
        "compile.py",
        "models.py",
        "profiles.py",
        "decode.py",
        "catalog.py",
        "../recipe/criteria.py",
        "../io/yamlin.py",
        "../io/limits.py",
    ):
        try:
            st = os.stat(os.path.join(here, name))
        except OSError:
            continue
        parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return ";".join(parts)


def _manifest_name(roots: list[tuple[str, bool]], code: str) -> str:
    from aicr.catalog.sources import short_key

    return f"manifest-{_TAG}-{short_key(repr(roots) + chr(0) + code)}.marshal"


def unchanged(roots: list[tuple[str, bool]]) -> dict[str, Any] | None:
    """The manifest stored for these layer roots, when every directory and file it lists still
    has its recorded mtime, ctime and inode (and files their size): then the catalog's files are
    the ones last compiled, and the directory walk can be skipped. None on any doubt (the
    caller walks).

    A file added, removed or renamed changes its directory's times; an edited or replaced file
    changes its own. The manifest holds the full stat signature and the compiled catalog's name.
    """
    if os.environ.get("AICR_NO_CATALOG_CACHE"):
        return None
    code = _code_signature()
    name = _manifest_name(roots, code)
    for directory in _dirs_for([root for root, _external in roots]):
        try:
            with open(os.path.join(directory, name), "rb") as fh:
                manifest = marshal.loads(fh.read())
        except (OSError, EOFError, ValueError, TypeError):
            continue
        if not isinstance(manifest, dict) or manifest.get("roots") != roots or manifest.get("code") != code:
            continue
        return manifest if _still_current(manifest) else None
    return None


def _still_current(manifest: dict[str, Any]) -> bool:
    import stat

    try:
        for path, mtime, ctime, inode in manifest["dirs"]:
            st = os.stat(path)
            if st.st_mtime_ns != mtime or st.st_ctime_ns != ctime or st.st_ino != inode:
                return False
        for path, size, mtime, ctime, inode in manifest["files"]:
            st = os.lstat(path)
            if (
                st.st_mtime_ns != mtime
                or st.st_ctime_ns != ctime
                or st.st_ino != inode
                or st.st_size != size
                or not stat.S_ISREG(st.st_mode)
            ):
                return False
    except (OSError, KeyError, TypeError, ValueError):
        return False
    return True


def load_unchanged(roots: list[tuple[str, bool]]) -> dict[str, Any] | None:
    """The compiled catalog for `roots` without walking its directories, or None (see `unchanged`)."""
    manifest = unchanged(roots)
    if manifest is None:
        return None
    for directory in _dirs_for([root for root, _external in roots]):
        blob = _load(os.path.join(directory, manifest["catalog"]), signature=manifest["stat"])
        if blob is not None:
            return _unpack(blob)
    return None


def _store_manifest(files: FileSet, code: str, signature: str, catalog_name: str) -> None:
    """Record what `unchanged` checks: each directory's and file's mtime, ctime and inode (and
    file size). Not when anything changed in the last two seconds: an edit in the same clock
    tick as the walk could keep its old times (the "racy git" problem), so such a catalog is
    walked again next time. ctime cannot be set from user space and moves with every write,
    rename, chmod or replacement, so it bounds both."""
    import time

    recent = time.time_ns() - _RACY_NS
    dirs = []
    entries = []
    for layer in files.layers:
        for rel, (mtime, ctime, inode) in layer.dirs.items():
            if max(mtime, ctime) >= recent:
                return
            path = os.path.join(layer.root, *rel.split("/")) if rel else layer.root
            dirs.append((path, mtime, ctime, inode))
        for rel, (size, mtime, ctime, inode) in layer.files.items():
            if max(mtime, ctime) >= recent:
                return
            entries.append((layer.path(rel), size, mtime, ctime, inode))
    if not dirs:
        return  # a FileSet built without a walk
    roots = [(layer.root, layer.external) for layer in files.layers]
    manifest = {
        "roots": roots,
        "code": code,
        "stat": signature,
        "catalog": catalog_name,
        "dirs": dirs,
        "files": entries,
    }
    _store(manifest, _manifest_name(roots, code), _dirs(files))


def load_section(
    roots: list[tuple[str, bool]],
    scan: Callable[[], FileSet],
    compile_fn: Callable[[FileSet], dict[str, Any]],
    section: str,
) -> Any:
    """One section of the compiled catalog for `roots` (e.g. `validators` for `aicr validate`).

    Read from its own small cache file, kept under the same stat signature as the whole
    catalog, so a command that needs one section does not unmarshal the rest (~1.5 ms for the
    embedded catalog). `scan` walks the layers when the manifest cannot vouch for them. A miss
    loads the whole catalog (`load_compiled`: same errors) and stores the section.
    """
    if os.environ.get("AICR_NO_CATALOG_CACHE"):
        return compile_fn(scan())[section]
    from aicr.catalog.sources import short_key

    files: FileSet | None = None
    manifest = unchanged(roots)
    if manifest is not None:
        signature: str = manifest["stat"]
    else:
        files = scan()
        signature = files.stat_signature(_code_signature())
    name = f"section-{_TAG}-{section}-{short_key(signature)}.marshal"
    directories = _dirs_for([root for root, _external in roots])
    for directory in directories:
        try:
            with open(os.path.join(directory, name), "rb") as fh:
                blob = marshal.loads(fh.read())
        except (OSError, EOFError, ValueError, TypeError):
            continue
        if isinstance(blob, dict) and section in blob and blob.get("stat") == signature:
            return blob[section]
    compiled = load_compiled(files if files is not None else scan(), compile_fn)
    lazy = compiled.get("lazySections") or {}
    value = marshal.loads(lazy[section]) if section in lazy else compiled[section]
    _store({section: value, "stat": signature}, name, directories)
    return value


def load_compiled(files: FileSet, compile_fn: Callable[[FileSet], dict[str, Any]]) -> dict[str, Any]:
    """Compiled catalog for `files`, from the cache when it is current."""
    if os.environ.get("AICR_NO_CATALOG_CACHE"):
        return compile_fn(files)
    from aicr.catalog.sources import short_key

    code = _code_signature()
    signature = files.stat_signature(code)
    name = f"catalog-{_TAG}-{short_key(signature)}.marshal"
    directories = _dirs(files)
    for directory in directories:
        blob = _load(os.path.join(directory, name), signature=signature)
        if blob is not None:
            _store_manifest(files, code, signature, name)
            return _unpack(blob)
    content = files.content_hash()
    for directory in directories:
        if not os.path.isdir(directory):
            continue
        for entry in os.scandir(directory):
            if not entry.name.startswith(f"catalog-{_TAG}-"):
                continue
            blob = _load(entry.path)
            if (
                blob is not None
                and blob.get("contentHash") == content
                and blob.get("roots") == _roots(files)
                and blob.get("code") == code
            ):
                blob["stat"] = signature
                _store(blob, name, directories)
                _store_manifest(files, code, signature, name)
                return _unpack(blob)
    compiled = compile_fn(files)
    values = marshal.dumps(compiled.pop("values", {}))
    lazy = {name: marshal.dumps(compiled.pop(name)) for name in LAZY_SECTIONS if name in compiled}
    blob = {
        "contentHash": content,
        "roots": _roots(files),
        "code": code,
        "stat": signature,
        "catalog": compiled,
        "values": values,
        "lazy": lazy,
    }
    _store(blob, name, directories)
    _store_manifest(files, code, signature, name)
    return _unpack(blob)


def _unpack(blob: dict[str, Any]) -> dict[str, Any]:
    """The catalog of a cache blob; its parsed values files and `LAZY_SECTIONS` stay marshalled
    until first needed (`Catalog` decodes them)."""
    catalog: dict[str, Any] = blob["catalog"]
    catalog["valuesBlob"] = blob.get("values")
    catalog["lazySections"] = dict(blob.get("lazy") or {})
    return catalog


def _roots(files: FileSet) -> list[str]:
    return [layer.root for layer in files.layers]
