"""Bearer-token authentication for aicrd: who is calling, from the `Authorization` header.

Edge module: reads the token file (`AICR_AUTH_TOKENS_FILE`, format in `aicr.server.tokens`) at
start-up and again whenever its mtime, size or inode changes, checked at most once per second
(the clock is injectable). A new file that cannot be read or parsed keeps the last good set and
logs an error, once per change. Only token NAMES ever reach logs, metrics or the scope; the
token text and its hash never do. The gateway decides which routes need a caller.
"""

from __future__ import annotations

import logging
import os
import time

from aicr.errors import AicrError, Code
from aicr.server.errorbody import ApiError
from aicr.server.tokens import ANONYMOUS, TokenSet, parse_tokens, token_digest

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

log = logging.getLogger("aicrd")

PRINCIPAL_SCOPE_KEY = "aicr.principal"  # the caller's token name, set by the gateway
CHALLENGE = (b"www-authenticate", b'Bearer realm="aicrd"')
RECHECK_SECONDS = 1.0
_BEARER = b"bearer "
_MAX_TOKEN_BYTES = 4096

Signature = tuple[int, int, int]  # (mtime_ns, size, inode)


class Authenticator:
    """The current token set of one file, and the check of a request's headers against it."""

    def __init__(self, path: str, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.path = path
        self.clock = clock
        self._checked = clock()
        self._seen, self.tokens = _load(path)  # a bad file at start-up is fatal (AicrError)
        self._failed: Signature | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The names of the tokens now accepted."""
        return self.tokens.names

    def identify(self, headers: Iterable[tuple[bytes, bytes]]) -> str | None:
        """The token name of a request, or None when it has no valid bearer token."""
        value = b""
        for name, raw in headers:
            if name == b"authorization":
                value = raw
                break
        if len(value) <= len(_BEARER) or value[: len(_BEARER)].lower() != _BEARER:
            return None
        token = value[len(_BEARER) :].strip()
        if not token or len(token) > _MAX_TOKEN_BYTES:
            return None
        self.refresh()
        return self.tokens.match(token_digest(token))

    def refresh(self) -> None:
        """Re-read the file if it changed (looked at no more than once per RECHECK_SECONDS)."""
        now = self.clock()
        if now - self._checked < RECHECK_SECONDS:
            return
        self._checked = now
        try:
            signature = _signature(self.path)
        except OSError as exc:
            self._keep(None, f"cannot stat the file: {exc.strerror or exc}")
            return
        if signature == self._seen or signature == self._failed:
            return
        try:
            self._seen, self.tokens = _load(self.path)
        except AicrError as exc:
            self._keep(signature, exc.message)
            return
        except Exception as exc:  # fail closed on the old set, whatever the parser hit
            self._keep(signature, repr(exc))
            return
        self._failed = None
        log.info("auth tokens reloaded", extra={"file": self.path, "tokens": list(self.tokens.names)})

    def _keep(self, signature: Signature | None, reason: str) -> None:
        if signature is not None and signature == self._failed:
            return
        self._failed = signature
        log.error(
            "auth tokens file not reloaded; keeping the previous tokens",
            extra={"file": self.path, "error": reason, "tokens": list(self.tokens.names)},
        )


def unauthorized(reason: str) -> ApiError:
    """The 401 answer: the project's JSON error body plus `WWW-Authenticate: Bearer`."""
    return ApiError(Code.UNAUTHORIZED, reason, status=401, headers=[CHALLENGE])


def reason(headers: Iterable[tuple[bytes, bytes]]) -> str:
    """Why a request was refused: no credentials at all, or credentials that did not match."""
    for name, _value in headers:
        if name == b"authorization":
            return "invalid bearer token"
    return "missing bearer token"


def principal_label(name: str | None) -> str:
    """The metrics/log label of a caller: its token name, or `anonymous`."""
    return name or ANONYMOUS


def _signature(path: str) -> Signature:
    info = os.stat(path)
    return info.st_mtime_ns, info.st_size, info.st_ino


def _load(path: str) -> tuple[Signature, TokenSet]:
    """(the file's signature, its tokens); INVALID_REQUEST naming AICR_AUTH_TOKENS_FILE."""
    where = f"AICR_AUTH_TOKENS_FILE {path}"
    try:
        signature = _signature(path)
        with open(path, "rb") as handle:
            data = handle.read(1024 * 1024 + 1)
    except OSError as exc:
        raise AicrError(Code.INVALID_REQUEST, f"{where}: cannot read: {exc.strerror or exc}") from None
    if len(data) > 1024 * 1024:
        raise AicrError(Code.INVALID_REQUEST, f"{where}: larger than 1 MiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise AicrError(Code.INVALID_REQUEST, f"{where}: not UTF-8 text") from None
    return signature, parse_tokens(text, where)
