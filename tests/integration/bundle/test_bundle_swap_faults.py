"""Fault injection: SIGKILL the bundle swap at every step (issue 10 item 12).

Each case writes an old bundle, then runs the new bundle's write in a subprocess with
`AICR_TEST_SWAP_KILL_AT=N` (aicr.bundle.swap) for N = 1, 2, ... until a run gets through. After
every kill the output directory must hold the complete old or the complete new bundle (verify
passes; with the two-rename fallback, after `recover_output`, which every run does first),
foreign files must be untouched, and the next run must leave no scratch directory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aicr.bundle.checksums import render
from aicr.bundle.swap import KILL_ENV
from aicr.bundle.tree import BundleTree, recover_output, write_bundle
from aicr.bundle.verify import verify_bundle

OLD = {"README.md": "old\n", "001-a/values.yaml": "a: old\n", "002-b/install.sh": "echo old\n"}
NEW = {"README.md": "new\n", "001-c/values.yaml": "c: new\n"}

WRITER = """
import json, sys
from aicr.bundle import swap
from aicr.bundle.checksums import render
from aicr.bundle.tree import BundleTree, recover_output, write_bundle
spec = json.loads(sys.argv[1])
if not spec["exchange"]:
    swap.exchange = lambda a, b: False
tree = BundleTree()
for rel, text in spec["files"].items():
    tree.add(rel, text)
tree.add("checksums.txt", render(tree))
write_bundle(tree, spec["target"], force=spec["force"])
"""


def make_tree(files: dict[str, str]) -> BundleTree:
    tree = BundleTree()
    for rel, text in files.items():
        tree.add(rel, text)
    tree.add("checksums.txt", render(tree))
    return tree


def contents(root: Path, skip: str = "") -> dict[str, str]:
    return {
        str(p.relative_to(root)): p.read_text()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "checksums.txt" and p.name != skip
    }


def scratch(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".aicr-" in p.name)


def run_writer(target: Path, kill_at: int, *, exchange: bool, force: bool) -> int:
    spec = {"files": NEW, "target": str(target), "exchange": exchange, "force": force}
    env = {**os.environ, KILL_ENV: str(kill_at)}
    return subprocess.run([sys.executable, "-c", WRITER, json.dumps(spec)], env=env, check=False).returncode


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
@pytest.mark.parametrize("foreign", [False, True], ids=["bundle-only", "with-user-file"])
def test_kill_at_every_swap_step_leaves_old_or_new_bundle(
    tmp_path: Path, exchange: bool, foreign: bool
) -> None:
    kills = 0
    for kill_at in range(1, 20):
        case = tmp_path / f"step{kill_at}"
        case.mkdir()
        target = case / "out"
        write_bundle(make_tree(OLD), str(target))
        if foreign:
            (target / "notes.txt").write_text("mine\n")
            inode = (target / "notes.txt").stat().st_ino
        rc = run_writer(target, kill_at, exchange=exchange, force=foreign)
        if rc == 0:
            assert contents(target, "notes.txt") == NEW
            break
        assert rc == -9, f"writer failed at step {kill_at} with {rc}"
        kills += 1
        if not exchange and not target.exists():
            recover_output(str(target))  # the fallback's gap between its two renames: old bundle back
        assert contents(target, "notes.txt") in (OLD, NEW), f"mixed bundle after a kill at step {kill_at}"
        if foreign:
            assert (target / "notes.txt").read_text() == "mine\n"
            assert (target / "notes.txt").stat().st_ino == inode
            assert verify_bundle(target).errors == ["unexpected file not listed in checksums.txt: notes.txt"]
        else:
            assert verify_bundle(target).passed
        write_bundle(make_tree(NEW), str(target), force=foreign)  # the next run cleans up
        assert scratch(case) == []
        assert contents(target, "notes.txt") == NEW
        if foreign:
            assert (target / "notes.txt").read_text() == "mine\n"
    else:
        pytest.fail("the writer never completed")
    assert kills >= 2


def test_kill_before_the_first_step_of_a_fresh_output_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "out"
    assert run_writer(target, 1, exchange=True, force=False) == -9
    assert not target.exists()
    write_bundle(make_tree(NEW), str(target))
    assert scratch(tmp_path) == []
    assert verify_bundle(target).passed


def test_half_written_staging_of_a_dead_run_is_removed(tmp_path: Path) -> None:
    target = tmp_path / "out"
    write_bundle(make_tree(OLD), str(target))
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    leftover = tmp_path / f".out.aicr-new-{dead.stdout.strip()}-0"
    (leftover / "001-a").mkdir(parents=True)
    (leftover / "001-a" / "values.yaml").write_text("partial")
    write_bundle(make_tree(NEW), str(target))
    assert scratch(tmp_path) == []
    assert contents(target) == NEW


def test_staging_of_a_live_run_is_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "out"
    write_bundle(make_tree(OLD), str(target))
    live = tmp_path / f".out.aicr-new-{os.getppid()}-0"
    live.mkdir()
    write_bundle(make_tree(NEW), str(target))
    assert scratch(tmp_path) == [live.name]
