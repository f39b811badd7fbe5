"""`make release-artifacts`: SBOMs list every distribution with version and license; provenance
digests match the wheel file and the built images."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.images.podman import ROOT, environment, podman

DIST = ROOT / "dist"
VENV = {"aicr-agent": "/opt/aicr", "aicr-validators": "/opt/aicr", "aicrd": "/opt/aicrd"}
DIST_INFO = re.compile(r"^(?P<name>.+?)-(?P<version>[^-]+)\.dist-info$")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _load(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


@pytest.fixture(scope="module")
def release(images: dict[str, str]) -> Path:
    """Run images/release-artifacts.sh once (the tool venv is made on first use)."""
    tool = subprocess.run(
        [str(ROOT / "images" / "tools-venv.sh")], capture_output=True, text=True, timeout=600, check=True
    ).stdout.strip()
    env = {**environment(), "PYTHON": sys.executable, "CYCLONEDX_PY": str(ROOT / tool)}
    done = subprocess.run(
        [str(ROOT / "images" / "release-artifacts.sh")], env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr
    return DIST


def _components(sbom: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {_normal(c["name"]): c for c in sbom["components"]}


def test_wheel_sbom_lists_its_whole_dependency_set_with_versions_and_licenses(release: Path) -> None:
    (sbom_path,) = release.glob("aicr-*.whl.cdx.json")
    components = _components(_load(sbom_path))
    wheels = list((ROOT / "build" / "image-context" / "deps").glob("*.whl"))
    expected = {
        _normal(w.name.split("-")[0]): w.name.split("-")[1] for w in wheels if not w.name.startswith("pip-")
    }
    assert expected and set(expected) <= set(components)
    for name, version in expected.items():
        assert components[name]["version"] == version
        assert components[name].get("licenses"), f"{name} has no license in the SBOM"


@pytest.mark.parametrize("image", sorted(VENV))
def test_image_sbom_lists_every_installed_distribution(
    release: Path, images: dict[str, str], image: str
) -> None:
    ref = next(r for r in images.values() if r.rsplit("/", 1)[-1].startswith(image + ":"))
    listing = podman(
        "run",
        "--rm",
        "--network",
        "none",
        "--entrypoint",
        "ls",
        ref,
        f"{VENV[image]}/lib/python3.11/site-packages",
    )
    installed = {
        _normal(m["name"]): m["version"]
        for m in (DIST_INFO.match(line) for line in listing.stdout.split())
        if m
    }
    components = _components(_load(release / "images" / f"{image}.cdx.json"))
    assert "aicr" in installed and set(installed) == set(components)
    for name, version in installed.items():
        assert components[name]["version"] == version
        assert components[name].get("licenses"), f"{name} has no license in the SBOM"


def test_wheel_provenance_digest_matches_the_wheel_and_names_the_commit(release: Path) -> None:
    (wheel,) = release.glob("aicr-*-py3-none-any.whl")
    statement = _load(release / f"{wheel.name}.intoto.json")
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["predicateType"] == "https://slsa.dev/provenance/v1"
    assert statement["subject"] == [
        {"name": wheel.name, "digest": {"sha256": hashlib.sha256(wheel.read_bytes()).hexdigest()}}
    ]
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    source = statement["predicate"]["buildDefinition"]["resolvedDependencies"][0]
    assert source["digest"] == {"gitCommit": head}
    assert statement["predicate"]["runDetails"]["builder"]["id"]


@pytest.mark.parametrize("image", sorted(VENV))
def test_image_provenance_digest_matches_the_built_image(
    release: Path, images: dict[str, str], image: str
) -> None:
    ref = next(r for r in images.values() if r.rsplit("/", 1)[-1].startswith(image + ":"))
    statement = _load(release / "images" / f"{image}.intoto.json")
    digest = podman("image", "inspect", "--format", "{{.Digest}}", ref).stdout.strip()
    assert statement["subject"] == [{"name": ref, "digest": {"sha256": digest.removeprefix("sha256:")}}]
    materials = {
        m["uri"]: m["digest"] for m in statement["predicate"]["buildDefinition"]["resolvedDependencies"]
    }
    dockerfile = ROOT / f"Dockerfile.{image.removeprefix('aicr-')}"
    assert materials[dockerfile.name] == {"sha256": hashlib.sha256(dockerfile.read_bytes()).hexdigest()}


def test_sha256sums_match_every_release_file(release: Path) -> None:
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=release, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": OK") == 9
