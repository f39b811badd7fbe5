"""The aicrd image serves: health, readiness, a recipe and a bundle; SIGTERM stops it cleanly."""

from __future__ import annotations

import io
import socket
import time
import uuid
import zipfile
from collections.abc import Iterator

import httpx
import pytest
from tests.images.podman import podman

CRITERIA = {"service": "eks", "accelerator": "h100", "intent": "training", "os": "ubuntu"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(base: str, name: str) -> None:
    """Poll /health until it answers (or the container has died, or two minutes passed)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        state = podman("inspect", "--format", "{{.State.Running}}", name).stdout.strip()
        if state != "true":
            logs = podman("logs", name, check=False)
            raise AssertionError(f"aicrd exited before answering:\n{logs.stdout}{logs.stderr}")
    raise AssertionError("aicrd did not answer /health")


@pytest.fixture
def aicrd(images: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(base URL, container name) of a running aicrd container (read-only root, tmpfs /tmp)."""
    port = _free_port()
    name = f"aicrd-test-{uuid.uuid4().hex[:8]}"
    podman(
        "run", "-d", "--name", name, "--network", "host", "--read-only", "--tmpfs", "/tmp",
        "-e", f"PORT={port}", "-e", "AICR_SERVER_ADDRESS=127.0.0.1", images["aicrd"],
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_ready(base, name)
        yield base, name
    finally:
        podman("rm", "-f", "-t", "0", name, check=False)


def test_health_and_ready_answer(aicrd: tuple[str, str]) -> None:
    base, _ = aicrd
    assert httpx.get(f"{base}/health").status_code == 200
    assert httpx.get(f"{base}/ready").status_code == 200


def test_recipe_is_served(aicrd: tuple[str, str]) -> None:
    base, _ = aicrd
    response = httpx.get(f"{base}/v1/recipe", params=CRITERIA, timeout=30)
    assert response.status_code == 200
    recipe = response.json()
    assert recipe["kind"] == "RecipeResult"
    assert any(ref["name"] == "gpu-operator" for ref in recipe["componentRefs"])


def test_bundle_is_served_as_a_zip(aicrd: tuple[str, str]) -> None:
    base, _ = aicrd
    recipe = httpx.get(f"{base}/v1/recipe", params=CRITERIA, timeout=30).json()
    response = httpx.post(f"{base}/v1/bundle", json=recipe, timeout=60)
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert any(name.endswith("deploy.sh") for name in names)
    assert any("gpu-operator" in name for name in names)


def test_sigterm_stops_it_cleanly_within_the_grace_period(aicrd: tuple[str, str]) -> None:
    _, name = aicrd
    podman("stop", "-t", "20", name)  # SIGTERM, then SIGKILL (exit 137) after 20 s
    state = podman("inspect", "--format", "{{.State.ExitCode}}", name).stdout.strip()
    logs = podman("logs", name)
    assert state == "0", logs.stderr
