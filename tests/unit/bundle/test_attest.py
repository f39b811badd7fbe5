"""Bundle attestations: DSSE signing and verification with real keys, and every tampering case."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from aicr.bundle import attest
from aicr.errors import AicrError, Code

CHECKSUMS = b"abc  recipe.yaml\n"
PrivateKey = ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey
KEYS: dict[str, Callable[[], PrivateKey]] = {
    "ec-p256": lambda: ec.generate_private_key(ec.SECP256R1()),
    "ed25519": ed25519.Ed25519PrivateKey.generate,
    "rsa-2048": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
}


def make_statement(checksums: bytes = CHECKSUMS) -> dict[str, Any]:
    return attest.statement(
        checksums,
        {"recipe.yaml": b"kind: RecipeResult\n", "data/registry.yaml": b"x"},
        aicr_version="v0.1.0",
        commit="abc1234",
        parameters={"deployer": "helm"},
    )


def test_pae_matches_the_dsse_specification_example() -> None:
    assert attest.pae("http://example.com/HelloWorld", b"hello world") == (
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )


def test_statement_is_deterministic_and_names_checksums_and_dependencies() -> None:
    stmt = make_statement()
    assert stmt == make_statement()
    assert stmt["subject"] == [{"name": "checksums.txt", "digest": {"sha256": attest.sha256_hex(CHECKSUMS)}}]
    uris = [d["uri"] for d in stmt["predicate"]["buildDefinition"]["resolvedDependencies"]]
    assert uris == ["data/registry.yaml", "recipe.yaml"]
    assert stmt["predicate"]["runDetails"]["builder"]["id"] == "aicr@v0.1.0"


@pytest.mark.parametrize("kind", sorted(KEYS))
def test_sign_then_verify_round_trips(kind: str) -> None:
    key = KEYS[kind]()
    text = attest.sign_statement(make_statement(), key)
    result = attest.verify_attestation(text.encode(), key.public_key(), CHECKSUMS)
    assert result.statement == make_statement()
    assert result.key_hint == attest.key_hint(key.public_key())


def test_bundle_is_a_valid_sigstore_v03_bundle() -> None:
    from sigstore_models.bundle.v1 import Bundle

    doc = json.loads(attest.sign_statement(make_statement(), ec.generate_private_key(ec.SECP256R1())))
    Bundle.model_validate(doc)
    assert doc["mediaType"] == "application/vnd.dev.sigstore.bundle.v0.3+json"
    assert doc["dsseEnvelope"]["payloadType"] == "application/vnd.in-toto+json"


def test_wrong_key_is_refused() -> None:
    text = attest.sign_statement(make_statement(), ed25519.Ed25519PrivateKey.generate())
    other = ed25519.Ed25519PrivateKey.generate().public_key()
    with pytest.raises(AicrError, match="signature does not verify") as err:
        attest.verify_attestation(text.encode(), other, CHECKSUMS)
    assert err.value.code is Code.UNAUTHORIZED


def test_tampered_statement_is_refused() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    doc = json.loads(attest.sign_statement(make_statement(), key))
    stmt = json.loads(base64.b64decode(doc["dsseEnvelope"]["payload"]))
    stmt["predicate"]["buildDefinition"]["externalParameters"]["deployer"] = "flux"
    doc["dsseEnvelope"]["payload"] = base64.b64encode(json.dumps(stmt).encode()).decode()
    with pytest.raises(AicrError, match="signature does not verify"):
        attest.verify_attestation(json.dumps(doc).encode(), key.public_key(), CHECKSUMS)


def test_tampered_signature_is_refused() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    doc = json.loads(attest.sign_statement(make_statement(), key))
    sig = bytearray(base64.b64decode(doc["dsseEnvelope"]["signatures"][0]["sig"]))
    sig[0] ^= 1
    doc["dsseEnvelope"]["signatures"][0]["sig"] = base64.b64encode(bytes(sig)).decode()
    with pytest.raises(AicrError, match="signature does not verify"):
        attest.verify_attestation(json.dumps(doc).encode(), key.public_key(), CHECKSUMS)


def test_changed_checksums_no_longer_match_the_subject() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    text = attest.sign_statement(make_statement(), key)
    with pytest.raises(AicrError, match="subject does not match checksums.txt"):
        attest.verify_attestation(text.encode(), key.public_key(), CHECKSUMS + b"def  extra\n")


@pytest.mark.parametrize(
    "text",
    [b"not json", b"{}", b'{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json"}', b"[1, 2]"],
)
def test_garbage_bundles_are_unauthorized_not_crashes(text: bytes) -> None:
    with pytest.raises(AicrError) as err:
        attest.verify_attestation(text, ed25519.Ed25519PrivateKey.generate().public_key(), CHECKSUMS)
    assert err.value.code is Code.UNAUTHORIZED


def test_unreadable_private_key_is_invalid_request() -> None:
    with pytest.raises(AicrError) as err:
        attest.load_private_key(b"-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n", "k.pem")
    assert err.value.code is Code.INVALID_REQUEST and "k.pem" in err.value.message


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda d: d["verificationMaterial"].update(certificate={"rawBytes": "eA=="}), "exactly one of"),
        (lambda d: d.update(messageSignature={}), "messageSignature"),
        (lambda d: d["dsseEnvelope"].update(signatures=[]), "at least one signature"),
        (lambda d: d.update(mediaType="application/vnd.dev.sigstore.bundle+json;version=0.1"), "mediaType"),
        (lambda d: d["verificationMaterial"].pop("tlogEntries"), "tlogEntries"),
    ],
)
def test_malformed_bundle_shapes_are_refused(change: Any, why: str) -> None:
    doc = json.loads(attest.sign_statement(make_statement(), ed25519.Ed25519PrivateKey.generate()))
    change(doc)
    with pytest.raises(AicrError, match=why) as err:
        attest.parse_bundle(json.dumps(doc).encode())
    assert err.value.code is Code.UNAUTHORIZED
