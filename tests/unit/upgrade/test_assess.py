"""Verdicts on synthetic transition records: one row per rule of aicr.upgrade.assess."""

from __future__ import annotations

import pytest

from aicr.errors import AicrError, Code
from aicr.upgrade.assess import assess, assess_all, describe_jump
from aicr.upgrade.records import decode_transitions
from aicr.upgrade.semver import parse_semver

STEP = [{"steps": [{"id": "migrate", "description": "Migrate the objects.", "reason": "they are renamed"}]}]
RECORDS = decode_transitions(
    {
        "kind": "ComponentTransitions",
        "apiVersion": "aicr.run/v1",
        "components": [
            {"component": "alpha", "transitions": [
                {"from": ">=1.2.0 <1.3.0", "to": ">=1.2.1 <=1.2.9", "verdict": "safe", "verifiedBy": "uat lane",
                 "summary": "Patches only."}]},
            {"component": "beta", "transitions": [
                {"from": "<0.18.0", "to": ">=0.18.0 <0.20.0", "verdict": "manual", "summary": "Group renamed.",
                 "precondition": "Nothing mid-rollout.", "stepsByDeployer": STEP}]},
            {"component": "gamma", "transitions": [
                {"from": "<2.0.0", "to": ">=2.0.0 <3.0.0", "verdict": "manual", "summary": "v2.", "stepsByDeployer": STEP},
                {"from": "<3.0.0", "to": ">=3.0.0 <4.0.0", "verdict": "manual", "summary": "v3.", "stepsByDeployer": STEP}]},
            {"component": "kappa", "transitions": [
                {"from": ">=3.0.0 <4.0.0", "to": "=4.0.0", "verdict": "blocked", "summary": "Export first.",
                 "stepsByDeployer": [{"deployers": ["argocd"], "steps": STEP[0]["steps"]}, *STEP]}]},
        ],
    },
    "synthetic",
)  # fmt: skip


def _verdict(name: str, a: str, b: str, deployer: str = "helm") -> tuple[str, str, bool]:
    change = assess(name, a, b, RECORDS.get(name, []), deployer)
    assert change is not None
    return change.verdict, change.reason, change.fails_run


@pytest.mark.parametrize(
    ("name", "a", "b", "expected"),
    [
        ("alpha", "1.2.0", "1.2.3", ("safe", "recorded", False)),
        ("beta", "0.17.2", "0.18.1", ("manual", "recorded", True)),
        ("kappa", "3.2.0", "4.0.0", ("blocked", "recorded", True)),
        ("gamma", "1.0.0", "3.0.0", ("blocked", "multiple-boundaries", True)),
        ("alpha", "1.2.0", "1.2.12", ("blocked", "beyond-record-ceiling", True)),
        ("alpha", "1.1.0", "1.1.5", ("unknown", "no-boundary-crossed", True)),
        ("delta", "1.4.0", "1.4.2", ("unknown", "no-record", False)),
        ("delta", "0.18.0", "0.19.0", ("unknown", "no-record", True)),
        ("delta", "1.9.0", "2.0.0", ("unknown", "no-record", True)),
        ("beta", "0.18.1", "0.17.2", ("unknown", "downgrade", True)),
        ("epsilon", "main", "release-1", ("unversioned", "not-comparable", True)),
    ],
)
def test_verdict_table(name: str, a: str, b: str, expected: tuple[str, str, bool]) -> None:
    assert _verdict(name, a, b) == expected


def test_recorded_manual_carries_summary_precondition_and_steps() -> None:
    change = assess("beta", "v0.17.2", "v0.18.1", RECORDS["beta"], "flux")
    assert (
        change is not None
        and change.summary == "Group renamed."
        and change.precondition == "Nothing mid-rollout."
    )
    assert [s.id for s in change.steps] == ["migrate"] and change.steps[0].reason == "they are renamed"


def test_several_boundaries_stop_at_the_first() -> None:
    change = assess("gamma", "1.0.0", "3.1.0", RECORDS["gamma"], "helm")
    assert (
        change is not None
        and change.stopped_at == ">=2.0.0 <3.0.0"
        and "Upgrade to 2.0.0 first" in change.explanation
    )


def test_deployer_specific_steps_need_a_deployer() -> None:
    with pytest.raises(AicrError) as err:
        assess("kappa", "3.2.0", "4.0.0", RECORDS["kappa"], "")
    assert err.value.code is Code.INVALID_REQUEST and "--deployer is required" in err.value.message


def test_steps_follow_the_deployer_group() -> None:
    change = assess("kappa", "3.2.0", "4.0.0", RECORDS["kappa"], "argocd")
    assert change is not None and [s.id for s in change.steps] == ["migrate"]


def test_identical_versions_are_not_a_change() -> None:
    assert assess("beta", "0.17.2", "0.17.2", RECORDS["beta"], "helm") is None
    assert assess("beta", "v0.17.2", "0.17.2", RECORDS["beta"], "helm") is None


def test_identical_inputs_report_nothing() -> None:
    side = {"alpha": "1.2.0", "beta": "0.17.2"}
    assert assess_all(side, dict(side), RECORDS, "helm") == []


def test_added_and_removed_components_never_fail() -> None:
    changes = assess_all({"old": "1.0.0"}, {"new": "0.4.0"}, RECORDS, "helm")
    assert [(c.component, c.change, c.fails_run) for c in changes] == [
        ("new", "added", False),
        ("old", "removed", False),
    ]


@pytest.mark.parametrize(
    ("a", "b", "jump", "breaking"),
    [("1.2.0", "1.2.3", "3 patches", False), ("0.17.2", "0.18.1", "1 minor", True), ("1.17.0", "1.25.0", "8 minors", False),
     ("1.0.0", "3.0.0", "2 majors", True), ("0.1.0-alpha.8", "0.1.0-alpha.12", "pre-release", True)],
)  # fmt: skip
def test_jump_width_and_breaking_line(a: str, b: str, jump: str, breaking: bool) -> None:
    va, vb = parse_semver(a), parse_semver(b)
    assert va is not None and vb is not None and describe_jump(va, vb) == (jump, breaking)
