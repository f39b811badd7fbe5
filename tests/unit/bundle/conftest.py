"""Fixtures for the bundle unit tests: the small fixture catalog and recipes resolved from it."""

from __future__ import annotations

import os
from typing import Any

import pytest

import aicr
from aicr.bundle.options import BundleOptions

FIXTURE_CATALOG = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "bundle-catalog")


@pytest.fixture(scope="session")
def catalog() -> aicr.Catalog:
    """tests/fixtures/bundle-catalog, loaded alone."""
    return aicr.load_catalog(root=FIXTURE_CATALOG)


@pytest.fixture(scope="session")
def training_doc(catalog: aicr.Catalog) -> dict[str, Any]:
    """eks/training recipe of the fixture catalog (gpu-operator with pre and post manifests)."""
    return catalog.resolve(aicr.Criteria(service="eks", intent="training")).to_dict()


@pytest.fixture
def plan_for(catalog: aicr.Catalog, training_doc: dict[str, Any]) -> Any:
    """plan_for(deployer="helm", options=None, doc=None) -> (tree, output, plan)."""
    from aicr.bundle.api import plan_bundle

    def run(
        deployer: str = "helm", options: dict[str, Any] | None = None, doc: dict[str, Any] | None = None
    ) -> Any:
        opts = BundleOptions.parse(deployer, options)
        return plan_bundle(doc if doc is not None else training_doc, catalog, opts, aicr_version="v0.1.0")

    return run
