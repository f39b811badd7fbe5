"""The compiled-catalog cache: marshal files named by a stat signature, checked by content hash.

Edge module (file I/O only). A lookup stats every catalog file (no reads) and opens the cache
file named by a short key of that signature, used only if it stores the same full signature; on a miss it hashes the files' contents, reuses a cache entry with the same
content hash when one exists (e.g. after a checkout touched mtimes), and otherwise compiles the
catalog with the strict models and stores the result. A single section (the validator list for
`aicr validate`) can be read from its own file under the same key. The embedded catalog's cache lives in the
package (`_compiled/`, written by `make`) when writable, else in the user's cache directory.
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
_USED_AFTER_NS = 60 * 10**9


def _user_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "aicr")


def _dirs(files: FileSet) -> list[str]:
    override = os.environ.get("AICR_CACHE_DIR")
    if override:
        return [override]
    from aicr.catalog.sources import EMBEDDED_DIR

    if [layer.root for layer in files.layers] == [EMBEDDED_DIR]:
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
    """Keep the newest `_KEEP` whole catalogs and the newest `_KEEP` section files."""
    for prefix in ("catalog-", "section-"):
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


def load_section(files: FileSet, compile_fn: Callable[[FileSet], dict[str, Any]], section: str) -> Any:
    """One section of the compiled catalog for `files` (e.g. `validators` for `aicr validate`).

    Read from its own small cache file, kept under the same stat key as the whole catalog, so a
    command that needs one section does not unmarshal the rest (~1.5 ms for the embedded
    catalog). A miss loads the whole catalog (`load_compiled`: same errors) and stores the section.
    """
    if os.environ.get("AICR_NO_CATALOG_CACHE"):
        return compile_fn(files)[section]
    from aicr.catalog.sources import short_key

    signature = files.stat_signature(_code_signature())
    name = f"section-{_TAG}-{section}-{short_key(signature)}.marshal"
    directories = _dirs(files)
    for directory in directories:
        try:
            with open(os.path.join(directory, name), "rb") as fh:
                blob = marshal.loads(fh.read())
        except (OSError, EOFError, ValueError, TypeError):
            continue
        if isinstance(blob, dict) and section in blob and blob.get("stat") == signature:
            return blob[section]
    value = load_compiled(files, compile_fn)[section]
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
                return _unpack(blob)
    compiled = compile_fn(files)
    values = marshal.dumps(compiled.pop("values", {}))
    blob = {
        "contentHash": content,
        "roots": _roots(files),
        "code": code,
        "stat": signature,
        "catalog": compiled,
        "values": values,
    }
    _store(blob, name, directories)
    return _unpack(blob)


def _unpack(blob: dict[str, Any]) -> dict[str, Any]:
    """The catalog of a cache blob; its parsed values files stay marshalled until first needed."""
    catalog: dict[str, Any] = blob["catalog"]
    catalog["valuesBlob"] = blob.get("values")
    return catalog


def _roots(files: FileSet) -> list[str]:
    return [layer.root for layer in files.layers]
