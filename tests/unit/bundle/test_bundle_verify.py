"""checksums.txt and `verify_bundle`: reference/bundle.md §4 and acceptance cases §7 #8-#10."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from aicr.bundle.checksums import parse, render, sha256_hex
from aicr.bundle.tree import BundleTree, write_bundle
from aicr.bundle.verify import verify_bundle
from aicr.errors import AicrError, Code


@pytest.fixture
def bundle(plan_for: Any, tmp_path: Path) -> Path:
    tree, _out, _plan = plan_for()
    write_bundle(tree, str(tmp_path / "b"))
    return tmp_path / "b"


def test_checksums_format_and_order() -> None:
    tree = BundleTree()
    tree.add("z.txt", "z")
    tree.add("a/b.txt", "b")
    text = render(tree)
    assert text == f"{sha256_hex(b'z')}  z.txt\n{sha256_hex(b'b')}  a/b.txt\n"
    assert parse(text) == [(sha256_hex(b"z"), "z.txt"), (sha256_hex(b"b"), "a/b.txt")]


def test_checksums_cover_every_file_but_themselves(plan_for: Any) -> None:
    tree, _out, _plan = plan_for()
    listed = [rel for _digest, rel in parse(tree.text("checksums.txt"))]
    assert listed == [p for p in tree.files if p != "checksums.txt"]
    assert listed[-1] == "bundle-info.yaml"


def test_untouched_bundle_verifies_as_unverified(bundle: Path) -> None:
    result = verify_bundle(bundle)
    assert result.passed and result.checksums_passed
    assert result.trust_level == "unverified"
    lines = (bundle / "checksums.txt").read_text().splitlines()
    assert result.checksum_files == len(lines)
    text = result.to_text()
    assert f"✓ Checksums verified ({len(lines)} files)" in text
    assert "Trust level: unverified" in text and "Bundle verification: PASSED" in text
    assert result.error() is None


def test_tampered_file_fails_with_exit_4(bundle: Path) -> None:
    (bundle / "deploy.sh").write_text("#!/bin/sh\nrm -rf /\n")
    result = verify_bundle(bundle)
    data = result.to_dict()
    assert data["trustLevel"] == "unknown" and data["checksumsPassed"] is False
    assert data["errors"][0].startswith("checksum mismatch: deploy.sh (expected ")
    error = result.error()
    assert error is not None and error.code is Code.UNAUTHORIZED and error.exit_code == 4
    assert "Bundle verification: FAILED" in result.to_text()


def test_min_trust_level_policy_is_exit_2(bundle: Path) -> None:
    result = verify_bundle(bundle, "verified")
    error = result.error()
    assert error is not None and error.exit_code == 2
    assert error.message == 'trust level "unverified" does not meet minimum "verified"'
    (bundle / "README.md").write_text("changed")
    error = verify_bundle(bundle, "verified").error()
    assert error is not None and error.message == 'trust level "unknown" does not meet minimum "verified"'
    assert verify_bundle(bundle, "unverified").error() is not None  # the checksum failure remains


def test_deleted_added_and_escaping_entries_fail(bundle: Path) -> None:
    os.remove(bundle / "006-gpu-operator" / "values.yaml")
    (bundle / "extra.txt").write_text("x")
    (bundle / "empty-dir").mkdir()
    errors = verify_bundle(bundle).errors
    assert any(e.startswith("failed to read 006-gpu-operator/values.yaml") for e in errors)
    assert "unexpected file not listed in checksums.txt: extra.txt" in errors
    assert "unexpected empty directory: empty-dir" in errors
    (bundle / "checksums.txt").write_text(f"{'0' * 64}  ../outside\n")
    assert verify_bundle(bundle).errors[0] == "path traversal detected in checksum entry: ../outside"
    (bundle / "checksums.txt").write_text("not a checksum line\n")
    assert verify_bundle(bundle).errors[0] == "invalid checksum line: not a checksum line"


def test_symlinks_and_missing_checksums_fail(bundle: Path) -> None:
    (bundle / "link").symlink_to(bundle / "README.md")
    assert "symlink not allowed in bundle: link" in verify_bundle(bundle).errors
    os.remove(bundle / "checksums.txt")
    assert verify_bundle(bundle).errors[0].startswith("checksums.txt not found")


def test_bad_arguments() -> None:
    with pytest.raises(AicrError, match='invalid trust level "high"'):
        verify_bundle(".", "high")
    with pytest.raises(AicrError) as info:
        verify_bundle("/nonexistent/bundle")
    assert info.value.code is Code.NOT_FOUND
