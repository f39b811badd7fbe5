"""Readers refuse input past aicr.io.limits with INVALID_REQUEST naming the input and the limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from aicr.bundle.options import coerce, parse_dynamic, parse_nodes, parse_typed, split_override
from aicr.errors import AicrError, Code
from aicr.io import limits
from aicr.io.documents import load_document, parse_text
from aicr.io.yamlin import load_yaml


def _laughs(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def refused(match: str) -> pytest.RaisesExc[AicrError]:
    return pytest.raises(AicrError, match=match)


def test_alias_expansion_past_the_limit_is_refused() -> None:
    with refused("src.yaml: aliases expand to more than the limit of 100000 nodes") as err:
        load_yaml(_laughs(6), "src.yaml")
    assert err.value.code is Code.INVALID_REQUEST


def test_small_alias_use_still_loads() -> None:
    assert load_yaml(_laughs(3), "ok.yaml")["a2"][0][0] == ["x"] * 10


@pytest.mark.parametrize(
    "text",
    ["".join(" " * i + "a:\n" for i in range(300)) + " " * 300 + "b: 1\n", "[" * 3000 + "]" * 3000],
    ids=["block", "flow"],
)
def test_nesting_past_the_limit_is_refused(text: str) -> None:
    with refused("deep.yaml.*limit of 200 levels"):
        parse_text(text, "deep.yaml")


def test_deep_json_is_refused_not_a_recursion_error() -> None:
    with refused("deep.json.*limit of 200 levels"):
        parse_text('{"a": ' * 100_000 + "1" + "}" * 100_000, "deep.json")


def test_json_within_recursion_but_past_the_depth_limit_is_refused() -> None:
    with refused("mid.json nests deeper than the limit of 200 levels"):
        parse_text('{"a": ' * 500 + "1" + "}" * 500, "mid.json")


@pytest.mark.parametrize("number", ["9" * 5000, "0x" + "f" * 3990], ids=["decimal", "hex"])
def test_integers_past_the_digit_limit_are_refused(number: str) -> None:
    with refused("n.yaml:1:4: integer longer than the limit of 4000 digits"):
        parse_text(f"n: {number}\n", "n.yaml")


def test_json_integers_past_the_digit_limit_are_refused() -> None:
    with refused("n.json.*integer longer than the limit of 4000 digits"):
        parse_text('{"n": ' + "9" * 5000 + "}", "n.json")


def test_a_document_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("aicr.io.documents.MAX_DOCUMENT_BYTES", 10)
    monkeypatch.setattr("aicr.io.limits.MAX_DOCUMENT_BYTES", 10)
    path = tmp_path / "big.yaml"
    path.write_text("a: 12345678901\n")
    with refused(f"criteria {path} is larger than the limit of 10 bytes"):
        load_document(str(path), what="criteria")


@pytest.mark.parametrize("raw", ["1.5", "\u00b3", "1e400", "-", "9" * 5000, "2000000", True])
def test_bundle_nodes_must_be_a_bounded_whole_number(raw: str | bool) -> None:
    with refused("--nodes"):
        parse_nodes(raw)


def test_bundle_nodes_accepts_plain_counts() -> None:
    assert (parse_nodes("8"), parse_nodes(" 16 "), parse_nodes(3), parse_nodes(None)) == (8, 16, 3, 0)


def test_set_path_past_the_segment_limit_is_refused() -> None:
    with refused(f"limit of {limits.MAX_PATH_SEGMENTS} segments"):
        split_override("c:" + ".".join(["a"] * 900) + "=1")


def test_dynamic_path_past_the_segment_limit_is_refused() -> None:
    with refused(f"--dynamic path 'c:a.a.*limit of {limits.MAX_PATH_SEGMENTS} segments"):
        parse_dynamic("c:" + ".".join(["a"] * 900))


def test_set_value_with_a_huge_number_is_refused() -> None:
    with refused("--set value 9+... is a number longer than the limit of 4000 digits"):
        coerce("9" * 5000)


def test_set_value_past_int64_reads_as_a_float() -> None:
    assert coerce("9" * 25) == float("9" * 25)
    assert coerce("9" * 400) == "9" * 400  # overflows float64: kept as text, as the reference


def test_binary_set_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bin"
    path.write_bytes(b"\xff\xfe\x00")
    with refused(f"--set-file c:x: {path} is not UTF-8 text"):
        parse_typed(f"c:x={path}", "--set-file")


def test_deep_set_json_is_refused() -> None:
    with refused("--set-json c:x nests deeper than the limit of 200 levels"):
        parse_typed("c:x=" + "[" * 500 + "]" * 500, "--set-json")
