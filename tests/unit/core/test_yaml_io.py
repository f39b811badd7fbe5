"""YAML reading (strict, YAML 1.2 core) and writing (deterministic, round-trips in 1.1 and 1.2)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aicr.errors import AicrError, Code
from aicr.io.yamlin import load_yaml, plain
from aicr.io.yamlout import dump

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from(
        [
            "yes",
            "no",
            "on",
            "off",
            "y",
            "n",
            "~",
            "null",
            "1.10",
            "0x1F",
            "0o17",
            "1_000",
            "12:30",
            "2024-01-01",
            ">= 1.32.4",
            "- a",
            "a: b",
            "a #b",
            "  lead",
            "trail ",
            "line\nbreak",
            "x\n",
            "\n\nx",
            "",
            "*",
            "&a",
            "!tag",
            "%",
            "@",
            "`",
            "---",
            "...",
            "=",
            "<<",
            "\t",
            "é",
            "\u2028",
        ]
    ),
)
trees = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=15,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees)
def test_dump_round_trips_through_pyyaml_yaml11(value: Any) -> None:
    assert yaml.safe_load(dump(value)) == value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees)
def test_dump_round_trips_through_our_yaml12_reader(value: Any) -> None:
    assert plain(load_yaml(dump(value))) == value


def test_dump_layout_is_block_style_with_lists_under_keys() -> None:
    doc = {"b": [1, {"x": "y", "z": []}], "a": {}, "c": "multi\nline\n"}
    assert dump(doc) == 'b:\n  - 1\n  - x: "y"\n    z: []\na: {}\nc: |\n  multi\n  line\n'


def test_ambiguous_strings_are_quoted() -> None:
    assert (
        dump({"v": "24.04", "b": "yes", "e": "", "k": ">= 1.0"})
        == 'v: "24.04"\nb: "yes"\ne: ""\nk: ">= 1.0"\n'
    )


def test_reader_uses_yaml12_core_scalars() -> None:
    doc = plain(load_yaml("a: yes\nb: 1_000\nc: 0x10\nd: 2024-01-01\ne: TRUE\nf: ~\n"))
    assert doc == {"a": "yes", "b": "1_000", "c": 16, "d": "2024-01-01", "e": True, "f": None}


def test_reader_keeps_number_text() -> None:
    doc = load_yaml("version: 1.10\n")
    assert doc["version"] == 1.1
    assert doc["version"].text == "1.10"


def test_duplicate_keys_are_rejected_with_location() -> None:
    with pytest.raises(AicrError) as err:
        load_yaml("a: 1\nb: 2\na: 3\n", "x.yaml")
    assert err.value.code is Code.INVALID_REQUEST
    assert err.value.message == "invalid YAML in x.yaml:3:1: duplicate key 'a'"


def test_syntax_errors_name_the_file() -> None:
    with pytest.raises(AicrError, match=r"invalid YAML in f.yaml:2:\d+"):
        load_yaml("a: [1,\n", "f.yaml")


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="0123456789.:_+-eExXoObBaf ~TtnNyY", min_size=1, max_size=12))
def test_plain_scalars_are_strings_for_both_yaml_versions(text: str) -> None:
    written = dump({"k": text})
    assert yaml.safe_load(written) == {"k": text}
    assert plain(load_yaml(written)) == {"k": text}


def test_empty_value_is_null_and_quoted_empty_is_a_string() -> None:
    assert plain(load_yaml('a:\nb: ""\n')) == {"a": None, "b": ""}
