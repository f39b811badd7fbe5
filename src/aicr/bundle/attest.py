"""Bundle attestation: an in-toto Statement (SLSA provenance v1) in a DSSE envelope, as a Sigstore bundle.

Pure over bytes and keys (no file or network I/O; `cryptography` is imported only here, lazily by
the callers). The subject is `checksums.txt` (which covers every other file of the bundle); the
resolved dependencies are the recipe and the `--data` files with their SHA-256. Key signing works
fully offline: the envelope's signature is made with a PEM private key (ECDSA P-256/P-384,
Ed25519 or RSA) and the Sigstore bundle (media type v0.3) carries the key's hint (SHA-256 of its
SubjectPublicKeyInfo) instead of a certificate. `verify_attestation` checks signature, payload
type, statement type and subject digest, and names what failed (UNAUTHORIZED).
"""

from __future__ import annotations

import base64
import hashlib
import json

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://slsa.dev/provenance/v1"
PAYLOAD_TYPE = "application/vnd.in-toto+json"
BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json"
BUILD_TYPE = "https://aicr.nvidia.com/bundle/v1"
ATTESTATION_PATH = "attestation/bundle-attestation.sigstore.json"
SUBJECT_NAME = "checksums.txt"


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def statement(
    checksums: bytes,
    dependencies: dict[str, bytes],
    *,
    aicr_version: str,
    commit: str,
    parameters: dict[str, Any],
) -> dict[str, Any]:
    """The in-toto Statement for a bundle whose checksums.txt is `checksums` (deterministic)."""
    resolved = [
        {"uri": uri, "digest": {"sha256": sha256_hex(data)}} for uri, data in sorted(dependencies.items())
    ]
    return {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": SUBJECT_NAME, "digest": {"sha256": sha256_hex(checksums)}}],
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "buildDefinition": {
                "buildType": BUILD_TYPE,
                "externalParameters": parameters,
                "resolvedDependencies": resolved,
            },
            "runDetails": {
                "builder": {
                    "id": f"aicr@{aicr_version}",
                    "version": {"aicr": aicr_version, "commit": commit},
                },
            },
        },
    }


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE v1 pre-authentication encoding of a payload."""
    kind = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any, what: str) -> bytes:
    if not isinstance(text, str):
        raise AicrError(Code.UNAUTHORIZED, f"attestation: {what} is not base64 text")
    try:
        return base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise AicrError(Code.UNAUTHORIZED, f"attestation: {what} is not valid base64") from exc


def load_private_key(pem: bytes, source: str) -> Any:
    """A private key from PEM bytes (INVALID_REQUEST naming `source` when unreadable or encrypted)."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        return load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise AicrError(
            Code.INVALID_REQUEST, f"--signing-key {source}: not an unencrypted PEM private key ({exc})"
        ) from exc


def load_public_key(pem: bytes, source: str) -> Any:
    """A public key from PEM bytes (INVALID_REQUEST naming `source`)."""
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        return load_pem_public_key(pem)
    except (ValueError, TypeError) as exc:
        raise AicrError(Code.INVALID_REQUEST, f"--key {source}: not a PEM public key ({exc})") from exc


def key_hint(public_key: Any) -> str:
    """SHA-256 (hex) of the key's DER SubjectPublicKeyInfo: the bundle's key hint and DSSE keyid."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return sha256_hex(public_key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo))


def _sign(key: Any, data: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(data)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hashes.SHA256()))
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(
            data, padding.PSS(padding.MGF1(hashes.SHA256()), padding.PSS.MAX_LENGTH), hashes.SHA256()
        )
    raise AicrError(Code.INVALID_REQUEST, f"--signing-key: unsupported key type {type(key).__name__}")


def _verify_signature(key: Any, signature: bytes, data: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

    try:
        if isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, data)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(
                signature, data, padding.PSS(padding.MGF1(hashes.SHA256()), padding.PSS.AUTO), hashes.SHA256()
            )
        else:
            return False
    except InvalidSignature:
        return False
    return True


def sign_statement(stmt: dict[str, Any], private_key: Any) -> str:
    """The Sigstore bundle JSON (v0.3, public-key verification material) for a signed statement."""
    payload = json.dumps(stmt, sort_keys=True, separators=(",", ":")).encode()
    hint = key_hint(private_key.public_key())
    signature = _sign(private_key, pae(PAYLOAD_TYPE, payload))
    bundle = {
        "mediaType": BUNDLE_MEDIA_TYPE,
        "verificationMaterial": {"publicKey": {"hint": hint}, "tlogEntries": []},
        "dsseEnvelope": {
            "payload": _b64(payload),
            "payloadType": PAYLOAD_TYPE,
            "signatures": [{"sig": _b64(signature), "keyid": hint}],
        },
    }
    return json.dumps(bundle, indent=2, sort_keys=True) + "\n"


class Attestation:
    """A verified attestation: the statement and who signed it."""

    __slots__ = ("key_hint", "statement")

    def __init__(self, stmt: dict[str, Any], hint: str) -> None:
        self.statement = stmt
        self.key_hint = hint


def parse_bundle(text: bytes) -> dict[str, Any]:
    """The Sigstore bundle document, checked against the Sigstore bundle model (UNAUTHORIZED if malformed)."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise AicrError(Code.UNAUTHORIZED, f"attestation: not JSON ({exc})") from exc
    from pydantic import ValidationError
    from sigstore_models.bundle.v1 import Bundle

    try:
        Bundle.model_validate(doc)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise AicrError(
            Code.UNAUTHORIZED, f"attestation: not a Sigstore bundle ({first['msg']} at {first['loc']})"
        ) from exc
    if doc.get("mediaType") != BUNDLE_MEDIA_TYPE or "dsseEnvelope" not in doc:
        raise AicrError(
            Code.UNAUTHORIZED, "attestation: expected a v0.3 Sigstore bundle with a DSSE envelope"
        )
    result: dict[str, Any] = doc
    return result


def verify_attestation(text: bytes, public_key: Any, checksums: bytes) -> Attestation:
    """Check a key-signed attestation against `public_key` and the bundle's checksums.txt bytes."""
    doc = parse_bundle(text)
    envelope = doc["dsseEnvelope"]
    if envelope.get("payloadType") != PAYLOAD_TYPE:
        raise AicrError(
            Code.UNAUTHORIZED, f"attestation: payload type {envelope.get('payloadType')!r} is not in-toto"
        )
    payload = _unb64(envelope.get("payload"), "payload")
    message = pae(PAYLOAD_TYPE, payload)
    hint = key_hint(public_key)
    signatures = envelope.get("signatures") or []
    if not any(_verify_signature(public_key, _unb64(s.get("sig"), "signature"), message) for s in signatures):
        raise AicrError(Code.UNAUTHORIZED, "attestation: signature does not verify with the given key")
    try:
        stmt = json.loads(payload)
    except ValueError as exc:
        raise AicrError(Code.UNAUTHORIZED, "attestation: signed payload is not JSON") from exc
    if (
        not isinstance(stmt, dict)
        or stmt.get("_type") != STATEMENT_TYPE
        or stmt.get("predicateType") != PREDICATE_TYPE
    ):
        raise AicrError(Code.UNAUTHORIZED, "attestation: payload is not an in-toto SLSA provenance statement")
    want = sha256_hex(checksums)
    subjects = stmt.get("subject") or []
    if not any(
        s.get("name") == SUBJECT_NAME and (s.get("digest") or {}).get("sha256") == want for s in subjects
    ):
        raise AicrError(
            Code.UNAUTHORIZED, f"attestation: subject does not match checksums.txt (sha256 {want})"
        )
    return Attestation(stmt, hint)
