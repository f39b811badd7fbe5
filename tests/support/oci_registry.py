"""A real OCI registry for tests: Debian's `docker-registry` (distribution 2.8) on a free loopback port.

`LocalRegistry(tmp_path)` writes a config (filesystem storage under tmp_path, deletes enabled,
optional htpasswd auth with a bcrypt entry), starts the process, waits until `/v2/` answers and
stops it on exit (SIGTERM, then kill). `.host` is `127.0.0.1:<port>`.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

BINARY = "docker-registry"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LocalRegistry:
    """One docker-registry process for the duration of a `with` block."""

    def __init__(self, root: Path, *, user: str = "", password: str = "") -> None:
        if shutil.which(BINARY) is None:
            raise RuntimeError("docker-registry is not installed (.ci/run installs the Debian package)")
        self.root = root
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.user = user
        self.password = password
        self._proc: subprocess.Popen[bytes] | None = None

    def _config(self) -> Path:
        storage = self.root / "storage"
        storage.mkdir(parents=True, exist_ok=True)
        lines = [
            "version: 0.1",
            "log: {level: error}",
            f"storage: {{filesystem: {{rootdirectory: {storage}}}, delete: {{enabled: true}}}}",
            f"http: {{addr: {self.host}}}",
        ]
        if self.user:
            import bcrypt

            hashed = bcrypt.hashpw(self.password.encode(), bcrypt.gensalt(rounds=4)).decode()
            htpasswd = self.root / "htpasswd"
            htpasswd.write_text(f"{self.user}:{hashed}\n")
            lines.append(f"auth: {{htpasswd: {{realm: test, path: {htpasswd}}}}}")
        path = self.root / "config.yml"
        path.write_text("\n".join(lines) + "\n")
        return path

    def __enter__(self) -> LocalRegistry:
        config = self._config()
        self._proc = subprocess.Popen(
            [BINARY, "serve", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                err = self._proc.stderr.read().decode() if self._proc.stderr else ""
                raise RuntimeError(f"docker-registry exited: {err}")
            try:
                urllib.request.urlopen(f"http://{self.host}/v2/", timeout=1)
                return self
            except urllib.error.HTTPError:
                return self  # 401 with auth enabled: it is up
            except OSError:
                time.sleep(0.02)
        self.stop()
        raise RuntimeError("docker-registry did not start within 10 s")

    def stop(self) -> None:
        if self._proc is None:
            return
        self._proc.terminate()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._proc = None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
