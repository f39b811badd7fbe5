"""aicrd bounds its connections: idle and slow clients cannot exhaust file handles or lock others out.

Loopback only, bounded count and time: 2,000 idle connections against a cap of 200, a
byte-by-byte header sender, an oversized header block, a body that never finishes. Waits are
blocking socket reads with a timeout (the server's answer or its close is the event).
"""

from __future__ import annotations

import resource
import socket
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from aicr.server.settings import Settings

IDLE_CONNECTIONS = 2000
CAP = 200


@pytest.fixture
def file_limit() -> Iterator[None]:
    """Room for the test's own client sockets plus the server's."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = IDLE_CONNECTIONS + CAP + 512
    if hard != resource.RLIM_INFINITY and hard < wanted:
        pytest.fail(f"RLIMIT_NOFILE hard limit {hard} < {wanted}: cannot run the exhaustion test")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def _address(running: Any) -> tuple[str, int]:
    split = urlsplit(running.url)
    return split.hostname or "127.0.0.1", split.port or 80


def _read_until_closed(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


@pytest.mark.usefixtures("file_limit")
def test_thousands_of_idle_connections_do_not_lock_out_a_client(serve: Callable[..., Any]) -> None:
    running = serve(Settings(rate_limit=0, max_connections=CAP, header_timeout=60.0))
    address = _address(running)
    with ExitStack() as stack:
        for _ in range(IDLE_CONNECTIONS):
            sock = stack.enter_context(socket.create_connection(address, timeout=10))
            sock.sendall(b"GET /v1/recipe HTTP/1.1\r\n")  # headers never finished
        with httpx.Client(base_url=running.url, timeout=10) as client:
            response = client.get("/v1/recipe", params={"service": "eks"})
        assert response.status_code == 200
        assert len(running.server.server_state.connections) <= CAP + 1


def test_headers_not_finished_in_time_close_the_connection(serve: Callable[..., Any]) -> None:
    running = serve(Settings(rate_limit=0, header_timeout=0.5))
    with socket.create_connection(_address(running), timeout=30) as sock:
        sock.sendall(b"GET /v1/recipe?service=eks HTTP/1.1\r\nHost: x\r\n")
        assert _read_until_closed(sock) == b""


def test_an_oversized_header_block_is_431(serve: Callable[..., Any]) -> None:
    running = serve(Settings(rate_limit=0, max_header_bytes=4096))
    with socket.create_connection(_address(running), timeout=30) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"a" * 8192 + b"\r\n")
        assert _read_until_closed(sock).startswith(b"HTTP/1.1 431 ")


def test_a_body_not_sent_in_time_is_408(serve: Callable[..., Any]) -> None:
    running = serve(Settings(rate_limit=0, read_timeout=0.5))
    with socket.create_connection(_address(running), timeout=30) as sock:
        head = b"POST /v1/recipe HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        sock.sendall(head + b"Content-Length: 100\r\n\r\n{")
        answer = _read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert b'"code":"TIMEOUT"' in answer.replace(b" ", b"")


def test_keep_alive_connections_serve_several_requests(serve: Callable[..., Any]) -> None:
    running = serve(Settings(rate_limit=0, header_timeout=0.5))
    with httpx.Client(base_url=running.url, timeout=10) as client:
        statuses = [client.get("/v1/recipe", params={"service": "eks"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
