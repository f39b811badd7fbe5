"""Pytest fixtures that keep Helm's HOME, cache, config and data inside the session's temp tree.

Import both names into a conftest (`from tests.support.helm_home import helm_home,
helm_home_dir`); `helm_home` is autouse there, so every test of that directory runs Helm (the
SDK's subprocess) without touching the real home directory.
"""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def helm_home_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One Helm home per test session."""
    return str(tmp_path_factory.mktemp("helm-home"))


@pytest.fixture(autouse=True)
def helm_home(helm_home_dir: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Helm writes config and cache under HOME; keep it inside the test session's temp directory."""
    monkeypatch.setenv("HOME", helm_home_dir)
    for var in ("HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME"):
        monkeypatch.setenv(var, os.path.join(helm_home_dir, var.lower()))
