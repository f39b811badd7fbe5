"""Bundle attestation: an in-toto Statement (SLSA provenance v1) about a bundle's checksums.txt.

Pure. The subject is `checksums.txt` (which covers every other file of the bundle); the resolved
dependencies are the recipe and the `--data` files with their SHA-256. Signing and the envelope
format live in `aicr.dsse` (DSSE in a Sigstore v0.3 bundle, key-signed, offline) and
`aicr.bundle.keyless` (certificate-signed); `verify_attestation` checks a key signature and
`check_statement` the bundle-specific parts shared with keyless verification: statement and
predicate types, and a subject matching the bundle's checksums.txt. Failures are UNAUTHORIZED and name what failed.
"""

from __future__ import annotations

import json

from aicr.bundle.checksums import ATTESTATION_PATH
from aicr.dsse import (
    PAYLOAD_TYPE,
    STATEMENT_TYPE,
    key_hint,
    load_private_key,
    load_public_key,
    pae,
    parse_bundle,
    sha256_hex,
    sign_statement,
    unb64,
    verify_signature,
)
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "ATTESTATION_PATH",
    "Attestation",
    "check_statement",
    "key_hint",
    "load_private_key",
    "load_public_key",
    "pae",
    "parse_bundle",
    "sha256_hex",
    "sign_statement",
    "statement",
    "verify_attestation",
]

PREDICATE_TYPE = "https://slsa.dev/provenance/v1"
BUILD_TYPE = "https://aicr.nvidia.com/bundle/v1"
SUBJECT_NAME = "checksums.txt"


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


class Attestation:
    """A verified attestation: the statement and who signed it."""

    __slots__ = ("key_hint", "statement")

    def __init__(self, stmt: dict[str, Any], hint: str) -> None:
        self.statement = stmt
        self.key_hint = hint


def verify_attestation(text: bytes, public_key: Any, checksums: bytes) -> Attestation:
    """Check a key-signed attestation against `public_key` and the bundle's checksums.txt bytes."""
    doc = parse_bundle(text)
    envelope = doc["dsseEnvelope"]
    if envelope.get("payloadType") != PAYLOAD_TYPE:
        raise AicrError(
            Code.UNAUTHORIZED, f"attestation: payload type {envelope.get('payloadType')!r} is not in-toto"
        )
    payload = unb64(envelope.get("payload"), "payload")
    message = pae(PAYLOAD_TYPE, payload)
    hint = key_hint(public_key)
    signatures = envelope.get("signatures") or []
    if not any(verify_signature(public_key, unb64(s.get("sig"), "signature"), message) for s in signatures):
        raise AicrError(Code.UNAUTHORIZED, "attestation: signature does not verify with the given key")
    return Attestation(check_statement(payload, checksums), hint)


def check_statement(payload: bytes, checksums: bytes) -> dict[str, Any]:
    """The signed statement, when it is SLSA provenance whose subject is these checksums.txt bytes."""
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
    return stmt
