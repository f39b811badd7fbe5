"""`aicr bundle` and `aicr verify` through the real CLI (subprocesses): recipe -> bundle -> verify,
and the exit codes of reference/bundle.md §7 and surface.md §8 #9-#13."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE_CATALOG = Path(__file__).resolve().parent.parent / "fixtures" / "bundle-catalog"


def aicr(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AICR_")}
    return subprocess.run(
        [sys.executable, "-m", "aicr.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
        cwd=cwd,
    )


@pytest.fixture(scope="module")
def recipe(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A recipe for the fixture catalog, written by the library (the CLI cannot select --data alone)."""
    import aicr as lib

    catalog = lib.load_catalog(root=str(FIXTURE_CATALOG))
    path = tmp_path_factory.mktemp("recipe") / "recipe.yaml"
    path.write_text(catalog.resolve(lib.Criteria(service="eks", intent="training")).to_yaml())
    return path


@pytest.fixture(scope="module")
def embedded_recipe(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("embedded") / "r.yaml"
    result = aicr("recipe", "--service", "eks", "--accelerator", "h100", "--intent", "training", "--os", "ubuntu",
                  "--platform", "kubeflow", "-o", str(path))  # fmt: skip
    assert result.returncode == 0, result.stderr  # a resolution error is a failure, not a skip
    return path


def test_recipe_bundle_verify_round_trip(embedded_recipe: Path, tmp_path: Path) -> None:
    out = tmp_path / "b"
    result = aicr("bundle", "-r", str(embedded_recipe), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # stdout carries data only; the summary is for people
    assert "Helm per-component bundle generated successfully!" in result.stderr
    assert f"Output directory: {out}" in result.stderr
    assert "To deploy:" in result.stderr and "./deploy.sh" in result.stderr
    for name in ("README.md", "deploy.sh", "recipe.yaml", "checksums.txt", "bundle-info.yaml"):
        assert (out / name).is_file()
    assert sorted(p.name for p in out.iterdir() if p.is_dir())[0].startswith("001-")
    lines = (out / "checksums.txt").read_text().splitlines()
    verify = aicr("verify", str(out))
    assert verify.returncode == 0, verify.stderr
    assert f"Checksums verified ({len(lines)} files)" in verify.stdout
    assert "Trust level: unverified" in verify.stdout and "Bundle verification: PASSED" in verify.stdout
    data = json.loads(aicr("verify", str(out), "--format", "json").stdout)
    assert {k: data[k] for k in ("trustLevel", "checksumsPassed", "bundleAttested", "hasExternalData")} == {
        "trustLevel": "unverified",
        "checksumsPassed": True,
        "bundleAttested": False,
        "hasExternalData": False,
    }


def test_every_deployer_through_the_cli_is_deterministic(embedded_recipe: Path, tmp_path: Path) -> None:
    for deployer in ("helm", "helmfile", "argocd", "argocd-helm", "flux"):
        first, second = tmp_path / f"{deployer}-1", tmp_path / f"{deployer}-2"
        for out in (first, second):
            result = aicr("bundle", "-r", str(embedded_recipe), "-d", deployer, "-o", str(out))
            assert result.returncode == 0, (deployer, result.stderr)
        files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
        assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
        assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
        assert aicr("verify", str(first)).returncode == 0


def test_data_overlay_bundle_carries_data_dir(recipe: Path, tmp_path: Path) -> None:
    # --data layers the fixture catalog over the embedded one; the bundle copies it into data/.
    out = tmp_path / "b"
    result = aicr("bundle", "-r", str(recipe), "--data", str(FIXTURE_CATALOG), "-o", str(out), "-d", "flux")
    assert result.returncode == 0, result.stderr
    assert (out / "data" / "registry.yaml").read_bytes() == (FIXTURE_CATALOG / "registry.yaml").read_bytes()
    verify = aicr("verify", str(out), "--format", "json")
    assert verify.returncode == 0 and json.loads(verify.stdout)["hasExternalData"] is True


def test_tampered_bundle_fails_verification(recipe: Path, tmp_path: Path) -> None:
    out = tmp_path / "b"
    assert aicr("bundle", "-r", str(recipe), "--data", str(FIXTURE_CATALOG), "-o", str(out)).returncode == 0
    with open(out / "deploy.sh", "a") as fh:
        fh.write("# tampered\n")
    result = aicr("verify", str(out), "--format", "json")
    assert result.returncode == 4
    data = json.loads(result.stdout)
    assert data["trustLevel"] == "unknown" and data["checksumsPassed"] is False
    assert data["errors"][0].startswith("checksum mismatch: deploy.sh (expected ")
    assert "bundle verification failed: checksum mismatch: deploy.sh" in result.stderr
    policy = aicr("verify", str(out), "--min-trust-level", "verified")
    assert policy.returncode == 2
    assert 'trust level "unknown" does not meet minimum "verified"' in policy.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--set", "foo"], 2, "expected 'bundler:path=value'"),
        (["--set", "c:=x"], 2, "path and value cannot be empty"),
        (["-d", "bogus"], 2, 'invalid deployer type "bogus"'),
        (["--flux-namespace", "x"], 2, "--flux-namespace is only valid with --deployer flux"),
        (["--app-name", "foo"], 2, "--app-name is only valid with --deployer argocd, argocd-helm or fleet"),
        (["-d", "argocd", "--app-name", "Bad_Name"], 2, "DNS-1123"),
        (["--accelerated-node-toleration", "k=v:Bad"], 2, 'invalid taint effect "Bad"'),
        (["--system-node-selector", "nokv"], 2, "expected key=value"),
        (["--nodes", "-1"], 2, "--nodes must be >= 0"),
        (["--workload-gate", ":NoSchedule"], 2, "key cannot be empty"),
        (["-o", "oci://UPPER/Repo"], 2, "must be lowercase"),
        (["--image-refs", "refs.txt"], 2, "--image-refs is only valid with -o oci://"),
        (["--attest"], 2, "--attest needs a signer: --signing-key"),
        (["-o", "a", "-o", "b"], 2, "flag --output can only be specified once"),
        (["--readiness-hooks"], 2, "--readiness-hooks is not supported yet"),
        (["--certificate-identity-regexp", "foo"], 2, "must contain"),
        (
            ["-d", "argocd", "--dynamic", "gpuoperator:driver.version"],
            2,
            'not supported with deployer "argocd"',
        ),
        (["--set", "deployer:foo=1", "-d", "argocd"], 2, 'unknown deployer option "foo"'),
        (["--repo", "https://x/y.git"], 2, "--repo is only valid with"),
    ],
)
def test_bad_flags_exit_2(recipe: Path, tmp_path: Path, args: list[str], code: int, message: str) -> None:
    result = aicr("bundle", "-r", str(recipe), "--data", str(FIXTURE_CATALOG), *(["-o", str(tmp_path / "o")] if "-o" not in args else []), *args)  # fmt: skip
    assert result.returncode == code, result.stderr
    assert message in result.stderr
    assert result.stderr.count("error: [INVALID_REQUEST]") == 1
    assert not (tmp_path / "o").exists()


def test_missing_recipe_file_is_exit_2_with_absolute_path(tmp_path: Path) -> None:
    result = aicr("bundle", "-r", "nope.yaml", "-o", str(tmp_path / "o"), cwd=tmp_path)
    assert result.returncode == 2
    assert f"recipe file not found: {tmp_path / 'nope.yaml'}" in result.stderr


def test_verify_without_directory_is_exit_2() -> None:
    result = aicr("verify")
    assert result.returncode == 2
    assert "bundle directory is required: aicr verify <bundle-dir>" in result.stderr


def test_foreign_files_in_output_dir_exit_2_unless_force(embedded_recipe: Path, tmp_path: Path) -> None:
    out = tmp_path / "b"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")
    refused = aicr("bundle", "-r", str(embedded_recipe), "-o", str(out))
    assert refused.returncode == 2
    assert "not an earlier aicr bundle (found: notes.txt)" in refused.stderr
    assert os.listdir(out) == ["notes.txt"]
    forced = aicr("bundle", "-r", str(embedded_recipe), "-o", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert (out / "notes.txt").read_text() == "mine\n"
    assert (out / "checksums.txt").is_file()


def test_output_symlink_to_a_bundle_dir_is_followed_and_kept(embedded_recipe: Path, tmp_path: Path) -> None:
    real = tmp_path / "real"
    assert aicr("bundle", "-r", str(embedded_recipe), "-o", str(real)).returncode == 0
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    result = aicr("bundle", "-r", str(embedded_recipe), "-o", str(link), "-d", "argocd")
    assert result.returncode == 0, result.stderr
    assert link.is_symlink()
    assert "deployer: argocd" in (real / "bundle-info.yaml").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]
    assert aicr("verify", str(real)).returncode == 0


def test_incoherent_driver_ownership_is_refused_with_exit_2(embedded_recipe: Path, tmp_path: Path) -> None:
    out = tmp_path / "b"
    result = aicr(
        "bundle", "-r", str(embedded_recipe), "-o", str(out), "--set", "dradriver:nvidiaDriverRoot=/"
    )
    assert result.returncode == 2
    assert "component validation failed: gpu-operator:" in result.stderr
    assert "nvidiaDriverRoot=/" in result.stderr
    assert not out.exists()


def test_special_file_in_bundle_fails_verify(recipe: Path, tmp_path: Path) -> None:
    out = tmp_path / "b"
    assert aicr("bundle", "-r", str(recipe), "-o", str(out), "--data", str(FIXTURE_CATALOG)).returncode == 0
    os.mkfifo(out / "pipe")
    result = aicr("verify", str(out))
    assert result.returncode != 0
    assert "FIFO not allowed in bundle: pipe" in result.stdout + result.stderr


def test_summary_file_count_matches_what_verify_counts(recipe: Path, tmp_path: Path) -> None:
    import re

    out = tmp_path / "b"
    built = aicr("bundle", "-r", str(recipe), "--data", str(FIXTURE_CATALOG), "-o", str(out))
    assert built.returncode == 0, built.stderr
    match = re.search(r"Files generated: (\d+) plus checksums.txt", built.stderr)
    assert match is not None, built.stderr
    assert int(match.group(1)) + 1 == len([p for p in out.rglob("*") if p.is_file()])
    verify = aicr("verify", str(out))
    assert f"Checksums verified ({match.group(1)} files)" in verify.stdout


def test_bundle_writes_to_a_bundle_directory_by_default(embedded_recipe: Path, tmp_path: Path) -> None:
    result = aicr("bundle", "-r", str(embedded_recipe), "--quiet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "bundle" / "checksums.txt").is_file()
    assert result.stdout == ""
    assert "generated successfully" not in result.stderr  # --quiet: warnings only, no summary
