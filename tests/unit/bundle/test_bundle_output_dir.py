"""Foreign entries kept by `write_bundle(force=True)`: same inodes, directories and links intact."""

from __future__ import annotations

import os
from pathlib import Path

from aicr.bundle.checksums import render
from aicr.bundle.tree import BundleTree, write_bundle


def tree(text: str) -> BundleTree:
    t = BundleTree()
    t.add("README.md", text)
    t.add("checksums.txt", render(t))
    return t


def test_forced_write_keeps_foreign_directories_files_and_links(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "mine" / "deep").mkdir(parents=True)
    (out / "mine" / "deep" / "data.bin").write_bytes(b"\x00\x01")
    os.chmod(out / "mine", 0o750)
    (out / "shortcut").symlink_to("mine/deep/data.bin")
    inode = (out / "mine" / "deep" / "data.bin").stat().st_ino
    write_bundle(tree("one"), str(out), force=True)
    write_bundle(tree("two"), str(out), force=True)
    assert (out / "README.md").read_text() == "two"
    assert (out / "mine" / "deep" / "data.bin").stat().st_ino == inode
    assert (out / "mine").stat().st_mode & 0o777 == 0o750
    assert os.readlink(out / "shortcut") == "mine/deep/data.bin"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_forced_write_replaces_a_foreign_entry_the_bundle_itself_uses(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "README.md").write_text("user readme")
    write_bundle(tree("bundle readme"), str(out), force=True)
    assert (out / "README.md").read_text() == "bundle readme"


def test_empty_directory_is_used_without_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    write_bundle(tree("x"), str(out))
    assert (out / "README.md").read_text() == "x"


def test_scratch_of_a_write_in_progress_in_this_process_is_left_alone(tmp_path: Path) -> None:
    from aicr.bundle import swap

    out = tmp_path / "out"
    write_bundle(tree("one"), str(out))
    busy = tmp_path / f".out.aicr-new-{os.getpid()}-7"
    busy.mkdir()
    swap.ACTIVE.add(str(busy))
    try:
        write_bundle(tree("two"), str(out))
        assert busy.is_dir()
    finally:
        swap.ACTIVE.discard(str(busy))
    write_bundle(tree("three"), str(out))
    assert not busy.exists()
    assert not swap.ACTIVE
