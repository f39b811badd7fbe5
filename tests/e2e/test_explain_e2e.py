"""`aicr recipe --explain` and `aicr query --explain` through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import yaml

from aicr.recipe.explain import render_table, select_provenance

CRITERIA = ["--service", "eks", "--accelerator", "h100", "--intent", "training", "--os", "ubuntu"]


def aicr(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AICR_")}
    return subprocess.run(
        [sys.executable, "-m", "aicr.cli.main", *args], capture_output=True, text=True, env=env
    )


def test_recipe_explain_json_names_layers_and_files() -> None:
    result = aicr("recipe", *CRITERIA, "--explain", "-t", "json")
    assert result.returncode == 0, result.stderr
    prov = json.loads(result.stdout)["provenance"]
    version = prov["components.gpu-operator.version"]
    assert version["layer"] == "registry" and version["value"].startswith("v")
    assert prov["components.gpu-operator"]["file"].startswith("overlays/base.yaml:")
    assert {e["layer"] for e in prov.values()} >= {"registry", "values-file", "overlay"}


def test_query_explain_keeps_the_selected_subtree_only() -> None:
    result = aicr("query", *CRITERIA, "--selector", "components.gpu-operator.values.driver", "--explain")
    assert result.returncode == 0, result.stderr
    prov = yaml.safe_load(result.stdout)["provenance"]
    assert prov and all(k.startswith("components.gpu-operator.values.driver") for k in prov)
    assert "components.gpu-operator.values.driver.version" in prov


def test_table_lists_every_entry() -> None:
    prov = {
        "components.a.version": {"layer": "registry", "source": "registry:a", "value": "1.0"},
        "components.a.values.x": {
            "layer": "overlay", "source": "eks", "file": "overlays/eks.yaml:9", "value": 2,
            "overrode": [{"layer": "values-file", "source": "components/a/values.yaml", "value": 1}],
        },
    }  # fmt: skip
    table = render_table(prov).splitlines()
    assert table[0].split() == ["PATH", "VALUE", "LAYER", "SOURCE", "FILE", "OVERRODE"]
    assert "overlays/eks.yaml:9" in table[2] and "components/a/values.yaml=1" in table[2]
    assert select_provenance(prov, "components.a.values") == {
        "components.a.values.x": prov["components.a.values.x"]
    }
