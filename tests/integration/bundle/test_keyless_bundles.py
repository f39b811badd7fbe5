"""`aicr bundle --attest` keyless and `aicr verify` of the result, through the CLI, against a local Sigstore."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.integration.bundle.bundle_support import fixture_recipe
from tests.integration.bundle.conftest import FIXTURE_CATALOG
from tests.support.sigstore_world import ISSUER, FakeSigstoreServer, SigstoreWorld, identity_token

import aicr
from aicr.cli.main import main

IDENTITY = "release@aicr.example"
POLICY = ["--certificate-identity-regexp", r"^release@aicr\.example$", "--certificate-oidc-issuer", ISSUER]
ATTESTATION = Path("attestation") / "bundle-attestation.sigstore.json"


@pytest.fixture(scope="module")
def world() -> SigstoreWorld:
    return SigstoreWorld()


@pytest.fixture
def sigstore(world: SigstoreWorld, tmp_path: Path) -> Iterator[tuple[FakeSigstoreServer, Path, Path]]:
    """(the fake services, the client trust config naming them, the trusted root)."""
    with FakeSigstoreServer(world) as server:
        config = tmp_path / "trust-config.json"
        config.write_text(json.dumps(world.client_trust_config(server.url)))
        root = tmp_path / "trusted_root.json"
        root.write_text(json.dumps(world.trusted_root()))
        yield server, config, root


@pytest.fixture
def recipe(fixture_catalog: aicr.Catalog, tmp_path: Path) -> Path:
    path = tmp_path / "recipe.yaml"
    path.write_text(fixture_recipe(fixture_catalog).to_yaml())
    return path


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("COSIGN_IDENTITY_TOKEN", "AICR_OIDC_DEVICE_FLOW", "AICR_FULCIO_URL", "AICR_REKOR_URL",
                "AICR_SIGNING_CONFIG", "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"):  # fmt: skip
        monkeypatch.delenv(var, raising=False)


def bundle(recipe: Path, out: Path, *extra: str) -> int:
    return main(["bundle", "-r", str(recipe), "--data", str(FIXTURE_CATALOG), "-o", str(out), *extra])


def verify(out: Path, *extra: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    code = main(["verify", str(out), "--format", "json", *extra])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
def signed(recipe: Path, sigstore: tuple[FakeSigstoreServer, Path, Path], tmp_path: Path) -> Path:
    _server, config, _root = sigstore
    out = tmp_path / "bundle"
    assert (
        bundle(
            recipe,
            out,
            "--attest",
            "--identity-token",
            identity_token(IDENTITY),
            "--signing-config",
            str(config),
        )
        == 0
    )
    return out


def test_keyless_bundle_is_attested_for_the_pinned_identity(
    signed: Path, sigstore: tuple[FakeSigstoreServer, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = verify(signed, "--trust-root", str(sigstore[2]), *POLICY, capsys=capsys)
    assert code == 0
    assert (report["trustLevel"], report["bundleCreator"], report["identityPinned"]) == (
        "attested",
        IDENTITY,
        True,
    )


def test_required_creator_makes_it_verified(
    signed: Path, sigstore: tuple[FakeSigstoreServer, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = verify(
        signed, "--trust-root", str(sigstore[2]), *POLICY, "--require-creator", IDENTITY,
        "--min-trust-level", "verified", capsys=capsys,
    )  # fmt: skip
    assert (code, report["trustLevel"]) == (0, "verified")


def test_keyless_bundle_without_identity_flags_is_unverified(
    signed: Path, sigstore: tuple[FakeSigstoreServer, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = verify(signed, "--min-trust-level", "attested", capsys=capsys)
    assert (code, report["trustLevel"]) == (2, "unverified")


def test_wrong_identity_fails_verification(
    signed: Path, sigstore: tuple[FakeSigstoreServer, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    policy = ["--certificate-identity-regexp", "^someone@else$", "--certificate-oidc-issuer", ISSUER]
    code, report = verify(signed, "--trust-root", str(sigstore[2]), *policy, capsys=capsys)
    assert code == 4 and "does not match --certificate-identity-regexp" in report["errors"][0]


def test_tampered_checksums_fail_keyless_verification(
    signed: Path, sigstore: tuple[FakeSigstoreServer, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    checksums = signed / "checksums.txt"
    checksums.write_text(checksums.read_text() + "0" * 64 + "  extra.txt\n")
    (signed / "extra.txt").write_text("x")
    code, _report = verify(signed, "--trust-root", str(sigstore[2]), *POLICY, capsys=capsys)
    assert code == 4


def test_attestation_of_another_bundle_fails(
    signed: Path, recipe: Path, sigstore: tuple[FakeSigstoreServer, Path, Path], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    other = tmp_path / "other"
    assert bundle(recipe, other, "--deployer", "helmfile") == 0
    (other / ATTESTATION).parent.mkdir()
    (other / ATTESTATION).write_bytes((signed / ATTESTATION).read_bytes())
    code, report = verify(other, "--trust-root", str(sigstore[2]), *POLICY, capsys=capsys)
    assert code == 4 and "subject does not match checksums.txt" in report["errors"][0]


def test_rekor_down_exits_unavailable_and_writes_nothing(
    recipe: Path, sigstore: tuple[FakeSigstoreServer, Path, Path], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    server, config, _root = sigstore
    server.fail_rekor = 503
    out = tmp_path / "bundle"
    code = bundle(
        recipe, out, "--attest", "--identity-token", identity_token(IDENTITY), "--signing-config", str(config)
    )
    assert code == 6 and not out.exists() and "UNAVAILABLE" in capsys.readouterr().err


def test_attest_without_a_signer_exits_2_naming_the_flags(
    recipe: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = bundle(recipe, tmp_path / "bundle", "--attest")
    err = capsys.readouterr().err
    assert code == 2 and "--identity-token" in err and "--oidc-device-flow" in err and "--signing-key" in err
