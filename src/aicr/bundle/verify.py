"""`aicr.verify_bundle`: check a bundle directory against its checksums.txt and rate its trust.

Edge (reads the bundle) over pure rules. reference/bundle.md §4: every listed file must exist and
match its SHA-256, no entry may leave the bundle, and (closed world) every file in the bundle
must be listed (checksums.txt and attestation/ excepted). The world is closed: symlinks, FIFOs,
sockets, device files and empty directories anywhere in the bundle fail verification, and a
listed path that is not a regular file is never opened (a FIFO would block the reader). Trust levels: unknown (checksum problem) < unverified (checksums fine, no attestation)
< attested (its attestation verifies with `--key` or a trust-root key and signs checksums.txt;
or, keyless, its certificate chains to the Sigstore `--trust-root` and matches
`--certificate-identity-regexp` / `--certificate-oidc-issuer`) < verified (the signer is in the
`--trust-root`, and is `--require-creator` when given; keyless: the certificate identity is
`--require-creator`); a present attestation that fails to verify fails the bundle. `max` asks for the best the bundle can reach.
A bundle with vendored charts (`provenance.yaml`) must hold each recorded archive
(`[NNN-]<name>/charts/<tarballName>`) with the sha256 provenance.yaml records for it.
"""

from __future__ import annotations

import os
import stat

from aicr.bundle.checksums import ATTESTATION_PATH, FILENAME, parse, sha256_hex
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

LEVELS = ("unknown", "unverified", "attested", "verified")
PROVENANCE = "provenance.yaml"
POLICY_LEVELS = (*LEVELS, "max")


class VerifyResult:
    """Outcome of verifying one bundle."""

    __slots__ = (
        "checksum_files",
        "checksums_passed",
        "errors",
        "has_external_data",
        "identity_pinned",
        "minimum",
        "signature_detail",
        "signer",
        "trust_level",
    )

    def __init__(self) -> None:
        self.trust_level = "unknown"
        self.checksums_passed = False
        self.checksum_files = 0
        self.has_external_data = False
        self.identity_pinned = False
        self.errors: list[str] = []
        self.minimum = "max"
        self.signer = ""
        self.signature_detail = "no attestation"

    @property
    def verification_failed(self) -> bool:
        """A checksum or inventory problem was found."""
        return bool(self.errors)

    @property
    def policy_failed(self) -> bool:
        """The trust level is below the requested minimum."""
        if self.minimum == "max":
            return False
        return LEVELS.index(self.trust_level) < LEVELS.index(self.minimum)

    @property
    def passed(self) -> bool:
        """Verification succeeded and the policy is met."""
        return not self.verification_failed and not self.policy_failed

    def to_dict(self) -> dict[str, Any]:
        """The `--format json` document."""
        return {
            "trustLevel": self.trust_level,
            "checksumsPassed": self.checksums_passed,
            "checksumFiles": self.checksum_files,
            "bundleAttested": self.trust_level in ("attested", "verified"),
            "binaryAttested": False,
            "identityPinned": self.identity_pinned,
            "bundleCreator": self.signer,
            "binaryBuilder": "",
            "toolVersion": "",
            "hasExternalData": self.has_external_data,
            "errors": list(self.errors),
        }

    def to_text(self) -> str:
        """The text report."""
        lines = []
        if self.checksums_passed:
            lines.append(f"✓ Checksums verified ({self.checksum_files} files)")
        else:
            lines.append("✗ Checksums failed")
            lines.extend(f"  - {e}" for e in self.errors)
        mark = "✓" if self.trust_level in ("attested", "verified") else "-"
        lines.append(f"{mark} Bundle attestation: {self.signature_detail}")
        if self.has_external_data:
            lines.append("⚠ Bundle carries external data (data/)")
        lines.append(f"Trust level: {self.trust_level}")
        lines.append(f"Bundle verification: {'PASSED' if self.passed else 'FAILED'}")
        return "\n".join(lines) + "\n"

    def error(self) -> AicrError | None:
        """The structured error for a failed verification (policy miss: exit 2; bad bundle: exit 4)."""
        if self.policy_failed:
            return AicrError(
                Code.INVALID_REQUEST,
                f'trust level "{self.trust_level}" does not meet minimum "{self.minimum}"',
                {"trustLevel": self.trust_level, "minimum": self.minimum},
            )
        if self.verification_failed:
            return AicrError(
                Code.UNAUTHORIZED, f"bundle verification failed: {self.errors[0]}", {"errors": self.errors}
            )
        return None


def check_level(level: str) -> str:
    """A valid `--min-trust-level` value."""
    value = (level or "max").strip().lower()
    if value not in POLICY_LEVELS:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'invalid trust level "{level}": must be one of {", ".join(POLICY_LEVELS)}',
        )
    return value


def _inventory(root: str) -> tuple[set[str], list[str]]:
    """(regular files as bundle paths, problems: symlinks and empty directories)."""
    files: set[str] = set()
    problems: list[str] = []
    for base, dirs, names in os.walk(root):
        rel_base = os.path.relpath(base, root).replace(os.sep, "/")
        prefix = "" if rel_base == "." else rel_base + "/"
        for d in list(dirs):
            if os.path.islink(os.path.join(base, d)):
                problems.append(f"symlink not allowed in bundle: {prefix}{d}")
                dirs.remove(d)
        if not dirs and not names and prefix:
            problems.append(f"unexpected empty directory: {prefix.rstrip('/')}")
        for name in names:
            kind = _kind(os.path.join(base, name))
            if kind == "file":
                files.add(prefix + name)
            else:
                problems.append(f"{kind} not allowed in bundle: {prefix}{name}")
    return files, problems


def _kind(path: str) -> str:
    """ "file" for a regular file, else what it is (never follows a symlink, never opens)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError as exc:
        return f"unreadable entry ({exc.strerror})"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device file"
    return "special file"


def verify_bundle(
    directory: str | os.PathLike[str],
    min_trust_level: str = "max",
    *,
    key: str = "",
    trust_root: str = "",
    require_creator: str = "",
    certificate_identity_regexp: str = "",
    certificate_oidc_issuer: str = "",
) -> VerifyResult:
    """Verify the bundle at `directory`; the result says what passed and what did not."""
    minimum = check_level(min_trust_level)
    identity = (certificate_identity_regexp, certificate_oidc_issuer)
    root = os.path.abspath(os.fspath(directory))
    if not os.path.isdir(root):
        raise AicrError(Code.NOT_FOUND, f"bundle directory not found: {root}", {"path": root})
    result = VerifyResult()
    result.minimum = minimum
    result.has_external_data = os.path.isdir(os.path.join(root, "data"))
    errors = result.errors
    try:
        with open(os.path.join(root, FILENAME), encoding="utf-8") as fh:
            text = fh.read()
    except FileNotFoundError:
        errors.append(f"{FILENAME} not found in {root}")
        text = None
    except (OSError, UnicodeDecodeError) as exc:
        errors.append(f"failed to read {FILENAME}: {exc}")
        text = None
    if text is not None:
        _check_entries(root, text, result)
    result.checksums_passed = not errors
    result.trust_level = "unverified" if not errors else "unknown"
    if not errors:
        _judge_signature(
            root, result, key=key, trust_root=trust_root, require_creator=require_creator, identity=identity
        )
    return result


def _judge_signature(
    root: str,
    result: VerifyResult,
    *,
    key: str,
    trust_root: str,
    require_creator: str,
    identity: tuple[str, str],
) -> None:
    if not os.path.lexists(os.path.join(root, *ATTESTATION_PATH.split("/"))):
        return  # "unverified", "no attestation": the signing stack (hashlib, json) stays unloaded
    from aicr.bundle.signing import KeylessIdentity, judge_attestation

    try:
        judgement = judge_attestation(
            root,
            key_path=key,
            trust_root=trust_root,
            require_creator=require_creator,
            identity=KeylessIdentity(*identity),
        )
    except AicrError as exc:
        if exc.code is not Code.UNAUTHORIZED:
            raise
        result.errors.append(exc.message)
        result.trust_level = "unknown"
        result.signature_detail = f"FAILED: {exc.message}"
        return
    result.trust_level = judgement.level
    result.identity_pinned = judgement.pinned
    result.signer = judgement.signer
    result.signature_detail = judgement.detail


def _check_entries(root: str, text: str, result: VerifyResult) -> None:
    errors = result.errors
    try:
        entries = parse(text)
    except AicrError as exc:
        errors.append(exc.message)
        return
    result.checksum_files = len(entries)
    listed: set[str] = set()
    for digest, rel in entries:
        listed.add(rel)
        path = os.path.join(root, *rel.split("/"))
        kind = _kind(path)
        if kind != "file" and not kind.startswith("unreadable"):
            errors.append(f"failed to read {rel}: {kind}, not a regular file")
            continue
        try:
            with open(path, "rb") as fh:
                actual = sha256_hex(fh.read())
        except OSError as exc:
            errors.append(f"failed to read {rel}: {getattr(exc, 'strerror', None) or exc}")
            continue
        if actual != digest:
            errors.append(f"checksum mismatch: {rel} (expected {digest}, got {actual})")
    files, problems = _inventory(root)
    for rel in sorted(files - listed):
        if rel in (FILENAME, ATTESTATION_PATH):
            continue
        errors.append(f"unexpected file not listed in {FILENAME}: {rel}")
    errors.extend(problems)
    if PROVENANCE in listed:
        _check_provenance(root, files, errors)


def _check_provenance(root: str, files: set[str], errors: list[str]) -> None:
    """Every vendored archive provenance.yaml records is in the bundle with its recorded sha256."""
    import re

    from aicr.io.yamlin import load_yaml

    try:
        with open(os.path.join(root, PROVENANCE), encoding="utf-8") as fh:
            doc = load_yaml(fh.read(), PROVENANCE)
    except (AicrError, OSError, UnicodeDecodeError) as exc:
        errors.append(f"failed to read {PROVENANCE}: {getattr(exc, 'message', exc)}")
        return
    records = doc.get("vendoredCharts") if isinstance(doc, dict) else None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        errors.append(f"{PROVENANCE}: vendoredCharts must be a list of records")
        return
    for record in records:
        name, tarball, digest = (str(record.get(k) or "") for k in ("name", "tarballName", "sha256"))
        pattern = re.compile(r"(?:[0-9]{3}-)?" + re.escape(name) + "/charts/" + re.escape(tarball))
        paths = sorted(f for f in files if pattern.fullmatch(f))
        if not name or not tarball or not paths:
            errors.append(f"vendored chart archive not found: {name or '?'}/charts/{tarball or '?'}")
            continue
        for rel in paths:
            with open(os.path.join(root, *rel.split("/")), "rb") as fh:
                actual = sha256_hex(fh.read())
            if actual != digest:
                errors.append(
                    f"vendored chart archive mismatch: {rel} ({PROVENANCE} has {digest}, got {actual})"
                )
