"""The error model: codes, exit codes, HTTP statuses, wrapping keeps the code."""

from __future__ import annotations

import pytest

from aicr.errors import AicrError, Code


@pytest.mark.parametrize(
    ("code", "exit_code", "status"),
    [
        (Code.INVALID_REQUEST, 2, 400),
        (Code.NOT_FOUND, 3, 404),
        (Code.UNAUTHORIZED, 4, 401),
        (Code.TIMEOUT, 5, 504),
        (Code.UNAVAILABLE, 6, 503),
        (Code.RATE_LIMITED, 7, 429),
        (Code.INTERNAL, 8, 500),
        (Code.CANCELED, 9, 499),
        (Code.CONFLICT, 2, 409),
    ],
)
def test_codes_map_to_exit_codes_and_statuses(code: Code, exit_code: int, status: int) -> None:
    err = AicrError(code, "x")
    assert (err.exit_code, err.http_status) == (exit_code, status)


def test_wrap_prefixes_the_message_and_keeps_the_most_specific_code() -> None:
    inner = AicrError(Code.NOT_FOUND, "recipe file not found: /x", {"path": "/x"})
    outer = inner.wrap("failed to load recipe")
    assert outer.code is Code.NOT_FOUND
    assert outer.message == "failed to load recipe: recipe file not found: /x"
    assert outer.details == {"path": "/x"}


def test_retryable_only_for_transient_codes() -> None:
    assert AicrError(Code.RATE_LIMITED, "x").retryable
    assert not AicrError(Code.INVALID_REQUEST, "x").retryable


def test_to_dict_omits_empty_details() -> None:
    assert AicrError(Code.INTERNAL, "boom").to_dict() == {"code": "INTERNAL", "message": "boom"}
