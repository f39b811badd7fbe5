"""The emulator's Pod Security Standards checks (tests/support/pod_security.py) match our pods."""

from __future__ import annotations

from typing import Any

from tests.support.pod_security import baseline_violations, restricted_violations

from aicr.snapshot.agent_spec import AgentOptions, RunNames, job_manifest

RUN_ID = "20250101-000000-0123456789abcdef"


def agent_pod(privileged: bool) -> dict[str, Any]:
    opts = AgentOptions(privileged=privileged)
    spec: dict[str, Any] = job_manifest(opts, RunNames(opts, RUN_ID))["spec"]["template"]["spec"]
    return spec


def test_privileged_agent_breaks_baseline_with_host_namespaces_and_paths() -> None:
    problems = baseline_violations(agent_pod(True))
    assert problems[0] == "host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)"
    assert any(p.startswith("hostPath volumes") for p in problems)


def test_unprivileged_agent_meets_restricted() -> None:
    assert restricted_violations(agent_pod(False)) == []


def test_agent_pods_set_a_termination_grace_period() -> None:
    assert agent_pod(True)["terminationGracePeriodSeconds"] == 30
    assert agent_pod(False)["terminationGracePeriodSeconds"] == 30
