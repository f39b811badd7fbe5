"""Readable snapshot-mode results (issue 9 item 7): each evaluated constraint logged, and the error
of a resolution whose overlays were excluded names their failing constraints (expected vs actual).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from tests.unit.recipe.test_query_and_snapshot import _constrained_catalog, _snapshot

from aicr.errors import AicrError, Code
from aicr.recipe.criteria import Criteria
from aicr.recipe.snapshot_mode import explain_exclusions
from aicr.validate.progress import snapshot_constraints_shown

QUERY = Criteria(service="eks", accelerator="h100", intent="training", os="ubuntu")


def test_the_exclusion_error_names_each_failing_constraint_expected_and_actual(tmp_path: Path) -> None:
    snap = _snapshot(K8s={"server": {"version": "v1.31.4-eks-1"}}, GPU={"smi": {"driver": "590.1"}})
    with pytest.raises(AicrError) as err:
        _constrained_catalog(tmp_path).resolve(QUERY, snapshot=snap)
    explained = explain_exclusions(err.value)
    assert explained.code is Code.INVALID_REQUEST
    assert explained.message.startswith(err.value.message)
    assert explained.message.endswith(
        "failing constraints of the excluded overlays: "
        "h100-eks-ubuntu-training: K8s.server.version expected >= 1.32, got v1.31.4-eks-1"
    )
    assert explained.details == err.value.details


def test_a_missing_measurement_is_named_with_its_reason(tmp_path: Path) -> None:
    snap = _snapshot(GPU={"smi": {"driver": "590.1"}})
    with pytest.raises(AicrError) as err:
        _constrained_catalog(tmp_path).resolve(QUERY, snapshot=snap)
    assert "K8s.server.version expected >= 1.32, [NOT_FOUND] measurement type K8s not found" in (
        explain_exclusions(err.value).message
    )


def test_an_error_without_exclusions_is_left_alone() -> None:
    exc = AicrError(Code.INVALID_REQUEST, "no recipe provides service 'x'")
    assert explain_exclusions(exc) is exc


def test_every_evaluated_constraint_is_one_log_line_with_expected_actual_passed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snap = _snapshot(K8s={"server": {"version": "v1.33.1-eks-1"}}, GPU={"smi": {"driver": "550.54"}})
    _constrained_catalog(tmp_path).resolve(QUERY, snapshot=snap)
    lines = [line for line in capsys.readouterr().err.splitlines() if "constraint evaluated" in line]
    assert len(lines) == 2
    assert "overlay=h100-eks-ubuntu-training name=K8s.server.version" in lines[0]
    assert 'expected=">= 1.32" actual=v1.33.1-eks-1 passed=yes' in lines[0]
    assert "name=GPU.smi.driver" in lines[1] and "actual=550.54 passed=no" in lines[1]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_evaluations_are_one_table_even_when_resolution_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = Terminal()
    snap = _snapshot(K8s={"server": {"version": "v1.31.4-eks-1"}}, GPU={"smi": {"driver": "590.1"}})
    with pytest.raises(AicrError), snapshot_constraints_shown(out):
        _constrained_catalog(tmp_path).resolve(QUERY, snapshot=snap)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["Overlay", "Constraint", "Expected", "Actual", "Passed"]
    assert lines[1].split() == [
        "h100-eks-ubuntu-training",
        "K8s.server.version",
        ">=",
        "1.32",
        "v1.31.4-eks-1",
        "no",
    ]
    assert "constraint evaluated" not in capsys.readouterr().err
