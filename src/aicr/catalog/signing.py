"""Signed external catalogs: sign a `--data` directory and check it before it is loaded.

Edge module (reads the directory and keys; writes the signature file). The signature is a
Sigstore bundle (see `aicr.bundle.attest`) whose in-toto Statement lists every file of the
directory as a subject (relative path, SHA-256), with predicate type `CATALOG_PREDICATE`. The
world is closed: verification fails when a listed file is missing or changed, when a file is
present that the statement does not list, or when the directory holds a symlink or special file.
The signature lives in the directory as `SIGNATURE_FILE` and is itself not a subject.
"""

from __future__ import annotations

import json
import os

from aicr import dsse
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SIGNATURE_FILE = "catalog.sigstore.json"
CATALOG_PREDICATE = "https://aicr.nvidia.com/catalog-signature/v1"
MAX_FILE_BYTES = 16 * 1024 * 1024


def catalog_files(root: str) -> dict[str, bytes]:
    """Relative path -> bytes of every file in the catalog directory (the signature excepted)."""
    if not os.path.isdir(root):
        raise AicrError(Code.NOT_FOUND, f"catalog directory {root} not found")
    files: dict[str, bytes] = {}
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names + [d for d in dirs if os.path.islink(os.path.join(folder, d))]):
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            if rel == SIGNATURE_FILE:
                continue
            if os.path.islink(path) or not os.path.isfile(path):
                raise AicrError(Code.UNAUTHORIZED, f"catalog {root}: {rel} is not a regular file")
            if os.path.getsize(path) > MAX_FILE_BYTES:
                raise AicrError(
                    Code.INVALID_REQUEST, f"catalog {root}: {rel} is larger than {MAX_FILE_BYTES} bytes"
                )
            with open(path, "rb") as fh:
                files[rel] = fh.read()
    return files


def catalog_statement(files: dict[str, bytes], aicr_version: str) -> dict[str, Any]:
    """The statement naming every catalog file and its digest (sorted, deterministic)."""
    return {
        "_type": dsse.STATEMENT_TYPE,
        "subject": [
            {"name": rel, "digest": {"sha256": dsse.sha256_hex(files[rel])}} for rel in sorted(files)
        ],
        "predicateType": CATALOG_PREDICATE,
        "predicate": {"signer": {"tool": "aicr", "version": aicr_version}},
    }


def sign_catalog(
    root: str, private_key_pem: bytes, key_source: str, aicr_version: str, output: str = ""
) -> str:
    """Sign the catalog at `root`; writes the signature (default `<root>/catalog.sigstore.json`)."""
    key = dsse.load_private_key(private_key_pem, key_source)
    text = dsse.sign_statement(catalog_statement(catalog_files(root), aicr_version), key)
    path = output or os.path.join(root, SIGNATURE_FILE)
    from aicr.io.atomic import write_atomic

    write_atomic(path, text.encode(), 0o644)
    return path


def verify_catalog(root: str, public_key: Any, signature: str = "") -> list[str]:
    """Check the catalog against its signature (UNAUTHORIZED naming what failed); returns the files."""
    path = signature or os.path.join(root, SIGNATURE_FILE)
    try:
        with open(path, "rb") as fh:
            text = fh.read(MAX_FILE_BYTES)
    except FileNotFoundError as exc:
        raise AicrError(Code.UNAUTHORIZED, f"catalog {root} is not signed ({path} not found)") from exc
    doc = dsse.parse_bundle(text)
    envelope = doc["dsseEnvelope"]
    payload = dsse.unb64(envelope.get("payload"), "payload")
    if envelope.get("payloadType") != dsse.PAYLOAD_TYPE or not any(
        dsse.verify_signature(
            public_key, dsse.unb64(s.get("sig"), "signature"), dsse.pae(dsse.PAYLOAD_TYPE, payload)
        )
        for s in envelope.get("signatures") or []
    ):
        raise AicrError(Code.UNAUTHORIZED, f"catalog {root}: signature does not verify with the given key")
    stmt = json.loads(payload)
    if stmt.get("predicateType") != CATALOG_PREDICATE:
        raise AicrError(Code.UNAUTHORIZED, f"catalog {root}: signature is not a catalog signature")
    signed = {s.get("name"): (s.get("digest") or {}).get("sha256") for s in stmt.get("subject") or []}
    files = catalog_files(root)
    problems = [f"{rel} was added" for rel in sorted(set(files) - set(signed))]
    problems += [f"{rel} is missing" for rel in sorted(set(signed) - set(files))]
    problems += [
        f"{rel} was changed"
        for rel in sorted(set(files) & set(signed))
        if dsse.sha256_hex(files[rel]) != signed[rel]
    ]
    if problems:
        raise AicrError(
            Code.UNAUTHORIZED, f"catalog {root} does not match its signature: " + "; ".join(problems)
        )
    return sorted(files)
