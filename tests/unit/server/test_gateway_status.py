"""The gateway records the status it sent, also when the app stops before its closing chunk.

Litestar's streaming response stops without sending the final empty body chunk once uvicorn
reports the client gone (often right after the client read Content-Length bytes); the
gateway used to count those 200s as 500. Driven at the ASGI level, no server.
"""

from __future__ import annotations

import asyncio
from collections.abc import MutableMapping
from typing import Any

from aicr.server.app import create_app
from aicr.server.gateway import Gateway
from aicr.server.settings import Settings


def _serve(app: Any, messages: list[dict[str, Any]]) -> Gateway:
    state = create_app(settings=Settings(rate_limit=0)).state
    gateway = Gateway(app, state)
    scope = {"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""}

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        messages.append(dict(message))

    asyncio.run(gateway(scope, receive, send))
    return gateway


def _counts(gateway: Gateway) -> dict[tuple[str, str, int], int]:
    return dict(gateway.state.metrics.requests)


def test_a_response_cut_short_counts_the_status_sent() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"zip", "more_body": True})

    sent: list[dict[str, Any]] = []
    gateway = _serve(app, sent)
    assert sent[0]["status"] == 200
    assert _counts(gateway) == {("GET", "/", 200): 1}


def test_a_request_answered_with_nothing_counts_499() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        return None

    sent: list[dict[str, Any]] = []
    gateway = _serve(app, sent)
    assert sent == []
    assert _counts(gateway) == {("GET", "/", 499): 1}
