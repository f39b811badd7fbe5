"""Criteria parsing, normalisation and rendering (reference/recipe.md §1, §10 cases 1, 2, 4)."""

from __future__ import annotations

import pytest

from aicr.errors import AicrError, Code
from aicr.recipe.criteria import STATIC_VALUES, Criteria, normalize, parse_nodes, parse_value


@pytest.mark.parametrize(
    ("field", "raw", "expected"),
    [
        ("service", " EKS ", "eks"),
        ("service", "self-managed", "any"),
        ("service", "vanilla", "any"),
        ("service", "self", "any"),
        ("service", "", "any"),
        ("service", "Any", "any"),
        ("os", "AL2023", "amazonlinux"),
        ("os", "al2", "amazonlinux"),
        ("accelerator", "H100", "h100"),
    ],
)
def test_parse_value_trims_lowercases_and_maps_aliases(field: str, raw: str, expected: str) -> None:
    assert parse_value(field, raw) == expected


def test_unknown_service_is_invalid_request_with_raw_text() -> None:
    with pytest.raises(AicrError) as err:
        parse_value("service", "Windows")
    assert err.value.code is Code.INVALID_REQUEST
    assert err.value.message == "invalid service type: Windows"


@pytest.mark.parametrize("field", ["accelerator", "intent", "os", "platform"])
def test_every_field_names_itself_in_the_error(field: str) -> None:
    with pytest.raises(AicrError, match=f"invalid {field} type: foo"):
        parse_value(field, "foo")


def test_values_declared_by_overlays_are_accepted_when_allowed() -> None:
    allowed = {f: set(v) for f, v in STATIC_VALUES.items()}
    allowed["service"].add("ncp-internal")
    assert parse_value("service", "NCP-Internal", allowed) == "ncp-internal"
    with pytest.raises(AicrError):
        parse_value("service", "ncp-internal")


@pytest.mark.parametrize(("raw", "expected"), [("8", 8), ("0", 0), (" 16 ", 16), ("+2", 2), (3, 3)])
def test_nodes_reads_whole_decimal_numbers(raw: str | int, expected: int) -> None:
    assert parse_nodes(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["4abc", "1.5", "1e400", "\u00b3", "9" * 5000, 10**5000, "0x10", 2_000_000],
    ids=["4abc", "1.5", "1e400", "superscript-3", "5000-digit-text", "5000-digit-int", "0x10", "2e6"],
)
def test_nodes_that_are_not_whole_bounded_numbers_are_rejected(raw: str | int) -> None:
    with pytest.raises(AicrError, match="invalid nodes (value|count)"):
        parse_nodes(raw)


def test_nodes_that_are_not_numbers_are_rejected() -> None:
    with pytest.raises(AicrError, match="invalid nodes value: abc"):
        parse_nodes("abc")


def test_negative_nodes_are_rejected() -> None:
    with pytest.raises(AicrError, match=r"invalid nodes count: -1 \(must be >= 0\)"):
        parse_nodes("-1")


def test_string_form_lists_only_stated_fields_in_order() -> None:
    crit = Criteria(
        service="eks", accelerator="h100", intent="training", os="ubuntu", platform="kubeflow", nodes=8
    )
    assert str(crit) == (
        "criteria(service=eks, accelerator=h100, intent=training, os=ubuntu, platform=kubeflow, nodes=8)"
    )
    assert crit.specificity() == 6


def test_all_any_criteria_print_any_and_have_zero_specificity() -> None:
    assert str(Criteria()) == "criteria(any)"
    assert Criteria().specificity() == 0


def test_to_dict_always_has_the_five_fields_and_nodes_only_when_set() -> None:
    assert Criteria(service="gke").to_dict() == {
        "service": "gke",
        "accelerator": "any",
        "intent": "any",
        "os": "any",
        "platform": "any",
    }
    assert Criteria(nodes=4).to_dict()["nodes"] == 4


def test_validate_reports_the_raw_value() -> None:
    with pytest.raises(AicrError, match="invalid accelerator type: Z9"):
        Criteria(accelerator="Z9").validate({f: frozenset(v) for f, v in STATIC_VALUES.items()})


def test_from_mapping_rejects_unknown_keys() -> None:
    with pytest.raises(AicrError, match="unknown criteria field: gpu"):
        Criteria.from_mapping({"gpu": "h100"})


def test_normalize_does_not_validate() -> None:
    assert normalize("service", " Custom ") == "custom"
