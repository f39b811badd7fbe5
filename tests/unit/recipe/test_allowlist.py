"""Allowlists for the server (reference/recipe.md §8, case 19)."""

from __future__ import annotations

import pytest

from aicr.errors import AicrError, Code
from aicr.recipe.allowlist import Allowlist
from aicr.recipe.criteria import Criteria


def test_case19_value_outside_the_list_is_rejected_with_details() -> None:
    allow = Allowlist.from_env({"AICR_ALLOWED_ACCELERATORS": "h100, gb200"})
    with pytest.raises(AicrError) as err:
        allow.check(Criteria(accelerator="b200"))
    assert err.value.code is Code.INVALID_REQUEST
    assert err.value.message == "accelerator type not allowed"
    assert err.value.details == {"requested": "b200", "allowed": ["h100", "gb200"]}


def test_case19_any_and_listed_values_pass() -> None:
    allow = Allowlist.from_env({"AICR_ALLOWED_ACCELERATORS": "h100,gb200,any"})
    allow.check(Criteria())
    allow.check(Criteria(accelerator="gb200", service="eks"))


def test_case19_bad_entry_is_a_configuration_error() -> None:
    with pytest.raises(AicrError, match="invalid AICR_ALLOWED_ACCELERATORS: invalid accelerator type: bogus"):
        Allowlist.from_env({"AICR_ALLOWED_ACCELERATORS": "h100,bogus"})


@pytest.mark.parametrize(
    ("var", "criteria", "label"),
    [
        ("AICR_ALLOWED_SERVICES", Criteria(service="gke"), "service type not allowed"),
        ("AICR_ALLOWED_INTENTS", Criteria(intent="inference"), "intent type not allowed"),
        ("AICR_ALLOWED_OS", Criteria(os="rhel"), "OS type not allowed"),
    ],
)
def test_each_field_has_its_own_list(var: str, criteria: Criteria, label: str) -> None:
    allowed = {
        "AICR_ALLOWED_SERVICES": "eks",
        "AICR_ALLOWED_INTENTS": "training",
        "AICR_ALLOWED_OS": "ubuntu",
    }
    with pytest.raises(AicrError, match=label):
        Allowlist.from_env({var: allowed[var]}).check(criteria)


def test_unset_means_unrestricted() -> None:
    allow = Allowlist.from_env({})
    assert not allow
    allow.check(Criteria(service="eks", accelerator="h100"))
