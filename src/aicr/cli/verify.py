"""`aicr verify <bundle-dir | oci://ref>`: check a bundle's checksums, attestation and trust level.

Translation only: parse flags, pull an `oci://` bundle into a temporary directory, call
`aicr.bundle.verify.verify_bundle` with the trust policy (`--key`, `--trust-root`,
`--require-creator`; keyless: `--certificate-identity-regexp`, `--certificate-oidc-issuer`), print
the text or JSON report on stdout, and exit 0 (passed), 2 (trust policy not met) or 4
(verification failed). `run` is also reached from aicr.cli.fastpath, so nothing here imports
argparse at module level.
"""

from __future__ import annotations

from aicr.cli.fastpath import FastSpec
from aicr.cli.options import check_format
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

_NOT_YET = ("--cli-version-constraint",)
_POLICY = (
    ("--key", "PEM public key that signed the bundle's attestation (attested)"),
    (
        "--trust-root",
        "directory of trusted <name>.pem public keys, or one PEM file (verified); for a keyless "
        "attestation: a Sigstore trusted_root.json (default: the public-good root, offline)",
    ),
    (
        "--require-creator",
        "name of the trust-root key, or (keyless) the certificate identity, that must have signed",
    ),
    ("--certificate-identity-regexp", "keyless: regexp the signing certificate's identity must match"),
    ("--certificate-oidc-issuer", "keyless: OIDC issuer the signing certificate must name"),
)


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the `verify` subcommand."""
    from aicr.cli.flags import Once, add_format

    parser = sub.add_parser(
        "verify",
        parents=[common],
        help="verify a bundle's checksums and trust level",
        description="Verify a bundle directory: checksums, inventory and trust level.",
    )
    parser.add_argument(
        "bundle_dir",
        nargs="?",
        metavar="BUNDLE",
        help="bundle directory, or oci://host[:port]/repo[:tag|@digest]",
    )
    parser.add_argument(
        "--min-trust-level",
        action=Once,
        default="max",
        metavar="LEVEL",
        help="required trust: verified, attested, unverified, unknown or max (default: max achievable)",
    )
    add_format(parser, default="text", choices=FORMATS)
    for flag, text in _POLICY:
        parser.add_argument(flag, action=Once, metavar="VALUE", help=text)
    parser.add_argument("--plain-http", action="store_true", help="plain HTTP for an oci:// bundle")
    parser.add_argument(
        "--insecure-tls", action="store_true", help="skip TLS verification for an oci:// bundle"
    )
    for flag in _NOT_YET:
        parser.add_argument(flag, action=Once, metavar="VALUE", help="not supported yet")
    from aicr.cli.config_apply import add_config

    add_config(parser)
    parser.set_defaults(_run=run)


FORMATS = ("text", "json")


def _defaults() -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(
        ("bundle_dir", "key", "trust_root", "require_creator", "config"),
    )
    values.update(dict.fromkeys(("certificate_identity_regexp", "certificate_oidc_issuer")))
    values.update(min_trust_level="max", format="text", plain_http=False, insecure_tls=False)
    values.update(dict.fromkeys(flag.lstrip("-").replace("-", "_") for flag in _NOT_YET))
    return values


FAST_SPEC = FastSpec(
    "verify",
    values={
        "--min-trust-level": "min_trust_level",
        "-t": "format",
        "--format": "format",
        **{flag: flag.lstrip("-").replace("-", "_") for flag, _text in _POLICY},
    },
    switches={"--plain-http": "plain_http", "--insecure-tls": "insecure_tls"},
    positional="bundle_dir",
    defaults=_defaults,
    extra=lambda: {"_run": run, "_format_choices": FORMATS},
)


def _verify_oci(args: Any, level: str, policy: dict[str, str]) -> Any:
    """Pull the bundle into a temporary directory, verify it there, and remove it."""
    import shutil
    import tempfile

    from aicr.bundle.ocipack import pull_bundle
    from aicr.bundle.verify import verify_bundle
    from aicr.io.oci import OciRef, Registry

    ref = OciRef.parse(args.bundle_dir)
    scratch = tempfile.mkdtemp(prefix="aicr-verify-")
    try:
        with Registry(ref.host, plain_http=args.plain_http, insecure_tls=args.insecure_tls) as registry:
            pull_bundle(registry, ref, scratch)
        return verify_bundle(scratch, level, **policy)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run(args: Any) -> int:
    """Verify and report."""
    import sys

    from aicr.bundle.verify import check_level, verify_bundle

    fmt = check_format(args)
    for flag in _NOT_YET:
        if getattr(args, flag.lstrip("-").replace("-", "_")) is not None:
            raise AicrError(Code.INVALID_REQUEST, f"{flag} is not supported yet")
    if not args.bundle_dir:
        raise AicrError(Code.INVALID_REQUEST, "bundle directory is required: aicr verify <bundle-dir>")
    if (args.plain_http or args.insecure_tls) and not args.bundle_dir.startswith("oci://"):
        raise AicrError(
            Code.INVALID_REQUEST, "--plain-http and --insecure-tls are only valid with an oci:// bundle"
        )
    if args.require_creator and not (args.trust_root or args.certificate_identity_regexp):
        raise AicrError(
            Code.INVALID_REQUEST,
            "--require-creator needs --trust-root (or, keyless, --certificate-identity-regexp)",
        )
    level = check_level(args.min_trust_level)
    policy = {
        "key": args.key or "",
        "trust_root": args.trust_root or "",
        "require_creator": args.require_creator or "",
        "certificate_identity_regexp": args.certificate_identity_regexp or "",
        "certificate_oidc_issuer": args.certificate_oidc_issuer or "",
    }
    if args.bundle_dir.startswith("oci://"):
        result = _verify_oci(args, level, policy)
    else:
        result = verify_bundle(args.bundle_dir, level, **policy)
    if fmt == "json":
        import json

        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
    else:
        sys.stdout.write(result.to_text())
    sys.stdout.flush()
    error = result.error()
    if error is not None:
        raise error
    return 0
