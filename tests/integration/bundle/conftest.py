"""Fixtures for the bundle integration tests: catalogs, schemas and Helm's HOME."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

import aicr

TESTS = Path(__file__).resolve().parent.parent.parent
FIXTURE_CATALOG = TESTS / "fixtures" / "bundle-catalog"
SCHEMAS = TESTS / "schemas"


@pytest.fixture(scope="session")
def helm_home_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("helm-home"))


@pytest.fixture(autouse=True)
def helm_home(helm_home_dir: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Helm writes config and cache under HOME; keep it inside the test session's temp directory."""
    monkeypatch.setenv("HOME", helm_home_dir)
    for var in ("HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME"):
        monkeypatch.setenv(var, os.path.join(helm_home_dir, var.lower()))


@pytest.fixture(scope="session")
def fixture_catalog() -> aicr.Catalog:
    return aicr.load_catalog(root=str(FIXTURE_CATALOG))


@pytest.fixture(scope="session")
def embedded_catalog() -> aicr.Catalog:
    return aicr.load_catalog()


@pytest.fixture(scope="session")
def schemas() -> dict[str, Any]:
    return {p.stem: json.loads(p.read_text()) for p in SCHEMAS.glob("*.json")}
