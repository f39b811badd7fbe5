"""Which nodes count as GPU nodes, which are cordoned and which are busy."""

from __future__ import annotations

from typing import Any

from aicr.validators.gpu_nodes import busy_nodes, split_gpu_nodes


def node(name: str, gpus: str = "8", cordoned: bool = False) -> dict[str, Any]:
    return {
        "metadata": {"name": name},
        "spec": {"unschedulable": cordoned},
        "status": {"allocatable": {"nvidia.com/gpu": gpus}},
    }


def gpu_pod(node_name: str, phase: str = "Running", labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "metadata": {"labels": labels or {}},
        "spec": {"nodeName": node_name, "containers": [{"resources": {"limits": {"nvidia.com/gpu": "1"}}}]},
        "status": {"phase": phase},
    }


def test_cpu_nodes_are_ignored_and_cordoned_listed() -> None:
    usable, cordoned = split_gpu_nodes([node("b"), node("cpu", "0"), node("a", cordoned=True)])
    assert [n["metadata"]["name"] for n in usable] == ["b"]
    assert cordoned == ["a"]


def test_live_gpu_pod_makes_its_node_busy() -> None:
    assert busy_nodes([gpu_pod("a"), gpu_pod("b", "Succeeded")]) == {"a"}


def test_own_pods_do_not_make_a_node_busy() -> None:
    assert busy_nodes([gpu_pod("a", labels={"run": "x"})], ignore_labels={"run": "x"}) == set()
