"""The readiness gate: reference/validate.md §1.5 and the acceptance cases of §7 (16, 17), fail closed."""

from __future__ import annotations

from typing import Any

import pytest

import aicr
from aicr.errors import AicrError, Code
from aicr.validate.readiness import (
    check_readiness,
    evaluate_constraints,
    first_gate_error,
    readiness_constraints,
)


def snapshot(**readings: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A Snapshot document: snapshot(K8s={"server": {"version": "v1.33.5"}})."""
    return {
        "kind": "Snapshot",
        "apiVersion": "aicr.nvidia.com/v1alpha1",
        "measurements": [
            {"type": mtype, "subtypes": [{"subtype": sub, "data": data} for sub, data in subs.items()]}
            for mtype, subs in readings.items()
        ],
    }


EKS = snapshot(
    K8s={"server": {"version": "v1.33.5-eks-3025e55"}},
    OS={
        "release": {"ID": "ubuntu", "VERSION_ID": "24.04"},
        "sysctl": {"/proc/sys/kernel/osrelease": "6.8.0-1028-aws"},
    },
)


def recipe(*constraints: dict[str, str], readiness: list[dict[str, str]] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "kind": "RecipeResult",
        "apiVersion": "aicr.nvidia.com/v1alpha1",
        "constraints": list(constraints),
    }
    if readiness is not None:
        doc["validation"] = {"readiness": {"constraints": readiness}}
    return doc


def gate_error(doc: dict[str, Any], snap: dict[str, Any] | None) -> AicrError:
    with pytest.raises(AicrError) as err:
        check_readiness(doc, snap)
    return err.value


def test_case17_failed_constraint_exits_2_with_expected_and_actual() -> None:
    err = gate_error(recipe({"name": "K8s.server.version", "value": ">= 1.34"}), EKS)
    assert err.code is Code.INVALID_REQUEST
    assert err.exit_code == 2
    assert (
        err.message == "readiness check failed: K8s.server.version expected >= 1.34, got v1.33.5-eks-3025e55"
    )


def test_case16_missing_gpu_reading_fails_closed() -> None:
    err = gate_error(recipe({"name": "GPU.smi.driver_version", "value": ">= 550"}), EKS)
    assert err.exit_code == 2
    assert err.message.startswith("readiness check could not evaluate: GPU.smi.driver_version: ")
    assert "GPU not found" in err.message


@pytest.mark.parametrize(
    ("constraint", "why"),
    [
        ({"name": "K8s.server.version", "value": ">= banana"}, 'cannot parse expected version "banana"'),
        ({"name": "k8s.server.version", "value": ">= 1.30"}, 'unknown measurement type "k8s"'),
        ({"name": "K8s.server", "value": ">= 1.30"}, "expected Type.Subtype.Key"),
        ({"name": "OS.release.NOPE", "value": "x"}, "key NOPE not found"),
        ({"name": "OS.release.ID", "value": ">= 1.0"}, 'cannot parse actual version "ubuntu"'),
        ({"name": "OS.release.ID", "value": ">="}, "has an operator but no value"),
    ],
)
def test_unevaluable_constraints_fail_closed(constraint: dict[str, str], why: str) -> None:
    err = gate_error(recipe(constraint), EKS)
    assert err.code is Code.INVALID_REQUEST
    assert err.message.startswith(f"readiness check could not evaluate: {constraint['name']}: ")
    assert why in err.message


def test_remediation_is_appended_on_its_own_line() -> None:
    doc = recipe({"name": "OS.release.ID", "value": "rhel", "remediation": "  Use a RHEL node image.\n"})
    err = gate_error(doc, EKS)
    assert (
        err.message
        == "readiness check failed: OS.release.ID expected rhel, got ubuntu\nUse a RHEL node image."
    )


def test_all_passing_constraints_pass() -> None:
    doc = recipe(
        {"name": "K8s.server.version", "value": ">= 1.32.4"},
        {"name": "OS.release.ID", "value": "ubuntu"},
        {"name": "OS.release.VERSION_ID", "value": "24.04"},
        {"name": "OS.sysctl./proc/sys/kernel/osrelease", "value": ">= 6.8"},
    )
    results = check_readiness(doc, EKS)
    assert [r.passed for r in results] == [True, True, True, True]
    assert results[0].actual == "v1.33.5-eks-3025e55"


def test_the_first_failure_in_order_aborts() -> None:
    doc = recipe({"name": "OS.release.ID", "value": "rhel"}, {"name": "GPU.smi.driver", "value": ">= 1"})
    assert gate_error(doc, EKS).message.startswith("readiness check failed: OS.release.ID")
    doc = recipe({"name": "GPU.smi.driver", "value": ">= 1"}, {"name": "OS.release.ID", "value": "rhel"})
    assert gate_error(doc, EKS).message.startswith("readiness check could not evaluate: GPU.smi.driver")


def test_readiness_phase_constraints_follow_the_top_level_ones() -> None:
    doc = recipe(
        {"name": "OS.release.ID", "value": "ubuntu"},
        readiness=[{"name": "K8s.server.version", "value": "< 1.33"}],
    )
    assert [c["name"] for c in readiness_constraints(doc)] == ["OS.release.ID", "K8s.server.version"]
    assert gate_error(doc, EKS).message == (
        "readiness check failed: K8s.server.version expected < 1.33, got v1.33.5-eks-3025e55"
    )


def test_no_snapshot_with_declared_constraints_fails_closed() -> None:
    err = gate_error(recipe({"name": "OS.release.ID", "value": "ubuntu"}), None)
    assert err.message.startswith("readiness check could not evaluate: OS.release.ID: no snapshot")


def test_no_constraints_pass_even_without_a_snapshot() -> None:
    assert check_readiness(recipe(), None) == []


def test_bool_and_number_readings_are_formatted_like_the_reference() -> None:
    snap = snapshot(GPU={"smi": {"mig": True, "gpu-count": 8}})
    doc = recipe({"name": "GPU.smi.mig", "value": "true"}, {"name": "GPU.smi.gpu-count", "value": ">= 8"})
    assert [r.passed for r in check_readiness(doc, snap)] == [True, True]


def test_evaluate_constraints_reports_every_outcome_without_raising() -> None:
    doc = recipe(
        {"name": "OS.release.ID", "value": "ubuntu"},
        {"name": "OS.release.ID", "value": "rhel"},
        {"name": "GPU.smi.driver", "value": ">= 550"},
    )
    results = evaluate_constraints(doc, EKS)
    assert [(r.passed, r.error is not None) for r in results] == [
        (True, False),
        (False, False),
        (False, True),
    ]
    assert results[1].to_dict() == {
        "name": "OS.release.ID",
        "value": "rhel",
        "passed": False,
        "actual": "ubuntu",
    }
    error = first_gate_error(results)
    assert error is not None and error.message.startswith("readiness check failed: OS.release.ID")


def test_library_export_accepts_a_recipe_result_and_a_snapshot_object() -> None:
    from aicr.recipe.result import RecipeResult
    from aicr.snapshot.model import Snapshot

    results = aicr.evaluate_constraints(
        RecipeResult(recipe({"name": "K8s.server.version", "value": ">= 1.32.4"})), Snapshot.from_dict(EKS)
    )
    assert [r.passed for r in results] == [True]
