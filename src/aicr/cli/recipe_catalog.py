"""`aicr recipe sign-catalog` / `verify-catalog`, and `--require-signed-data` for recipe and bundle.

Translation only: flags in, `aicr.catalog.signing` out. A `--data` catalog is signed with a PEM
private key (offline); verification needs the matching public key and is closed-world (a file
added, changed or removed since signing fails, exit 4).
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any


def register(actions: Any, common: argparse.ArgumentParser) -> None:
    """Add `sign-catalog` and `verify-catalog` to the subcommands of `recipe`."""
    from aicr.cli.flags import Once

    sign = actions.add_parser(
        "sign-catalog",
        parents=[common],
        help="sign a --data catalog directory with a PEM private key",
        description="Sign every file of an external catalog directory (closed world). "
        "Example: aicr recipe sign-catalog --data ./my-data --signing-key release.key",
    )
    sign.add_argument("--data", action=Once, metavar="DIR", help="catalog directory to sign")
    sign.add_argument("--signing-key", action=Once, metavar="FILE", help="PEM private key")
    sign.add_argument(
        "-o",
        "--output",
        action=Once,
        metavar="FILE",
        help="signature file (default DIR/catalog.sigstore.json)",
    )
    sign.set_defaults(_run=run_sign)
    verify = actions.add_parser(
        "verify-catalog",
        parents=[common],
        help="check a --data catalog directory against its signature",
        description="Verify an external catalog directory: every file signed, none added or changed. "
        "Example: aicr recipe verify-catalog --data ./my-data --key release.pem",
    )
    verify.add_argument("--data", action=Once, metavar="DIR", help="catalog directory to check")
    verify.add_argument("--key", action=Once, metavar="FILE", help="PEM public key of the signer")
    verify.add_argument(
        "--signature", action=Once, metavar="FILE", help="signature file (default DIR/catalog.sigstore.json)"
    )
    verify.set_defaults(_run=run_verify)


def _read(path: str | None, flag: str) -> bytes:
    if not path:
        raise AicrError(Code.INVALID_REQUEST, f"{flag} is required")
    try:
        with open(path, "rb") as fh:
            return fh.read(1024 * 1024)
    except FileNotFoundError as exc:
        raise AicrError(Code.NOT_FOUND, f"{flag} {path} not found") from exc
    except OSError as exc:
        raise AicrError(Code.INVALID_REQUEST, f"cannot read {flag} {path}: {exc}") from exc


def run_sign(args: argparse.Namespace) -> int:
    """Sign the catalog directory."""
    import sys

    from aicr.catalog.signing import sign_catalog
    from aicr.version import recipe_version

    if not args.data:
        raise AicrError(Code.INVALID_REQUEST, "--data is required")
    path = sign_catalog(args.data, _read(args.signing_key, "--signing-key"), args.signing_key, recipe_version(),
                        args.output or "")  # fmt: skip
    sys.stderr.write(f"signed catalog {args.data}: {path}\n")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    """Verify the catalog directory; prints the number of files checked."""
    import sys

    from aicr.catalog.signing import verify_catalog
    from aicr.dsse import load_public_key

    if not args.data:
        raise AicrError(Code.INVALID_REQUEST, "--data is required")
    key = load_public_key(_read(args.key, "--key"), args.key)
    files = verify_catalog(args.data, key, args.signature or "")
    sys.stdout.write(f"catalog {args.data} verified: {len(files)} files signed by the given key\n")
    return 0


def check_signed_data(data: str | None, key_path: str | None) -> None:
    """With `--require-signed-data KEY`, refuse a missing or unsigned/tampered `--data` catalog."""
    if not key_path:
        return
    if not data:
        raise AicrError(Code.INVALID_REQUEST, "--require-signed-data needs --data")
    from aicr.catalog.signing import verify_catalog
    from aicr.dsse import load_public_key

    verify_catalog(data, load_public_key(_read(key_path, "--require-signed-data"), key_path))
