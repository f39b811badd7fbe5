"""Request parsing: query strings and bodies to Criteria with the library's checks and texts."""

from __future__ import annotations

import pytest

from aicr.errors import AicrError
from aicr.recipe.criteria import STATIC_VALUES, Criteria
from aicr.server import parsing

ALLOWED = dict(STATIC_VALUES)


def criteria(query: bytes) -> Criteria:
    return parsing.criteria_from_params(parsing.first_values(query), ALLOWED)


def test_query_values_are_normalised_like_the_cli() -> None:
    got = criteria(b"service=%20EKS%20&accelerator=H100&intent=training&os=al2023&nodes=8")
    assert got.key() == ("eks", "h100", "training", "amazonlinux", "any", 8)


def test_gpu_is_an_alias_used_only_without_accelerator() -> None:
    assert criteria(b"gpu=h100").accelerator == "h100"
    assert criteria(b"accelerator=gb200&gpu=h100").accelerator == "gb200"


def test_a_repeated_parameter_keeps_its_first_value() -> None:
    assert criteria(b"service=eks&service=gke").service == "eks"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (b"service=windows", "invalid service parameter: invalid service type: windows"),
        (b"nodes=abc", "invalid nodes value: abc"),
        (b"nodes=-1", "invalid nodes count: -1 (must be >= 0)"),
    ],
)
def test_bad_parameters_use_the_reference_texts(query: bytes, message: str) -> None:
    with pytest.raises(AicrError) as caught:
        criteria(query)
    assert caught.value.message == message


def test_no_criteria_parameter_at_all_is_refused() -> None:
    for query in (b"", b"selector=x", b"service=&nodes="):
        with pytest.raises(parsing.NoCriteriaError):
            criteria(query)
    assert criteria(b"accelerator=any").specificity() == 0  # stated explicitly: allowed


def test_criteria_document_checks_kind_and_api_version() -> None:
    with pytest.raises(AicrError, match='invalid kind "Foo", expected "RecipeCriteria"'):
        parsing.criteria_from_document({"kind": "Foo"}, ALLOWED)
    with pytest.raises(AicrError, match='invalid apiVersion "v9"'):
        parsing.criteria_from_document({"apiVersion": "v9", "spec": {"service": "eks"}}, ALLOWED)
    with pytest.raises(AicrError, match="apiVersion must be a string"):
        parsing.criteria_from_document({"apiVersion": ["x"], "spec": {"service": "eks"}}, ALLOWED)
    with pytest.raises(AicrError, match='unknown field "specs"'):
        parsing.criteria_from_document({"specs": {}}, ALLOWED)
    doc = {
        "kind": "RecipeCriteria",
        "apiVersion": "aicr.run/v1alpha2",
        "spec": {"service": "eks", "nodes": "4"},
    }
    assert parsing.criteria_from_document(doc, ALLOWED).key() == ("eks", "any", "any", "any", "any", 4)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"service": "windows"}, "invalid service in criteria spec: invalid service type: windows"),
        ({"service": "eks", "nodes": 1.5}, "invalid nodes value: 1.5"),
        ({"service": "eks", "nodes": True}, "invalid nodes value: True"),
        ({"service": "eks", "gpu": "h100"}, 'criteria spec: unknown field "gpu"'),
        ([], "criteria spec must be a mapping"),
    ],
)
def test_spec_errors(spec: object, message: str) -> None:
    with pytest.raises(AicrError) as caught:
        parsing.criteria_from_spec(spec, ALLOWED)
    assert caught.value.message == message


def test_bodies_decode_as_json_or_strict_yaml() -> None:
    assert parsing.decode_body(b'{"a": 1}', yaml_body=False) == {"a": 1}
    assert parsing.decode_body(b"a: yes\nb: 1\n", yaml_body=True) == {"a": "yes", "b": 1}
    with pytest.raises(AicrError, match="request body is empty"):
        parsing.decode_body(b"  \n", yaml_body=False)
    with pytest.raises(AicrError, match="invalid JSON"):
        parsing.decode_body(b"not json", yaml_body=False)
    with pytest.raises(AicrError, match="duplicate key"):
        parsing.decode_body(b"a: 1\na: 2\n", yaml_body=True)


def test_yaml_aliases_are_refused() -> None:
    bomb = b"a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    with pytest.raises(AicrError, match="aliases are not allowed"):
        parsing.decode_body(bomb, yaml_body=True)
    assert parsing.decode_body(b"a: '*literal*'\n", yaml_body=True) == {"a": "*literal*"}


def test_deeply_nested_json_is_a_client_error() -> None:
    with pytest.raises(AicrError):
        parsing.decode_body(b"[" * 100_000 + b"]" * 100_000, yaml_body=False)


def test_query_request_structure() -> None:
    assert parsing.query_request({"criteria": {"service": "eks"}}) == ({"service": "eks"}, "")
    with pytest.raises(AicrError, match='unknown field "selectors"'):
        parsing.query_request({"criteria": {}, "selectors": "x"})
    with pytest.raises(AicrError, match="selector must be a string"):
        parsing.query_request({"criteria": {}, "selector": 3})


def test_media_type_ignores_parameters_and_case() -> None:
    assert parsing.media_type("Application/X-YAML; charset=utf-8") == "application/x-yaml"
