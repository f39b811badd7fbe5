"""What `yamlout.dump` writes reads back to the same value through libyaml and the subset reader."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.support.yaml_oracle import reference, same

from aicr.io.yamlout import dump
from aicr.io.yamlsubset import Unsupported, load

TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=12)
SHAPED = st.sampled_from([
    "\tx\ny", "\t\n", " x\ny", "\nx", "x\n\n", "x\n \n", "a\u2028b\n", "a\x85b\nc", "\ufeffx\ny", "\x00\n",
    "k" * 1030, "k" * 1030 + "\nz", "yes", "0o17", "1_000", "2024-01-31", "- x", "? x", "#", "a: b",
])  # fmt: skip
STRINGS = st.one_of(TEXT, SHAPED)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**40), max_value=10**40), st.floats(), STRINGS
)
TREES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(STRINGS, inner, max_size=3)),
    max_leaves=12,
)


def test_dump_reads_back_through_libyaml_and_the_subset_reader() -> None:
    counts: Counter[str] = Counter()

    @given(TREES)
    @settings(
        max_examples=1500,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(value: Any) -> None:
        text = dump(value)
        assert same(reference(text), value), (value, text)
        counts["written"] += 1
        try:
            got = load(text)
        except Unsupported:
            return
        assert same(got, value), (value, text)
        counts["subset"] += 1

    run()
    print(f"yamlout round trip: {counts['written']} written and read back, {counts['subset']} via the subset")
    assert counts["written"] >= 1500
    assert counts["subset"] >= 300


@pytest.mark.parametrize(
    "value",
    [{"a": "\tfirst\nsecond"}, ["\tx\ny"], "\tx\ny\n", {"k" * 1030: 1}, {"a": {"k" * 1030: ["x"], "b": 2}}],
)
def test_dump_handles_leading_tabs_and_long_keys(value: Any) -> None:
    assert same(reference(dump(value)), value)
