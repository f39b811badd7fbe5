"""The import-light JSON writer (aicr.io.jsonout) is byte-identical to json.dumps(indent=2)."""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from aicr.io.jsonout import dumps_indented

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=12)
    | st.sampled_from(["", '"', "\\", "\n\t\x00\x1f\x7f", "ü€😀", "\u2028", "\ud800"])
)
_TREES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=30,
)


def _reference(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


@settings(max_examples=800, deadline=None)
@given(_TREES)
def test_plain_trees_are_written_exactly_as_json_dumps_writes_them(value: Any) -> None:
    assert dumps_indented(value) == _reference(value)


def test_non_string_keys_go_to_json_dumps() -> None:
    value = {1: "a", None: [True], 2.5: {}}
    assert dumps_indented(value) == _reference(value)


def test_subclasses_go_to_json_dumps() -> None:
    value = OrderedDict(b=1, a=[OrderedDict()])
    assert dumps_indented(value) == _reference(value)


def test_trees_deeper_than_the_writer_goes_to_json_dumps() -> None:
    value: Any = "leaf"
    for _ in range(300):
        value = [value]
    assert dumps_indented(value) == _reference(value)
