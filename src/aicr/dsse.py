"""DSSE envelopes in Sigstore bundles: sign and check in-toto statements with a PEM key, offline.

Pure over bytes and keys (no file or network I/O; `cryptography` is
imported lazily). A statement is serialised as compact sorted JSON, signed over the DSSE v1
pre-authentication encoding (ECDSA P-256/P-384 with SHA-256, Ed25519, or RSA-PSS), and wrapped
in a Sigstore bundle (media type v0.3) whose verification material is the key's hint (SHA-256 of
its SubjectPublicKeyInfo) instead of a certificate. Failures to verify are UNAUTHORIZED.
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
PAYLOAD_TYPE = "application/vnd.in-toto+json"
BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json"


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE v1 pre-authentication encoding of a payload."""
    kind = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


def b64(data: bytes) -> str:
    """Standard base64 text of `data`."""
    return base64.b64encode(data).decode("ascii")


def unb64(text: Any, what: str) -> bytes:
    """Bytes of base64 `text` (UNAUTHORIZED naming `what` when it is not valid base64)."""
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


def sign_bytes(key: Any, data: bytes) -> bytes:
    """Signature of `data` with a private key (ECDSA/SHA-256, Ed25519 or RSA-PSS/SHA-256)."""
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


def verify_signature(key: Any, signature: bytes, data: bytes) -> bool:
    """Whether `signature` over `data` verifies with the public `key`."""
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
    signature = sign_bytes(private_key, pae(PAYLOAD_TYPE, payload))
    bundle = {
        "mediaType": BUNDLE_MEDIA_TYPE,
        "verificationMaterial": {"publicKey": {"hint": hint}, "tlogEntries": []},
        "dsseEnvelope": {
            "payload": b64(payload),
            "payloadType": PAYLOAD_TYPE,
            "signatures": [{"sig": b64(signature), "keyid": hint}],
        },
    }
    return json.dumps(bundle, indent=2, sort_keys=True) + "\n"


_MATERIAL = ("publicKey", "x509CertificateChain", "certificate")


def _bad(why: str) -> AicrError:
    return AicrError(
        Code.UNAUTHORIZED, f"attestation: not a v0.3 Sigstore bundle with a DSSE envelope ({why})"
    )


def parse_bundle(text: bytes) -> dict[str, Any]:
    """The Sigstore bundle document, its shape checked strictly (UNAUTHORIZED if malformed).

    The checks follow the Sigstore bundle model (protobuf-specs): media type v0.3, exactly one
    kind of verification material with a `tlogEntries` list, and a DSSE envelope with a payload,
    a payload type and at least one signature; the tests cross-check our output with
    `sigstore_models`.
    """
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise AicrError(Code.UNAUTHORIZED, f"attestation: not JSON ({exc})") from exc
    if not isinstance(doc, dict):
        raise _bad("not an object")
    if doc.get("mediaType") != BUNDLE_MEDIA_TYPE:
        raise _bad(f"mediaType {doc.get('mediaType')!r}")
    material = doc.get("verificationMaterial")
    if not isinstance(material, dict) or sum(bool(material.get(k)) for k in _MATERIAL) != 1:
        raise _bad("verificationMaterial must hold exactly one of " + ", ".join(_MATERIAL))
    if not isinstance(material.get("tlogEntries"), list):
        raise _bad("verificationMaterial.tlogEntries must be a list")
    if "messageSignature" in doc:
        raise _bad("a messageSignature bundle, not a DSSE envelope")
    envelope = doc.get("dsseEnvelope")
    if not isinstance(envelope, dict) or not isinstance(envelope.get("payloadType"), str):
        raise _bad("dsseEnvelope with a payloadType is missing")
    signatures = envelope.get("signatures")
    if not isinstance(envelope.get("payload"), str) or not isinstance(signatures, list) or not signatures:
        raise _bad("dsseEnvelope needs a payload and at least one signature")
    if not all(isinstance(sig, dict) and isinstance(sig.get("sig"), str) for sig in signatures):
        raise _bad("every signature needs a sig")
    result: dict[str, Any] = doc
    return result
