"""Structured errors: one exception type, a code per failure class, exit codes and HTTP statuses.

Pure: no I/O. Every layer raises `AicrError` at the point where it detects the problem; the CLI
maps `code` to the process exit status and the server maps it to an HTTP status. The most
specific code always wins: wrapping keeps the inner code (see `AicrError.wrap`).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs ~10 ms at import; the CLI hot path avoids it
if TYPE_CHECKING:
    from typing import Any, ClassVar


class Code(str):
    """Failure classes shared by the CLI, the library and the REST API.

    A str subclass with one shared instance per code (compare with `is` or `==`); not an Enum,
    because `enum` costs several milliseconds to import on the CLI's start-up path.
    """

    __slots__ = ()

    INVALID_REQUEST: ClassVar[Code]
    NOT_FOUND: ClassVar[Code]
    UNAUTHORIZED: ClassVar[Code]
    TIMEOUT: ClassVar[Code]
    UNAVAILABLE: ClassVar[Code]
    RATE_LIMITED: ClassVar[Code]
    INTERNAL: ClassVar[Code]
    CANCELED: ClassVar[Code]
    METHOD_NOT_ALLOWED: ClassVar[Code]
    CONFLICT: ClassVar[Code]

    @property
    def value(self) -> str:
        """The code's name, e.g. "INVALID_REQUEST"."""
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"Code.{self.value}"

    @classmethod
    def all(cls) -> tuple[Code, ...]:
        """Every code, in declaration order."""
        return _ALL


_ALL = tuple(
    Code(name)
    for name in (
        "INVALID_REQUEST",
        "NOT_FOUND",
        "UNAUTHORIZED",
        "TIMEOUT",
        "UNAVAILABLE",
        "RATE_LIMITED",
        "INTERNAL",
        "CANCELED",
        "METHOD_NOT_ALLOWED",
        "CONFLICT",
    )
)
for _code in _ALL:
    setattr(Code, _code.value, _code)


def code_named(name: str) -> Code:
    """The shared Code instance for a name; ValueError for an unknown name."""
    for code in _ALL:
        if code == name:
            return code
    raise ValueError(f"unknown error code {name!r}")


# DESIGN.md "Errors and exit codes"; surface.md §6 (METHOD_NOT_ALLOWED and CONFLICT exit 2).
EXIT_CODES: dict[Code, int] = {
    Code.INVALID_REQUEST: 2,
    Code.METHOD_NOT_ALLOWED: 2,
    Code.CONFLICT: 2,
    Code.NOT_FOUND: 3,
    Code.UNAUTHORIZED: 4,
    Code.TIMEOUT: 5,
    Code.UNAVAILABLE: 6,
    Code.RATE_LIMITED: 7,
    Code.INTERNAL: 8,
    Code.CANCELED: 9,
}

HTTP_STATUSES: dict[Code, int] = {
    Code.INVALID_REQUEST: 400,
    Code.UNAUTHORIZED: 401,
    Code.NOT_FOUND: 404,
    Code.METHOD_NOT_ALLOWED: 405,
    Code.CONFLICT: 409,
    Code.RATE_LIMITED: 429,
    Code.INTERNAL: 500,
    Code.UNAVAILABLE: 503,
    Code.TIMEOUT: 504,
    Code.CANCELED: 499,
}

RETRYABLE: frozenset[Code] = frozenset({Code.TIMEOUT, Code.UNAVAILABLE, Code.RATE_LIMITED})

EXIT_UNCLASSIFIED = 1


class AicrError(Exception):
    """An error with a stable code, a human message and optional structured details."""

    def __init__(self, code: Code, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details: dict[str, Any] = dict(details) if details else {}

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"AicrError({self.code.value}, {self.message!r})"

    @property
    def exit_code(self) -> int:
        """Process exit status for this error."""
        return EXIT_CODES.get(self.code, EXIT_UNCLASSIFIED)

    @property
    def http_status(self) -> int:
        """HTTP status for this error."""
        return HTTP_STATUSES.get(self.code, 500)

    @property
    def retryable(self) -> bool:
        """Whether a client may retry the same request later."""
        return self.code in RETRYABLE

    def wrap(self, context: str) -> AicrError:
        """Return a copy whose message is prefixed with `context`; the code is kept."""
        return AicrError(self.code, f"{context}: {self.message}", self.details)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form used by `--log-json` and API error bodies."""
        out: dict[str, Any] = {"code": self.code.value, "message": self.message}
        if self.details:
            out["details"] = self.details
        return out


def invalid(message: str, **details: Any) -> AicrError:
    """Shorthand for an INVALID_REQUEST error."""
    return AicrError(Code.INVALID_REQUEST, message, details)


def not_found(message: str, **details: Any) -> AicrError:
    """Shorthand for a NOT_FOUND error."""
    return AicrError(Code.NOT_FOUND, message, details)


def internal(message: str, **details: Any) -> AicrError:
    """Shorthand for an INTERNAL error."""
    return AicrError(Code.INTERNAL, message, details)
