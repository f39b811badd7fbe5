"""Fleet HelmOp bundles are schema-valid (the GitRepo mode is covered with every deployer in test_bundle_render)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.integration.bundle.bundle_support import fixture_recipe
from tests.integration.bundle.test_bundle_render import Checker

import aicr


def test_helmop_bundle_validates_against_the_helmop_schema(
    fixture_catalog: aicr.Catalog, schemas: dict[str, Any], tmp_path: Path
) -> None:
    options = {
        "set": ["gpu-operator:enabled=false", "skyhook-customizations:enabled=false"],
        "fleet_mode": "helmop",
    }
    aicr.build_bundle(fixture_recipe(fixture_catalog), tmp_path / "b", deployer="fleet",
                      catalog=fixture_catalog, options=options)  # fmt: skip
    check = Checker(schemas)
    check.stream((tmp_path / "b" / "helmops.yaml").read_text(), "helmops.yaml")
    assert check.validated == {"HelmOp": 4}
    assert check.unvalidated == {}
