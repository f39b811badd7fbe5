"""Collector orchestration and the local library entry point (reference/snapshot.md §2, §7 #15, #19-#21)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from aicr.errors import AicrError, Code
from aicr.snapshot.api import take_snapshot
from aicr.snapshot.collect import Sources, collect_measurements, take
from aicr.snapshot.model import Measurement, Subtype

Runner = Callable[[Sources], Measurement]


def fixed(mtype: str) -> Runner:
    return lambda src: Measurement(mtype, [Subtype("s", {"k": 1})])


def boom(src: Sources) -> Measurement:
    raise RuntimeError("collector exploded")


def aicr_boom(src: Sources) -> Measurement:
    raise AicrError(Code.UNAVAILABLE, "api down")


def test_failing_collectors_are_omitted_and_the_rest_kept() -> None:
    runners: dict[str, Runner] = {
        "gpu": fixed("GPU"),
        "k8s": boom,
        "os": fixed("OS"),
        "systemd": aicr_boom,
        "topology": fixed("NodeTopology"),
    }
    result = collect_measurements(Sources(use_cluster=False), runners=runners)
    assert sorted(m.type for m in result) == ["GPU", "NodeTopology", "OS"]


def test_a_collector_past_its_timeout_is_omitted_without_waiting_for_it() -> None:
    release = threading.Event()

    def hang(src: Sources) -> Measurement:
        release.wait(10)
        return Measurement("OS")

    runners: dict[str, Runner] = {"os": hang, "gpu": fixed("GPU")}
    try:
        result = collect_measurements(
            Sources(use_cluster=False), ["os", "gpu"], timeouts={"os": 0.2}, runners=runners
        )
    finally:
        release.set()
    assert [m.type for m in result] == ["GPU"]


def test_take_builds_the_envelope_and_sorts_types() -> None:
    import aicr.snapshot.collect as collect

    runners: dict[str, Runner] = {"os": fixed("OS"), "gpu": fixed("GPU")}
    original = collect.RUNNERS
    collect.RUNNERS = runners
    try:
        snap = take(
            Sources(use_cluster=False, source_node="node-9"), version="0.1.0", collectors=["os", "gpu"]
        )
    finally:
        collect.RUNNERS = original
    doc = snap.to_dict()
    assert doc["metadata"]["source-node"] == "node-9" and doc["metadata"]["version"] == "0.1.0"
    assert doc["metadata"]["timestamp"].endswith("Z") and len(doc["metadata"]["timestamp"]) == 20
    assert [m["type"] for m in doc["measurements"]] == ["GPU", "OS"]


def fake_smi(argv: object, timeout: float) -> bytes:
    return (Path(__file__).parents[2] / "fixtures" / "snapshot" / "nvidia-smi-8xh100.xml").read_bytes()


def test_take_snapshot_local_with_fixture_root_and_runner(tmp_path: Path) -> None:
    (tmp_path / "proc").mkdir()
    (tmp_path / "proc" / "cmdline").write_text("ro quiet")
    snap = take_snapshot(
        root=str(tmp_path), runner=fake_smi, kubeconfig=None, collectors=["gpu", "os"], require_gpu=True
    )
    assert snap.gpu_count() == 8
    assert snap.reading("OS", "grub", "quiet") == ""


def test_require_gpu_without_gpu_is_not_found(tmp_path: Path) -> None:
    def no_gpu(argv: object, timeout: float) -> bytes:
        return b"<nvidia_smi_log></nvidia_smi_log>"

    with pytest.raises(AicrError) as err:
        take_snapshot(root=str(tmp_path), runner=no_gpu, collectors=["gpu"], require_gpu=True)
    assert err.value.code is Code.NOT_FOUND


def test_local_snapshot_without_cluster_never_imports_a_kubernetes_client(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST")}
    env["HOME"] = str(tmp_path)
    code = (
        "import json, sys; from aicr.snapshot.api import take_snapshot;"
        "doc = take_snapshot().to_dict();"
        "print(json.dumps({'doc': doc, 'mods': sorted(m for m in sys.modules if m.split('.')[0] in "
        "('lightkube', 'httpx', 'httpx2', 'yaml', 'jinja2', 'rich', 'threading'))}))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    assert result["mods"] == []
    by_type = {m["type"]: m for m in result["doc"]["measurements"]}
    assert set(by_type) >= {"GPU", "K8s", "NodeTopology", "OS", "SystemD"}
    assert by_type["K8s"]["subtypes"] == [
        {"subtype": n, "data": {}} for n in ("server", "image", "policy", "node")
    ]
    assert by_type["NodeTopology"]["subtypes"][0]["data"] == {
        "label-count": 0,
        "node-count": 0,
        "taint-count": 0,
    }
