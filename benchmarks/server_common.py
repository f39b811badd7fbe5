"""Shared pieces of the aicrd benchmarks: start `aicrd`, a minimal keep-alive HTTP client, stats.

The client speaks HTTP/1.1 over one raw socket (no library overhead) so the figures are the
server's, plus loopback. `start_aicrd` runs the real `aicrd` entry point (uvicorn, httptools,
uvloop, embedded catalog) as a subprocess on a free port and waits for /ready.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AICRD = ROOT / ".venv" / "bin" / "aicrd"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def start_aicrd(**env: str) -> Iterator[str]:
    """Run aicrd with extra environment; yields its base URL; stops it with SIGTERM."""
    port = free_port()
    environ = {
        **os.environ,
        "PORT": str(port),
        "AICR_SERVER_ADDRESS": "127.0.0.1",
        "AICR_LOG_LEVEL": "error",
        **env,
    }
    proc = subprocess.Popen([str(AICRD)], env=environ, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/ready", timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"aicrd did not start (exit {proc.poll()})") from None
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=40)


class KeepAliveClient:
    """Sequential HTTP/1.1 requests over one TCP connection."""

    def __init__(self, url: str) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.sock = socket.create_connection((host, int(port)))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def request(
        self, method: str, target: str, body: bytes = b"", content_type: str = "application/json"
    ) -> tuple[int, bytes]:
        head = f"{method} {target} HTTP/1.1\r\nHost: bench\r\n"
        if body or method == "POST":
            head += f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
        self.sock.sendall(head.encode() + b"\r\n" + body)
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("server closed the connection")
            buf += chunk
        header, _, rest = buf.partition(b"\r\n\r\n")
        lines = header.split(b"\r\n")
        status = int(lines[0].split()[1])
        length = next(
            int(v)
            for k, _, v in (line.partition(b":") for line in lines[1:])
            if k.lower() == b"content-length"
        )
        while len(rest) < length:
            rest += self.sock.recv(max(65536, length - len(rest)))
        return status, rest[:length]

    def close(self) -> None:
        self.sock.close()


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    index = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def summary(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    return {
        "n": len(ordered),
        "p50_ms": round(percentile(ordered, 0.50), 3),
        "p90_ms": round(percentile(ordered, 0.90), 3),
        "p99_ms": round(percentile(ordered, 0.99), 3),
        "max_ms": round(ordered[-1], 3),
    }


def leaf_queries() -> list[tuple[str, dict[str, str]]]:
    """(leaf overlay name, query params) for every leaf of the embedded catalog."""
    sys.path.insert(0, str(ROOT / "src"))
    from aicr.catalog.catalog import load_catalog

    cat = load_catalog()
    parents = {o.get("base") for o in cat.overlays.values()}
    out = []
    for name, overlay in sorted(cat.overlays.items()):
        crit = overlay.get("criteria")
        if (
            crit is None
            or name in parents
            or name == cat.base_name
            or all(v in ("any", "") for v in crit.values())
        ):
            continue
        out.append((name, {k: str(v) for k, v in crit.items() if v not in ("any", "", 0)}))
    return out


def emit(name: str, figures: dict[str, object]) -> None:
    print(json.dumps({"benchmark": name, **figures}))
