"""The outer ASGI layer: routing table, request ids, rate limits, body limits, timeouts, metrics.

Every request passes here before Litestar sees it. API routes get, in order: a request id
(`X-Request-Id` echoed when it is a UUID, else a fresh one), the per-client token bucket
(`X-RateLimit-*`, 429 with `Retry-After`; keyed by token name when bearer-token auth is on),
401 without a valid token when auth is on (`aicr.server.auth`; /ui and its files are public),
404 for unknown paths and 405 with `Allow`, the body limit (413) and read deadline (408), the
cached-answer fast path for GET /v1/recipe and /v1/query, and a deadline (504) around the
Litestar handler. /health, /ready and /metrics bypass all of it (reference/surface.md §3) but
the token check when AICR_AUTH_PROTECT_OPS is set. Duration and status are recorded under the
route TEMPLATE, so label cardinality is bounded.
Written as one plain ASGI callable because it sits on the hot path of every request.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time
from typing import NamedTuple

from aicr.errors import Code
from aicr.server import errorbody
from aicr.server.auth import PRINCIPAL_SCOPE_KEY, principal_label, reason, unauthorized
from aicr.server.errorbody import ApiError
from aicr.server.metrics import UNMATCHED
from aicr.server.ui import UI_PATHS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, MutableMapping
    from typing import Any

    from aicr.server.settings import Settings
    from aicr.server.state import ServerState

    Scope = MutableMapping[str, Any]
    Message = MutableMapping[str, Any]
    Receive = Callable[[], Awaitable[Message]]
    Send = Callable[[Message], Awaitable[None]]
    ASGIApp = Callable[..., Awaitable[None]]

log = logging.getLogger("aicrd")

REQUEST_ID_SCOPE_KEY = "aicr.request_id"
_UUID = re.compile(rb"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
_API_VERSION = (b"x-api-version", b"v1")
_JSON = (b"content-type", b"application/json")
_CACHE_CONTROL = (b"cache-control", b"public, max-age=600")  # the reference sends 600 s


def new_request_id() -> bytes:
    """A random (version 4) UUID in canonical form, as ASCII bytes."""
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40
    raw[8] = raw[8] & 0x3F | 0x80
    text = raw.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}".encode()


class Route(NamedTuple):
    """One path the server answers."""

    template: str
    methods: tuple[str, ...]
    api: bool  # False: a system endpoint that bypasses the middleware
    body_limit: int = 0
    timeout: float = 0.0
    fast: str = ""  # "recipe" / "query": GET answers may come straight from the cache
    public: bool = False  # True: no bearer token needed even when auth is on (static UI files)

    @property
    def allow(self) -> bytes:
        """The Allow header value."""
        return ", ".join(self.methods).encode()


def route_table(settings: Settings) -> dict[str, Route]:
    """Path -> route. Unknown paths are 404 (the reference answers them like GET /)."""
    recipe, bundle = settings.recipe_timeout, settings.bundle_timeout
    routes = [
        Route("/", ("GET",), True, timeout=recipe),
        Route("/v1/recipe", ("GET", "POST"), True, settings.recipe_body_limit, recipe, "recipe"),
        Route("/v1/query", ("GET", "POST"), True, settings.recipe_body_limit, recipe, "query"),
        Route("/v1/bundle", ("POST",), True, settings.bundle_body_limit, bundle),
        Route("/v2/recipe", ("GET", "POST"), True, settings.recipe_body_limit, recipe),
        Route("/v2/query", ("GET", "POST"), True, settings.recipe_body_limit, recipe),
        Route("/v2/bundle", ("POST",), True, settings.bundle_body_limit, bundle),
        Route("/openapi.json", ("GET",), True, timeout=recipe),
        *(Route(path, ("GET",), True, timeout=recipe, public=True) for path in UI_PATHS),
        Route("/health", ("GET",), False),
        Route("/ready", ("GET",), False),
        Route("/metrics", ("GET",), False),
    ]
    return {route.template: route for route in routes}


def api_routes(routes: dict[str, Route]) -> list[str]:
    """The application routes `GET /` lists (sorted, as the current reference)."""
    return sorted(r.template for r in routes.values() if r.api and r.template.startswith("/v"))


class Gateway:
    """ASGI app wrapping the Litestar app with aicrd's request pipeline."""

    def __init__(self, app: ASGIApp, state: ServerState) -> None:
        self.app = app
        self.state = state
        self.routes = route_table(state.settings)
        self._reset_second = 0
        self._reset_value = b""
        if state.limiter is not None:
            self._limit_header = (b"x-ratelimit-limit", f"{state.settings.rate_limit:g}".encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)  # lifespan (and websockets, which no route accepts)
            return
        route = self.routes.get(scope["path"])
        if route is not None and not route.api:
            auth = self.state.auth
            if (
                auth is not None
                and self.state.settings.auth_protect_ops
                and self._authenticate(scope) is None
            ):
                request_id = new_request_id()
                error = unauthorized(reason(scope["headers"]))
                await _send_error(send, error, request_id, [(b"x-request-id", request_id)])
            elif scope["method"] in route.methods:
                await self.app(scope, receive, send)
            else:  # reference: system endpoints answer 405 in text/plain
                await _send(
                    send, 405, [(b"allow", route.allow), (b"content-type", b"text/plain; charset=utf-8")],
                    b"Method not allowed\n",
                )  # fmt: skip
            return
        await self._api(scope, receive, send, route)

    async def _api(self, scope: Scope, receive: Receive, send: Send, route: Route | None) -> None:
        state = self.state
        method = scope["method"]
        request_id = b""
        content_length = b""
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                request_id = value
            elif name == b"content-length":
                content_length = value
        if not _UUID.match(request_id):
            request_id = new_request_id()
        exchange = _Exchange(state, send, method, scope["path"], route, request_id)
        send = exchange.send
        headers = [(b"x-request-id", request_id), _API_VERSION]
        guarded = state.auth is not None and not (route is not None and route.public)
        try:
            if guarded:
                exchange.token = principal_label(self._authenticate(scope))
            if state.limiter is not None:
                allowed, retry = self._rate_limit(scope, headers)
                if not allowed:
                    state.metrics.rate_limit_rejects += 1
                    rate = float(state.settings.rate_limit)
                    details: dict[str, Any] = {"limit": int(rate) if rate.is_integer() else rate}
                    details["burst"] = state.settings.rate_burst
                    error = ApiError(Code.RATE_LIMITED, "Rate limit exceeded", details)
                    await _send_error(send, error, request_id, [*headers, (b"retry-after", retry)])
                    return
            if guarded and PRINCIPAL_SCOPE_KEY not in scope:
                await _send_error(send, unauthorized(reason(scope["headers"])), request_id, headers)
                return
            if route is None:
                error = ApiError(Code.NOT_FOUND, "Not found", {"path": scope["path"]})
                await _send_error(send, error, request_id, headers)
                return
            if method not in route.methods:
                details = {"method": method, "allowed": list(route.methods)}
                error = ApiError(Code.METHOD_NOT_ALLOWED, "Method not allowed", details)
                await _send_error(send, error, request_id, [*headers, (b"allow", route.allow)])
                return
            if route.fast and method == "GET":
                body = state.service.fast_get(route.fast, scope["query_string"])
                if body is not None:
                    await _send(send, 200, [*headers, _JSON, _CACHE_CONTROL], body)
                    return
            if route.body_limit and method == "POST":
                try:
                    async with asyncio.timeout(state.settings.read_timeout):
                        payload = await _read_body(receive, route.body_limit, content_length)
                except TimeoutError:
                    limit = state.settings.read_timeout
                    details = {"timeout_seconds": limit}
                    error = ApiError(
                        Code.TIMEOUT, f"request body not received within {limit:g}s", details, status=408
                    )
                    await _send_error(send, error, request_id, [*headers, (b"connection", b"close")])
                    return
                if payload is None:
                    details = {"limit_bytes": route.body_limit}
                    error = ApiError(
                        Code.INVALID_REQUEST, "Request body exceeds maximum allowed size", details, status=413
                    )
                    await _send_error(send, error, request_id, [*headers, (b"connection", b"close")])
                    return
                receive = _replay(payload, receive)
            await self._forward(scope, receive, exchange, route, headers)
        except _Disconnected:
            exchange.finish(499)
        except Exception:
            state.metrics.panic_recoveries += 1
            log.exception("unhandled error", extra={"requestID": request_id.decode(), "path": scope["path"]})
            try:
                await _send_error(send, ApiError(Code.INTERNAL, "Internal server error"), request_id, headers)
            except Exception:  # the response had already started; the connection is closed
                log.debug("could not send the error response", extra={"requestID": request_id.decode()})
        finally:
            # No-op when the last body chunk went out. Otherwise the response was cut short: the
            # client closed the connection (often right after reading Content-Length bytes, so
            # the app's closing empty chunk was never sent) or the app failed mid-stream. Count
            # what the client was sent: the started status, or 499 when nothing was sent.
            exchange.finish(exchange.status or 499)

    async def _forward(
        self, scope: Scope, receive: Receive, exchange: _Exchange, route: Route, headers: list[Any]
    ) -> None:
        """Call the Litestar app under the route's deadline; add the common headers."""
        scope[REQUEST_ID_SCOPE_KEY] = exchange.request_id.decode()
        send = exchange.send
        deadline: asyncio.Timeout | None = None

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *headers]
                if deadline is not None:
                    deadline.reschedule(None)  # the deadline covers the handler, not the download
            await send(message)

        try:
            async with asyncio.timeout(route.timeout or None) as deadline:
                await self.app(scope, receive, send_with_headers)
        except TimeoutError:
            if exchange.status:
                raise
            error = ApiError(
                Code.TIMEOUT,
                f"request timed out after {route.timeout:g}s",
                {"timeout_seconds": route.timeout},
            )
            await _send_error(send, error, exchange.request_id, headers)

    def _authenticate(self, scope: Scope) -> str | None:
        """The caller's token name (also put in the scope), or None. Counted per token name."""
        auth = self.state.auth
        assert auth is not None
        name = auth.identify(scope["headers"])
        self.state.metrics.authenticated(principal_label(name), name is not None)
        if name is not None:
            scope[PRINCIPAL_SCOPE_KEY] = name
        return name

    def _rate_limit(self, scope: Scope, headers: list[tuple[bytes, bytes]]) -> tuple[bool, bytes]:
        limiter = self.state.limiter
        assert limiter is not None
        principal = scope.get(PRINCIPAL_SCOPE_KEY)
        client = scope.get("client")
        # One bucket per token when the caller has one (its name cannot collide with an address).
        key = f"token:{principal}" if principal else client[0] if client else "unknown"
        allowed, remaining = limiter.take(key, time.monotonic())
        now = int(time.time())
        if now != self._reset_second:
            self._reset_second = now
            self._reset_value = str(now + 1).encode()
        headers += [
            self._limit_header,
            (b"x-ratelimit-remaining", str(remaining).encode()),
            (b"x-ratelimit-reset", self._reset_value),
        ]
        return allowed, b"" if allowed else str(limiter.retry_after(key)).encode()


class _Exchange:
    """One API request's bookkeeping, recorded once, before the last body chunk leaves.

    Recording before the final send means a client that has read the response can already
    see it in /metrics. The status recorded is always the status sent (499: none was sent).
    """

    __slots__ = (
        "done",
        "method",
        "path",
        "request_id",
        "send_raw",
        "started",
        "state",
        "status",
        "template",
        "token",
    )

    def __init__(
        self, state: ServerState, send: Send, method: str, path: str, route: Route | None, request_id: bytes
    ) -> None:
        self.state = state
        self.send_raw = send
        self.method = method
        self.path = path
        self.template = route.template if route is not None else UNMATCHED
        self.request_id = request_id
        self.started = time.perf_counter()
        self.status = 0
        self.done = False
        self.token = ""  # the caller's token name (or anonymous) when auth is on; logged
        state.metrics.in_flight += 1

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        elif not message.get("more_body", False):
            self.finish(self.status)
        await self.send_raw(message)

    def finish(self, status: int) -> None:
        """Count the request (first call only)."""
        if self.done:
            return
        self.done = True
        metrics = self.state.metrics
        metrics.in_flight -= 1
        elapsed = time.perf_counter() - self.started
        metrics.observe(metrics.method_label(self.method), self.template, status, elapsed)
        if status >= 400 or log.isEnabledFor(logging.DEBUG):
            _log_request(self.request_id, self.method, self.path, status, elapsed, self.token)


class _Disconnected(Exception):
    """The client went away while the body was being read."""


async def _read_body(receive: Receive, limit: int, content_length: bytes) -> bytes | None:
    """The whole request body, or None when it exceeds `limit` (stops reading at once)."""
    if content_length:
        try:
            if int(content_length) > limit:
                return None
        except ValueError:
            pass
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive callable that hands the buffered body to the app once."""
    pending = [True]

    async def replay() -> Message:
        if pending[0]:
            pending[0] = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _send_error(
    send: Send, error: ApiError, request_id: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    body = errorbody.render(error, request_id.decode())
    await _send(send, error.status, [*headers, *error.headers, _JSON], body)


def _log_request(request_id: bytes, method: str, path: str, status: int, elapsed: float, token: str) -> None:
    level = logging.ERROR if status >= 500 else logging.WARNING if status >= 400 else logging.DEBUG
    extra = {
        "requestID": request_id.decode(),
        "method": method,
        "path": path,
        "status": status,
        "duration": f"{elapsed * 1000:.3f}ms",
    }
    if token:
        extra["token"] = token  # the token's NAME from the tokens file, never the token
    log.log(level, "request completed", extra=extra)
