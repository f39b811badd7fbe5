"""Error bodies: fields, wire codes, statuses and the retryable flag of the API contract."""

from __future__ import annotations

import json

from aicr.errors import AicrError, Code
from aicr.server.errorbody import ApiError, render


def test_body_has_exactly_the_contract_fields() -> None:
    body = json.loads(
        render(ApiError(Code.INVALID_REQUEST, "Invalid recipe criteria", {"error": "x"}), "rid")
    )
    assert list(body) == ["code", "message", "details", "requestId", "timestamp", "retryable"]
    assert body["requestId"] == "rid" and body["retryable"] is False
    assert body["timestamp"].endswith("Z") and "T" in body["timestamp"]


def test_wire_codes_follow_the_reference_api() -> None:
    limited = json.loads(render(ApiError(Code.RATE_LIMITED, "Rate limit exceeded"), "r"))
    unavailable = json.loads(render(ApiError(Code.UNAVAILABLE, "service is initializing"), "r"))
    assert (limited["code"], limited["retryable"]) == ("RATE_LIMIT_EXCEEDED", True)
    assert (unavailable["code"], unavailable["retryable"]) == ("SERVICE_UNAVAILABLE", True)
    assert ApiError(Code.RATE_LIMITED, "x").status == 429
    assert ApiError(Code.TIMEOUT, "x").status == 504


def test_wrapping_puts_the_library_text_in_details() -> None:
    inner = AicrError(Code.INVALID_REQUEST, "invalid service type: windows")
    error = ApiError.wrapping("Invalid recipe criteria", inner)
    assert (error.status, error.message, error.details) == (
        400,
        "Invalid recipe criteria",
        {"error": inner.message},
    )


def test_internal_errors_do_not_leak_their_text() -> None:
    error = ApiError.from_library(AicrError(Code.INTERNAL, "cannot read /srv/secret/path", {"path": "/srv"}))
    assert (error.status, error.message, error.details) == (500, "Internal server error", {})
    kept = ApiError.from_library(AicrError(Code.NOT_FOUND, 'recipe "y" not found', {"name": "y"}))
    assert (kept.status, kept.message, kept.details) == (404, 'recipe "y" not found', {"name": "y"})


def test_unusual_detail_values_still_render() -> None:
    body = json.loads(render(ApiError(Code.INVALID_REQUEST, "m", {"value": {1, 2} and object()}), "r"))
    assert isinstance(body["details"]["value"], str)
