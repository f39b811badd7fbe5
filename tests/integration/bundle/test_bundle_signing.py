"""Signing real bundles with a key and judging their trust level (attested / verified / refused)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from tests.integration.bundle.bundle_support import fixture_recipe

import aicr
from aicr.bundle import attest, signing
from aicr.errors import AicrError, Code


def write_key(path: Path, key: ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey) -> tuple[Path, Path]:
    private = path.with_suffix(".key")
    public = path.with_suffix(".pem")
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private, public


@pytest.fixture
def signed(fixture_catalog: aicr.Catalog, tmp_path: Path) -> tuple[Path, Path, Path]:
    root = tmp_path / "bundle"
    aicr.build_bundle(fixture_recipe(fixture_catalog), root, catalog=fixture_catalog)
    keys = tmp_path / "keys"
    keys.mkdir()
    private, public = write_key(keys / "release-team", ec.generate_private_key(ec.SECP256R1()))
    signing.sign_bundle(
        str(root), str(private), aicr_version="v0.1.0", commit="abc", parameters={"deployer": "helm"}
    )
    return root, public, keys


def test_unsigned_bundle_is_unverified(fixture_catalog: aicr.Catalog, tmp_path: Path) -> None:
    aicr.build_bundle(fixture_recipe(fixture_catalog), tmp_path / "b", catalog=fixture_catalog)
    assert signing.judge_attestation(str(tmp_path / "b")).level == "unverified"


def test_signature_with_the_given_key_is_attested(signed: tuple[Path, Path, Path]) -> None:
    root, public, _keys = signed
    judgement = signing.judge_attestation(str(root), key_path=str(public))
    assert judgement.level == "attested" and "not in a trust root" in judgement.detail
    assert aicr.verify_bundle(str(root)).checksums_passed  # the attestation is outside checksums


def test_signer_in_the_trust_root_is_verified(signed: tuple[Path, Path, Path]) -> None:
    root, _public, keys = signed
    (keys / "release-team.key").unlink()
    judgement = signing.judge_attestation(str(root), trust_root=str(keys))
    assert (judgement.level, judgement.signer) == ("verified", "release-team")
    assert signing.judge_attestation(
        str(root), trust_root=str(keys), require_creator="release-team"
    ).level == ("verified")


def test_require_creator_of_another_name_stays_attested(signed: tuple[Path, Path, Path]) -> None:
    root, _public, keys = signed
    (keys / "release-team.key").unlink()
    judgement = signing.judge_attestation(str(root), trust_root=str(keys), require_creator="someone-else")
    assert judgement.level == "attested" and "is not someone-else" in judgement.detail


def test_attestation_without_a_key_is_reported_but_not_trusted(signed: tuple[Path, Path, Path]) -> None:
    root, _public, _keys = signed
    judgement = signing.judge_attestation(str(root))
    assert judgement.level == "unverified" and "pass --key" in judgement.detail


def test_tampered_checksums_are_refused(signed: tuple[Path, Path, Path]) -> None:
    root, public, _keys = signed
    with (root / "checksums.txt").open("a") as fh:
        fh.write("0" * 64 + "  extra.yaml\n")
    with pytest.raises(AicrError, match="subject does not match") as err:
        signing.judge_attestation(str(root), key_path=str(public))
    assert err.value.code is Code.UNAUTHORIZED


def test_wrong_key_is_refused(signed: tuple[Path, Path, Path], tmp_path: Path) -> None:
    root, _public, _keys = signed
    _private, other = write_key(tmp_path / "other", ed25519.Ed25519PrivateKey.generate())
    with pytest.raises(AicrError, match="signature does not verify") as err:
        signing.judge_attestation(str(root), key_path=str(other))
    assert err.value.code is Code.UNAUTHORIZED


def test_statement_records_recipe_digest(signed: tuple[Path, Path, Path]) -> None:
    root, public, _keys = signed
    text = (root / attest.ATTESTATION_PATH).read_bytes()
    result = attest.verify_attestation(text, attest.load_public_key(public.read_bytes(), "k"),
                                       (root / "checksums.txt").read_bytes())  # fmt: skip
    deps = result.statement["predicate"]["buildDefinition"]["resolvedDependencies"]
    assert deps[0]["uri"] == "recipe.yaml"
    assert deps[0]["digest"]["sha256"] == attest.sha256_hex((root / "recipe.yaml").read_bytes())


def test_missing_signing_key_is_not_found(fixture_catalog: aicr.Catalog, tmp_path: Path) -> None:
    aicr.build_bundle(fixture_recipe(fixture_catalog), tmp_path / "b", catalog=fixture_catalog)
    with pytest.raises(AicrError) as err:
        signing.sign_bundle(
            str(tmp_path / "b"), str(tmp_path / "nope.key"), aicr_version="v", commit="c", parameters={}
        )
    assert err.value.code is Code.NOT_FOUND
