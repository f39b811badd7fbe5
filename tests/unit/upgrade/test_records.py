"""Transition records: strict decoding and the well-formedness rules, plus the embedded file."""

from __future__ import annotations

from typing import Any

import pytest

from aicr.errors import AicrError, Code
from aicr.upgrade.records import decode_transitions, load_embedded

STEPS = [{"steps": [{"id": "do-it", "description": "Do it."}]}]


def _doc(**transition: Any) -> dict[str, Any]:
    record = {
        "from": "<2.0.0",
        "to": ">=2.0.0 <=2.1.0",
        "verdict": "manual",
        "summary": "s",
        "stepsByDeployer": STEPS,
    }
    record.update(transition)
    record = {k: v for k, v in record.items() if v is not None}
    return {"kind": "ComponentTransitions", "apiVersion": "aicr.run/v1",
            "components": [{"component": "widget", "transitions": [record]}]}  # fmt: skip


def _refused(doc: dict[str, Any]) -> str:
    with pytest.raises(AicrError) as err:
        decode_transitions(doc, "t.yaml")
    assert err.value.code is Code.INVALID_REQUEST
    return err.value.message


def test_a_manual_record_decodes() -> None:
    records = decode_transitions(_doc(), "t.yaml")
    assert (
        records["widget"][0].verdict == "manual" and records["widget"][0].steps_for("helm")[0].id == "do-it"
    )


def test_unknown_field_in_a_record_is_refused() -> None:
    assert "unknown field `skippable`" in _refused(_doc(skippable=True))


@pytest.mark.parametrize("verdict", ["unknown", "unversioned", "probably-fine"])
def test_computed_or_made_up_verdicts_cannot_be_authored(verdict: str) -> None:
    assert "must be one of safe, manual, blocked" in _refused(_doc(verdict=verdict))


def test_safe_record_needs_evidence() -> None:
    assert "a safe record needs verifiedBy" in _refused(_doc(verdict="safe", stepsByDeployer=[]))


def test_safe_record_carries_no_steps() -> None:
    assert "carries no steps" in _refused(_doc(verdict="safe", verifiedBy="uat"))


def test_manual_record_needs_steps() -> None:
    assert "needs steps" in _refused(_doc(stepsByDeployer=[]))


def test_from_needs_an_upper_bound() -> None:
    assert "needs an upper bound" in _refused(_doc(**{"from": ">=1.0.0"}))


def test_to_needs_a_lower_bound() -> None:
    assert "needs a lower bound" in _refused(_doc(to="<3.0.0"))


def test_a_deployer_may_be_claimed_by_one_group_only() -> None:
    groups = [
        {"deployers": ["helm"], "steps": STEPS[0]["steps"]},
        {"deployers": ["helm"], "steps": STEPS[0]["steps"]},
    ]
    assert "claimed by two groups" in _refused(_doc(stepsByDeployer=groups))


def test_reversible_yes_needs_its_conditions() -> None:
    assert "reversibleNotes" in _refused(_doc(reversible=True))


def test_wrong_kind_is_refused() -> None:
    assert "expected kind ComponentTransitions" in _refused({**_doc(), "kind": "ComponentRegistry"})


def test_the_embedded_records_are_well_formed() -> None:
    records = load_embedded()
    assert {"grove", "nodewright-operator"} <= set(records)
