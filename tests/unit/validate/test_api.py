"""The library entry point `aicr.validate(...)` and its Report, without a cluster."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

import aicr
import aicr.validate.readiness
from aicr.errors import AicrError, Code
from aicr.validate.api import Report
from aicr.validate.progress import ValidateProgress

RECIPE: dict[str, Any] = {
    "kind": "RecipeResult",
    "apiVersion": "aicr.nvidia.com/v1alpha1",
    "validation": {"deployment": {"checks": ["operator-health"]}},
}
SNAPSHOT = {
    "kind": "Snapshot",
    "apiVersion": "aicr.nvidia.com/v1alpha1",
    "measurements": [{"type": "OS", "subtypes": [{"subtype": "release", "data": {"ID": "ubuntu"}}]}],
}


def test_aicr_validate_is_callable_even_after_its_package_was_imported() -> None:
    report = aicr.validate(RECIPE, SNAPSHOT, phases=["deployment"], no_cluster=True)
    assert isinstance(report, Report)
    assert [(p.phase, p.status) for p in report.phases] == [("deployment", "skipped")]
    assert not report.failed
    assert report.summary["skipped"] == report.summary["tests"] == 1  # the one declared check
    assert json.loads(report.render("json")) == report.to_dict()


def test_no_cluster_without_snapshot_and_without_constraints_runs() -> None:
    report = aicr.validate(RECIPE, None, no_cluster=True)
    assert [p.phase for p in report.phases] == ["deployment", "conformance", "performance"]


def test_no_cluster_without_snapshot_but_with_constraints_fails_closed() -> None:
    doc = {**RECIPE, "constraints": [{"name": "OS.release.ID", "value": "ubuntu"}]}
    with pytest.raises(AicrError, match="readiness check could not evaluate: OS.release.ID: no snapshot"):
        aicr.validate(doc, None, no_cluster=True)


def test_readiness_results_are_on_the_report() -> None:
    doc = {**RECIPE, "constraints": [{"name": "OS.release.ID", "value": "ubuntu"}]}
    report = aicr.validate(doc, SNAPSHOT, no_cluster=True)
    assert [(r.name, r.passed, r.actual) for r in report.readiness] == [("OS.release.ID", True, "ubuntu")]


def test_recipe_and_snapshot_may_be_file_locations(tmp_path: Path) -> None:
    (tmp_path / "r.json").write_text(json.dumps(RECIPE))
    (tmp_path / "s.json").write_text(json.dumps(SNAPSHOT))
    report = aicr.validate(
        str(tmp_path / "r.json"), str(tmp_path / "s.json"), phases="deployment", no_cluster=True
    )
    assert report.phases[0].phase == "deployment"


def test_without_any_cluster_configuration_the_hint_names_no_cluster(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    with pytest.raises(AicrError) as err:
        aicr.validate(RECIPE, SNAPSHOT)
    assert err.value.code is Code.INVALID_REQUEST
    assert "use --no-cluster" in err.value.message


def test_progress_is_silent_off_a_terminal_and_tracks_the_current_check() -> None:
    stream = io.StringIO()
    with ValidateProgress(stream) as progress:
        progress("phase", {"phase": "deployment", "checks": 2})
        progress("check", {"phase": "deployment", "check": "operator-health", "index": 1, "total": 2})
        assert not progress.active
    assert stream.getvalue() == ""
    assert progress.line(12.4) == "phase deployment · check operator-health (1/2) · 12s"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_shows_a_live_line() -> None:
    stream = _Terminal()
    with ValidateProgress(stream) as progress:
        assert progress.active
        progress("phase", {"phase": "conformance", "checks": 1})
        progress("check", {"phase": "conformance", "check": "dra-support", "index": 1, "total": 1})
        progress("tick", {"phase": "conformance", "check": "dra-support", "elapsed": 1.0})
    assert not progress.active
    assert [event for event, _ in progress.events] == ["phase", "check", "tick"]


def test_no_cluster_lists_only_declared_checks_unless_asked_for_all() -> None:
    from aicr.validate.orchestrator import RunOptions

    declared = aicr.validate(RECIPE, SNAPSHOT, phases=["deployment"], no_cluster=True)
    assert [t["name"] for t in declared.phases[0].report["results"]["tests"]] == ["operator-health"]
    every = aicr.validate(
        RECIPE, SNAPSHOT, phases=["deployment"], no_cluster=True, options=RunOptions(report_undeclared=True)
    )
    names = [t["name"] for t in every.phases[0].report["results"]["tests"]]
    assert "operator-health" in names and len(names) >= 4


def test_a_skipped_constraint_is_reported_not_evaluated() -> None:
    from aicr.validate.orchestrator import RunOptions

    doc = {**RECIPE, "constraints": [{"name": "K8s.server.version", "value": ">= 1.30"}]}
    report = aicr.validate(
        doc, SNAPSHOT, no_cluster=True, options=RunOptions(skip_constraints=["K8s.server.version"])
    )
    (result,) = report.readiness
    assert result.skipped and result.to_dict()["skipped"] is True
    assert result.row()[3] == "skipped"


def test_an_unmeasured_cluster_constraint_says_how_to_supply_or_skip_it() -> None:
    doc = {**RECIPE, "constraints": [{"name": "K8s.server.version", "value": ">= 1.30"}]}
    with pytest.raises(AicrError) as err:
        aicr.validate(doc, SNAPSHOT, no_cluster=True)
    assert "aicr snapshot --local measures only the host" in err.value.message
    assert "--skip-constraint K8s.server.version" in err.value.message


def test_skipping_a_constraint_the_recipe_lacks_is_an_error() -> None:
    from aicr.validate.orchestrator import RunOptions

    with pytest.raises(AicrError, match="--skip-constraint names no constraint of the recipe: Nope"):
        aicr.validate(RECIPE, SNAPSHOT, no_cluster=True, options=RunOptions(skip_constraints=["Nope"]))


def test_evaluate_constraints_accepts_paths(tmp_path: Path) -> None:
    doc = {**RECIPE, "constraints": [{"name": "OS.release.ID", "value": "ubuntu"}]}
    (tmp_path / "r.json").write_text(json.dumps(doc))
    (tmp_path / "s.json").write_text(json.dumps(SNAPSHOT))
    results = aicr.evaluate_constraints(str(tmp_path / "r.json"), tmp_path / "s.json")
    assert [(r.name, r.passed) for r in results] == [("OS.release.ID", True)]
