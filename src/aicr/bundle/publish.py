"""Supply-chain steps on an in-memory bundle: SBOM, attestation, and publishing to an OCI registry.

Edge module (reads the signing key; pushes over the network). All three work on the finished
`BundleTree` before anything is written, so a bundle directory is either written complete (with
its SBOM and attestation) or not at all, and a push sends exactly the tree a directory would hold.
The SBOM is a checksummed file (`sbom.cdx.json`); the attestation lives under `attestation/`,
which checksums.txt excludes (it signs checksums.txt).
"""

from __future__ import annotations

from aicr.bundle import checksums
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.bundle.ocipack import PushResult
    from aicr.bundle.tree import BundleTree


class SupplyChain:
    """What to add to a bundle and where to publish it (all optional)."""

    __slots__ = ("image_refs", "insecure_tls", "keyless", "oci", "plain_http", "sbom", "signing_key")

    def __init__(
        self,
        *,
        sbom: bool = False,
        signing_key: str = "",
        keyless: Any = None,
        oci: str = "",
        plain_http: bool = False,
        insecure_tls: bool = False,
        image_refs: str = "",
    ) -> None:
        self.sbom = sbom
        self.signing_key = signing_key
        self.keyless = keyless  # aicr.bundle.keyless.KeylessSettings: sign keyless instead
        self.oci = oci
        self.plain_http = plain_http
        self.insecure_tls = insecure_tls
        self.image_refs = image_refs


def source_commit() -> str:
    """The commit this aicr was built from (`unknown` outside `make`)."""
    from aicr import version

    return str(getattr(version, "COMMIT", "unknown"))


def add_sbom(
    tree: BundleTree, doc: dict[str, Any], aicr_version: str, images: list[str] | None = None
) -> None:
    """Add `sbom.cdx.json` (with `images` as container components) and refresh checksums.txt."""
    from aicr.bundle.sbom import SBOM_PATH, render_sbom

    tree.add(SBOM_PATH, render_sbom(doc, aicr_version, images or []))
    tree.add(checksums.FILENAME, checksums.render(tree))


def add_attestation(
    tree: BundleTree, key_path: str, *, aicr_version: str, parameters: dict[str, Any], keyless: Any = None
) -> None:
    """Sign the tree's checksums.txt with the PEM key at `key_path` (or keyless); adds the attestation."""
    from aicr.bundle import attest

    stmt = attest.statement(
        tree.files[checksums.FILENAME][0],
        attestation_dependencies(tree),
        aicr_version=aicr_version,
        commit=source_commit(),
        parameters=parameters,
    )
    if keyless is not None:
        from aicr.bundle.keyless import sign_statement_keyless

        tree.add(attest.ATTESTATION_PATH, sign_statement_keyless(stmt, keyless))
        return
    try:
        with open(key_path, "rb") as fh:
            pem = fh.read(1024 * 1024)
    except FileNotFoundError as exc:
        raise AicrError(Code.NOT_FOUND, f"--signing-key {key_path} not found") from exc
    except OSError as exc:
        raise AicrError(Code.INVALID_REQUEST, f"cannot read --signing-key {key_path}: {exc}") from exc
    key = attest.load_private_key(pem, key_path)
    tree.add(attest.ATTESTATION_PATH, attest.sign_statement(stmt, key))


def attestation_dependencies(tree: BundleTree) -> dict[str, bytes]:
    """The statement's resolved dependencies: the tree's recipe.yaml and `data/` files."""
    return {
        rel: data
        for rel, (data, _mode) in tree.files.items()
        if rel == "recipe.yaml" or rel.startswith("data/")
    }


def manifest_annotations(doc: dict[str, Any], aicr_version: str, deployer: str) -> dict[str, str]:
    """OCI manifest annotations: criteria, deployer, aicr version and source commit (no timestamp)."""
    out = {
        "org.opencontainers.image.title": "aicr bundle",
        "org.opencontainers.image.version": aicr_version,
        "org.opencontainers.image.revision": source_commit(),
        "aicr.nvidia.com/deployer": deployer,
    }
    for key, value in sorted((doc.get("criteria") or {}).items()):
        if value not in (None, "", 0):
            out[f"aicr.nvidia.com/criteria.{key}"] = str(value)
    return out


def push(
    tree: BundleTree, chain: SupplyChain, doc: dict[str, Any], aicr_version: str, deployer: str
) -> PushResult:
    """Push the tree as an OCI artifact (attestation as a referrer); writes `--image-refs` if asked."""
    from aicr.bundle import ocipack
    from aicr.bundle.attest import ATTESTATION_PATH
    from aicr.io import oci

    ref = oci.OciRef.parse(chain.oci)
    files = {
        rel: (data, bool(mode & 0o100)) for rel, (data, mode) in tree.files.items() if rel != ATTESTATION_PATH
    }
    attestation = tree.files[ATTESTATION_PATH][0] if ATTESTATION_PATH in tree.files else None
    with oci.Registry(ref.host, plain_http=chain.plain_http, insecure_tls=chain.insecure_tls) as registry:
        result = ocipack.push_bundle(
            registry, ref, files, manifest_annotations(doc, aicr_version, deployer), attestation
        )
    if chain.image_refs:
        from aicr.io.atomic import write_atomic

        write_atomic(chain.image_refs, (result.pinned + "\n").encode())
    return result
