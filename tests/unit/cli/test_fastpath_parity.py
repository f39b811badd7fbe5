"""The argparse-free fast path agrees with argparse wherever it answers (every command with a spec).

Differential property test: hypothesis generates token lists from each command's flags, their
abbreviations, unknown flags and awkward values (negative numbers argparse does and does not
take, Unicode digits, `--`, `--flag=--`, repeated flags); the fast path must either decline
(None) or give argparse's exit code and error text, or argparse's parsed namespace.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aicr.cli.bundle import FAST_SPEC as BUNDLE
from aicr.cli.fastpath import FastSpec, parse_fast
from aicr.cli.parser import build_parser
from aicr.cli.query import FAST_SPEC as QUERY
from aicr.cli.recipe import FAST_SPEC as RECIPE
from aicr.cli.snapshot import FAST_SPEC as SNAPSHOT
from aicr.cli.validate import FAST_SPEC as VALIDATE
from aicr.cli.verify import FAST_SPEC as VERIFY
from aicr.errors import AicrError

SPECS = {
    "recipe": RECIPE,
    "snapshot": SNAPSHOT,
    "bundle": BUNDLE,
    "validate": VALIDATE,
    "verify": VERIFY,
    "query": QUERY,
}

PLAIN_VALUES = ["x", "out.yaml", "true", "false", "4", "-1", "-.5", "c:d=e", "k=v:NoSchedule", "gpuStack=x"]
AWKWARD_VALUES = [
    "x",
    "out.yaml",
    "",
    "-",
    "-1",
    "-1.",
    "-.5",
    "-1.5",
    "-³",
    "³",
    "-١٢",
    "-1\n",
    "-x y",
    "--",
    "-o",
    "--output",
    "a=b",
    "c:d=e",
    "true",
    "false",
    "maybe",
    "4",
    "cm://ns/name",
]
UNKNOWN_FLAGS = ["--bogus", "-z", "-h", "--help", "--", "-v", "--version", "-", "--config", "--config=c.yaml"]


def _flags(spec: FastSpec) -> list[str]:
    return sorted({*spec.values, *spec.repeated, *spec.booleans, *spec.switches})


def _abbreviations(spec: FastSpec) -> list[str]:
    longs = [f for f in _flags(spec) if f.startswith("--") and len(f) > 5]
    return sorted({f[:n] for f in longs for n in (4, 5, len(f) - 1)})


def _mostly(usual: st.SearchStrategy[str], odd: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """`usual` nine times in ten, `odd` otherwise."""
    return st.integers(0, 9).flatmap(lambda n: odd if n == 0 else usual)


@st.composite
def command_lines(draw: st.DrawFn, command: str) -> list[str]:
    spec = SPECS[command]
    # Mostly well-formed lines (so the fast path answers often), with awkward words mixed in.
    flag = _mostly(st.sampled_from(_flags(spec)), st.sampled_from(_abbreviations(spec) + UNKNOWN_FLAGS))
    value = _mostly(st.sampled_from(PLAIN_VALUES), st.sampled_from(AWKWARD_VALUES))
    line = draw(st.lists(st.sampled_from(["--debug", "--log-json", "--quiet"]), max_size=3))
    line.append(command)
    for _ in range(draw(st.integers(0, 6))):
        name = draw(flag)
        form = draw(st.sampled_from(["spaced"] * 4 + ["inline"] * 3 + ["alone", "bare-value"]))
        if form == "inline":
            line.append(f"{name}={draw(value)}")
        elif form == "spaced":
            line += [name, draw(value)]
        elif form == "bare-value":
            line.append(draw(value))
        else:
            line.append(name)
    return line


def _public(ns: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(ns).items() if not k.startswith("_")}


def _argparse_outcome(argv: list[str], command: str) -> tuple[Any, ...]:
    try:
        ns = build_parser(command).parse_args(argv)
    except AicrError as exc:
        return ("error", exc.exit_code, exc.message)
    except SystemExit as exc:
        return ("exit", exc.code)
    return ("ok", _public(ns))


def _fast_outcome(argv: list[str], command: str) -> tuple[Any, ...] | None:
    try:
        fast = parse_fast(argv, SPECS[command])
    except AicrError as exc:
        return ("error", exc.exit_code, exc.message)
    return None if fast is None else ("ok", _public(fast))


def _check(argv: list[str], command: str) -> None:
    fast = _fast_outcome(argv, command)
    if fast is not None:
        assert fast == _argparse_outcome(argv, command), argv


PARITY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PARITY
@given(command_lines("recipe"))
def test_recipe_fast_path_agrees_with_argparse(argv: list[str]) -> None:
    _check(argv, "recipe")


@PARITY
@given(command_lines("snapshot"))
def test_snapshot_fast_path_agrees_with_argparse(argv: list[str]) -> None:
    _check(argv, "snapshot")


@PARITY
@given(command_lines("bundle"))
def test_bundle_fast_path_agrees_with_argparse(argv: list[str]) -> None:
    _check(argv, "bundle")


@PARITY
@given(command_lines("validate"))
def test_validate_fast_path_agrees_with_argparse(argv: list[str]) -> None:
    _check(argv, "validate")


@PARITY
@given(command_lines("query"))
def test_query_fast_path_agrees_with_argparse(argv: list[str]) -> None:
    _check(argv, "query")


@PARITY
@given(command_lines("verify"))
def test_verify_fast_path_agrees_with_argparse(argv: list[str]) -> None:
    _check(argv, "verify")


@pytest.mark.parametrize(
    "argv",
    [
        ["recipe", "--service", "eks", "--config", "c.yaml"],
        ["recipe", "--config=https://example.com/c.yaml"],
        ["snapshot", "--config", "c.yaml", "-o", "s.yaml"],
        ["bundle", "-r", "r.yaml", "--config", "c.yaml"],
        ["bundle", "--config=c.json", "-d", "flux"],
    ],
)
def test_config_lines_are_left_to_argparse(argv: list[str]) -> None:
    assert parse_fast(argv, SPECS[argv[0]]) is None
    outcome = _argparse_outcome(argv, argv[0])
    assert outcome[0] == "ok" and outcome[1]["config"] in ("c.yaml", "c.json", "https://example.com/c.yaml")


@pytest.mark.parametrize(
    "argv",
    [
        ["recipe", "--service", "aks", "--profile", "gpuStack=operator-managed"],
        ["recipe", "--service=gke", "--profile=gpuStack=driver-installer", "-o", "r.yaml"],
        ["recipe", "--profile", "gpuStack=a", "--profile", "gpuStack=b"],
        ["recipe", "--profile"],
    ],
)
def test_profile_flag_reads_the_same_on_both_paths(argv: list[str]) -> None:
    assert "--profile" in RECIPE.values
    _check(argv, "recipe")


@pytest.mark.parametrize(
    "argv",
    [
        ["recipe", "--service", "eks", "-o", "-1."],
        ["recipe", "--service", "eks", "--nodes", "-³"],
        ["recipe", "--service", "eks", "--nodes", "-١"],
        ["recipe", "--service", "eks", "--output=--"],
        ["bundle", "-r", "r.yaml", "--set=--"],
        ["snapshot", "--output", "-1\n"],
        ["recipe", "--criteria-strict", "-1."],
        ["recipe", "--gpu", "a", "--gpu", "b", "--se", "eks"],
    ],
)
def test_lines_argparse_reads_differently_are_declined(argv: list[str]) -> None:
    assert parse_fast(argv, SPECS[argv[0]]) is None


@pytest.mark.parametrize("value", ["-1", "-.5", "-1.5"])
def test_ascii_negative_numbers_are_values_on_both_paths(value: str) -> None:
    argv = ["recipe", "--service", "eks", "--nodes", value]
    fast = parse_fast(argv, RECIPE)
    assert fast is not None
    assert getattr(fast, "nodes", None) == value
    _check(argv, "recipe")


def test_option_like_minus_one_dot_is_an_error_not_a_file_name() -> None:
    outcome = _argparse_outcome(["recipe", "--service", "eks", "-o", "-1."], "recipe")
    assert outcome[:2] == ("error", 2)


def test_duplicate_flag_error_waits_for_the_whole_line() -> None:
    with pytest.raises(AicrError, match="flag --accelerator can only be specified once"):
        parse_fast(["recipe", "--gpu", "h100", "--accelerator", "gb200", "--os", "ubuntu"], RECIPE)


def test_argparse_rejects_double_dash_as_an_inline_value() -> None:
    outcome = _argparse_outcome(["recipe", "--service", "eks", "--output=--"], "recipe")
    assert outcome == ("error", 2, 'flag --output needs a value other than "--"')


@pytest.mark.parametrize(
    "argv",
    [
        ["verify", "bundle-dir"],
        ["verify", "bundle-dir", "--format", "json", "--plain-http"],
        ["validate", "-r", "r.yaml", "-s", "s.yaml", "--no-cluster", "-o", "out.ctrf"],
        ["validate", "--phase", "deployment", "--phase=conformance", "--fail-on-error=false"],
        ["query", "--service", "eks", "--selector", "components.gpu-operator.values", "--explain"],
    ],
)
def test_common_lines_are_answered_as_argparse_answers(argv: list[str]) -> None:
    assert parse_fast(argv, SPECS[argv[0]]) is not None
    _check(argv, argv[0])


@pytest.mark.parametrize(
    "argv",
    [
        ["verify", "--format", "json", "bundle-dir"],  # a positional after a flag: argparse decides
        ["verify", "bundle-dir", "extra"],
        ["verify", "-1"],
        ["verify", "--", "bundle-dir"],
    ],
)
def test_positional_words_argparse_may_read_differently_are_declined(argv: list[str]) -> None:
    assert parse_fast(argv, VERIFY) is None
