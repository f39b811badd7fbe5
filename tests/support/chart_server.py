"""A Helm chart repository over HTTP on loopback, for tests that pull charts.

`ChartServer(directory)` generates `index.yaml` for the chart archives in `directory` with real
Helm (helm-python-sdk) and serves the directory from a background thread while the `with`
block lasts; `.url` is `http://127.0.0.1:<port>/`.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from types import TracebackType

import helm_python as helm
from tests.support.oci_registry import free_port


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No access log on stderr."""


class ChartServer:
    """An HTTP chart repository over `directory` (index.yaml generated on entry)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        helm.repo_index_generate(str(directory))
        handler = functools.partial(_QuietHandler, directory=str(directory))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> ChartServer:
        self.thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.server.shutdown()
        self.server.server_close()
