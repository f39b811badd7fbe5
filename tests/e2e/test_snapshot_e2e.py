"""End to end through the installed `aicr` console script: snapshot a host, then resolve a recipe from it.

The host is a fixture tree (AICR_HOST_ROOT: Ubuntu 24.04, kernel 6.8) with a fake `nvidia-smi`
printing the 8×H100 fixture, and the cluster is the emulated API (served from this process),
so the snapshot satisfies the embedded catalog's constraints on any machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.fixture_host import fake_nvidia_smi, host_tree
from tests.support.kube_emulator import KubeEmulator, make_nodes

import aicr

AICR = shutil.which("aicr", path=os.path.dirname(sys.executable)) or "aicr"


def run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)


def test_snapshot_then_recipe(tmp_path: Path) -> None:
    with KubeEmulator() as kube:
        kube.call(lambda emu: emu.version_info.update(gitVersion="v1.33.2-eks-3d4e5f6"))
        kube.add("v1/nodes", *make_nodes(4))
        kubeconfig = kube.write_kubeconfig(tmp_path / "kubeconfig")
        env = dict(
            os.environ,
            KUBECONFIG=str(kubeconfig),
            HOME=str(tmp_path),
            AICR_HOST_ROOT=str(host_tree(tmp_path / "host")),
            AICR_CACHE_DIR=str(tmp_path / "cache"),
            PATH=f"{fake_nvidia_smi(tmp_path / 'bin')}{os.pathsep}{os.environ.get('PATH', '')}",
            NODE_NAME="node-00000",
        )
        snap_path = tmp_path / "x.yaml"
        snap = run([AICR, "snapshot", "--local", "-o", str(snap_path)], env)
        assert snap.returncode == 0, snap.stderr
        assert snap.stdout == ""  # data goes to the file, logs to stderr

    loaded = aicr.load_snapshot(str(snap_path))
    assert loaded.gpu_count() == 8
    assert loaded.reading("K8s", "server", "version") == "v1.33.2-eks-3d4e5f6"
    assert loaded.reading("K8s", "node", "provider") == "eks"
    assert loaded.reading("OS", "release", "VERSION_ID") == "24.04"
    assert loaded.reading("NodeTopology", "summary", "node-count") == 4
    assert [m.type for m in loaded.measurements] == ["GPU", "K8s", "NodeTopology", "OS", "SystemD"]

    recipe = run([AICR, "recipe", "--snapshot", str(snap_path), "--intent", "training"], env)
    assert recipe.returncode == 0, recipe.stderr
    assert recipe.stdout.startswith("kind: RecipeResult\n")
    assert "service: eks" in recipe.stdout and "accelerator: h100" in recipe.stdout


def test_local_snapshot_of_this_machine(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST")}
    env["HOME"] = str(tmp_path)
    result = run([AICR, "snapshot", "--local", "--format", "json"], env)
    assert result.returncode == 0, result.stderr
    import json

    doc = json.loads(result.stdout)
    types = [m["type"] for m in doc["measurements"]]
    assert types == sorted(types) and {"GPU", "K8s", "NodeTopology", "OS", "SystemD"} <= set(types)
    assert set(doc["metadata"]) == {"source-node", "timestamp", "version"}
