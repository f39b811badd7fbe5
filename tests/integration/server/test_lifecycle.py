"""aicrd's process lifecycle: readiness, graceful SIGTERM, refusal to start, JSON logs.

The `aicrd` entry point runs as a subprocess (real signals, real uvicorn with httptools and
uvloop). A small harness wraps `aicr.server.main.main` so a test can slow resolution down
(`AICRD_TEST_RESOLVE_DELAY`) to keep a request in flight while the signal arrives; a slowed
resolution first creates the file `AICRD_TEST_RESOLVING`, which the test waits for.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.support.waiting import wait_until

from aicr.server.app import create_app
from aicr.server.settings import Settings

HARNESS = """
import os, sys, time
import aicr.catalog.catalog as catalog
delay = float(os.environ.get("AICRD_TEST_RESOLVE_DELAY", "0"))
if delay:
    real = catalog.Catalog.resolve
    def slow(self, *args, **kwargs):
        open(os.environ["AICRD_TEST_RESOLVING"], "a").close()  # tells the test a request is in flight
        time.sleep(delay)
        return real(self, *args, **kwargs)
    catalog.Catalog.resolve = slow
from aicr.server.main import main
sys.exit(main())
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Aicrd:
    def __init__(self, tmp_path: Path, **env: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp_path / "aicrd.log"
        self.log = self.log_path.open("wb")
        self.resolving = tmp_path / "resolving"
        environ = {
            **os.environ,
            "PORT": str(self.port),
            "AICR_SERVER_ADDRESS": "127.0.0.1",
            "AICRD_TEST_RESOLVING": str(self.resolving),
            **env,
        }
        self.proc = subprocess.Popen([sys.executable, "-c", HARNESS], env=environ, stderr=self.log)

    def wait_ready(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"aicrd exited {self.proc.returncode}: {self.lines()}")
            try:
                if httpx.get(f"{self.url}/ready", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise AssertionError("aicrd did not become ready")

    def lines(self) -> list[dict[str, Any]]:
        self.log.flush()
        return [json.loads(line) for line in self.log_path.read_text().splitlines() if line.strip()]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@pytest.fixture
def aicrd(tmp_path: Path) -> Any:
    started: list[Aicrd] = []

    def start(**env: str) -> Aicrd:
        server = Aicrd(tmp_path, **env)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def test_sigterm_lets_the_in_flight_request_finish_and_exits_0(aicrd: Any) -> None:
    server = aicrd(AICRD_TEST_RESOLVE_DELAY="1.0")
    server.wait_ready()
    result: dict[str, Any] = {}

    def slow_request() -> None:
        response = httpx.get(
            f"{server.url}/v1/recipe", params={"service": "eks", "intent": "training"}, timeout=10
        )
        result["status"] = response.status_code

    thread = threading.Thread(target=slow_request)
    thread.start()
    wait_until(server.resolving.exists, "the request to reach resolution")
    server.proc.send_signal(signal.SIGTERM)
    thread.join(timeout=10)
    assert result == {"status": 200}
    assert server.proc.wait(timeout=10) == 0
    messages = [line["msg"] for line in server.lines()]
    assert "starting aicrd" in messages and "shutting down" in messages and messages[-1] == "stopped"
    assert all(line["module"] == "aicrd" or line["module"].startswith("aicr.") for line in server.lines())


def test_shutdown_does_not_wait_longer_than_the_timeout(aicrd: Any) -> None:
    server = aicrd(AICRD_TEST_RESOLVE_DELAY="5", SHUTDOWN_TIMEOUT_SECONDS="1")
    server.wait_ready()
    thread = threading.Thread(
        target=lambda: httpx.get(f"{server.url}/v1/recipe", params={"service": "gke"}, timeout=10),
        daemon=True,
    )
    thread.start()
    wait_until(server.resolving.exists, "the request to reach resolution")
    signalled = time.monotonic()
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(timeout=10) == 0
    assert time.monotonic() - signalled < 4


@pytest.mark.parametrize(
    ("env", "text"),
    [
        ({"AICR_ALLOWED_ACCELERATORS": "h100,bogus"}, "invalid AICR_ALLOWED_ACCELERATORS"),
        ({"PORT": "not-a-port"}, "invalid PORT"),
    ],
)
def test_bad_configuration_refuses_to_start(aicrd: Any, env: dict[str, str], text: str) -> None:
    server = aicrd(**env)
    assert server.proc.wait(timeout=20) == 1
    (line,) = [line for line in server.lines() if line["msg"] == "refusing to start"]
    assert text in line["error"] and line["level"] == "ERROR"


def test_ready_is_503_until_the_catalog_is_loaded(
    serve: Any, catalog: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import aicr.catalog.catalog as catalog_module

    release = threading.Event()

    def slow_load(**_: Any) -> Any:
        release.wait(10)
        return catalog

    monkeypatch.setattr(catalog_module, "load_catalog", slow_load)
    running = serve(app=create_app(None, Settings()))
    with running.client() as client:
        waiting = client.get("/ready")
        assert waiting.status_code == 503
        assert waiting.json() == {"status": "not_ready", "reason": "service is initializing"}
        early = client.get("/v1/recipe", params={"service": "eks"})
        assert early.status_code == 503
        assert early.json()["code"] == "SERVICE_UNAVAILABLE" and early.json()["retryable"] is True
        assert client.get("/health").status_code == 200
        release.set()
        wait_until(lambda: client.get("/ready").status_code == 200, "readiness after the catalog loads")
        assert client.get("/v1/recipe", params={"service": "eks", "intent": "training"}).status_code == 200


def test_ready_turns_503_while_draining(serve: Any) -> None:
    running = serve()
    with running.client() as client:
        assert client.get("/ready").json()["status"] == "ready"
        running.app.state.draining = True
        response = client.get("/ready")
    assert response.status_code == 503
    assert response.json()["reason"] == "service is shutting down"
