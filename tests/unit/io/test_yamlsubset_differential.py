"""The subset reader never returns a value libyaml would not: a differential fuzz over >= 5,000
documents (PyYAML-dumped trees, token soup, shaped lines and block scalars, odd line breaks,
control characters). Wherever the subset answers, the strict loader must accept the text and
return the same value; everything else must raise `Unsupported`."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.support.yaml_oracle import reference, same

from aicr.io.yamlsubset import Unsupported, load

BREAKS = ["\n", "\n", "\n", "\r\n", "\r", "\x85", "\u2028", "\u2029"]
ODD = ["\ufeff", "\x00", "\x01", "\x07", "\x1b", "\x7f", "\x9f", "\t", "\xa0", "\ue000", "\U0001f600"]
LONG = ["k" * 1020, "k" * 1030, "'" + "q" * 1030 + "'"]
TOKENS = [
    "a", "key", ": ", ":", " ", "  ", "- ", "-", "|", "|+", "|-", "|2", "|1-", ">", "[", "]", "{", "}",
    ",", ", ", "?", "? ", "#c", " #c", "&a ", "*a", "'", '"', "\\", "\\n", "1", "-1", "0x1F", "0o17",
    "1e3", ".inf", ".nan", "null", "~", "true", "False", "!!str ", "%YAML 1.2", "---", "...", "<<",
    "\n", "\n", "\n  ", "\n    ", "\n- ", "é", *BREAKS, *ODD, *LONG,
]  # fmt: skip
LINES = [
    "a:", "b: 1", "- x", "-", "- a: 1", "c: |", "c: |-", "c: |+", "c: |2", "d: >", "text", "", "# comment",
    "e: [1, -2, x]", "f: {a: 1, 'b': \"c\"}", "g: 'q''r'", 'h: "d\\tq\\u00e9"', "i: &x 1", "j: *x", "? k",
    ": v", "---", "...", "l: v #c", "m:#", "n: a:b", "o: -1", "p: - x", "q: ''", "- |", "- |+", "-   z",
    "r: [a, ", "b]", "s:  ", "   ", "t: 0o17", "u: [|-]", "v: [:a]", "w: [- a]", "x: {? a : b}",
    "k" * 1030 + ": v", "y: 1.10", "z: 2024-01-31",
]  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=10),
    st.sampled_from(["", " ", "a\nb", "\ta\nb", "x\n\n", "\n", "l\n  i\n", "yes", "0o7", "1e400", *LONG]),
)
KEYS = st.one_of(st.text(max_size=6), st.sampled_from(["1", "true", "null", ":", "- a", "#", *LONG]))
TREES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=3)),
    max_leaves=10,
)


@st.composite
def dumped(draw: st.DrawFn) -> str:
    """A random tree written by PyYAML (libyaml's emitter) with random styles."""
    return yaml.dump(
        draw(TREES),
        Dumper=yaml.CSafeDumper,
        default_flow_style=draw(st.sampled_from([None, False, True])),
        allow_unicode=draw(st.booleans()),
        width=draw(st.sampled_from([20, 80, 4096])),
        indent=draw(st.sampled_from([2, 4])),
        default_style=draw(st.sampled_from([None, None, "'", '"', "|"])),
    )


@st.composite
def shaped_lines(draw: st.DrawFn) -> str:
    """Indented lines from a vocabulary of subset and non-subset constructs."""
    parts = draw(
        st.lists(st.tuples(st.sampled_from([0, 0, 1, 2, 2, 3, 4]), st.sampled_from(LINES)), max_size=8)
    )
    brk = draw(st.sampled_from(BREAKS))
    tail = draw(st.sampled_from(["", "\n", "\n\n", "\n  ", "\n# c", "\n..."]))
    return brk.join(" " * n + line for n, line in parts) + tail


@st.composite
def block_scalars(draw: st.DrawFn) -> str:
    """`key: |<indicators>` blocks with blank, over-indented and comment-like lines at the end."""
    header = "|" + draw(st.sampled_from(["", "1", "2", "4"])) + draw(st.sampled_from(["", "+", "-"]))
    body = draw(st.lists(st.sampled_from(["x", "", " ", "  y", "#z", "   ", "\tq", "w "]), max_size=5))
    indent = " " * draw(st.sampled_from([1, 2, 4]))
    lead = draw(st.sampled_from(["k: ", "- ", "", "a:\n  k: "]))
    after = draw(st.sampled_from(["", "\n", "\n\n", "\nnext: 1\n", "\n# c", "\n  \n"]))
    return lead + header + "".join("\n" + (indent + b if b else b) for b in body) + after


DOCUMENTS = st.one_of(
    dumped(),
    st.lists(st.sampled_from(TOKENS), min_size=1, max_size=14).map("".join),
    shaped_lines(),
    block_scalars(),
)


def compare(text: str) -> bool:
    """True when the subset answered; then libyaml must accept `text` and agree on the value."""
    try:
        got = load(text)
    except Unsupported:
        return False
    try:
        expected = reference(text)
    except yaml.YAMLError as exc:
        pytest.fail(f"subset accepted a document libyaml refuses: {text!r}: {exc}")
    assert same(got, expected), (text, got, expected)
    return True


def test_subset_reader_agrees_with_libyaml_on_5000_generated_documents() -> None:
    counts: Counter[str] = Counter()

    @given(DOCUMENTS)
    @settings(
        max_examples=5200,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(text: str) -> None:
        counts["compared"] += 1
        counts["answered"] += compare(text)

    run()
    print(
        f"yamlsubset differential: {counts['compared']} compared, {counts['answered']} answered, 0 disagreements"
    )
    assert counts["compared"] >= 5000
    assert counts["answered"] >= 800  # the subset must still answer the common shapes


ISSUE_CASES = [
    "a: |+\n  x\n\n",  # keep chomping at the end of the document
    "a: |+\n  x",
    "a: |\n  x",  # no final line break
    "|\n\n   #c=",
    "{? a : 1}\n",  # `?` keys in flow collections
    "a: 1\x85b: 2\n",  # NEL, LS, PS are line breaks for libyaml
    "a: 1\u2028b: 2\n",
    "a: 1\u2029b: 2\n",
    "a: 1\n\ufeffb: 2\n",  # BOM mid-document
    "a: \x01\n",
    "a: [|-]\n",
    "a: [:a]\n",
    "a: [- a]\n",
    "k" * 1030 + ": v\n",
    "'" + "k" * 1030 + "': v\n",
    "---#c\n",
]


@pytest.mark.parametrize("text", ISSUE_CASES)
def test_subset_reader_answers_issue_cases_as_libyaml_or_not_at_all(text: str) -> None:
    try:
        expected: Any = reference(text)
    except yaml.YAMLError:
        with pytest.raises(Unsupported):
            load(text)
        return
    try:
        got = load(text)
    except Unsupported:
        return
    assert same(got, expected)
