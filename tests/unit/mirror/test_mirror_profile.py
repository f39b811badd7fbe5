"""`mirror list` honours `--profile` like `aicr recipe`, and refuses it next to `-r`."""

from __future__ import annotations

import argparse

import pytest

from aicr.catalog.catalog import load_catalog
from aicr.cli.mirror import CRITERIA_DESTS, recipe_doc
from aicr.errors import AicrError


def _args(**given: object) -> argparse.Namespace:
    values: dict[str, object] = dict.fromkeys(CRITERIA_DESTS)
    values.update(recipe=None, kubeconfig=None, criteria_strict=False)
    values.update(given)
    return argparse.Namespace(**values)


def test_the_profile_reaches_the_resolved_recipe() -> None:
    args = _args(service="aks", accelerator="h100", intent="training", os="ubuntu",
                 profile="gpuStack=operator-managed")  # fmt: skip
    doc = recipe_doc(args, load_catalog())
    assert doc["metadata"]["selectedProfile"]["value"] == "operator-managed"


def test_a_profile_next_to_a_recipe_file_is_refused() -> None:
    with pytest.raises(AicrError, match=r"--recipe cannot be combined with criteria flags \(--profile\)"):
        recipe_doc(_args(recipe="r.yaml", profile="gpuStack=operator-managed"), load_catalog())
