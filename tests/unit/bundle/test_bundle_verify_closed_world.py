"""`verify` closes the world: special files and symlinks inside a bundle fail (issue 10 item 15)."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from aicr.bundle.checksums import render
from aicr.bundle.tree import BundleTree, write_bundle
from aicr.bundle.verify import verify_bundle


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    tree = BundleTree()
    tree.add("README.md", "hello\n")
    tree.add("001-a/values.yaml", "a: 1\n")
    tree.add("checksums.txt", render(tree))
    write_bundle(tree, str(tmp_path / "b"))
    assert verify_bundle(tmp_path / "b").passed
    return tmp_path / "b"


def test_fifo_inside_a_bundle_fails(bundle: Path) -> None:
    os.mkfifo(bundle / "001-a" / "pipe")
    assert "FIFO not allowed in bundle: 001-a/pipe" in verify_bundle(bundle).errors


def test_socket_inside_a_bundle_fails(bundle: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(bundle / "s.sock"))
    try:
        assert "socket not allowed in bundle: s.sock" in verify_bundle(bundle).errors
    finally:
        server.close()


def test_device_inside_a_bundle_fails(bundle: Path) -> None:
    try:
        os.mknod(bundle / "null", stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs root")
    assert "device file not allowed in bundle: null" in verify_bundle(bundle).errors


def test_listed_file_replaced_by_a_fifo_fails_without_blocking(bundle: Path) -> None:
    os.remove(bundle / "README.md")
    os.mkfifo(bundle / "README.md")
    errors = verify_bundle(bundle).errors
    assert "failed to read README.md: FIFO, not a regular file" in errors


def test_listed_file_replaced_by_a_symlink_fails(bundle: Path) -> None:
    os.rename(bundle / "README.md", bundle.parent / "elsewhere.md")
    (bundle / "README.md").symlink_to(bundle.parent / "elsewhere.md")
    errors = verify_bundle(bundle).errors
    assert "failed to read README.md: symlink, not a regular file" in errors
    assert "symlink not allowed in bundle: README.md" in errors


def test_symlinked_directory_inside_a_bundle_fails(bundle: Path) -> None:
    (bundle / "linked").symlink_to(bundle / "001-a", target_is_directory=True)
    assert "symlink not allowed in bundle: linked" in verify_bundle(bundle).errors
