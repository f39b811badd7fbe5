"""Signing a bundle directory and judging its attestation: the file edge over `aicr.bundle.attest`.

Edge module (reads the bundle, key and trust-root files; writes the attestation). `sign_bundle`
writes `attestation/bundle-attestation.sigstore.json` for a bundle whose checksums.txt is final.
`judge_attestation` gives the trust level the attestation earns: `attested` when the signature
verifies with `--key` (or a trust-root key) and the subject matches checksums.txt; `verified` when,
in addition, the signing key is one of the trust root's keys and, with `--require-creator`, is the
key of that name. A trust root is a directory of `<name>.pem` public keys or one PEM file (its
name is the file's stem). A certificate-signed (keyless) attestation goes to `judge_keyless`
instead: `attested` when `aicr.bundle.keyless_verify` accepts it for the identity policy,
`verified` when its certificate identity is `--require-creator`.
"""

from __future__ import annotations

import os

from aicr.bundle import attest
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class KeylessIdentity:
    """The keyless policy flags: `--certificate-identity-regexp` and `--certificate-oidc-issuer`."""

    __slots__ = ("issuer", "regexp")

    def __init__(self, regexp: str, issuer: str) -> None:
        if bool(regexp) != bool(issuer):
            raise AicrError(
                Code.INVALID_REQUEST,
                "--certificate-identity-regexp and --certificate-oidc-issuer go together: pass both",
            )
        self.regexp = regexp
        self.issuer = issuer


def _read(path: str, what: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(1024 * 1024)
    except FileNotFoundError as exc:
        raise AicrError(Code.NOT_FOUND, f"{what} {path} not found") from exc
    except OSError as exc:
        raise AicrError(Code.INVALID_REQUEST, f"cannot read {what} {path}: {exc}") from exc


def bundle_dependencies(root: str, data_dir: str = "") -> dict[str, bytes]:
    """The attestation's resolved dependencies: the bundle's recipe.yaml and every `data/` file."""
    deps = {"recipe.yaml": _read(os.path.join(root, "recipe.yaml"), "bundle recipe")}
    data_root = os.path.join(root, "data")
    if os.path.isdir(data_root):
        for folder, dirs, names in os.walk(data_root):
            dirs.sort()
            for name in sorted(names):
                path = os.path.join(folder, name)
                deps[os.path.relpath(path, root).replace(os.sep, "/")] = _read(path, "data file")
    return deps


def sign_bundle(
    root: str, key_path: str, *, aicr_version: str, commit: str, parameters: dict[str, Any]
) -> str:
    """Sign the bundle at `root` with the PEM private key at `key_path`; returns the attestation path."""
    key = attest.load_private_key(_read(key_path, "signing key"), key_path)
    checksums = _read(os.path.join(root, "checksums.txt"), "checksums file")
    stmt = attest.statement(
        checksums, bundle_dependencies(root), aicr_version=aicr_version, commit=commit, parameters=parameters
    )
    text = attest.sign_statement(stmt, key)
    path = os.path.join(root, attest.ATTESTATION_PATH)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    from aicr.io.atomic import write_atomic

    write_atomic(path, text.encode(), 0o600)
    return path


def trust_root_keys(path: str) -> dict[str, Any]:
    """Name -> public key of a trust root (a directory of `<name>.pem`, or one PEM file)."""
    files = (
        [os.path.join(path, n) for n in sorted(os.listdir(path)) if n.endswith(".pem")]
        if os.path.isdir(path)
        else [path]
    )
    keys = {}
    for file in files:
        name = os.path.splitext(os.path.basename(file))[0]
        keys[name] = attest.load_public_key(_read(file, "trust root key"), file)
    if not keys:
        raise AicrError(Code.INVALID_REQUEST, f"--trust-root {path}: no .pem public keys found")
    return keys


class Judgement:
    """The trust level an attestation earns, and why."""

    __slots__ = ("detail", "level", "pinned", "signer")

    def __init__(self, level: str, detail: str, signer: str = "", *, pinned: bool = False) -> None:
        self.level = level
        self.detail = detail
        self.signer = signer
        self.pinned = pinned


def judge_attestation(
    root: str,
    *,
    key_path: str = "",
    trust_root: str = "",
    require_creator: str = "",
    identity: KeylessIdentity | None = None,
) -> Judgement:
    """Check the bundle's attestation; `unverified` when there is none or no key to check it with.

    A present attestation that fails (bad signature, tampered statement, wrong subject) raises
    UNAUTHORIZED: a forged attestation is worse than none. A certificate-signed (keyless)
    attestation is checked against `identity` and the Sigstore trusted root `trust_root`.
    """
    path = os.path.join(root, attest.ATTESTATION_PATH)
    if not os.path.lexists(path):
        return Judgement("unverified", "no attestation")
    text = _read(path, "attestation")
    checksums = _read(os.path.join(root, "checksums.txt"), "checksums file")
    material = attest.parse_bundle(text)["verificationMaterial"]
    if not material.get("publicKey"):
        return judge_keyless(
            text, checksums, trust_root=trust_root, require_creator=require_creator, identity=identity
        )
    trusted = trust_root_keys(trust_root) if trust_root else {}
    candidates = list(trusted.items())
    if key_path:
        candidates.insert(0, ("--key", attest.load_public_key(_read(key_path, "public key"), key_path)))
    if not candidates:
        attest.parse_bundle(text)
        return Judgement("unverified", "attestation present; pass --key or --trust-root to check it")
    failure: AicrError | None = None
    for name, key in candidates:
        try:
            result = attest.verify_attestation(text, key, checksums)
        except AicrError as exc:
            failure = exc
            continue
        trusted_name = next((n for n, k in trusted.items() if attest.key_hint(k) == result.key_hint), "")
        if trusted_name and (not require_creator or trusted_name == require_creator):
            return Judgement("verified", f"signed by trusted key {trusted_name}", trusted_name)
        why = (
            f"signer {trusted_name or name} is not {require_creator}"
            if require_creator
            else "signing key is not in a trust root"
        )
        return Judgement("attested", f"signature valid; {why}", trusted_name or name)
    assert failure is not None
    raise failure


def judge_keyless(
    text: bytes,
    checksums: bytes,
    *,
    trust_root: str,
    require_creator: str,
    identity: KeylessIdentity | None,
) -> Judgement:
    """The trust level of a certificate-signed attestation (`attested`; `verified` for the creator)."""
    if identity is None or not identity.regexp:
        return Judgement(
            "unverified",
            "certificate-signed attestation present; pass --certificate-identity-regexp and "
            "--certificate-oidc-issuer to check it",
        )
    from aicr.bundle import keyless_verify

    policy = keyless_verify.Identity(identity.regexp, identity.issuer)
    payload, who = keyless_verify.verify_keyless(text, keyless_verify.load_trusted_root(trust_root), policy)
    attest.check_statement(payload, checksums)
    if require_creator and who == require_creator:
        return Judgement(
            "verified", f"signed by {who} (issuer {identity.issuer}), the required creator", who, pinned=True
        )
    why = f"signer {who} is not {require_creator}" if require_creator else "pass --require-creator to pin it"
    return Judgement("attested", f"keyless signature valid, signed by {who}; {why}", who, pinned=True)
