"""Unit-test defaults: compiled-catalog caches go to a per-session temp dir, never the package."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def _isolated_catalog_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    cache = tmp_path_factory.mktemp("catalog-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AICR_CACHE_DIR", str(cache))
        yield cache
