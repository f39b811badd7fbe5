"""Helpers shared by the bundle integration tests (recipes, schema lookup, subprocess runs)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import aicr

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent.parent
FIXTURE_CATALOG = TESTS / "fixtures" / "bundle-catalog"
SCHEMAS = TESTS / "schemas"
GOLDEN = TESTS / "golden" / "bundle"
DEPLOYERS = ("helm", "helmfile", "argocd", "argocd-helm", "flux", "fleet")

# Embedded-catalog leaves used for goldens and rendering (skipped while the catalog lacks them).
EMBEDDED_LEAVES = {
    "eks-training-kubeflow": aicr.Criteria(
        service="eks", accelerator="h100", intent="training", os="ubuntu", platform="kubeflow"
    ),
    "gke-inference-dynamo": aicr.Criteria(
        service="gke", accelerator="h100", intent="inference", os="cos", platform="dynamo"
    ),
}


def fixture_recipe(catalog: aicr.Catalog) -> aicr.RecipeResult:
    """eks/training of the fixture catalog: gpu-operator with pre- and post-manifests."""
    return catalog.resolve(aicr.Criteria(service="eks", intent="training"), version="v0.1.0")


def embedded_recipe(catalog: aicr.Catalog, name: str) -> aicr.RecipeResult:
    """A leaf of the embedded catalog; a resolution error fails the test (issue 10 item 6)."""
    return catalog.resolve(EMBEDDED_LEAVES[name], version="v0.1.0")


def run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)
