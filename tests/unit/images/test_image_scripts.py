"""The image build scripts: shellcheck-clean, and provenance statements that name what they cover."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _provenance() -> ModuleType:
    spec = importlib.util.spec_from_file_location("provenance", ROOT / "images" / "provenance.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(
    shutil.which("shellcheck") is None, reason="shellcheck not installed (.ci/run installs it)"
)
def test_image_scripts_and_ci_entry_pass_shellcheck() -> None:
    scripts = [*sorted((ROOT / "images").glob("*.sh")), ROOT / ".ci" / "run"]
    done = subprocess.run(["shellcheck", *map(str, scripts)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


def test_provenance_statement_names_subject_materials_commit_and_builder(tmp_path: Path) -> None:
    digest = hashlib.sha256(b"wheel").hexdigest()
    out = tmp_path / "p.json"
    _provenance().main(
        [
            "--build-type", "wheel", "--subject", f"aicr.whl=sha256:{digest}",
            "--material", f"dep.whl=sha256:{'a' * 64}", "--param", "target=wheel", "-o", str(out),
        ]
    )  # fmt: skip
    statement = json.loads(out.read_text())
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["subject"] == [{"name": "aicr.whl", "digest": {"sha256": digest}}]
    build = statement["predicate"]["buildDefinition"]
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    assert build["resolvedDependencies"][0]["digest"] == {"gitCommit": head}
    assert build["resolvedDependencies"][1] == {"uri": "dep.whl", "digest": {"sha256": "a" * 64}}
    assert build["externalParameters"] == {"target": "wheel"}
    assert build["buildType"].endswith("/wheel@v1")


def test_provenance_statement_is_byte_deterministic(tmp_path: Path) -> None:
    args = ["--build-type", "image", "--subject", f"img=sha256:{'b' * 64}"]
    _provenance().main([*args, "-o", str(tmp_path / "1.json")])
    _provenance().main([*args, "-o", str(tmp_path / "2.json")])
    assert (tmp_path / "1.json").read_bytes() == (tmp_path / "2.json").read_bytes()


@pytest.mark.parametrize("subject", ["aicr.whl", "aicr.whl=md5:abc", f"=sha256:{'c' * 64}", "x=sha256:short"])
def test_provenance_refuses_a_subject_without_a_sha256_digest(subject: str, tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="expected NAME=sha256"):
        _provenance().main(["--build-type", "wheel", "--subject", subject, "-o", str(tmp_path / "p.json")])
