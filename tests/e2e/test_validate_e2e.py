"""`aicr validate` through the installed CLI: --no-cluster CTRF, readiness exits, Ctrl-C cleanup."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from tests.integration.validate.validator_jobs import RUNNING, leftovers, validator_controller
from tests.support.kube_emulator import KubeEmulator
from tests.support.waiting import wait_until
from tests.unit.validate.ctrf_schema import assert_valid_ctrf

AICR = shutil.which("aicr", path=os.path.dirname(sys.executable)) or "aicr"
EXAMPLE = ["--service", "eks", "--accelerator", "h100", "--intent", "training", "--os", "ubuntu"]
SNAPSHOT = (
    Path(__file__).resolve().parents[1] / "fixtures" / "snapshot" / "eks-h100-ubuntu.yaml"
).read_text()


def aicr(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [AICR, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("validate")
    recipe = aicr("recipe", *EXAMPLE, "-o", str(root / "r.yaml"))
    assert recipe.returncode == 0, recipe.stderr
    (root / "s.yaml").write_text(SNAPSHOT)
    return {"recipe": root / "r.yaml", "snapshot": root / "s.yaml", "root": root}


def test_no_cluster_prints_a_valid_ctrf_document(files: dict[str, Path]) -> None:
    proc = aicr("validate", "-r", str(files["recipe"]), "-s", str(files["snapshot"]), "--no-cluster")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert_valid_ctrf(report)
    tests = report["results"]["tests"]
    declared = yaml.safe_load(files["recipe"].read_text())["validation"]
    names = [c for phase in ("deployment", "conformance", "performance") for c in declared[phase]["checks"]]
    assert sorted(t["name"] for t in tests) == sorted(names)  # the declared checks only
    assert len(tests) == report["results"]["summary"]["skipped"]
    assert {t["message"] for t in tests} == {"skipped - no-cluster mode"}
    assert tests[0]["suite"] == ["deployment"] and tests[-1]["suite"] == ["performance"]
    assert {t["duration"] for t in tests} == {0}


def test_no_cluster_yaml_and_phase_selection(files: dict[str, Path]) -> None:
    proc = aicr(
        "validate",
        "-r",
        str(files["recipe"]),
        "-s",
        str(files["snapshot"]),
        "--no-cluster",
        "--phase",
        "performance",
        "--phase",
        "deployment",
        "-t",
        "yaml",
    )
    assert proc.returncode == 0, proc.stderr
    suites = [t["suite"][0] for t in yaml.safe_load(proc.stdout)["results"]["tests"]]
    assert suites[0] == "performance" and suites[-1] == "deployment" and "conformance" not in suites


def test_no_cluster_writes_to_a_file_and_evidence(files: dict[str, Path]) -> None:
    out = files["root"] / "report.json"
    proc = aicr(
        "validate",
        "-r",
        str(files["recipe"]),
        "-s",
        str(files["snapshot"]),
        "--no-cluster",
        "-o",
        str(out),
        "--evidence-dir",
        str(files["root"] / "evidence"),
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert_valid_ctrf(json.loads(out.read_text()))
    assert (files["root"] / "evidence" / "index.md").read_text().count("NOT RUN") == 8


def test_readiness_failure_exits_2(files: dict[str, Path], tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    old.write_text(SNAPSHOT.replace("v1.33.5-eks-3025e55", "v1.30.2"))
    proc = aicr("validate", "-r", str(files["recipe"]), "-s", str(old), "--no-cluster")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert (
        "error: [INVALID_REQUEST] readiness check failed: K8s.server.version expected >= 1.32.4, got v1.30.2"
        in proc.stderr
    )


def test_case16_missing_reading_exits_2(files: dict[str, Path], tmp_path: Path) -> None:
    doc = yaml.safe_load(files["recipe"].read_text())
    doc["constraints"].append({"name": "GPU.smi.driver_version", "value": ">= 550"})
    recipe = tmp_path / "r.yaml"
    recipe.write_text(yaml.safe_dump(doc))
    proc = aicr("validate", "-r", str(recipe), "-s", str(files["snapshot"]), "--no-cluster")
    assert proc.returncode == 2
    assert "readiness check could not evaluate: GPU.smi.driver_version: " in proc.stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (
            ["--phase", "bogus"],
            'invalid phase "bogus": must be one of: deployment, performance, conformance, all',
        ),
        (["--phase", "all", "--phase", "deployment"], 'phase "all" cannot be combined'),
        (["--toleration", "bad::x"], 'invalid toleration "bad::x"'),
        (["--feature", "dra"], "--feature requires --cncf-submission"),
        (["--cncf-submission"], "--cncf-submission requires --evidence-dir"),
        (["-t", "xml"], 'unknown output format: "xml"'),
    ],
)
def test_bad_flags_exit_2(files: dict[str, Path], args: list[str], fragment: str) -> None:
    proc = aicr("validate", "-r", str(files["recipe"]), "-s", str(files["snapshot"]), "--no-cluster", *args)
    assert proc.returncode == 2, proc.stderr
    assert fragment in proc.stderr


def test_missing_recipe_and_repeated_flag_exit_2(files: dict[str, Path]) -> None:
    assert "--recipe is required" in aicr("validate", "--no-cluster").stderr
    proc = aicr("validate", "-r", str(files["recipe"]), "-s", "a", "-s", "b")
    assert proc.returncode == 2 and "flag --snapshot can only be specified once" in proc.stderr


def test_undeclared_check_exits_2(files: dict[str, Path], tmp_path: Path) -> None:
    doc = yaml.safe_load(files["recipe"].read_text())
    doc["validation"]["deployment"]["checks"].append("typo-check")
    doc["validation"]["deployment"]["checks"].append("dra-support")
    recipe = tmp_path / "r.yaml"
    recipe.write_text(yaml.safe_dump(doc))
    proc = aicr("validate", "-r", str(recipe), "-s", str(files["snapshot"]), "--no-cluster")
    assert proc.returncode == 2
    assert (
        'declared check "typo-check" in phase deployment matches no validator in the catalog' in proc.stderr
    )
    assert "(found under phase: conformance)" in proc.stderr


def test_no_cluster_path_imports_no_kubernetes_client_or_rich(files: dict[str, Path]) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "aicr.cli.main",
            "validate",
            "-r",
            str(files["recipe"]),
            "-s",
            str(files["snapshot"]),
            "--no-cluster",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0
    imported = {line.split("|")[-1].strip().split(".")[0] for line in proc.stderr.splitlines() if "|" in line}
    assert "lightkube" not in imported and "rich" not in imported and "httpx" not in imported


@pytest.fixture
def kube() -> Iterator[KubeEmulator]:
    with KubeEmulator() as emulator:
        yield emulator


def test_ctrl_c_mid_run_exits_9_and_cleans_up(
    kube: KubeEmulator, files: dict[str, Path], tmp_path: Path
) -> None:
    kubeconfig = kube.write_kubeconfig(tmp_path / "kubeconfig")
    kube.call(
        lambda emu: emu.on_create.__setitem__("jobs", validator_controller({"operator-health": RUNNING}))
    )
    doc = yaml.safe_load(files["recipe"].read_text())
    doc["validation"] = {"deployment": {"checks": ["operator-health"]}}
    recipe = tmp_path / "r.yaml"
    recipe.write_text(yaml.safe_dump(doc))
    env = dict(os.environ, KUBECONFIG=str(kubeconfig), HOME=str(tmp_path))
    proc = subprocess.Popen(
        [AICR, "validate", "-r", str(recipe), "-s", str(files["snapshot"])],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(
            lambda: bool(kube.objects("v1/pods")) or proc.poll() is not None,
            "the validator pod or an exit",
            30,
        )
        assert kube.objects("v1/pods"), "the validator Job never started"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 9, err
    assert "error: [CANCELED]" in err
    assert out == ""
    assert leftovers(kube) == []


@pytest.mark.parametrize(
    ("flag", "value"), [("--job-name", "My_Job"), ("--service-account-name", "sa."), ("--namespace", "Bad")]
)
def test_names_that_are_not_rfc1123_exit_2_before_anything_is_read(
    flag: str, value: str, tmp_path: Path
) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "aicr.cli.main",
            "validate",
            "-r",
            str(tmp_path / "missing.yaml"),
            flag,
            value,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert f'invalid {flag} "{value}"' in result.stderr and "RFC 1123" in result.stderr


def test_no_cluster_all_lists_every_catalog_entry(files: dict[str, Path]) -> None:
    args = ("validate", "-r", str(files["recipe"]), "-s", str(files["snapshot"]), "--no-cluster")
    declared = json.loads(aicr(*args).stdout)["results"]["tests"]
    every = json.loads(aicr(*args, "--all").stdout)["results"]["tests"]
    assert len(every) >= 16 > len(declared)
    assert {t["name"] for t in declared} < {t["name"] for t in every}
