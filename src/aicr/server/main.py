"""`aicrd`: serve the AICR REST API with uvicorn (httptools parser, uvloop event loop).

Edge module. Reads the environment (`aicr.server.settings`), loads the embedded catalog, checks
the allowlists against it (a bad entry: exit 1 before binding), then serves on
AICR_SERVER_ADDRESS:PORT. SIGTERM/SIGINT: /ready turns 503, the listener closes, in-flight
requests get SHUTDOWN_TIMEOUT_SECONDS to finish, and the process exits 0. Logs are JSON on stderr.
"""

from __future__ import annotations

import logging
import logging.config
import os
import sys

import uvicorn

from aicr.errors import AicrError
from aicr.server.jsonlog import log_config

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import FrameType
    from typing import Any

    from aicr.server.settings import Settings
    from aicr.server.state import ServerState

log = logging.getLogger("aicrd")


class _Server(uvicorn.Server):
    """uvicorn's server, plus: a shutdown signal marks the service not ready first."""

    def __init__(self, config: uvicorn.Config, state: ServerState) -> None:
        super().__init__(config)
        self.aicrd_state = state

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if not self.aicrd_state.draining:
            self.aicrd_state.draining = True
            log.info(
                "shutting down",
                extra={"signal": sig, "timeout_seconds": self.config.timeout_graceful_shutdown},
            )
        super().handle_exit(sig, frame)
        # uvicorn re-raises captured signals once it has stopped, which would make the process
        # die of SIGTERM; a graceful stop exits 0 instead (reference/surface.md §3).
        captured = getattr(self, "_captured_signals", None)
        if isinstance(captured, list):
            captured.clear()


def _event_loop() -> str:
    """uvloop when installed (it is, with uvicorn[standard])."""
    try:
        import uvloop  # noqa: F401
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        return "asyncio"
    return "uvloop"


def connection_options(settings: Settings) -> dict[str, Any]:
    """uvicorn options that bound connections (aicr.server.connections; docs/server.md)."""
    from aicr.server.connections import ConnectionLimits, guarded_protocol

    limits = ConnectionLimits(settings.header_timeout, settings.max_header_bytes, settings.max_connections)
    return {
        "loop": _event_loop(),
        "http": guarded_protocol(limits),
        "timeout_keep_alive": max(1, round(settings.keep_alive_timeout)),
        "h11_max_incomplete_event_size": settings.max_header_bytes,
        # No `limit_concurrency`: uvicorn counts idle connections against it and answers 503,
        # which is the lock-out the connection cap exists to prevent (docs/decisions.md).
    }


def _fit_file_limit(settings: Settings) -> Settings:
    """Raise the soft RLIMIT_NOFILE to the hard one; lower the connection cap to fit under it."""
    import dataclasses
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or hard > soft):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    room = soft - 128 if soft != resource.RLIM_INFINITY else settings.max_connections
    if settings.max_connections <= room:
        return settings
    capped = max(16, room)
    log.warning(
        "connection cap lowered to fit the open-file limit",
        extra={"requested": settings.max_connections, "cap": capped, "nofile": soft},
    )
    return dataclasses.replace(settings, max_connections=capped)


def build_server() -> _Server:
    """Settings, catalog, app and uvicorn server; AicrError for a configuration that cannot start."""
    from aicr.catalog.catalog import load_catalog
    from aicr.server.app import create_app
    from aicr.server.settings import Settings

    catalog = load_catalog()
    settings = Settings.from_env(valid=catalog.allowed_values())
    app = create_app(catalog, settings)
    app.state.service.warm_up()
    settings = _fit_file_limit(settings)
    config = uvicorn.Config(
        app,
        host=settings.address,
        port=settings.port,
        lifespan="on",
        log_config=log_config(settings.log_level),
        access_log=False,
        server_header=False,
        proxy_headers=False,  # rate limits key on the peer address; X-Forwarded-For is spoofable
        timeout_graceful_shutdown=int(settings.shutdown_timeout),
        **connection_options(settings),
    )
    server = _Server(config, app.state)
    log.info(
        "starting aicrd",
        extra={
            "address": settings.address,
            "port": settings.port,
            "rateLimit": settings.rate_limit,
            "rateLimitBurst": settings.rate_burst,
            "allowlists": settings.allowlist.allowed,
            "overlays": len(catalog.overlays),
        },
    )
    return server


def main(argv: list[str] | None = None) -> int:
    """Run aicrd until SIGTERM/SIGINT; 0 after a graceful stop, 1 on a fatal error."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        from aicr.server.settings import help_text

        sys.stdout.write(help_text())
        return 0
    from aicr import logs
    from aicr.server.settings import log_level

    level = log_level(os.environ)
    logging.config.dictConfig(log_config(level))
    logs.configure(json_mode=True, level=level)  # library warnings (e.g. bundle notes) as JSON too
    try:
        server = build_server()
    except AicrError as exc:
        log.error("refusing to start", extra={"error": exc.message, "code": exc.code.value})
        return 1
    try:
        server.run()
    except Exception:
        log.exception("server failed")
        return 1
    if server.started is False:  # bind failure and the like; uvicorn has logged why
        return 1
    log.info("stopped")
    _exit_now_if_workers_linger(0)
    return 0


def _exit_now_if_workers_linger(code: int) -> None:
    """Exit at once when a worker thread still computes an abandoned request.

    The shutdown deadline has passed by then; Python would otherwise join those threads at exit
    and overrun SHUTDOWN_TIMEOUT_SECONDS.
    """
    import threading

    if threading.active_count() > 1:
        logging.shutdown()
        sys.stderr.flush()
        sys.stdout.flush()
        os._exit(code)


if __name__ == "__main__":
    raise SystemExit(main())
