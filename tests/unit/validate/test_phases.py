"""Phase selection and pre-flights: reference/validate.md §2 and acceptance cases 18-20, 23-25."""

from __future__ import annotations

from typing import Any

import pytest

from aicr.errors import AicrError, Code
from aicr.validate.phases import (
    declared_check_problems,
    parse_phases,
    phase_status,
    preflight_declared_checks,
    preflight_skip_checks,
    select_entries,
    status_for_exit_code,
)

VALIDATORS = [
    {"name": "operator-health", "phase": "deployment", "image": "i"},
    {"name": "expected-resources", "phase": "deployment", "image": "i"},
    {"name": "nccl-all-reduce-bw", "phase": "performance", "image": "i"},
    {"name": "dra-support", "phase": "conformance", "image": "i"},
    {"name": "gang-scheduling", "phase": "conformance", "image": "i"},
]


def recipe(**checks: list[str]) -> dict[str, Any]:
    return {"validation": {phase: {"checks": names} for phase, names in checks.items()}}


def test_default_order_is_deployment_conformance_performance() -> None:
    assert parse_phases(None) == ["deployment", "conformance", "performance"]
    assert parse_phases(["all"]) == ["deployment", "conformance", "performance"]


def test_case18_unknown_phase_is_rejected() -> None:
    with pytest.raises(AicrError) as err:
        parse_phases(["bogus"])
    assert err.value.code is Code.INVALID_REQUEST
    assert (
        err.value.message
        == 'invalid phase "bogus": must be one of: deployment, performance, conformance, all'
    )


def test_case19_user_order_is_kept_and_duplicates_dropped() -> None:
    assert parse_phases(["conformance", "deployment", "conformance"]) == ["conformance", "deployment"]


def test_case20_all_must_be_alone() -> None:
    with pytest.raises(AicrError, match='phase "all" cannot be combined'):
        parse_phases(["all", "deployment"])


def test_entries_run_in_catalog_order_whatever_the_recipe_order() -> None:
    doc = recipe(deployment=["expected-resources", "operator-health"])
    assert [e["name"] for e in select_entries(VALIDATORS, "deployment", doc)] == [
        "operator-health",
        "expected-resources",
    ]


def test_no_checks_list_selects_nothing() -> None:
    assert select_entries(VALIDATORS, "deployment", {}) == []
    assert select_entries(VALIDATORS, "deployment", recipe(deployment=[])) == []


def test_case25_undeclared_and_cross_phase_checks_are_all_reported() -> None:
    doc = recipe(deployment=["typo-check", "operator-health", "dra-support"], conformance=["also-bad"])
    with pytest.raises(AicrError) as err:
        preflight_declared_checks(VALIDATORS, ["deployment", "conformance"], doc)
    assert err.value.exit_code == 2
    message = err.value.message
    assert message.startswith("validation declares checks that do not match the validator catalog:")
    assert 'declared check "typo-check" in phase deployment matches no validator in the catalog' in message
    assert (
        'declared check "dra-support" in phase deployment matches no validator in that phase '
        "(found under phase: conformance)"
    ) in message
    assert 'declared check "also-bad" in phase conformance matches no validator in the catalog' in message


def test_only_requested_phases_are_checked() -> None:
    doc = recipe(performance=["typo-check"])
    assert declared_check_problems(VALIDATORS, ["deployment"], doc) == []
    assert len(declared_check_problems(VALIDATORS, ["performance"], doc)) == 1


def test_repeated_declared_check_is_reported() -> None:
    problems = declared_check_problems(VALIDATORS, ["deployment"], recipe(deployment=["operator-health"] * 2))
    assert problems == ['declared check "operator-health" is declared more than once in phase deployment']


def test_skip_check_unknown_name_is_rejected() -> None:
    with pytest.raises(AicrError, match='skip-check "nope" matches no validator in the catalog'):
        preflight_skip_checks(VALIDATORS, ["deployment"], recipe(deployment=["operator-health"]), ["nope"])


def test_skip_check_emptying_a_phase_is_rejected() -> None:
    doc = recipe(deployment=["operator-health"])
    with pytest.raises(AicrError, match="removes every declared check from phase deployment"):
        preflight_skip_checks(VALIDATORS, ["deployment"], doc, ["operator-health"])


def test_skip_check_of_an_undeclared_known_check_is_only_reported() -> None:
    doc = recipe(deployment=["operator-health", "expected-resources"])
    assert preflight_skip_checks(VALIDATORS, ["deployment"], doc, ["operator-health", "dra-support"]) == [
        "dra-support"
    ]


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["failed", "other"], "failed"),  # case 24
        (["passed", "other"], "other"),
        ([], "skipped"),
        (["passed", "skipped"], "passed"),
        (["passed"], "passed"),
    ],
)
def test_case24_phase_status(statuses: list[str], expected: str) -> None:
    assert phase_status(statuses) == expected


@pytest.mark.parametrize(
    ("code", "status"),
    [
        (0, "passed"),
        (1, "failed"),
        (2, "skipped"),
        (137, "other"),
        (255, "other"),
        (-1, "other"),
        (3, "other"),
    ],
)
def test_case23_exit_code_to_status(code: int, status: str) -> None:
    assert status_for_exit_code(code) == status
