"""API error responses: `{code, message, details, requestId, timestamp, retryable}` as JSON bytes.

Pure. Statuses come from `aicr.errors` (DESIGN.md's table); the wire codes and the retryable
flag follow the reference's API (reference/surface.md §3): RATE_LIMIT_EXCEEDED and
SERVICE_UNAVAILABLE on the wire, INTERNAL retryable. `ApiError` is what handlers raise when the
HTTP message differs from the library's (the library error then goes into `details.error`).
"""

from __future__ import annotations

import datetime

import msgspec

from aicr.errors import HTTP_STATUSES, AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

WIRE_CODES: dict[Code, str] = {
    Code.RATE_LIMITED: "RATE_LIMIT_EXCEEDED",
    Code.UNAVAILABLE: "SERVICE_UNAVAILABLE",
}
RETRYABLE: frozenset[Code] = frozenset({Code.TIMEOUT, Code.UNAVAILABLE, Code.RATE_LIMITED, Code.INTERNAL})
JSON = b"application/json"

_encode = msgspec.json.Encoder(enc_hook=str).encode  # str() for anything exotic in error details


class ApiError(Exception):
    """An HTTP error with its own message; `headers` are added to the response."""

    def __init__(
        self,
        code: Code,
        message: str,
        details: dict[str, Any] | None = None,
        *,
        status: int | None = None,
        headers: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details: dict[str, Any] = dict(details) if details else {}
        self.status = status if status is not None else HTTP_STATUSES.get(code, 500)
        self.headers = headers or []

    @classmethod
    def wrapping(cls, message: str, exc: AicrError, **extra: Any) -> ApiError:
        """`message` on top; the library error's text in `details.error` (4xx only)."""
        status = HTTP_STATUSES.get(exc.code, 500)
        details: dict[str, Any] = dict(extra)
        if status < 500:
            details["error"] = exc.message
        return cls(exc.code, message, details, status=status)

    @classmethod
    def from_library(cls, exc: AicrError) -> ApiError:
        """The library error as it stands: its message, its details, its status.

        INTERNAL errors are reported without their text or details (they may name server paths);
        the caller logs them instead.
        """
        status = HTTP_STATUSES.get(exc.code, 500)
        if exc.code == Code.INTERNAL:
            return cls(Code.INTERNAL, "Internal server error", status=status)
        return cls(exc.code, exc.message, exc.details, status=status)


def wire_code(code: Code) -> str:
    """The code string the API sends for `code`."""
    return WIRE_CODES.get(code, code.value)


def timestamp() -> str:
    """UTC now in RFC 3339 with microseconds, `Z` suffix."""
    now = datetime.datetime.now(datetime.UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def render(error: ApiError, request_id: str) -> bytes:
    """The JSON error body."""
    return _encode(
        {
            "code": wire_code(error.code),
            "message": error.message,
            "details": error.details,
            "requestId": request_id,
            "timestamp": timestamp(),
            "retryable": error.code in RETRYABLE,
        }
    )


def encode(value: Any) -> bytes:
    """Compact JSON for response bodies (key order kept)."""
    return _encode(value)
