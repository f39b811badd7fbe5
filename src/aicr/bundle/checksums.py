"""checksums.txt: one `<sha256 hex>  <relative path>` line per bundle file, in generation order.

Pure. reference/bundle.md §4: two spaces, `/` separators, LF, a trailing newline; the file does
not list itself (nor `attestation/`). `parse` reads it back with the reference's error texts.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

try:  # the builtin SHA-256 module loads faster than hashlib's OpenSSL binding
    from _sha2 import sha256 as _sha256  # type: ignore[import-not-found, unused-ignore]
except ImportError:  # pragma: no cover - Python 3.11
    try:
        from _sha256 import sha256 as _sha256  # type: ignore[import-not-found, no-redef, unused-ignore]
    except ImportError:  # pragma: no cover - builds without the builtin module
        from hashlib import sha256 as _sha256  # type: ignore[assignment, unused-ignore]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from aicr.bundle.tree import BundleTree

FILENAME = "checksums.txt"
EXCLUDED_PREFIXES = ("attestation/",)
ATTESTATION_PATH = "attestation/bundle-attestation.sigstore.json"  # the one file allowed under attestation/


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of `data`."""
    digest: str = _sha256(data).hexdigest()
    return digest


def render(tree: BundleTree) -> str:
    """checksums.txt content for every file of `tree` (except itself and attestation/)."""
    lines = [
        f"{sha256_hex(data)}  {rel}\n"
        for rel, (data, _mode) in tree.files.items()
        if rel != FILENAME and not rel.startswith(EXCLUDED_PREFIXES)
    ]
    return "".join(lines)


def parse(text: str) -> list[tuple[str, str]]:
    """(hex digest, relative path) per line; INVALID_REQUEST on malformed or escaping entries."""
    entries = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        digest, sep, rel = line.partition("  ")
        if not sep or not rel or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise AicrError(Code.INVALID_REQUEST, f"invalid checksum line: {line}")
        parts = rel.replace("\\", "/").split("/")
        if rel.startswith(("/", "\\")) or ".." in parts or (len(rel) > 1 and rel[1] == ":"):
            raise AicrError(Code.INVALID_REQUEST, f"path traversal detected in checksum entry: {rel}")
        entries.append((digest, rel))
    return entries
