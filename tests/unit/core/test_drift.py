"""`aicr diff` and aicr.drift: snapshot and recipe drift, identical inputs, mixed kinds, exit codes."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from aicr.drift import compare
from aicr.errors import AicrError, Code

SNAPSHOT: dict[str, Any] = {
    "kind": "Snapshot",
    "apiVersion": "aicr.nvidia.com/v1alpha1",
    "measurements": [
        {"type": "K8s", "subtypes": [{"subtype": "server", "data": {"version": "v1.33.5"}}]},
        {
            "type": "GPU",
            "subtypes": [
                {
                    "subtype": "smi",
                    "data": {"driver": "580.1", "gpu-count": 8},
                    "items": [{"data": {"model": "H100"}}],
                }
            ],
        },
    ],
}


def test_identical_inputs_have_no_drift() -> None:
    report = compare(SNAPSHOT, copy.deepcopy(SNAPSHOT))
    assert not report.has_drift and report.summary == {"added": 0, "removed": 0, "modified": 0, "total": 0}


def test_snapshot_changes_are_classified_and_sorted() -> None:
    target = copy.deepcopy(SNAPSHOT)
    target["measurements"][0]["subtypes"][0]["data"]["version"] = "v1.34.0"
    gpu = target["measurements"][1]["subtypes"][0]
    del gpu["data"]["gpu-count"]
    gpu["data"]["cuda-version"] = "13.0"
    gpu["items"][0]["data"]["model"] = "H200"
    changes = compare(SNAPSHOT, target).changes
    assert [(c["kind"], c["path"]) for c in changes] == [
        ("added", "GPU.smi.cuda-version"),
        ("removed", "GPU.smi.gpu-count"),
        ("modified", "GPU.smi[0].model"),
        ("modified", "K8s.server.version"),
    ]
    assert changes[3]["baseline"] == "v1.33.5" and changes[3]["target"] == "v1.34.0"


def test_recipe_drift_names_component_fields_and_overrides() -> None:
    base: dict[str, Any] = {
        "kind": "RecipeResult",
        "criteria": {"service": "eks"},
        "componentRefs": [
            {"name": "gpu-operator", "version": "v1", "overrides": {"driver": {"version": "580"}}}
        ],
        "deploymentOrder": ["gpu-operator"],
    }
    target = copy.deepcopy(base)
    target["componentRefs"][0]["overrides"]["driver"]["version"] = "595"
    target["componentRefs"].append({"name": "nfd", "version": "0.19"})
    paths = {c["path"]: c["kind"] for c in compare(base, target).changes}
    assert paths == {
        "components.gpu-operator.overrides.driver.version": "modified",
        "components.nfd.version": "added",
        "deploymentOrder": "modified",
    } or paths == {
        "components.gpu-operator.overrides.driver.version": "modified",
        "components.nfd.version": "added",
    }


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ({"kind": "Snapshot"}, {"kind": "RecipeResult"}, "cannot diff a Snapshot against a RecipeResult"),
        ({"kind": "BundleInfo"}, {"kind": "BundleInfo"}, "diff compares Snapshots or RecipeResults"),
    ],
)
def test_wrong_kinds_are_invalid(first: dict[str, Any], second: dict[str, Any], message: str) -> None:
    with pytest.raises(AicrError, match=message) as err:
        compare(first, second)
    assert err.value.code is Code.INVALID_REQUEST


def aicr(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AICR_")}
    return subprocess.run(
        [sys.executable, "-m", "aicr.cli.main", *args], capture_output=True, text=True, env=env
    )


def test_cli_fail_on_drift_exits_2_and_still_writes_the_report(tmp_path: Path) -> None:
    before, after = tmp_path / "a.yaml", tmp_path / "b.yaml"
    before.write_text(yaml.safe_dump(SNAPSHOT))
    changed = copy.deepcopy(SNAPSHOT)
    changed["measurements"][0]["subtypes"][0]["data"]["version"] = "v1.34.0"
    after.write_text(yaml.safe_dump(changed))
    same = aicr("diff", "-b", str(before), "--target", str(before), "--fail-on-drift", "-t", "json")
    assert same.returncode == 0 and json.loads(same.stdout)["summary"]["total"] == 0
    drift = aicr("diff", "-b", str(before), "--target", str(after), "--fail-on-drift", "-t", "table")
    assert drift.returncode == 2 and "drift detected: 1 change(s) found" in drift.stderr
    assert (
        "K8s.server.version" in drift.stdout and "1 change(s): 0 added, 0 removed, 1 modified" in drift.stdout
    )


def test_cli_requires_both_inputs() -> None:
    result = aicr("diff", "-b", "x.yaml")
    assert result.returncode == 2 and "--target is required" in result.stderr
