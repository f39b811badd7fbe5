"""The app factory: `create_app(catalog=None, settings=None)` -> the aicrd ASGI application.

Wires the pieces: settings (from the environment unless given), metrics, the recipe service
over the catalog (loaded in the background at start-up when not injected; /ready answers 503
until then), the Litestar app with its handlers and exception handlers, and the outer gateway.
"""

from __future__ import annotations

import asyncio
import logging

from litestar import Litestar, Request, Response
from litestar.datastructures import State
from litestar.exceptions import HTTPException
from litestar.openapi import OpenAPIConfig

from aicr.errors import AicrError, Code
from aicr.server import errorbody
from aicr.server.errorbody import ApiError
from aicr.server.gateway import REQUEST_ID_SCOPE_KEY, Gateway, api_routes
from aicr.server.handlers import HANDLERS
from aicr.server.metrics import Metrics
from aicr.server.service import RecipeService
from aicr.server.settings import Settings
from aicr.server.state import SERVICE_NAME, STATE_KEY, ServerState
from aicr.server.ui import UI_HANDLERS
from aicr.server.v2_handlers import V2_HANDLERS
from aicr.version import VERSION

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.catalog.catalog import Catalog

log = logging.getLogger("aicrd")

_HTTP_CODES = {400: Code.INVALID_REQUEST, 401: Code.UNAUTHORIZED, 404: Code.NOT_FOUND, 405: Code.METHOD_NOT_ALLOWED,
               413: Code.INVALID_REQUEST, 429: Code.RATE_LIMITED, 503: Code.UNAVAILABLE, 504: Code.TIMEOUT}  # fmt: skip


class AicrdApp(Gateway):
    """The aicrd ASGI app; `litestar` and `state` are exposed for tests and tooling."""

    litestar: Litestar


def create_app(catalog: Catalog | None = None, settings: Settings | None = None) -> AicrdApp:
    """Build aicrd. With `catalog=None` the embedded catalog is loaded in the background."""
    if settings is None:
        settings = Settings.from_env(valid=catalog.allowed_values() if catalog is not None else None)
    metrics = Metrics(VERSION)
    service = RecipeService(settings, metrics, catalog)
    state = ServerState(settings, metrics, service)
    if settings.auth_tokens_file:
        from aicr.server.auth import Authenticator

        state.auth = Authenticator(settings.auth_tokens_file)  # a bad file stops start-up here
    background: list[asyncio.Future[Any]] = []

    async def start_loading() -> None:
        if service.catalog is None:
            background.append(asyncio.get_running_loop().run_in_executor(None, _load_embedded, service))

    async def stop() -> None:
        for task in background:
            task.cancel()
        service.close()

    litestar = Litestar(
        route_handlers=[*HANDLERS, *V2_HANDLERS, *UI_HANDLERS],
        state=State({STATE_KEY: state}),
        exception_handlers={
            ApiError: _api_error,
            AicrError: _library_error,
            HTTPException: _http_error,
            Exception: _unexpected_error,
        },
        openapi_config=OpenAPIConfig(title="aicrd", version=VERSION, path="/schema", render_plugins=[]),
        on_startup=[start_loading],
        on_shutdown=[stop],
        logging_config=None,
        debug=False,
    )
    app = AicrdApp(litestar, state)
    app.litestar = litestar
    state.root_body = errorbody.encode(
        {"routes": api_routes(app.routes), "service": SERVICE_NAME, "version": VERSION}
    )
    return app


def _load_embedded(service: RecipeService) -> None:
    from aicr.catalog.catalog import load_catalog

    try:
        service.catalog = load_catalog()
    except Exception:
        log.exception("loading the embedded catalog failed; /ready stays 503")
        raise
    log.info("catalog loaded", extra={"overlays": len(service.catalog.overlays)})


def _request_id(request: Request[Any, Any, Any]) -> str:
    value = request.scope.get(REQUEST_ID_SCOPE_KEY)
    if value:
        return str(value)
    import uuid

    return str(uuid.uuid4())


def _respond(request: Request[Any, Any, Any], error: ApiError) -> Response[bytes]:
    headers = {name.decode(): value.decode() for name, value in error.headers}
    body = errorbody.render(error, _request_id(request))
    return Response(content=body, status_code=error.status, media_type="application/json", headers=headers)


def _api_error(request: Request[Any, Any, Any], exc: ApiError) -> Response[bytes]:
    if exc.status >= 500:
        log.error(exc.message, extra={"requestID": _request_id(request), "cause": repr(exc.__cause__)})
    return _respond(request, exc)


def _library_error(request: Request[Any, Any, Any], exc: AicrError) -> Response[bytes]:
    if exc.code == Code.INTERNAL:
        log.error("library error", extra={"requestID": _request_id(request), "error": exc.message})
    return _respond(request, ApiError.from_library(exc))


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
    code = _HTTP_CODES.get(exc.status_code, Code.INTERNAL if exc.status_code >= 500 else Code.INVALID_REQUEST)
    message = str(exc.detail) if exc.status_code < 500 else "Internal server error"
    return _respond(request, ApiError(code, message, status=exc.status_code))


def _unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    state: ServerState = request.app.state[STATE_KEY]
    state.metrics.panic_recoveries += 1
    log.error(
        "unhandled error",
        exc_info=(type(exc), exc, exc.__traceback__),
        extra={"requestID": _request_id(request), "path": request.scope["path"]},
    )
    return _respond(request, ApiError(Code.INTERNAL, "Internal server error"))
