"""The status aicrd logs and counts is the status it sent, for every route, under concurrency.

Raw-socket clients (one connection each) read exactly Content-Length bytes and close at once,
as httpx does when a `with Client()` block ends: the server may then see the disconnect before
the app's closing empty body chunk, which must not turn a sent 200 into a counted 500. Others
close before reading anything. The JSON log ("request completed", debug level) and
/metrics must both match what the clients saw.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from aicr.server.settings import Settings

EKS: dict[str, Any] = {"service": "eks", "accelerator": "h100", "intent": "training", "os": "ubuntu"}
_METRIC = re.compile(r'aicr_http_requests_total\{method="(\w+)",path="([^"]+)",status="(\d+)"\} (\d+)')


class _Completed(logging.Handler):
    """Collects "request completed" records and lets a test wait for a number of them."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.changed = threading.Condition()

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == "request completed":
            with self.changed:
                self.records.append(record)
                self.changed.notify_all()

    def wait_for(self, count: int) -> list[logging.LogRecord]:
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.records) >= count, timeout=60), self.records
            return list(self.records)


@pytest.fixture
def completed() -> Iterator[_Completed]:
    logger = logging.getLogger("aicrd")
    handler = _Completed()
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def _request(method: str, target: str, body: bytes = b"") -> bytes:
    head = f"{method} {target} HTTP/1.1\r\nHost: aicrd\r\nContent-Length: {len(body)}\r\n"
    return (head + "Content-Type: application/json\r\n\r\n").encode() + body


def _exchange(address: tuple[str, int], raw: bytes, read: bool) -> int | None:
    """Send one request; read status + Content-Length bytes (or nothing) and close at once."""
    with socket.create_connection(address, timeout=60) as sock:
        sock.sendall(raw)
        if not read:
            return None
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            assert chunk, data
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        match = re.search(rb"(?i)content-length: *(\d+)", head)
        assert match is not None, head
        length = int(match.group(1))
        while len(rest) < length:
            chunk = sock.recv(65536)
            assert chunk
            rest += chunk
        return int(head.split(b" ", 2)[1])


def _cases(recipe: dict[str, Any]) -> list[tuple[str, str, str, bytes]]:
    """(method, target, metrics route, body) across every API route and the error paths."""
    bundle = json.dumps(recipe).encode()
    return [
        ("POST", "/v1/bundle", "/v1/bundle", bundle),
        ("POST", "/v1/bundle?deployer=flux", "/v1/bundle", bundle),
        ("GET", "/v1/recipe?service=eks&accelerator=h100", "/v1/recipe", b""),
        ("POST", "/v1/recipe", "/v1/recipe", json.dumps({"kind": "RecipeCriteria", "spec": EKS}).encode()),
        ("GET", "/v1/query?service=eks&selector=components", "/v1/query", b""),
        ("GET", "/", "/", b""),
        ("GET", "/openapi.json", "/openapi.json", b""),
        ("GET", "/no/such/path", "unmatched", b""),
        ("DELETE", "/v1/recipe", "/v1/recipe", b""),
        ("POST", "/v1/recipe", "/v1/recipe", b"{not json"),
        ("POST", "/v1/bundle", "/v1/bundle", b"[]"),
    ]


def _metrics(url: str) -> Counter[tuple[str, str, int]]:
    text = httpx.get(f"{url}/metrics").text
    return Counter({(m, p, int(s)): int(n) for m, p, s, n in _METRIC.findall(text)})


@pytest.fixture
def recipe(catalog: Any) -> dict[str, Any]:
    from aicr.recipe.criteria import Criteria
    from aicr.version import recipe_version

    result: dict[str, Any] = catalog.resolve(Criteria(**EKS), version=recipe_version()).to_dict()
    return result


def test_logged_and_counted_statuses_are_the_statuses_clients_received(
    serve: Callable[..., Any], completed: _Completed, recipe: dict[str, Any]
) -> None:
    running = serve(Settings(rate_limit=0))
    split = urlsplit(running.url)
    address = (split.hostname or "127.0.0.1", split.port or 80)
    work = _cases(recipe) * 4
    with ThreadPoolExecutor(8) as pool:
        seen = list(pool.map(lambda c: _exchange(address, _request(c[0], c[1], c[3]), True), work))
    client = Counter((c[0], c[2], status) for c, status in zip(work, seen, strict=True))
    records = completed.wait_for(len(work))
    logged = Counter(
        (r.__dict__["method"], r.__dict__["path"].partition("?")[0], r.__dict__["status"]) for r in records
    )
    routes = {c[1].partition("?")[0]: c[2] for c in work}
    assert Counter({(m, routes[p], s): n for (m, p, s), n in logged.items()}) == client
    assert _metrics(running.url) == client
    assert all(status != 500 for status in seen)


def test_clients_that_leave_early_are_counted_as_what_they_were_sent(
    serve: Callable[..., Any], completed: _Completed, recipe: dict[str, Any]
) -> None:
    running = serve(Settings(rate_limit=0))
    split = urlsplit(running.url)
    address = (split.hostname or "127.0.0.1", split.port or 80)
    raw = _request("POST", "/v1/bundle", json.dumps(recipe).encode())
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: _exchange(address, raw, False), range(12)))
    records = completed.wait_for(12)
    logged = Counter(("POST", "/v1/bundle", r.__dict__["status"]) for r in records)
    assert _metrics(running.url) == logged
    assert set(logged) <= {("POST", "/v1/bundle", 200), ("POST", "/v1/bundle", 499)}
