"""Snapshot inputs over http(s), API error mapping, and agent progress reporting."""

from __future__ import annotations

import http.server
import io
import threading
from collections.abc import Iterator

import pytest

from aicr import logs
from aicr.errors import AicrError, Code
from aicr.k8s.client import api_error
from aicr.k8s.jobs import job_state, pod_phase
from aicr.snapshot.api import load_snapshot
from aicr.snapshot.progress import JobProgress

SNAPSHOT_JSON = (
    b'{"kind": "Snapshot", "apiVersion": "aicr.run/v1alpha2", "metadata": {}, "measurements": ['
    b'{"type": "GPU", "subtypes": [{"subtype": "smi", "data": {"gpu-count": 4}}]}]}'
)


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/snap.json":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(SNAPSHOT_JSON)
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_snapshot_over_http_keeps_json_ints(server: str) -> None:
    snap = load_snapshot(f"{server}/snap.json")
    assert snap.gpu_count() == 4 and type(snap.reading("GPU", "smi", "gpu-count")) is int


def test_missing_http_snapshot_is_not_found(server: str) -> None:
    with pytest.raises(AicrError) as err:
        load_snapshot(f"{server}/nope.json")
    assert err.value.code is Code.NOT_FOUND


def test_missing_snapshot_file_is_not_found(tmp_path: object) -> None:
    with pytest.raises(AicrError) as err:
        load_snapshot(f"{tmp_path}/missing.yaml")
    assert err.value.code is Code.NOT_FOUND


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, Code.INVALID_REQUEST),
        (401, Code.UNAUTHORIZED),
        (403, Code.UNAUTHORIZED),
        (404, Code.NOT_FOUND),
        (409, Code.CONFLICT),
        (422, Code.INVALID_REQUEST),
        (429, Code.RATE_LIMITED),
        (500, Code.UNAVAILABLE),
        (503, Code.UNAVAILABLE),
        (504, Code.TIMEOUT),
    ],
)
def test_api_status_codes_map_to_error_codes(status: int, code: Code) -> None:
    err = api_error(
        status, b'{"kind":"Status","reason":"Forbidden","message":"jobs is forbidden"}', "POST /x"
    )
    assert err.code is code
    assert err.message == f"Kubernetes API POST /x: HTTP {status} Forbidden: jobs is forbidden"


def test_job_and_pod_states() -> None:
    assert job_state({"status": {"conditions": [{"type": "Complete", "status": "True"}]}})[0] == "complete"
    failed = {"status": {"conditions": [{"type": "Failed", "status": "True", "reason": "DeadlineExceeded"}]}}
    assert job_state(failed) == ("failed", "DeadlineExceeded", "")
    assert job_state({"status": {"conditions": [{"type": "Failed", "status": "False"}]}})[0] == "running"
    assert pod_phase(None) == "pending"
    assert pod_phase({"spec": {"nodeName": "n"}, "status": {"phase": "Pending"}}) == "scheduled"
    assert pod_phase({"status": {"phase": "Running"}}) == "running"


def test_progress_off_a_terminal_logs_each_phase_once() -> None:
    captured = io.StringIO()
    logs.set_stream(captured)
    try:
        with JobProgress(io.StringIO()) as progress:
            for phase, elapsed in (("pending", 0.1), ("pending", 0.6), ("running", 1.2), ("done", 2.0)):
                progress(phase, elapsed)
    finally:
        logs.set_stream(None)
    lines = captured.getvalue().splitlines()
    assert len(lines) == 3
    assert "agent pod running" in lines[1] and "elapsed=1.2s" in lines[1]


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_shows_a_live_status_with_elapsed_time() -> None:
    tty = _Tty()
    with JobProgress(tty) as progress:
        progress("running", 3.0)
    assert "agent pod running (3s)" in tty.getvalue()


def test_agent_logs_print_above_the_live_status_on_a_terminal() -> None:
    tty = _Tty()
    with JobProgress(tty) as progress:
        progress.log_stream.write("[agent] collecting\n")
        progress.log_stream.flush()
    assert "[agent] collecting" in tty.getvalue()
    plain = io.StringIO()
    assert JobProgress(plain).log_stream is plain
