"""Configuration profiles through the installed CLI: recipe, query, bundle locks and errors."""

from __future__ import annotations

from pathlib import Path

import yaml
from tests.e2e.test_recipe_cli import aicr

AKS = ["--service", "aks", "--accelerator", "h100", "--intent", "training", "--os", "ubuntu"]
PLACEMENT = ["--accelerated-node-toleration", "nvidia.com/gpu:NoSchedule", "--workload-selector", "a=b",
             "--accelerated-node-selector", "a=b"]  # fmt: skip


def test_recipe_records_the_chosen_profile_and_bundle_keeps_it(tmp_path: Path) -> None:
    recipe = tmp_path / "recipe.yaml"
    proc = aicr("recipe", *AKS, "--profile", "gpuStack=operator-managed", "-o", str(recipe))
    assert proc.returncode == 0, proc.stderr
    doc = yaml.safe_load(recipe.read_text())
    assert doc["apiVersion"] == "aicr.run/v1alpha3"
    assert doc["metadata"]["selectedProfile"]["value"] == "operator-managed"
    changed = aicr("bundle", "-r", str(recipe), "-o", str(tmp_path / "b1"), *PLACEMENT,
                   "--set", "gpuoperator:driver.enabled=false")  # fmt: skip
    assert changed.returncode == 2
    assert "conflicts with profile gpuStack=operator-managed" in changed.stderr
    assert not (tmp_path / "b1").exists()
    kept = aicr("bundle", "-r", str(recipe), "-o", str(tmp_path / "b2"), *PLACEMENT,
                "--set", "gpuoperator:driver.enabled=true")  # fmt: skip
    assert kept.returncode == 0, kept.stderr
    written = yaml.safe_load((tmp_path / "b2" / "recipe.yaml").read_text())
    assert written["metadata"]["selectedProfile"]["value"] == "operator-managed"


def test_query_follows_the_profile() -> None:
    selector = ["--selector", "components.gpu-operator.values.driver.enabled"]
    assert aicr("query", *AKS, *selector).stdout == "false\n"
    assert aicr("query", *AKS, *selector, "--profile", "gpuStack=operator-managed").stdout == "true\n"


def test_unknown_profile_value_is_exit_2_with_a_suggestion() -> None:
    proc = aicr("recipe", *AKS, "--profile", "gpuStack=operator-manage")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert 'did you mean "operator-managed"?' in proc.stderr
