"""POST /v1/bundle support: query parameters to bundle options, and a built bundle as a zip.

Translation only. `build_archive` runs the same library steps as `aicr.bundle.api.build_bundle`
(option parsing, strict recipe loading, `plan_bundle`) but zips the in-memory bundle tree
instead of writing it to disk: no temporary tree at all, and the zip holds exactly the bytes
`aicr bundle` would write (a test compares the two). The zip goes into a spooled temporary file
(memory up to 16 MiB) and is streamed from there. Option values are checked by the library's
parsers (`aicr.bundle.options`).
"""

from __future__ import annotations

import os
import tempfile
import time
import zipfile

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import IO, Any

    from aicr.catalog.catalog import Catalog

# query parameter -> library option (reference/surface.md §3, POST /v1/bundle)
LIST_PARAMS = {
    "set": "set",
    "dynamic": "dynamic",
    "system-node-selector": "system_node_selector",
    "system-node-toleration": "system_node_toleration",
    "accelerated-node-selector": "accelerated_node_selector",
    "accelerated-node-toleration": "accelerated_node_toleration",
    "workload-selector": "workload_selector",
}
STRING_PARAMS = {"workload-gate": "workload_gate", "repo": "repo", "app-name": "app_name"}
_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})
_SPOOL_BYTES = 16 * 1024 * 1024
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed entry times: the same bundle gives the same zip


def parse_bool(name: str, raw: str) -> bool:
    """A boolean query parameter, spelled as Go's strconv.ParseBool accepts it."""
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise AicrError(Code.INVALID_REQUEST, f'invalid {name} value "{raw}": expected true or false')


def bundle_options(params: Mapping[str, list[str]]) -> dict[str, Any]:
    """Library options for `build_bundle` from the query (single-valued ones take the first)."""
    options: dict[str, Any] = {}
    for param, option in LIST_PARAMS.items():
        if params.get(param):
            options[option] = list(params[param])
    for param, option in STRING_PARAMS.items():
        value = params.get(param, [""])[0]
        if value:
            options[option] = value
    nodes = params.get("nodes", [""])[0]
    if nodes:
        options["nodes"] = nodes
    serial = params.get("serial", [""])[0]
    if serial:
        options["serial"] = parse_bool("serial", serial)
    return options


class BundleArchive:
    """A zipped bundle ready to stream."""

    __slots__ = ("duration", "file", "files", "length", "size")

    def __init__(self, file: IO[bytes], files: int, size: int, duration: float) -> None:
        self.file = file
        self.files = files
        self.size = size
        self.duration = duration
        file.seek(0, os.SEEK_END)
        self.length = file.tell()
        file.seek(0)

    def chunks(self, chunk_size: int = 64 * 1024) -> Any:
        """The zip bytes in chunks; closes the file at the end."""
        try:
            while chunk := self.file.read(chunk_size):
                yield chunk
        finally:
            self.file.close()


def build_archive(
    recipe: dict[str, Any], *, deployer: str, options: dict[str, Any], catalog: Catalog
) -> BundleArchive:
    """Plan the bundle (library calls) and zip it. Runs in a worker thread."""
    from aicr.bundle.api import plan_bundle, recipe_document
    from aicr.bundle.options import BundleOptions

    started = time.perf_counter()
    opts = BundleOptions.parse(deployer, options)
    if opts.vendor_charts:  # only when AICR_ALLOW_VENDOR_CHARTS let the query through
        from aicr.bundle.vendor import ChartPuller

        with ChartPuller() as puller:
            tree, _output, _plan = plan_bundle(recipe_document(recipe), catalog, opts, pull=puller)
    else:
        tree, _output, _plan = plan_bundle(recipe_document(recipe), catalog, opts)
    duration = time.perf_counter() - started
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115 - outlives this call
    try:
        _zip_tree(tree.files, spool)
    except BaseException:
        spool.close()
        raise
    return BundleArchive(spool, len(tree), tree.size(), duration)


def _zip_tree(files: dict[str, tuple[bytes, int]], out: IO[bytes]) -> None:
    """Entries in generation order with fixed times and the files' modes."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for rel, (data, mode) in files.items():
            info = zipfile.ZipInfo(rel, date_time=_ZIP_EPOCH)
            info.external_attr = (mode & 0o7777 | 0o100000) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)


def format_duration(seconds: float) -> str:
    """Duration as Go prints it for short spans (`12.345ms`, `1.5s`)."""
    if seconds < 1:
        return f"{seconds * 1000:.3f}ms"
    return f"{seconds:.3f}s"
