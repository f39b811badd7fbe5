"""Keyless verification: a certificate-signed attestation checked against a Sigstore trusted root.

Edge module (reads the trusted-root file; no network). sigstore-python, imported only here,
checks what needs the trusted root: the certificate chains to a Fulcio CA valid at the log's
integrated time, its embedded SCT verifies with a CT log key, the transparency-log entry's
inclusion proof, checkpoint and signed entry timestamp verify with the Rekor key, the entry
records this envelope, and the DSSE signature verifies with the certificate's key. This module
adds the identity policy (the certificate's SAN must match `--certificate-identity-regexp`,
searched like cosign does; its OIDC issuer extension must equal `--certificate-oidc-issuer`) and
the bundle checks of `aicr.bundle.attest`. The default trusted root is the public-good one that
ships with sigstore-python (no TUF refresh). Every failure is UNAUTHORIZED and names the check.
"""

from __future__ import annotations

import json
import re

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

ISSUER_V2_OID = "1.3.6.1.4.1.57264.1.8"
ISSUER_V1_OID = "1.3.6.1.4.1.57264.1.1"
TRUSTED_ROOT_MEDIA = "application/vnd.dev.sigstore.trustedroot+json;version=0.1"


class Identity:
    """Who a keyless signature must come from."""

    __slots__ = ("issuer", "pattern")

    def __init__(self, pattern: str, issuer: str) -> None:
        try:
            self.pattern = re.compile(pattern)
        except re.error as exc:
            raise AicrError(
                Code.INVALID_REQUEST, f"--certificate-identity-regexp {pattern!r}: invalid ({exc})"
            ) from exc
        self.issuer = issuer


def certificate_identity(cert: Any) -> str:
    """The certificate's signer identity: its first email or URI SAN ('' when it has none)."""
    from cryptography import x509

    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return ""
    for kind in (x509.RFC822Name, x509.UniformResourceIdentifier, x509.OtherName):
        values = names.get_values_for_type(kind)
        for value in values:
            if isinstance(value, str):
                return value
    return ""


def certificate_issuer(cert: Any) -> str:
    """The Fulcio OIDC issuer extension (.8, DER UTF8String; else the legacy raw .1), or ''."""
    from cryptography import x509

    for oid, der in ((ISSUER_V2_OID, True), (ISSUER_V1_OID, False)):
        try:
            raw = cert.extensions.get_extension_for_oid(x509.ObjectIdentifier(oid)).value.value
        except x509.ExtensionNotFound:
            continue
        data = _der_utf8(raw) if der else raw
        try:
            return str(data.decode("utf-8"))
        except UnicodeDecodeError:
            return ""
    return ""


def _der_utf8(raw: bytes) -> bytes:
    """The content of a DER UTF8String (tag 0x0c), or b'' when `raw` is not one."""
    if len(raw) < 2 or raw[0] != 0x0C:
        return b""
    length, offset = raw[1], 2
    if length & 0x80:
        count = length & 0x7F
        length, offset = int.from_bytes(raw[2 : 2 + count], "big"), 2 + count
    body = raw[offset : offset + length]
    return body if len(body) == length and offset + length == len(raw) else b""


def check_identity(cert: Any, identity: Identity) -> str:
    """The certificate's identity, when it matches; UNAUTHORIZED naming the mismatch otherwise."""
    who = certificate_identity(cert)
    if not who or not identity.pattern.search(who):
        raise AicrError(
            Code.UNAUTHORIZED,
            f"attestation: certificate identity {who!r} does not match "
            f"--certificate-identity-regexp {identity.pattern.pattern!r}",
        )
    issuer = certificate_issuer(cert)
    if issuer != identity.issuer:
        raise AicrError(
            Code.UNAUTHORIZED,
            f"attestation: certificate OIDC issuer {issuer!r} is not --certificate-oidc-issuer "
            f"{identity.issuer!r}",
        )
    return who


def load_trusted_root(path: str) -> Any:
    """A sigstore TrustedRoot from a trusted_root.json file, or the bundled public-good one."""
    from aicr.bundle.keyless import require_sigstore

    require_sigstore("verifying a keyless attestation")
    from sigstore.models import ClientTrustConfig, TrustedRoot

    if not path:
        return ClientTrustConfig.production(offline=True).trusted_root
    try:
        with open(path, "rb") as fh:
            doc = json.loads(fh.read(8 * 1024 * 1024))
    except FileNotFoundError as exc:
        raise AicrError(Code.NOT_FOUND, f"--trust-root {path} not found") from exc
    except (OSError, ValueError) as exc:
        raise AicrError(
            Code.INVALID_REQUEST,
            f"--trust-root {path}: a certificate-signed attestation needs a Sigstore trusted_root.json ({exc})",
        ) from exc
    if not isinstance(doc, dict) or doc.get("mediaType") != TRUSTED_ROOT_MEDIA:
        raise AicrError(
            Code.INVALID_REQUEST,
            f"--trust-root {path}: not a Sigstore trusted root (mediaType {TRUSTED_ROOT_MEDIA})",
        )
    try:
        return TrustedRoot.from_file(path)
    except (ValueError, TypeError) as exc:
        raise AicrError(Code.INVALID_REQUEST, f"--trust-root {path}: invalid trusted root ({exc})") from exc


def verify_keyless(text: bytes, trusted_root: Any, identity: Identity) -> tuple[bytes, str]:
    """(the verified in-toto payload, the signer identity) of a certificate-signed bundle."""
    from sigstore.errors import Error as SigstoreError
    from sigstore.models import Bundle
    from sigstore.verify import Verifier

    try:
        bundle = Bundle.from_json(text)
    except (SigstoreError, ValueError) as exc:
        raise AicrError(Code.UNAUTHORIZED, f"attestation: not a valid Sigstore bundle ({exc})") from exc
    who = check_identity(bundle.signing_certificate, identity)
    try:
        payload_type, payload = Verifier(trusted_root=trusted_root).verify_dsse(bundle, _AcceptAll())
    except SigstoreError as exc:
        raise AicrError(Code.UNAUTHORIZED, f"attestation: keyless verification failed: {exc}") from exc
    from aicr.dsse import PAYLOAD_TYPE

    if payload_type != PAYLOAD_TYPE:
        raise AicrError(Code.UNAUTHORIZED, f"attestation: payload type {payload_type!r} is not in-toto")
    return payload, who


class _AcceptAll:
    """Identity is checked by `check_identity` (regexp + issuer) before sigstore runs."""

    def verify(self, cert: Any) -> None:
        return None
