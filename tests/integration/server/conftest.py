"""aicrd integration fixtures: a real uvicorn server (httptools, uvloop) in a thread, real HTTP.

`serve(settings=..., catalog=...)` starts an app on a free port and returns its base URL; every
server stops at the end of the test. `catalog` is the embedded catalog (what aicrd serves);
`fixture_catalog` is the v0.11 stand-in (tests/fixtures/v011-catalog, see its README) for
checks against the reference's published goldens.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from aicr.catalog.catalog import Catalog, load_catalog
from aicr.server.app import AicrdApp, create_app
from aicr.server.main import connection_options
from aicr.server.settings import Settings

FIXTURE_CATALOG = Path(__file__).resolve().parents[2] / "fixtures" / "v011-catalog"


@pytest.fixture(scope="session", autouse=True)
def _isolated_catalog_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    cache = tmp_path_factory.mktemp("catalog-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AICR_CACHE_DIR", str(cache))
        yield cache


@pytest.fixture(scope="session")
def catalog(_isolated_catalog_cache: Path) -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def fixture_catalog(_isolated_catalog_cache: Path) -> Catalog:
    return load_catalog(root=FIXTURE_CATALOG)


class Running:
    """A served app: its base URL and the app object (for its state)."""

    def __init__(self, app: AicrdApp, url: str, server: uvicorn.Server | None = None) -> None:
        self.app = app
        self.url = url
        self.server = server

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, **kwargs)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(app: AicrdApp) -> tuple[Running, Callable[[], None]]:
    """Serve `app` with uvicorn (httptools, uvloop) in a thread: (running server, stop function)."""
    port = _free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="critical",
        access_log=False,
        **connection_options(app.state.settings),  # aicrd's guarded httptools protocol, uvloop
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("aicrd test server did not start")
        time.sleep(0.01)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)

    return Running(app, f"http://127.0.0.1:{port}", server), stop


@pytest.fixture
def serve(catalog: Catalog) -> Iterator[Callable[..., Running]]:
    """Start servers on demand: `serve(settings)`, `serve(catalog=...)` or `serve(app=...)`."""
    stops: list[Callable[[], None]] = []

    def start(settings: Settings | None = None, *, app: AicrdApp | None = None, **kwargs: Any) -> Running:
        if app is None:
            app = create_app(kwargs.pop("catalog", catalog), settings or Settings())
        running, stop = start_server(app)
        stops.append(stop)
        return running

    yield start
    for stop in stops:
        stop()


@pytest.fixture(scope="module")
def server(catalog: Catalog) -> Iterator[Running]:
    """One server per test module (default settings, embedded catalog) for tests that only read.

    Tests that change server state or count metrics start their own with `serve`.
    """
    running, stop = start_server(create_app(catalog, Settings()))
    yield running
    stop()


@pytest.fixture
def client(server: Running) -> Iterator[httpx.Client]:
    with server.client() as http:
        yield http


class _FrozenMonotonic:
    """The `time` module as the gateway sees it, with the monotonic clock stopped."""

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    @staticmethod
    def monotonic() -> float:
        return 1_000_000.0


@pytest.fixture
def frozen_rate_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stop the rate limiter's clock so token buckets never refill during a test, however slowly a
    loaded machine sends the requests (the limiter itself is unit-tested with explicit times)."""
    from aicr.server import gateway

    monkeypatch.setattr(gateway, "time", _FrozenMonotonic())
