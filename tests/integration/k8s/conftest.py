"""Fixtures for tests against the emulated Kubernetes API (tests/support/kube_emulator.py).

`kube` is a fresh patched kmock emulator served from a background thread; `kubeconfig` is a
kubeconfig file pointing at it (also exported as KUBECONFIG); `api` is an ApiClient for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support.kube_emulator import KubeEmulator

from aicr.k8s.client import ApiClient
from aicr.k8s.config import ConfigSource


@pytest.fixture
def kube() -> Iterator[KubeEmulator]:
    with KubeEmulator() as emulator:
        yield emulator


@pytest.fixture
def kubeconfig(kube: KubeEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = kube.write_kubeconfig(tmp_path / "kubeconfig")
    monkeypatch.setenv("KUBECONFIG", str(path))
    monkeypatch.setenv("HOME", str(tmp_path))  # never fall back to a real ~/.kube/config
    return path


@pytest.fixture
def api(kubeconfig: Path) -> Iterator[ApiClient]:
    client = ApiClient.from_source(ConfigSource("file", str(kubeconfig)))
    yield client
    client.close()
