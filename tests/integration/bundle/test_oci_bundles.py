"""Bundles pushed to and pulled from a real OCI registry (Debian docker-registry on loopback)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from tests.support.oci_registry import LocalRegistry

from aicr.bundle import attest, ocipack
from aicr.errors import AicrError, Code
from aicr.io import oci

FILES = {
    "README.md": (b"# bundle\n", False),
    "deploy.sh": (b"#!/bin/sh\necho hi\n", True),
    "001-cert-manager/values.yaml": (b"a: 1\n", False),
    "checksums.txt": (b"x  README.md\n", False),
}
ANNOTATIONS = {"aicr.nvidia.com/criteria.service": "eks", "org.opencontainers.image.version": "v0.1.0"}


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRegistry]:
    with LocalRegistry(tmp_path_factory.mktemp("registry")) as reg:
        yield reg


def client(reg: LocalRegistry) -> oci.Registry:
    return oci.Registry(
        reg.host, plain_http=True, credentials=("", "") if not reg.user else (reg.user, reg.password)
    )


def test_pack_is_reproducible_and_normalises_metadata() -> None:
    first, second = ocipack.pack(FILES), ocipack.pack(dict(reversed(list(FILES.items()))))
    assert first == second
    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(first), mode="r:gz") as tar:
        members = tar.getmembers()
    assert [m.name for m in members] == sorted(FILES)
    assert {(m.mtime, m.uid, m.gid, m.uname, m.gname) for m in members} == {(0, 0, 0, "", "")}
    assert {m.name: m.mode for m in members}["deploy.sh"] == 0o755


def test_push_twice_gives_the_same_digest_and_pull_restores_the_tree(
    registry: LocalRegistry, tmp_path: Path
) -> None:
    ref = oci.OciRef.parse(f"oci://{registry.host}/aicr/bundle:v1")
    with client(registry) as reg:
        first = ocipack.push_bundle(reg, ref, FILES, ANNOTATIONS)
        second = ocipack.push_bundle(reg, ref, FILES, ANNOTATIONS)
        assert first.digest == second.digest and first.digest.startswith("sha256:")
        digest, files = ocipack.pull_bundle(reg, ref, str(tmp_path / "out"))
        manifest = json.loads(reg.get_manifest(ref)[0])
    assert digest == first.digest and sorted(files) == sorted(FILES)
    assert (tmp_path / "out" / "001-cert-manager" / "values.yaml").read_bytes() == b"a: 1\n"
    assert manifest["artifactType"] == "application/vnd.nvidia.aicr.artifact"
    assert manifest["annotations"] == ANNOTATIONS


def test_attestation_is_attached_as_a_referrer(registry: LocalRegistry, tmp_path: Path) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    stmt = attest.statement(FILES["checksums.txt"][0], {}, aicr_version="v0", commit="c", parameters={})
    signed = attest.sign_statement(stmt, key).encode()
    ref = oci.OciRef.parse(f"oci://{registry.host}/aicr/signed:v1")
    with client(registry) as reg:
        pushed = ocipack.push_bundle(reg, ref, FILES, ANNOTATIONS, attestation=signed)
        referrers = reg.referrers(ref.repository, pushed.digest)
        _digest, files = ocipack.pull_bundle(reg, ref.with_reference(pushed.digest), str(tmp_path / "b"))
    assert [r["digest"] for r in referrers] == [pushed.attestation_digest]
    assert "attestation/bundle-attestation.sigstore.json" in files
    text = (tmp_path / "b" / "attestation" / "bundle-attestation.sigstore.json").read_bytes()
    attest.verify_attestation(text, key.public_key(), FILES["checksums.txt"][0])


def test_missing_tag_is_not_found(registry: LocalRegistry, tmp_path: Path) -> None:
    with client(registry) as reg, pytest.raises(AicrError) as err:
        ocipack.pull_bundle(reg, oci.OciRef.parse(f"oci://{registry.host}/aicr/bundle:nope"), str(tmp_path))
    assert err.value.code is Code.NOT_FOUND


def test_registry_down_is_unavailable_and_pushes_nothing(tmp_path: Path) -> None:
    with LocalRegistry(tmp_path / "r") as reg:
        host = reg.host
    ref = oci.OciRef.parse(f"oci://{host}/aicr/bundle:v1")
    with oci.Registry(host, plain_http=True, credentials=("", "")) as down, pytest.raises(AicrError) as err:
        ocipack.push_bundle(down, ref, FILES, ANNOTATIONS)
    assert err.value.code is Code.UNAVAILABLE


def test_wrong_credentials_are_unauthorized(tmp_path: Path) -> None:
    with LocalRegistry(tmp_path / "auth", user="aicr", password="s3cret") as reg:
        ref = oci.OciRef.parse(f"oci://{reg.host}/aicr/bundle:v1")
        with (
            oci.Registry(reg.host, plain_http=True, credentials=("aicr", "wrong")) as bad,
            pytest.raises(AicrError) as err,
        ):
            ocipack.push_bundle(bad, ref, FILES, ANNOTATIONS)
        assert err.value.code is Code.UNAUTHORIZED
        with oci.Registry(reg.host, plain_http=True, credentials=("aicr", "s3cret")) as good:
            assert ocipack.push_bundle(good, ref, FILES, ANNOTATIONS).digest.startswith("sha256:")


def test_docker_config_credentials_are_read(tmp_path: Path) -> None:
    import base64

    (tmp_path / "config.json").write_text(
        json.dumps({"auths": {"reg.example:5000": {"auth": base64.b64encode(b"u:p").decode()}}})
    )
    assert oci.docker_credentials("reg.example:5000", {"DOCKER_CONFIG": str(tmp_path)}) == ("u", "p")
    assert oci.docker_credentials("other", {"DOCKER_CONFIG": str(tmp_path)}) is None


@pytest.mark.parametrize(
    "uri",
    [
        "oci://",
        "oci://host",
        "oci://host/Repo",
        "https://host/repo",
        "oci://host/repo@sha256:12",
        "oci://host/r:ta g",
    ],
)
def test_malformed_references_are_invalid_requests(uri: str) -> None:
    with pytest.raises(AicrError) as err:
        oci.OciRef.parse(uri)
    assert err.value.code is Code.INVALID_REQUEST


@pytest.mark.parametrize("name", ["../evil", "/abs", "a/../../b"])
def test_unpack_refuses_paths_leaving_the_target(name: str, tmp_path: Path) -> None:
    import io
    import tarfile

    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
        info = tarfile.TarInfo(name)
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(AicrError, match="unsafe path"):
        ocipack.unpack(raw.getvalue(), str(tmp_path))


def test_unpack_refuses_links(tmp_path: Path) -> None:
    import io
    import tarfile

    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
        info = tarfile.TarInfo("link")
        info.type = tarfile.SYMTYPE
        info.linkname = "/etc/passwd"
        tar.addfile(info)
    with pytest.raises(AicrError, match="not a regular file"):
        ocipack.unpack(raw.getvalue(), str(tmp_path))


def test_a_blob_longer_than_the_cap_is_refused_while_it_streams(registry: LocalRegistry) -> None:
    data = bytes(range(256)) * 64  # 16 KiB
    with client(registry) as reg:
        digest = reg.push_blob("caps/blob", data)
        assert reg.get_blob("caps/blob", digest, max_bytes=len(data)) == data
        with pytest.raises(AicrError) as err:
            reg.get_blob("caps/blob", digest, max_bytes=len(data) - 1)
    assert err.value.code is Code.INVALID_REQUEST
    assert f"is larger than {len(data) - 1} bytes" in err.value.message


def test_a_missing_blob_is_not_found_through_the_streamed_read(registry: LocalRegistry) -> None:
    with client(registry) as reg, pytest.raises(AicrError) as err:
        reg.get_blob("caps/blob", "sha256:" + "0" * 64)
    assert err.value.code is Code.NOT_FOUND
