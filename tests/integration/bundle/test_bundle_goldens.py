"""Golden bundle trees: every deployer for three recipes, compared byte for byte.

tests/golden/bundle/<recipe>/<deployer>/ holds the expected tree; refresh with
`pytest tests/integration/bundle/test_bundle_goldens.py --update-goldens` and review the diff.
Recipes: `fixture-eks-training` (tests/fixtures/bundle-catalog: gpu-operator with pre- and
post-manifests), `eks-training-kubeflow` and `gke-inference-dynamo` (embedded catalog leaves).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from tests.integration.bundle.bundle_support import DEPLOYERS, GOLDEN, embedded_recipe, fixture_recipe

import aicr
from aicr.bundle.api import plan_bundle
from aicr.bundle.options import BundleOptions
from aicr.bundle.tree import write_bundle

OPTIONS: dict[str, dict[str, Any]] = {
    "helm": {},
    "helmfile": {},
    "argocd": {"repo": "https://github.com/example/aicr-bundles.git"},
    "argocd-helm": {"dynamic": ["gpuoperator:driver.version"]},
    "flux": {"repo": "https://github.com/example/aicr-bundles.git"},
    "fleet": {"repo": "https://github.com/example/aicr-bundles.git"},
}
RECIPES = ("fixture-eks-training", "eks-training-kubeflow", "gke-inference-dynamo")


def tree_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("deployer", DEPLOYERS)
@pytest.mark.parametrize("recipe_name", RECIPES)
def test_bundle_matches_golden_tree(
    recipe_name: str,
    deployer: str,
    fixture_catalog: aicr.Catalog,
    embedded_catalog: aicr.Catalog,
    update_goldens: bool,
    tmp_path: Path,
) -> None:
    if recipe_name.startswith("fixture-"):
        catalog, recipe = fixture_catalog, fixture_recipe(fixture_catalog)
    else:
        catalog, recipe = embedded_catalog, embedded_recipe(embedded_catalog, recipe_name)
    opts = BundleOptions.parse(deployer, OPTIONS[deployer])
    tree, _output, _plan = plan_bundle(recipe.to_dict(), catalog, opts, aicr_version="v0.1.0")
    golden = GOLDEN / recipe_name / deployer
    if update_goldens:
        shutil.rmtree(golden, ignore_errors=True)
        write_bundle(tree, str(golden))
        return
    if not golden.exists():
        pytest.fail(f"no golden tree at {golden}; run pytest --update-goldens")
    expected = tree_files(golden)
    actual = {rel: data for rel, (data, _mode) in tree.files.items()}
    assert sorted(actual) == sorted(expected)
    for rel in actual:
        assert actual[rel] == expected[rel], f"{golden.name}/{rel} differs from the golden tree"
