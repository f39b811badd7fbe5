"""The embedded catalog's deployment and performance entries match the checks this image runs."""

from __future__ import annotations

from typing import Any

import pytest

import aicr
from aicr.validators.checks import CHECKS

SCOPES = {"namespace", "run-namespaces", "cluster"}


def entries() -> list[dict[str, Any]]:
    return [e for e in aicr.load_catalog().validators if e["phase"] in ("deployment", "performance")]


@pytest.mark.parametrize("entry", entries(), ids=lambda e: e["name"])
def test_entry_runs_a_registered_check_with_declared_rbac(entry: dict[str, Any]) -> None:
    assert entry["args"][0] in CHECKS
    rules = entry.get("rbac") or []
    assert rules, f"{entry['name']} declares no RBAC rules"
    assert {rule.get("scope", "namespace") for rule in rules} <= SCOPES


def test_workload_images_have_catalog_defaults() -> None:
    env = {e["name"]: {v["name"] for v in e.get("env") or []} for e in entries()}
    assert "AICR_CUDA_IMAGE" in env["check-nvidia-smi"]
    assert "AICR_NCCL_RUNTIME_IMAGE" in env["nccl-all-reduce-bw-nvls"]
    assert "AICR_INFERENCE_LOAD_IMAGE" in env["inference-perf"]


def test_only_namespaced_creates_outside_the_cluster_scope() -> None:
    for entry in entries():
        for rule in entry.get("rbac") or []:
            if rule.get("scope", "namespace") == "cluster" and "create" in rule["verbs"]:
                assert rule["resources"] == ["namespaces"], entry["name"]
