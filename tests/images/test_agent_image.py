"""The agent image: `aicr snapshot` in agent mode against the emulated API server, and `--local`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.images.podman import podman
from tests.images.podman_kubelet import NODE_NAME, podman_kubelet
from tests.support.kube_emulator import KubeEmulator, make_nodes

from aicr.io.documents import load_document

AICR = shutil.which("aicr", path=os.path.dirname(sys.executable)) or "aicr"


def _snapshot_cli(argv: list[str], kubeconfig: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, KUBECONFIG=str(kubeconfig), HOME=str(tmp_path))
    return subprocess.run([AICR, "snapshot", *argv], env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("privileged", ["true", "false"])
def test_agent_mode_snapshot_runs_the_image_and_returns_its_configmap(
    images: dict[str, str], kube: KubeEmulator, kubeconfig: Path, tmp_path: Path, privileged: str
) -> None:
    kube.add("v1/nodes", *make_nodes(3))
    runs: list[list[str]] = []
    hook = podman_kubelet(kube, kubeconfig, tmp_path / "kubelet", runs)
    kube.call(lambda emu: emu.on_create.__setitem__("jobs", hook))
    out = tmp_path / "snapshot.yaml"
    argv = ["--namespace", "aicr-agent-test", "--image", images["agent"], f"--privileged={privileged}"]
    done = _snapshot_cli([*argv, "--timeout", "4m", "-o", str(out)], kubeconfig, tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(runs) == 1 and images["agent"] in runs[0]
    snapshot = load_document(str(out), what="snapshot")
    assert snapshot["kind"] == "Snapshot"
    assert snapshot["metadata"]["source-node"] == NODE_NAME
    types = {m["type"] for m in snapshot["measurements"]}
    assert {"K8s", "NodeTopology", "OS"} <= types
    topology = next(m for m in snapshot["measurements"] if m["type"] == "NodeTopology")
    assert topology["subtypes"][0]["data"]["node-count"] == 3
    assert kube.objects("batch/v1/jobs", "aicr-agent-test") == []  # cleaned up after success


def test_agent_writes_the_snapshot_configmap_it_is_given(
    images: dict[str, str], kube: KubeEmulator, kubeconfig: Path
) -> None:
    done = podman(
        "run", "--rm", "--network", "host", "--read-only", "--tmpfs", "/tmp",
        "-v", f"{kubeconfig}:/kube/config:ro", "-e", "KUBECONFIG=/kube/config",
        images["agent"], "snapshot", "--local", "-o", "cm://default/aicr-snapshot",
    )  # fmt: skip
    assert "[agent]" in done.stderr
    (configmap,) = kube.objects("v1/configmaps", "default")
    assert configmap["metadata"]["name"] == "aicr-snapshot"
    assert configmap["data"]["snapshot.yaml"].startswith("kind: Snapshot")


def test_local_snapshot_reads_the_containers_os(images: dict[str, str]) -> None:
    done = podman(
        "run",
        "--rm",
        "--network",
        "none",
        "--read-only",
        images["agent"],
        "snapshot",
        "--local",
        "--format",
        "json",
    )
    snapshot = json.loads(done.stdout)
    os_data = {
        s["subtype"]: s["data"] for m in snapshot["measurements"] if m["type"] == "OS" for s in m["subtypes"]
    }
    assert os_data["release"]["ID"] == "debian"
    assert os_data["release"]["VERSION_ID"] == "12"
