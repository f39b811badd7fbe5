"""The in-container runtime (aicr.validators): exit codes, termination message, stdout contract.

The orchestrator's log parsing (aicr.validate.capture) must read exactly what the runtime
writes, so the round trip is tested here too.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from aicr.errors import AicrError, Code
from aicr.validate.capture import process_logs, result_summaries
from aicr.validators.deployment import pod_summary
from aicr.validators.health_contract import workload_issue
from aicr.validators.runtime import CheckContext, CheckFailed, CheckSkipped, main, run_check


def context(tmp_path: Path, **env: str) -> tuple[CheckContext, io.StringIO]:
    out = io.StringIO()
    environ = {
        "AICR_TERMINATION_LOG": str(tmp_path / "termination-log"),
        "AICR_SA_NAMESPACE_FILE": str(tmp_path / "no-such-file"),
        **env,
    }
    return CheckContext("demo", environ=environ, out=out), out


def termination(tmp_path: Path) -> str:
    path = tmp_path / "termination-log"
    return path.read_text() if path.exists() else ""


@pytest.mark.parametrize(
    ("raised", "code", "message"),
    [
        (None, 0, ""),
        (CheckFailed("2 pods not ready"), 1, "2 pods not ready"),
        (CheckSkipped("no GPU nodes"), 2, "no GPU nodes"),
        (AicrError(Code.UNAVAILABLE, "API down"), 1, "[UNAVAILABLE] API down"),
        (KeyError("boom"), 3, "check crashed: KeyError: 'boom'"),
    ],
)
def test_outcomes_become_exit_codes_and_termination_messages(
    tmp_path: Path, raised: Exception | None, code: int, message: str
) -> None:
    def check(ctx: CheckContext) -> None:
        if raised is not None:
            raise raised

    ctx, _ = context(tmp_path)
    assert run_check(check, ctx) == code
    assert termination(tmp_path) == message


def test_termination_message_is_capped(tmp_path: Path) -> None:
    def check(ctx: CheckContext) -> None:
        raise CheckFailed("x" * 5000)

    ctx, _ = context(tmp_path)
    run_check(check, ctx)
    assert len(termination(tmp_path)) == 4096


def test_stdout_contract_round_trips_through_the_orchestrator_parser(tmp_path: Path) -> None:
    def check(ctx: CheckContext) -> None:
        ctx.print("node-1: ok")
        ctx.extra(nodesValidated=2, nodesTotal=2)
        ctx.result("nodes validated: 2/2")

    ctx, out = context(tmp_path)
    assert run_check(check, ctx) == 0
    stdout, extra = process_logs(out.getvalue())
    assert stdout == ["node-1: ok", "RESULT: nodes validated: 2/2"]
    assert extra == {"nodesTotal": "2", "nodesValidated": "2"}
    assert result_summaries(stdout) == ["nodes validated: 2/2"]


def test_inputs_are_read_from_the_mounted_paths(tmp_path: Path) -> None:
    (tmp_path / "recipe.yaml").write_text("kind: RecipeResult\ncomponentRefs: []\n")
    (tmp_path / "ns").write_text("aicr-validation\n")
    ctx, _ = context(
        tmp_path,
        AICR_RECIPE_PATH=str(tmp_path / "recipe.yaml"),
        AICR_SNAPSHOT_PATH=str(tmp_path / "missing.yaml"),
        AICR_SA_NAMESPACE_FILE=str(tmp_path / "ns"),
    )
    assert ctx.recipe == {"kind": "RecipeResult", "componentRefs": []}
    assert ctx.snapshot is None
    assert ctx.namespace == "aicr-validation"


def test_namespace_falls_back_to_env_then_default(tmp_path: Path) -> None:
    assert context(tmp_path, AICR_NAMESPACE="ns2")[0].namespace == "ns2"
    assert context(tmp_path)[0].namespace == "default"


def test_missing_recipe_fails_the_check(tmp_path: Path) -> None:
    ctx, _ = context(tmp_path, AICR_RECIPE_PATH=str(tmp_path / "nope.yaml"))

    def reads_recipe(c: CheckContext) -> None:
        assert c.recipe is not None

    assert run_check(reads_recipe, ctx) == 1
    assert termination(tmp_path).startswith("recipe not found at ")


def test_dispatcher_rejects_unknown_and_missing_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AICR_TERMINATION_LOG", str(tmp_path / "termination-log"))
    assert main(["no-such-check"]) == 1
    message = termination(tmp_path)
    assert message.startswith('unknown check "no-such-check" (available: ')
    assert "expected-resources, " in message
    assert main([]) == 1
    assert termination(tmp_path) == "no check name given"


def test_module_entry_point_runs(tmp_path: Path) -> None:
    env = {"AICR_TERMINATION_LOG": str(tmp_path / "termination-log"), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, "-m", "aicr.validators", "nope"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert "unknown check" in proc.stderr


@pytest.mark.parametrize(
    ("kind", "obj", "issue"),
    [
        ("Deployment", {"spec": {"replicas": 2}, "status": {"availableReplicas": 2}}, None),
        (
            "Deployment",
            {"spec": {"replicas": 3}, "status": {"availableReplicas": 1}},
            "1/3 replicas available",
        ),
        ("Deployment", {"spec": {}, "status": {}}, "0/1 replicas available"),
        ("DaemonSet", {"status": {"desiredNumberScheduled": 4, "numberReady": 4}}, None),
        ("DaemonSet", {"status": {"desiredNumberScheduled": 4, "numberReady": 3}}, "3/4 pods ready"),
        (
            "DaemonSet",
            {"status": {"desiredNumberScheduled": 0, "numberReady": 0}},
            "no pods scheduled (desiredNumberScheduled is 0)",
        ),
        ("StatefulSet", {"spec": {"replicas": 1}, "status": {"readyReplicas": 1}}, None),
        ("StatefulSet", {"spec": {"replicas": 2}, "status": {}}, "0/2 replicas ready"),
        ("Service", {}, None),
    ],
)
def test_workload_judgement(kind: str, obj: dict[str, Any], issue: str | None) -> None:
    assert workload_issue(kind, obj) == issue


def test_pod_summary() -> None:
    pods = [
        {"metadata": {"name": "a"}, "status": {"phase": "Running"}},
        {"metadata": {"name": "b"}, "status": {"phase": "Pending"}},
    ]
    assert pod_summary(pods) == (1, ["a: Running", "b: Pending"])
