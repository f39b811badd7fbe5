"""`aicr upgrade-check`: report on stdout, exit codes, inputs (files, bundle dirs, no --to)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aicr.cli.main import main

CRITERIA = [
    "--service",
    "eks",
    "--accelerator",
    "h100",
    "--intent",
    "inference",
    "--platform",
    "dynamo",
    "--os",
    "ubuntu",
]


@pytest.fixture(scope="module")
def recipes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Today's dynamo recipe (grove v0.1.0-alpha.12) and the same recipe pinned to alpha.8."""
    root = tmp_path_factory.mktemp("upgrade")
    new = root / "new.yaml"
    assert main(["recipe", *CRITERIA, "-o", str(new)]) == 0
    text = new.read_text()
    assert "version: v0.1.0-alpha.12" in text
    old = root / "old.yaml"
    old.write_text(text.replace("version: v0.1.0-alpha.12", "version: v0.1.0-alpha.8"))
    return old, new


def test_manual_verdict_prints_the_report_and_exits_2(
    recipes: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = recipes
    assert main(["upgrade-check", "--from", str(old), "--to", str(new), "-d", "helm"]) == 2
    out, err = capsys.readouterr()
    assert "grove      v0.1.0-alpha.8  v0.1.0-alpha.12  manual" in out and "1. delete-legacy-crd" in out
    assert "[CONFLICT] upgrade check failed: 1 component change(s) need attention" in err


def test_fail_on_error_false_reports_without_failing(
    recipes: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = recipes
    assert (
        main(
            [
                "upgrade-check",
                "-f",
                str(old),
                "--to",
                str(new),
                "-d",
                "flux",
                "-t",
                "json",
                "--fail-on-error=false",
            ]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    grove = report["components"][0]
    assert (grove["component"], grove["verdict"], grove["failsRun"]) == ("grove", "manual", True)
    assert [s["id"] for s in grove["steps"]] == ["delete-legacy-crd", "apply-new-crds", "reconcile"]
    assert report["summary"] == {"components": 1, "failing": 1}


def test_identical_inputs_pass(recipes: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    _, new = recipes
    assert main(["upgrade-check", "--from", str(new), "--to", str(new)]) == 0
    assert "no component versions changed" in capsys.readouterr().out


def test_without_to_the_from_criteria_are_resolved_again(
    recipes: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, new = recipes
    assert main(["upgrade-check", "--from", str(new), "-t", "yaml"]) == 0
    assert "to: (this catalog)" in capsys.readouterr().out


def test_bundle_directory_is_read_through_its_recipe(recipes: tuple[Path, Path], tmp_path: Path) -> None:
    _old, new = recipes
    (tmp_path / "recipe.yaml").write_text(new.read_text())
    assert main(["upgrade-check", "--from", str(tmp_path), "--to", str(new)]) == 0


def test_bundle_directory_without_recipe_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["upgrade-check", "--from", str(tmp_path)]) == 2
    assert "has no recipe.yaml" in capsys.readouterr().err


def test_deployer_specific_steps_need_deployer(
    recipes: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = recipes
    assert main(["upgrade-check", "--from", str(old), "--to", str(new)]) == 2
    assert "--deployer is required" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["upgrade-check"], "--from is required"),
        (["upgrade-check", "--from", "cluster"], "not supported by this version"),
        (["upgrade-check", "--from", "r.yaml", "-d", "kubectl"], 'invalid deployer type "kubectl"'),
        (["upgrade-check", "--from", "r.yaml", "-t", "csv"], 'unknown output format: "csv"'),
    ],
)
def test_usage_errors_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err
