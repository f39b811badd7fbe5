"""Writing a bundle: byte-determinism, atomic replacement, stale folders, failure leaves nothing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from aicr.bundle import swap as swapmod
from aicr.bundle.tree import BundleTree, write_bundle
from aicr.errors import AicrError, Code


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def scratch_dirs(parent: Path) -> list[str]:
    return [p.name for p in parent.iterdir() if ".aicr-" in p.name]


@pytest.mark.parametrize("deployer", ["helm", "helmfile", "argocd", "argocd-helm", "flux"])
def test_same_inputs_give_byte_identical_trees(plan_for: Any, tmp_path: Path, deployer: str) -> None:
    first, _o, _p = plan_for(deployer)
    second, _o, _p = plan_for(deployer)
    assert first.files == second.files
    write_bundle(first, str(tmp_path / "a"))
    write_bundle(second, str(tmp_path / "b"))
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


def test_scripts_are_executable_and_other_files_private(plan_for: Any, tmp_path: Path) -> None:
    tree, _out, _plan = plan_for()
    write_bundle(tree, str(tmp_path / "b"))
    assert os.stat(tmp_path / "b" / "deploy.sh").st_mode & 0o777 == 0o755
    assert os.stat(tmp_path / "b" / "006-gpu-operator" / "install.sh").st_mode & 0o777 == 0o755
    assert os.stat(tmp_path / "b" / "checksums.txt").st_mode & 0o777 == 0o600


def test_rewrite_replaces_stale_folders_and_keeps_foreign_files(plan_for: Any, tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    (target / "042-old-component").mkdir()
    (target / "042-old-component" / "values.yaml").write_text("stale")
    first, _o, _p = plan_for("flux")
    write_bundle(first, str(target), force=True)
    assert (target / "cert-manager" / "helmrelease.yaml").exists()
    helm, _o, _p = plan_for("helm")
    write_bundle(helm, str(target), force=True)
    assert not (target / "042-old-component").exists()
    assert not (target / "cert-manager").exists()  # listed by the earlier bundle's checksums.txt
    assert not (target / "kustomization.yaml").exists()
    assert (target / "notes.txt").read_text() == "mine"
    assert set(snapshot(target)) - {"notes.txt"} == set(helm.files)
    assert scratch_dirs(tmp_path) == []


def test_failure_while_writing_leaves_the_target_untouched(
    plan_for: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out"
    first, _o, _p = plan_for("helm")
    write_bundle(first, str(target))
    before = snapshot(target)
    second, _o, _p = plan_for("helm", {"set": ["gpuoperator:driver.version=1"]})
    real_write = os.write
    calls = {"n": 0}

    def failing_write(fd: int, data: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 10:
            raise OSError(28, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", failing_write)
    with pytest.raises(AicrError, match="failed to write bundle"):
        write_bundle(second, str(target))
    assert snapshot(target) == before
    assert scratch_dirs(tmp_path) == []
    monkeypatch.undo()
    fresh = tmp_path / "fresh"
    monkeypatch.setattr(os, "write", failing_write)
    calls["n"] = 0
    with pytest.raises(AicrError):
        write_bundle(second, str(fresh))
    assert not fresh.exists()
    assert scratch_dirs(tmp_path) == []


@pytest.mark.parametrize("foreign_file", [False, True])
@pytest.mark.parametrize("exchange", [True, False])
def test_failure_during_the_swap_rolls_back(
    plan_for: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, foreign_file: bool, exchange: bool
) -> None:
    target = tmp_path / "out"
    first, _o, _p = plan_for("helm")
    write_bundle(first, str(target))
    if foreign_file:
        (target / "notes.txt").write_text("mine")  # carried into the staged tree, then put back
    before = snapshot(target)
    second, _o, _p = plan_for("argocd")
    real_rename = os.rename

    def failing_exchange(a: str, b: str) -> bool:
        if exchange:
            raise OSError(5, "I/O error")
        return False  # unsupported: the two-rename fallback runs

    failed: list[str] = []

    def failing_rename(src: str, dst: str) -> None:
        if dst == str(target) and not failed:  # the staged tree's move in; the rollback succeeds
            failed.append(src)
            raise OSError(5, "I/O error")
        real_rename(src, dst)

    monkeypatch.setattr(swapmod, "exchange", failing_exchange)
    monkeypatch.setattr(os, "rename", failing_rename)
    with pytest.raises(AicrError, match="failed to move bundle"):
        write_bundle(second, str(target), force=True)
    monkeypatch.undo()
    assert snapshot(target) == before
    assert scratch_dirs(tmp_path) == []


def test_foreign_files_are_refused_without_force(plan_for: Any, tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    for name in ("a.txt", "b.txt", "c.txt", "d.txt", "e.txt", "f.txt"):
        (target / name).write_text(name)
    helm, _o, _p = plan_for("helm")
    with pytest.raises(
        AicrError, match=r"not an earlier aicr bundle \(found: a.txt, b.txt, c.txt, d.txt, e.txt and 1 more\)"
    ) as err:
        write_bundle(helm, str(target))
    assert err.value.code == Code.INVALID_REQUEST
    assert sorted(os.listdir(target)) == ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt", "f.txt"]
    assert scratch_dirs(tmp_path) == []


def test_earlier_bundle_is_replaced_without_force(plan_for: Any, tmp_path: Path) -> None:
    target = tmp_path / "out"
    write_bundle(plan_for("flux")[0], str(target))
    helm, _o, _p = plan_for("helm")
    write_bundle(helm, str(target))
    assert set(snapshot(target)) == set(helm.files)


def test_symlink_to_a_bundle_dir_writes_through_the_link(plan_for: Any, tmp_path: Path) -> None:
    real = tmp_path / "real"
    write_bundle(plan_for("flux")[0], str(real))
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    helm, _o, _p = plan_for("helm")
    write_bundle(helm, str(link))
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert set(snapshot(real)) == set(helm.files)
    assert scratch_dirs(tmp_path) == []


def test_directory_mode_of_an_existing_target_is_kept(plan_for: Any, tmp_path: Path) -> None:
    target = tmp_path / "out"
    write_bundle(plan_for("helm")[0], str(target))
    os.chmod(target, 0o750)
    write_bundle(plan_for("helm")[0], str(target))
    assert os.stat(target).st_mode & 0o777 == 0o750


def test_output_path_that_is_a_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "file"
    path.write_text("x")
    tree = BundleTree()
    tree.add("a.txt", "a")
    with pytest.raises(AicrError, match="output path is not a directory"):
        write_bundle(tree, str(path))


def test_tree_refuses_paths_outside_the_bundle() -> None:
    tree = BundleTree()
    for bad in ("../x", "/etc/passwd", "a/../../b", ""):
        with pytest.raises(AicrError):
            tree.add(bad, "x")
