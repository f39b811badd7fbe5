"""The bearer-token file of aicrd (`AICR_AUTH_TOKENS_FILE`): parse it and match a presented token.

Pure: text in, a `TokenSet` out; no file access, no clock. The file is YAML (JSON is YAML too):

    tokens:
      - name: ci-pipeline
        sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08

`sha256` is the lowercase hex SHA-256 of the token. Plain SHA-256 (not bcrypt) because tokens
are long random secrets, not passwords: a fast hash loses nothing there and keeps the check
cheap on every request. Names are what logs and metrics show, so they are short, unique and
from a small alphabet; `anonymous` is reserved for requests without a valid token.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

ANONYMOUS = "anonymous"
MAX_TOKENS = 1024
_NAME = re.compile(r"[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?\Z")
_HEX = re.compile(r"[0-9a-f]{64}\Z")
_ENTRY_KEYS = frozenset({"name", "sha256"})


def token_digest(token: bytes) -> bytes:
    """The SHA-256 digest of a presented token's bytes (what the file stores, as bytes)."""
    return hashlib.sha256(token).digest()


class TokenSet:
    """Named token digests; `match` compares a digest with every entry in constant time."""

    __slots__ = ("digests", "names")

    def __init__(self, entries: list[tuple[str, bytes]]) -> None:
        self.names = tuple(name for name, _digest in entries)
        self.digests = tuple(digest for _name, digest in entries)

    def __len__(self) -> int:
        return len(self.names)

    def match(self, digest: bytes) -> str | None:
        """The name of the entry whose digest equals `digest`, or None.

        Every entry is compared with `hmac.compare_digest` (no early exit), so the time taken
        does not depend on which entry, or how much of one, matched.
        """
        found: str | None = None
        for name, stored in zip(self.names, self.digests, strict=True):
            if hmac.compare_digest(stored, digest) and found is None:
                found = name
        return found


def parse_tokens(text: str, source: str) -> TokenSet:
    """The token set in `text` (YAML or JSON); INVALID_REQUEST naming `source` and the entry."""
    from aicr.io.documents import parse_text

    doc = parse_text(text, source)
    if not isinstance(doc, dict) or set(doc) != {"tokens"} or not isinstance(doc["tokens"], list):
        raise AicrError(Code.INVALID_REQUEST, f"{source}: expected a mapping with one key, tokens (a list)")
    entries = doc["tokens"]
    if len(entries) > MAX_TOKENS:
        raise AicrError(Code.INVALID_REQUEST, f"{source}: {len(entries)} tokens (at most {MAX_TOKENS})")
    parsed = [_entry(entry, f"{source}: tokens[{index}]") for index, entry in enumerate(entries)]
    _check_unique(parsed, source)
    return TokenSet(parsed)


def _entry(entry: Any, where: str) -> tuple[str, bytes]:
    if not isinstance(entry, dict):
        raise AicrError(Code.INVALID_REQUEST, f"{where}: expected a mapping with name and sha256")
    unknown = sorted(str(key) for key in set(entry) - _ENTRY_KEYS)
    if unknown:
        raise AicrError(Code.INVALID_REQUEST, f'{where}: unknown field "{unknown[0]}" (want name, sha256)')
    name, digest = entry.get("name"), entry.get("sha256")
    if not isinstance(name, str) or not _NAME.match(name) or name == ANONYMOUS:
        raise AicrError(
            Code.INVALID_REQUEST,
            f"{where}: name must be 1-63 characters of a-z, 0-9, '.', '_', '-' "
            f"(starting and ending alphanumeric) and not {ANONYMOUS!r}",
        )
    if not isinstance(digest, str) or not _HEX.match(digest):
        raise AicrError(Code.INVALID_REQUEST, f"{where} ({name}): sha256 must be 64 lowercase hex digits")
    return name, bytes.fromhex(digest)


def _check_unique(entries: list[tuple[str, bytes]], source: str) -> None:
    names: set[str] = set()
    digests: dict[bytes, str] = {}
    for name, digest in entries:
        if name in names:
            raise AicrError(Code.INVALID_REQUEST, f'{source}: token name "{name}" appears twice')
        names.add(name)
        if digest in digests:
            raise AicrError(
                Code.INVALID_REQUEST, f'{source}: tokens "{digests[digest]}" and "{name}" have the same hash'
            )
        digests[digest] = name
