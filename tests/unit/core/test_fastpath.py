"""The argparse-free `aicr recipe` parser agrees with argparse wherever it answers."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aicr.cli.fastpath import parse_fast
from aicr.cli.parser import build_parser
from aicr.cli.recipe import FAST_SPEC
from aicr.errors import AicrError

KEYS = (
    "service",
    "accelerator",
    "intent",
    "os",
    "platform",
    "nodes",
    "criteria",
    "snapshot",
    "output",
    "format",
    "data",
    "kubeconfig",
    "debug",
    "log_json",
    "criteria_strict",
    "command",
)

flags = st.sampled_from(
    [*FAST_SPEC.values, "--debug", "--log-json", "--criteria-strict", "--serv", "-h", "--bogus"]
)
values = st.sampled_from(["eks", "h100", "", "-1", "-x", "8", "a=b", "--os", "x.yaml"])


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    prefix = draw(st.lists(st.sampled_from(["--debug", "--log-json"]), max_size=2))
    body: list[str] = []
    for _ in range(draw(st.integers(0, 6))):
        flag = draw(flags)
        if draw(st.booleans()) and flag.startswith("--"):
            body.append(f"{flag}={draw(values)}")
        else:
            body.append(flag)
            if draw(st.booleans()):
                body.append(draw(values))
    return [*prefix, "recipe", *body]


def _argparse(argv: list[str]) -> dict[str, Any] | str:
    try:
        ns = build_parser("recipe").parse_args(argv)
    except AicrError as exc:
        return exc.message
    except SystemExit:
        return "exit"
    return {k: getattr(ns, k, None) for k in KEYS}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(command_lines())
def test_fast_parser_matches_argparse(argv: list[str]) -> None:
    try:
        fast = parse_fast(argv, FAST_SPEC)
    except AicrError as exc:
        assert _argparse(argv) == exc.message
        return
    if fast is None:
        return
    expected = _argparse(argv)
    assert isinstance(expected, dict), (argv, expected)
    assert {k: getattr(fast, k, None) for k in KEYS} == expected


@pytest.mark.parametrize(
    "argv",
    [
        ["recipe", "--help"],
        ["recipe", "--serv", "eks"],
        ["recipe", "--criteria-strict", "yes"],
        ["recipe", "--os"],
        ["-v"],
        ["query", "--service", "eks"],
        ["recipe", "pos"],
    ],
)
def test_unusual_lines_fall_back_to_argparse(argv: list[str]) -> None:
    assert parse_fast(argv, FAST_SPEC) is None


def test_duplicate_flag_message_matches_argparse() -> None:
    with pytest.raises(AicrError, match="flag --accelerator can only be specified once"):
        parse_fast(["recipe", "--gpu", "h100", "--accelerator", "gb200"], FAST_SPEC)
