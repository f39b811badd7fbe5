"""Fixtures for the bundle integration tests: catalogs, schemas and Helm's HOME."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.support.helm_home import helm_home, helm_home_dir  # noqa: F401  (fixtures)

import aicr

TESTS = Path(__file__).resolve().parent.parent.parent
FIXTURE_CATALOG = TESTS / "fixtures" / "bundle-catalog"
SCHEMAS = TESTS / "schemas"


@pytest.fixture(scope="session")
def fixture_catalog() -> aicr.Catalog:
    return aicr.load_catalog(root=str(FIXTURE_CATALOG))


@pytest.fixture(scope="session")
def embedded_catalog() -> aicr.Catalog:
    return aicr.load_catalog()


@pytest.fixture(scope="session")
def schemas() -> dict[str, Any]:
    return {p.stem: json.loads(p.read_text()) for p in SCHEMAS.glob("*.json")}
