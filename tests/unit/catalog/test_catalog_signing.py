"""Signed --data catalogs: sign, verify, and every way a signed catalog can be tampered with."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from aicr.catalog import signing
from aicr.errors import AicrError, Code

KEY = ed25519.Ed25519PrivateKey.generate()
PEM = KEY.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
)


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    (root / "overlays").mkdir(parents=True)
    (root / "registry.yaml").write_text("kind: ComponentRegistry\n")
    (root / "overlays" / "mine.yaml").write_text("kind: RecipeMetadata\n")
    signing.sign_catalog(str(root), PEM, "k.pem", "v0.1.0")
    return root


def test_signed_catalog_verifies_and_lists_its_files(catalog: Path) -> None:
    assert signing.verify_catalog(str(catalog), KEY.public_key()) == ["overlays/mine.yaml", "registry.yaml"]


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda root: (root / "registry.yaml").write_text("kind: Changed\n"), "registry.yaml was changed"),
        (lambda root: (root / "overlays" / "extra.yaml").write_text("x\n"), "overlays/extra.yaml was added"),
        (lambda root: (root / "overlays" / "mine.yaml").unlink(), "overlays/mine.yaml is missing"),
        (lambda root: os.symlink("/etc/hostname", root / "link.yaml"), "link.yaml is not a regular file"),
    ],
)
def test_tampering_is_unauthorized_and_named(catalog: Path, tamper: object, message: str) -> None:
    tamper(catalog)  # type: ignore[operator]
    with pytest.raises(AicrError, match=message) as err:
        signing.verify_catalog(str(catalog), KEY.public_key())
    assert err.value.code is Code.UNAUTHORIZED


def test_other_key_is_refused(catalog: Path) -> None:
    with pytest.raises(AicrError, match="signature does not verify"):
        signing.verify_catalog(str(catalog), ed25519.Ed25519PrivateKey.generate().public_key())


def test_unsigned_catalog_is_unauthorized(tmp_path: Path) -> None:
    (tmp_path / "registry.yaml").write_text("x\n")
    with pytest.raises(AicrError, match="is not signed") as err:
        signing.verify_catalog(str(tmp_path), KEY.public_key())
    assert err.value.code is Code.UNAUTHORIZED


def test_a_bundle_attestation_is_not_a_catalog_signature(catalog: Path) -> None:
    from aicr.bundle import attest

    stmt = attest.statement(b"x", {}, aicr_version="v", commit="c", parameters={})
    (catalog / signing.SIGNATURE_FILE).write_text(attest.sign_statement(stmt, KEY))
    with pytest.raises(AicrError, match="not a catalog signature"):
        signing.verify_catalog(str(catalog), KEY.public_key())
