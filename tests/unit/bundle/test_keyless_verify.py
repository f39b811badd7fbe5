"""Keyless attestations checked offline against a private Sigstore world built by the tests."""

from __future__ import annotations

import base64
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from tests.support.sigstore_world import ISSUER, SigstoreWorld

from aicr.bundle import keyless_verify
from aicr.errors import AicrError, Code

IDENTITY = "release@aicr.example"
POLICY = (r"^release@aicr\.example$", ISSUER)
STATEMENT: dict[str, Any] = {
    "_type": "https://in-toto.io/Statement/v1",
    "subject": [{"name": "checksums.txt", "digest": {"sha256": "ab" * 32}}],
    "predicateType": "https://slsa.dev/provenance/v1",
    "predicate": {"buildDefinition": {"buildType": "https://aicr.nvidia.com/bundle/v1"}},
}


@pytest.fixture(scope="module")
def world() -> SigstoreWorld:
    return SigstoreWorld()


@pytest.fixture(scope="module")
def trusted_root(world: SigstoreWorld, tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("root") / "trusted_root.json"
    path.write_text(json.dumps(world.trusted_root()))
    return keyless_verify.load_trusted_root(str(path))


def verify(text: str, root: Any, pattern: str = POLICY[0], issuer: str = POLICY[1]) -> tuple[bytes, str]:
    return keyless_verify.verify_keyless(text.encode(), root, keyless_verify.Identity(pattern, issuer))


def refused(text: str, root: Any, **policy: str) -> str:
    with pytest.raises(AicrError) as caught:
        verify(text, root, **policy)
    assert caught.value.code is Code.UNAUTHORIZED
    return caught.value.message


def test_good_bundle_gives_the_statement_and_the_signer(world: SigstoreWorld, trusted_root: Any) -> None:
    payload, who = verify(world.keyless_bundle(STATEMENT, IDENTITY), trusted_root)
    assert json.loads(payload) == STATEMENT and who == IDENTITY


def test_uri_identity_of_a_workflow_matches(world: SigstoreWorld, trusted_root: Any) -> None:
    workflow = "https://github.com/NVIDIA/aicr/.github/workflows/on-tag.yaml@refs/tags/v1.0.0"
    text = world.keyless_bundle(STATEMENT, workflow, issuer="https://token.actions.githubusercontent.com")
    _payload, who = verify(
        text,
        trusted_root,
        r"^https://github\.com/NVIDIA/aicr/",
        "https://token.actions.githubusercontent.com",
    )
    assert who == workflow


def test_identity_not_matching_the_regexp_is_refused(world: SigstoreWorld, trusted_root: Any) -> None:
    message = refused(world.keyless_bundle(STATEMENT, "intruder@evil.example"), trusted_root)
    assert "intruder@evil.example" in message and "--certificate-identity-regexp" in message


def test_other_oidc_issuer_is_refused(world: SigstoreWorld, trusted_root: Any) -> None:
    text = world.keyless_bundle(STATEMENT, IDENTITY, issuer="https://accounts.evil.example")
    message = refused(text, trusted_root)
    assert "accounts.evil.example" in message and "--certificate-oidc-issuer" in message


def test_certificate_from_another_ca_does_not_chain(world: SigstoreWorld, trusted_root: Any) -> None:
    stranger = SigstoreWorld()
    text = world.keyless_bundle(STATEMENT, IDENTITY, ca_key=stranger.inter_key, ca_cert=stranger.intermediate)
    assert "certificate chain" in refused(text, trusted_root)


def test_bundle_of_another_world_is_refused(trusted_root: Any) -> None:
    assert "certificate chain" in refused(SigstoreWorld().keyless_bundle(STATEMENT, IDENTITY), trusted_root)


def _edit(text: str, change: Any) -> str:
    doc = json.loads(text)
    change(doc)
    return json.dumps(doc)


def test_tampered_statement_is_refused(world: SigstoreWorld, trusted_root: Any) -> None:
    forged = dict(STATEMENT, subject=[{"name": "checksums.txt", "digest": {"sha256": "cd" * 32}}])
    payload = base64.b64encode(json.dumps(forged).encode()).decode()
    text = _edit(
        world.keyless_bundle(STATEMENT, IDENTITY), lambda d: d["dsseEnvelope"].update(payload=payload)
    )
    assert "DSSE: invalid signature" in refused(text, trusted_root)


def test_tampered_signature_is_refused(world: SigstoreWorld, trusted_root: Any) -> None:
    def flip(doc: dict[str, Any]) -> None:
        sig = bytearray(base64.b64decode(doc["dsseEnvelope"]["signatures"][0]["sig"]))
        sig[-1] ^= 0x01
        doc["dsseEnvelope"]["signatures"][0]["sig"] = base64.b64encode(bytes(sig)).decode()

    assert "DSSE: invalid signature" in refused(
        _edit(world.keyless_bundle(STATEMENT, IDENTITY), flip), trusted_root
    )


def test_certificate_expired_at_the_integrated_time_is_refused(
    world: SigstoreWorld, trusted_root: Any
) -> None:
    issued = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    text = world.keyless_bundle(STATEMENT, IDENTITY, not_before=issued, integrated=dt.datetime.now(dt.UTC))
    assert "not valid at validation time" in refused(text, trusted_root)


def test_bundle_without_a_log_entry_is_refused(world: SigstoreWorld, trusted_root: Any) -> None:
    text = _edit(
        world.keyless_bundle(STATEMENT, IDENTITY), lambda d: d["verificationMaterial"].update(tlogEntries=[])
    )
    assert "not a valid Sigstore bundle" in refused(text, trusted_root)


def test_forged_log_entry_time_breaks_the_signed_entry_timestamp(
    world: SigstoreWorld, trusted_root: Any
) -> None:
    def shift(doc: dict[str, Any]) -> None:
        entry = doc["verificationMaterial"]["tlogEntries"][0]
        entry["integratedTime"] = str(int(entry["integratedTime"]) + 1)

    assert "inclusion promise" in refused(
        _edit(world.keyless_bundle(STATEMENT, IDENTITY), shift), trusted_root
    )


def test_issuer_extension_is_read_from_the_der_utf8_string(world: SigstoreWorld) -> None:
    cert = world.issue_leaf(ec.generate_private_key(ec.SECP256R1()).public_key(), IDENTITY, issuer=ISSUER)
    assert keyless_verify.certificate_issuer(cert) == ISSUER
    assert keyless_verify.certificate_identity(cert) == IDENTITY


def test_invalid_identity_regexp_is_a_bad_request() -> None:
    with pytest.raises(AicrError) as caught:
        keyless_verify.Identity("([", ISSUER)
    assert (
        caught.value.code is Code.INVALID_REQUEST and "--certificate-identity-regexp" in caught.value.message
    )


def test_pem_trust_root_for_a_keyless_bundle_is_a_bad_request(tmp_path: Path) -> None:
    pem = tmp_path / "release.pem"
    pem.write_text("-----BEGIN PUBLIC KEY-----\n")
    with pytest.raises(AicrError) as caught:
        keyless_verify.load_trusted_root(str(pem))
    assert caught.value.code is Code.INVALID_REQUEST and "trusted_root.json" in caught.value.message


def test_default_trust_root_is_the_public_good_one_and_refuses_a_private_ca(world: SigstoreWorld) -> None:
    public_good = keyless_verify.load_trusted_root("")
    assert "certificate chain" in refused(world.keyless_bundle(STATEMENT, IDENTITY), public_good)


def test_missing_sigstore_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sigstore", None)
    with pytest.raises(AicrError) as caught:
        keyless_verify.load_trusted_root("")
    assert caught.value.code is Code.INVALID_REQUEST and "aicr[keyless]" in caught.value.message


def test_identity_regexp_without_issuer_is_a_bad_request() -> None:
    from aicr.bundle.signing import KeylessIdentity

    with pytest.raises(AicrError) as caught:
        KeylessIdentity(r"^release@", "")
    assert caught.value.code is Code.INVALID_REQUEST and "--certificate-oidc-issuer" in caught.value.message
