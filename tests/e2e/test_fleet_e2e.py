"""`aicr bundle -d fleet` through the real CLI: both modes, verify, and refusals that write nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def aicr(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AICR_")}
    return subprocess.run(
        [sys.executable, "-m", "aicr.cli.main", *args], capture_output=True, text=True, timeout=120, env=env
    )


@pytest.fixture(scope="module")
def recipe(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fleet") / "r.yaml"
    result = aicr("recipe", "--service", "gke", "--accelerator", "h100", "--intent", "inference", "--os", "cos",
                  "--platform", "dynamo", "-o", str(path))  # fmt: skip
    assert result.returncode == 0, result.stderr
    return path


def test_gitrepo_bundle_verifies(recipe: Path, tmp_path: Path) -> None:
    out = tmp_path / "b"
    result = aicr(
        "bundle", "-r", str(recipe), "-d", "fleet", "--repo", "https://git.example/x.git", "-o", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert "kubectl apply -f gitrepo.yaml" in result.stderr
    assert (out / "gitrepo.yaml").is_file() and list(out.glob("*/fleet.yaml"))
    verify = aicr("verify", str(out))
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_helmop_with_local_charts_exits_2_and_writes_nothing(recipe: Path, tmp_path: Path) -> None:
    out = tmp_path / "b"
    result = aicr("bundle", "-r", str(recipe), "-d", "fleet", "--fleet-mode", "helmop", "-o", str(out))
    assert result.returncode == 2
    assert "error: [INVALID_REQUEST]" in result.stderr and "--fleet-mode gitrepo" in result.stderr
    assert not out.exists()


def test_helmop_bundle_without_local_charts(recipe: Path, tmp_path: Path) -> None:
    out = tmp_path / "b"
    result = aicr("bundle", "-r", str(recipe), "-d", "fleet", "--fleet-mode", "helmop",
                  "--set", "agentgateway:enabled=false", "--set", "nodewright-customizations:enabled=false",
                  "-o", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "kubectl apply -f helmops.yaml" in result.stderr
    assert (out / "helmops.yaml").read_text().count("kind: HelmOp") >= 5


def test_fleet_mode_without_fleet_deployer_is_exit_2(recipe: Path, tmp_path: Path) -> None:
    result = aicr("bundle", "-r", str(recipe), "--fleet-mode", "helmop", "-o", str(tmp_path / "b"))
    assert result.returncode == 2 and "--fleet-mode is only valid with --deployer fleet" in result.stderr
