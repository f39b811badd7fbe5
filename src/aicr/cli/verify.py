"""`aicr verify <bundle-dir>`: check a bundle's checksums and trust level.

Translation only: parse flags, call `aicr.bundle.verify.verify_bundle`, print the text or JSON
report on stdout, and exit 0 (passed), 2 (trust policy not met) or 4 (verification failed).
"""

from __future__ import annotations

from aicr.cli.flags import Once, add_format, check_format
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

_NOT_YET = ("--require-creator", "--cli-version-constraint", "--certificate-identity-regexp", "--key",
            "--trust-root", "--config")  # fmt: skip


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the `verify` subcommand."""
    parser = sub.add_parser(
        "verify",
        parents=[common],
        help="verify a bundle's checksums and trust level",
        description="Verify a bundle directory: checksums, inventory and trust level.",
    )
    parser.add_argument("bundle_dir", nargs="?", metavar="BUNDLE_DIR", help="bundle directory")
    parser.add_argument(
        "--min-trust-level",
        action=Once,
        default="max",
        metavar="LEVEL",
        help="required trust: verified, attested, unverified, unknown or max (default: max achievable)",
    )
    add_format(parser, default="text", choices=("text", "json"))
    for flag in _NOT_YET:
        parser.add_argument(flag, action=Once, metavar="VALUE", help="not supported yet")
    parser.set_defaults(_run=run)


def run(args: argparse.Namespace) -> int:
    """Verify and report."""
    import sys

    from aicr.bundle.verify import check_level, verify_bundle

    fmt = check_format(args)
    for flag in _NOT_YET:
        if getattr(args, flag.lstrip("-").replace("-", "_")) is not None:
            raise AicrError(
                Code.INVALID_REQUEST, f"{flag} is not supported yet (bundle signatures arrive later)"
            )
    if not args.bundle_dir:
        raise AicrError(Code.INVALID_REQUEST, "bundle directory is required: aicr verify <bundle-dir>")
    result = verify_bundle(args.bundle_dir, check_level(args.min_trust_level))
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
