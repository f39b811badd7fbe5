"""Signed bundles, SBOMs and OCI push/pull through the real CLI (a real docker-registry on loopback)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from tests.support.oci_registry import LocalRegistry, free_port

FIXTURE_CATALOG = Path(__file__).resolve().parent.parent / "fixtures" / "bundle-catalog"


def aicr(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AICR_")}
    return subprocess.run(
        [sys.executable, "-m", "aicr.cli.main", *args], capture_output=True, text=True, env=env
    )


@pytest.fixture(scope="module")
def recipe(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import aicr as lib

    catalog = lib.load_catalog(root=str(FIXTURE_CATALOG))
    path = tmp_path_factory.mktemp("recipe") / "recipe.yaml"
    path.write_text(catalog.resolve(lib.Criteria(service="eks", intent="training")).to_yaml())
    return path


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(private key, public key, trust-root directory holding the public key as release.pem)."""
    root = tmp_path_factory.mktemp("keys")
    key = ec.generate_private_key(ec.SECP256R1())
    private = root / "signing.key"
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (root / "trust").mkdir()
    (root / "trust" / "release.pem").write_bytes(public)
    (root / "signing.pem").write_bytes(public)
    return private, root / "signing.pem", root / "trust"


def bundle(recipe: Path, out: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return aicr("bundle", "-r", str(recipe), "--data", str(FIXTURE_CATALOG), "-o", out, *extra)


def test_signed_bundle_reaches_attested_and_verified(
    recipe: Path, keys: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    private, public, trust = keys
    out = tmp_path / "b"
    built = bundle(recipe, str(out), "--attest", "--signing-key", str(private), "--sbom")
    assert built.returncode == 0, built.stderr
    assert (out / "attestation" / "bundle-attestation.sigstore.json").is_file()
    assert json.loads((out / "sbom.cdx.json").read_text())["bomFormat"] == "CycloneDX"
    attested = aicr("verify", str(out), "--key", str(public), "--format", "json")
    assert attested.returncode == 0, attested.stdout + attested.stderr
    assert json.loads(attested.stdout)["trustLevel"] == "attested"
    assert aicr("verify", str(out), "--key", str(public), "--min-trust-level", "verified").returncode == 2
    verified = aicr(
        "verify", str(out), "--trust-root", str(trust), "--require-creator", "release", "--format", "json"
    )
    assert verified.returncode == 0, verified.stdout
    report = json.loads(verified.stdout)
    assert (report["trustLevel"], report["bundleCreator"], report["bundleAttested"]) == (
        "verified",
        "release",
        True,
    )
    unkeyed = aicr("verify", str(out))
    assert unkeyed.returncode == 0 and "pass --key or --trust-root" in unkeyed.stdout


@pytest.mark.parametrize(
    "target", ["checksums.txt", "attestation/bundle-attestation.sigstore.json", "recipe.yaml"]
)
def test_tampering_fails_verification_with_exit_4(
    recipe: Path, keys: tuple[Path, Path, Path], tmp_path: Path, target: str
) -> None:
    private, public, _trust = keys
    out = tmp_path / "b"
    assert bundle(recipe, str(out), "--attest", "--signing-key", str(private)).returncode == 0
    path = out / target
    text = path.read_text()
    path.write_text(text.replace("a", "b", 1) if target != "checksums.txt" else text + "0" * 64 + "  x\n")
    result = aicr("verify", str(out), "--key", str(public))
    assert result.returncode == 4, result.stdout + result.stderr


def test_push_pull_and_verify_through_a_registry(
    recipe: Path, keys: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    private, public, _trust = keys
    with LocalRegistry(tmp_path / "registry") as reg:
        uri = f"oci://{reg.host}/aicr/bundle:v1"
        refs = [tmp_path / "refs1.txt", tmp_path / "refs2.txt"]
        for path in refs:
            pushed = bundle(recipe, uri, "--plain-http", "--attest", "--signing-key", str(private),
                            "--image-refs", str(path))  # fmt: skip
            assert pushed.returncode == 0, pushed.stderr
        assert refs[0].read_text() == refs[1].read_text()  # two pushes, one digest
        assert "@sha256:" in refs[0].read_text()
        pinned = "oci://" + refs[0].read_text().strip()
        result = aicr("verify", pinned, "--plain-http", "--key", str(public), "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["trustLevel"] == "attested"


def test_registry_down_is_exit_6(recipe: Path, tmp_path: Path) -> None:
    result = bundle(recipe, f"oci://127.0.0.1:{free_port()}/aicr/bundle:v1", "--plain-http")
    assert result.returncode == 6, result.stderr
    assert "unreachable" in result.stderr


def test_verify_missing_tag_is_exit_3(tmp_path: Path) -> None:
    with LocalRegistry(tmp_path / "registry") as reg:
        result = aicr("verify", f"oci://{reg.host}/aicr/none:v1", "--plain-http")
    assert result.returncode == 3, result.stderr
