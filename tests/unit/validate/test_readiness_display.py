"""Readiness results shown as expected / actual / passed (issue 9 item 7): a table on a terminal,
one log line each otherwise; stdout keeps only the CTRF report.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from aicr.cli.main import main
from aicr.io.yamlout import dump
from aicr.validate.progress import show_readiness
from aicr.validate.readiness import evaluate_constraints

SNAPSHOT = {
    "kind": "Snapshot",
    "apiVersion": "aicr.nvidia.com/v1alpha1",
    "measurements": [{"type": "K8s", "subtypes": [{"subtype": "server", "data": {"version": "v1.33.5"}}]}],
}
RECIPE = {
    "kind": "RecipeResult",
    "apiVersion": "aicr.nvidia.com/v1alpha1",
    "componentRefs": [],
    "constraints": [
        {"name": "K8s.server.version", "value": ">= 1.32"},
        {"name": "K8s.server.version", "value": ">= 1.40"},
        {"name": "OS.release.ID", "value": "ubuntu"},
    ],
}


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_one_table_with_every_constraint() -> None:
    out = Terminal()
    show_readiness(evaluate_constraints(RECIPE, SNAPSHOT), out)
    text = out.getvalue()
    assert "Readiness constraints" in text
    assert all(column in text for column in ("Constraint", "Expected", "Actual", "Passed"))
    rows = [line for line in text.splitlines() if "K8s.server.version" in line or "OS.release.ID" in line]
    assert len(rows) == 3
    assert "v1.33.5" in rows[0] and "yes" in rows[0]
    assert ">= 1.40" in rows[1] and "no" in rows[1]
    assert "error:" in rows[2]


def test_off_a_terminal_the_validate_cli_logs_one_line_per_constraint_and_stdout_stays_ctrf(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    passing = {**RECIPE, "constraints": RECIPE["constraints"][:1]}
    (tmp_path / "r.yaml").write_text(dump(passing))
    (tmp_path / "s.yaml").write_text(dump(SNAPSHOT))
    assert (
        main(["validate", "-r", str(tmp_path / "r.yaml"), "-s", str(tmp_path / "s.yaml"), "--no-cluster"])
        == 0
    )
    out, err = capsys.readouterr()
    assert json.loads(out)["results"]["tool"]
    (line,) = [x for x in err.splitlines() if "readiness constraint" in x]
    assert 'name=K8s.server.version expected=">= 1.32" actual=v1.33.5 passed=yes' in line


def test_every_constraint_is_shown_even_when_the_gate_stops_at_the_first_miss(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "r.yaml").write_text(dump(RECIPE))
    (tmp_path / "s.yaml").write_text(dump(SNAPSHOT))
    assert (
        main(["validate", "-r", str(tmp_path / "r.yaml"), "-s", str(tmp_path / "s.yaml"), "--no-cluster"])
        == 2
    )
    out, err = capsys.readouterr()
    assert out == ""
    assert len([x for x in err.splitlines() if "readiness constraint" in x]) == 3
    assert (
        "error: [INVALID_REQUEST] readiness check failed: K8s.server.version expected >= 1.40, got v1.33.5"
        in err
    )


def test_skip_constraint_lets_a_host_only_snapshot_pass_the_gate_explicitly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "r.yaml").write_text(dump(RECIPE))
    (tmp_path / "s.yaml").write_text(dump(SNAPSHOT))
    argv = ["validate", "-r", str(tmp_path / "r.yaml"), "-s", str(tmp_path / "s.yaml"), "--no-cluster"]
    names = ["K8s.server.version", "K8s.server.version", "OS.release.ID"]  # RECIPE's constraints
    skips = [arg for name in dict.fromkeys(names) for arg in ("--skip-constraint", name)]
    assert main([*argv, *skips]) == 0
    _out, err = capsys.readouterr()
    assert err.count("passed=skipped") == len(names)


def test_all_is_refused_without_no_cluster(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "r.yaml").write_text(dump(RECIPE))
    assert main(["validate", "-r", str(tmp_path / "r.yaml"), "--all"]) == 2
    assert "--all applies only with --no-cluster" in capsys.readouterr().err
