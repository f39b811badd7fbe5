"""The FleetSnapshot document: heterogeneity counts, the typical node, strict reading."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from aicr.errors import AicrError
from aicr.snapshot.document import load_snapshot_document
from aicr.snapshot.fleet_report import (
    NodeResult,
    build_fleet_document,
    check_fleet_document,
    heterogeneity,
    majority_snapshot,
)


def measurements(
    driver: str = "580.95.05", os_version: str = "24.04", kernel: str = "6.8.0"
) -> list[dict[str, Any]]:
    return [
        {"type": "GPU", "subtypes": [{"subtype": "smi", "data": {"driver": driver, "gpu.model": "NVIDIA H100"}}]},
        {"type": "OS", "subtypes": [{"subtype": "release", "data": {"ID": "ubuntu", "VERSION_ID": os_version}},
                                    {"subtype": "sysctl", "data": {"/proc/sys/kernel/osrelease": kernel}}]},
    ]  # fmt: skip


def snapshot(node: str, **kw: str) -> dict[str, Any]:
    return {"kind": "Snapshot", "apiVersion": "aicr.nvidia.com/v1alpha1",
            "metadata": {"source-node": node}, "measurements": measurements(**kw)}  # fmt: skip


def fleet() -> dict[str, Any]:
    results = [
        NodeResult("b", "measured", snapshot=snapshot("b")),
        NodeResult("a", "measured", snapshot=snapshot("a", driver="570.86.15")),
        NodeResult("c", "measured", snapshot=snapshot("c", kernel="6.5.0")),
        NodeResult("d", "measured", snapshot=snapshot("d")),
        NodeResult("e", "failed", reason="ImagePullBackOff"),
        NodeResult("f", "cordoned", reason="node is cordoned"),
    ]
    return build_fleet_document(results, version="0.1.0", timestamp="2026-12-04T00:00:00Z")


def test_the_majority_and_the_differing_nodes_per_dimension() -> None:
    doc = fleet()
    assert doc["summary"] == {"nodes": 6, "measured": 4, "failed": 1, "timedOut": 0, "cordoned": 1}
    assert doc["heterogeneity"]["driver"] == {
        "majority": "580.95.05", "counts": {"580.95.05": 3, "570.86.15": 1}, "differing": ["a"]}  # fmt: skip
    assert doc["heterogeneity"]["kernel"]["differing"] == ["c"]
    assert doc["heterogeneity"]["kubelet"] == {"majority": "", "counts": {"": 4}, "differing": []}
    assert [n["name"] for n in doc["nodes"]] == ["a", "b", "c", "d", "e", "f"]
    assert doc["nodes"][4] == {"name": "e", "status": "failed", "reason": "ImagePullBackOff"}


def test_a_tie_goes_to_the_smallest_value() -> None:
    report = heterogeneity({"x": measurements(driver="2"), "y": measurements(driver="1")})
    assert report["driver"]["majority"] == "1" and report["driver"]["differing"] == ["x"]


def test_the_typical_node_has_every_majority_value() -> None:
    assert majority_snapshot(fleet())["metadata"]["source-node"] == "b"


def test_a_fleet_without_measured_nodes_has_no_typical_node() -> None:
    doc = build_fleet_document([NodeResult("x", "failed", reason="r")], version="0", timestamp="t")
    with pytest.raises(AicrError, match="no measured node"):
        majority_snapshot(doc)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(extra=1), "unknown field extra"),
        (lambda d: d["nodes"][0].update(status="odd"), "needs a name and a status"),
        (lambda d: d["nodes"][0].update(colour="red"), "unknown field colour"),
        (lambda d: d.update(nodes=[]), "non-empty nodes list"),
        (lambda d: d.update(apiVersion="v9"), 'unsupported apiVersion "v9"'),
        (
            lambda d: d["nodes"][0]["measurements"][0]["subtypes"][0].update(data=[1]),
            "data must be a mapping",
        ),
    ],
)
def test_a_malformed_fleet_document_is_refused(change: Any, message: str) -> None:
    doc = fleet()
    change(doc)
    with pytest.raises(AicrError, match=message) as err:
        check_fleet_document(doc, "fleet.yaml")
    assert err.value.exit_code == 2


def test_reading_a_fleet_as_a_snapshot_gives_the_typical_node(tmp_path: Path) -> None:
    path = tmp_path / "fleet.yaml"
    path.write_text(yaml.safe_dump(fleet()))
    assert load_snapshot_document(str(path))["metadata"]["source-node"] == "b"
    assert load_snapshot_document(str(path), keep_fleet=True)["kind"] == "FleetSnapshot"
