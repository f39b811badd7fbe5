"""Image tests: every test under tests/images is marked `images` and needs podman.

`pytest -m "not images"` leaves them out of a fast local run; `make test` and `make image-test`
run them. Without podman they skip locally but FAIL when CI=true (CI must run them: .ci/run
installs podman, runc and mmdebstrap). The `images` fixture builds the three images once per
session (cached layers make that quick after the first build).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.images.podman import build_images
from tests.support.kube_emulator import KubeEmulator

HERE = Path(__file__).parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "images: builds and runs the container images (needs podman)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.images)


def _require_tools() -> None:
    missing = [tool for tool in ("podman", "mmdebstrap", "runc") if shutil.which(tool) is None]
    if not missing:
        return
    message = f"image tests need {', '.join(missing)} (installed by .ci/run; docs/images.md)"
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail(message + ": missing in CI", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def images() -> dict[str, str]:
    """{agent, validators, aicrd: image reference}, built from this checkout's wheel."""
    _require_tools()
    return build_images()


@pytest.fixture
def kube() -> Iterator[KubeEmulator]:
    """An emulated API server on 127.0.0.1 (containers reach it with --network host)."""
    with KubeEmulator() as emulator:
        yield emulator


@pytest.fixture
def kubeconfig(kube: KubeEmulator, tmp_path: Path) -> Path:
    """A kubeconfig for `kube`, readable by the images' non-root users."""
    path = kube.write_kubeconfig(tmp_path / "kubeconfig")
    path.chmod(0o644)
    return path
