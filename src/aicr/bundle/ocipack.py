"""Bundles as OCI artifacts: one reproducible tar.gz layer, pushed and pulled with `aicr.io.oci`.

`pack` is pure over a directory's bytes: files sorted by path, times, owners and names zeroed,
modes normalised to 0644 / 0755, gzip without a name or time, so two pushes of the same bundle
give the same digests. The manifest has artifactType `application/vnd.nvidia.aicr.artifact`, an
empty config and annotations naming the recipe criteria, the aicr version and its commit. An
attestation is pushed as a referrer (its `subject` is the bundle manifest). `unpack` refuses
anything but regular files and directories inside the target (no links, devices, absolute paths
or `..`).
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import os
import tarfile

from aicr.errors import AicrError, Code
from aicr.io import oci

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

ARTIFACT_TYPE = "application/vnd.nvidia.aicr.artifact"
LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip"
ATTESTATION_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json"
LAYER_TITLE = "bundle.tar.gz"
MAX_LAYER_BYTES = 512 * 1024 * 1024


def read_tree(root: str) -> dict[str, tuple[bytes, bool]]:
    """Every regular file under `root` as relative path -> (bytes, executable)."""
    files: dict[str, tuple[bytes, bool]] = {}
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            if os.path.islink(path) or not os.path.isfile(path):
                raise AicrError(Code.INVALID_REQUEST, f"bundle {root}: {rel} is not a regular file")
            with open(path, "rb") as fh:
                files[rel] = (fh.read(), os.access(path, os.X_OK))
    return files


def pack(files: dict[str, tuple[bytes, bool]]) -> bytes:
    """The reproducible tar.gz of a file tree."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for rel in sorted(files):
            data, executable = files[rel]
            info = tarfile.TarInfo(rel)
            info.size = len(data)
            info.mode = 0o755 if executable else 0o644
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def unpack(layer: bytes, target: str) -> list[str]:
    """Extract a bundle layer into `target` (INVALID_REQUEST on anything unsafe); returns the files."""
    if len(layer) > MAX_LAYER_BYTES:
        raise AicrError(Code.INVALID_REQUEST, f"bundle layer is larger than {MAX_LAYER_BYTES} bytes")
    written: list[str] = []
    try:
        with tarfile.open(fileobj=io.BytesIO(layer), mode="r:gz") as tar:
            for member in tar.getmembers():
                name = member.name
                parts = name.split("/")
                if name.startswith("/") or ".." in parts or not name or "" in parts[:-1]:
                    raise AicrError(Code.INVALID_REQUEST, f"bundle layer: unsafe path {name!r}")
                if member.isdir():
                    continue
                if not member.isfile():
                    raise AicrError(Code.INVALID_REQUEST, f"bundle layer: {name!r} is not a regular file")
                source = tar.extractfile(member)
                data = source.read() if source else b""
                path = os.path.join(target, *parts)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as fh:
                    fh.write(data)
                os.chmod(path, 0o755 if member.mode & 0o100 else 0o644)
                written.append(name)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise AicrError(Code.INVALID_REQUEST, f"bundle layer is not a valid tar.gz: {exc}") from exc
    return written


def _descriptor(media_type: str, blob: bytes, **extra: Any) -> dict[str, Any]:
    return {"mediaType": media_type, "digest": oci.digest_of(blob), "size": len(blob), **extra}


def _empty_config() -> dict[str, Any]:
    return _descriptor(oci.EMPTY_TYPE, oci.EMPTY_CONFIG, data=base64.b64encode(oci.EMPTY_CONFIG).decode())


def _encode(manifest: dict[str, Any]) -> bytes:
    return json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()


def bundle_manifest(layer: bytes, annotations: dict[str, str]) -> bytes:
    """The image manifest of a bundle artifact."""
    return _encode(
        {
            "schemaVersion": 2,
            "mediaType": oci.MANIFEST_TYPE,
            "artifactType": ARTIFACT_TYPE,
            "config": _empty_config(),
            "layers": [
                _descriptor(LAYER_TYPE, layer, annotations={"org.opencontainers.image.title": LAYER_TITLE})
            ],
            "annotations": dict(sorted(annotations.items())),
        }
    )


def attestation_manifest(attestation: bytes, subject: bytes) -> bytes:
    """The referrer manifest carrying a bundle's attestation."""
    return _encode(
        {
            "schemaVersion": 2,
            "mediaType": oci.MANIFEST_TYPE,
            "artifactType": ATTESTATION_TYPE,
            "config": _empty_config(),
            "layers": [_descriptor(ATTESTATION_TYPE, attestation)],
            "subject": _descriptor(oci.MANIFEST_TYPE, subject),
        }
    )


class PushResult:
    """Where a bundle went: the reference and the manifest digest (and the attestation's)."""

    __slots__ = ("attestation_digest", "digest", "ref")

    def __init__(self, ref: oci.OciRef, digest: str, attestation_digest: str = "") -> None:
        self.ref = ref
        self.digest = digest
        self.attestation_digest = attestation_digest

    @property
    def pinned(self) -> str:
        """`host/repo@sha256:…`, the reference to deploy from."""
        return str(self.ref.with_reference(self.digest))


def push_bundle(
    registry: oci.Registry,
    ref: oci.OciRef,
    files: dict[str, tuple[bytes, bool]],
    annotations: dict[str, str],
    attestation: bytes | None = None,
) -> PushResult:
    """Push the bundle (blobs first, the tagged manifest last, so a failure leaves no tag behind)."""
    layer = pack(files)
    registry.push_blob(ref.repository, oci.EMPTY_CONFIG)
    registry.push_blob(ref.repository, layer)
    manifest = bundle_manifest(layer, annotations)
    digest, _ = registry.put_manifest(ref, manifest)
    result = PushResult(ref, digest)
    if attestation is not None:
        registry.push_blob(ref.repository, attestation)
        referrer = attestation_manifest(attestation, manifest)
        att_digest, indexed = registry.put_manifest(ref.with_reference(oci.digest_of(referrer)), referrer)
        if not indexed:
            registry.add_referrer_fallback(
                ref.repository,
                digest,
                _descriptor(oci.MANIFEST_TYPE, referrer, artifactType=ATTESTATION_TYPE),
            )
        result.attestation_digest = att_digest
    return result


def pull_bundle(registry: oci.Registry, ref: oci.OciRef, target: str) -> tuple[str, list[str]]:
    """Pull a bundle artifact into `target`; returns (manifest digest, files written)."""
    data, digest = registry.get_manifest(ref)
    try:
        manifest = json.loads(data)
    except ValueError as exc:
        raise AicrError(Code.INVALID_REQUEST, f"{ref}: manifest is not JSON") from exc
    if manifest.get("artifactType") != ARTIFACT_TYPE:
        raise AicrError(
            Code.INVALID_REQUEST, f"{ref}: not an aicr bundle (artifactType {manifest.get('artifactType')!r})"
        )
    layers = [layer for layer in manifest.get("layers") or [] if layer.get("mediaType") == LAYER_TYPE]
    if len(layers) != 1:
        raise AicrError(Code.INVALID_REQUEST, f"{ref}: expected one bundle layer, found {len(layers)}")
    files = unpack(registry.get_blob(ref.repository, str(layers[0]["digest"])), target)
    attestations = [
        m for m in registry.referrers(ref.repository, digest) if m.get("artifactType") == ATTESTATION_TYPE
    ]
    if attestations:
        referrer, _ = registry.get_manifest(ref.with_reference(str(attestations[-1]["digest"])))
        layer = json.loads(referrer)["layers"][0]
        blob = registry.get_blob(ref.repository, str(layer["digest"]))
        path = os.path.join(target, "attestation", "bundle-attestation.sigstore.json")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(blob)
        files.append("attestation/bundle-attestation.sigstore.json")
    return digest, files
