"""`aicr validate -s fleet.yaml`: each readiness constraint is checked on every measured node."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import aicr
from aicr.errors import AicrError
from aicr.snapshot.fleet_report import NodeResult, build_fleet_document

RECIPE: dict[str, Any] = {
    "kind": "RecipeResult",
    "apiVersion": "aicr.nvidia.com/v1alpha1",
    "constraints": [
        {"name": "OS.release.ID", "value": "ubuntu"},
        {"name": "OS.release.VERSION_ID", "value": "24.04"},
    ],
    "validation": {"deployment": {"checks": ["operator-health"]}},
}


def node(name: str, version: str) -> NodeResult:
    snap = {"kind": "Snapshot", "apiVersion": "aicr.nvidia.com/v1alpha1", "metadata": {"source-node": name},
            "measurements": [{"type": "OS", "subtypes": [{"subtype": "release",
                                                          "data": {"ID": "ubuntu", "VERSION_ID": version}}]}]}  # fmt: skip
    return NodeResult(name, "measured", snapshot=snap)


def fleet(*nodes: NodeResult) -> dict[str, Any]:
    return build_fleet_document(list(nodes), version="0.1.0", timestamp="2026-12-04T00:00:00Z")


def test_a_fleet_passes_when_every_node_passes() -> None:
    report = aicr.validate(RECIPE, fleet(node("a", "24.04"), node("b", "24.04")), no_cluster=True)
    assert [(r.name, r.passed) for r in report.readiness] == [
        ("OS.release.ID", True),
        ("OS.release.VERSION_ID", True),
    ]


def test_a_constraint_one_node_misses_names_the_nodes(tmp_path: Path) -> None:
    doc = fleet(node("a", "24.04"), node("b", "22.04"), node("c", "24.04"), node("d", "22.04"),
                NodeResult("e", "timed-out", reason="no result"))  # fmt: skip
    path = tmp_path / "fleet.yaml"
    path.write_text(yaml.safe_dump(doc))
    with pytest.raises(AicrError) as err:
        aicr.validate(RECIPE, str(path), no_cluster=True)
    message = err.value.message
    assert message.startswith(
        "readiness check failed: OS.release.VERSION_ID expected 24.04, got 22.04 (on node b)"
    )
    assert "OS.release.VERSION_ID fails on 2 of 4 measured nodes: b, d" in message
    assert err.value.details["nodes"] == ["b", "d"]
