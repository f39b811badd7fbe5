"""The fast YAML subset reader agrees with the strict loader wherever it accepts a document."""

from __future__ import annotations

import os
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.support.yaml_oracle import reference, same

from aicr.errors import AicrError
from aicr.io import yamlin
from aicr.io.yamlout import dump
from aicr.io.yamlsubset import Unsupported, load

ROOTS = [
    os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "bundle-catalog"),
    os.path.join(os.path.dirname(yamlin.__file__), "..", "catalog", "data"),
]


def check(text: str) -> bool:
    """True when the subset reader parsed `text` (and then it must agree with the reference)."""
    try:
        got = load(text)
    except Unsupported:
        return False
    expected = reference(text)
    assert same(got, expected), (text, got, expected)
    return True


ACCEPTED = [
    "a: 1\nb: two\nc:\n  d: [1, 2, x]\n  e: {f: g, h: 'i''j'}\nl:\n- 1\n- a: b\n  c: d\n-\n  x: y\n",
    '# c\n---\nkey: "a\\tb\\u00e9" # comment\nempty:\nn: ~\nt: true\nf: 1.5e3\noct: 0o17\nhex: 0x1F\nyes: yes\n',
    "s: |\n  line1\n\n  line3\n# after\nk: |-\n   x\n    y\nz: |+\n  keep\n\nw: 1\n",
    "url: http://example.com:8080/x\nwin: a:b\ntime: 12:30\n",
    'list:\n- {a: 1}\n- [x, "y, z"]\n- ""\n- \'\'\n',
    '{"a":1, "b": c}\n',
    "a:\n  - b\n  -   c: d\n      e: f\n",
    "t: 'it''s'\nu: \"\\x41\"\n",
    "neg: -1\nplus: +3\nflt: .5\ninf: -.inf\ndot: .\nver: 1.10\nip: 10.0.0.1\n",
    "lit: |2\n    indented\n  base\n",
    "1: int key\ntrue: bool key\n~: null key\n",
    "- a\n- b\n",
    "k: v # trailing\n# only comment\n\n",
]
REJECTED = [
    "- - a\n",
    "a: &x 1\nb: *x\n",
    "a:\n  b\n  c\n",
    "key: value: x\n",
    "x: 1\nx: 2\n",
    "a: !!str 1\n",
    "a: >\n  folded\n",
    "a: 1\n---\nb: 2\n",
    "a:\tb\n",
    "<<: {a: 1}\n",
    "a: [1, [2]]\n",
    'a: "unterminated\n  more"\n',
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_subset_reader_matches_strict_loader(text: str) -> None:
    assert check(text)


@pytest.mark.parametrize("text", REJECTED)
def test_subset_reader_refuses_what_it_does_not_cover(text: str) -> None:
    with pytest.raises(Unsupported):
        load(text)


def test_subset_reader_agrees_on_every_catalog_file() -> None:
    parsed = 0
    for root in ROOTS:
        for base, _dirs, files in os.walk(root):
            for name in files:
                if name.endswith((".yaml", ".yml")):
                    with open(os.path.join(base, name), encoding="utf-8") as fh:
                        text = fh.read()
                    try:
                        reference(text)
                    except (yaml.YAMLError, AicrError):
                        continue  # templated manifests are not YAML
                    parsed += check(text)
    assert parsed >= 10


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.text(
        st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\t\x85\u2028\u2029"), max_size=12
    ),
)
keys = st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=8)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=12,
)


@given(st.dictionaries(keys, documents, max_size=5))
@settings(max_examples=150, deadline=None)
def test_subset_reader_reads_back_what_yamlout_writes(value: dict[str, Any]) -> None:
    text = dump(value)
    try:
        got = load(text)
    except Unsupported:
        return
    assert same(got, reference(text))
