"""The argparse-free reading of `aicr bundle` (FAST_SPEC) agrees with argparse wherever it answers."""

from __future__ import annotations

from typing import Any

import pytest

from aicr.cli.bundle import FAST_SPEC
from aicr.cli.fastpath import Args
from aicr.cli.fastpath import parse_fast as parse_with_spec
from aicr.cli.parser import build_parser
from aicr.errors import AicrError


def parse_fast(argv: list[str]) -> Args | None:
    return parse_with_spec(argv, FAST_SPEC)


CASES = [
    ["bundle", "-r", "r.yaml"],
    ["bundle", "-r", "r.yaml", "-o", "out", "-d", "flux", "--flux-namespace", "gitops"],
    ["--debug", "bundle", "--recipe=r.yaml", "--output=o", "--serial", "--log-json"],
    [
        "bundle",
        "-r",
        "r.yaml",
        "--set",
        "a:b=c",
        "--set",
        "a:d=e",
        "--set-json",
        'a:x={"k": 1}',
        "--dynamic",
        "a:b",
    ],
    [
        "bundle",
        "-r",
        "r.yaml",
        "--accelerated-node-toleration",
        "k=v:NoSchedule",
        "--system-node-selector",
        "a=b",
    ],
    ["bundle", "-r", "r.yaml", "--workload-gate", "k:NoSchedule", "--nodes", "4", "--storage-class", "gp3"],
    [
        "bundle",
        "-r",
        "r.yaml",
        "-d",
        "argocd",
        "--repo",
        "https://x/y.git",
        "--app-name",
        "stack",
        "-k",
        "kc",
    ],
    ["bundle", "--data", "dir", "-r", "r.yaml", "--attest", "--vendor-charts"],
    ["bundle", "-r", "r.yaml", "--nodes", "-1", "--serial=false"],
]


def normalized(ns: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(ns).items() if not k.startswith("_")}


@pytest.mark.parametrize("argv", CASES)
def test_fast_reader_matches_argparse(argv: list[str]) -> None:
    fast = parse_fast(argv)
    assert fast is not None
    slow = build_parser(only="bundle").parse_args(argv)
    assert normalized(fast) == normalized(slow)


@pytest.mark.parametrize(
    "argv",
    [
        ["bundle", "--help"],
        ["bundle", "--rec", "r.yaml"],
        ["bundle", "-rr.yaml"],
        ["bundle", "--serial", "true"],
        ["bundle", "extra"],
        ["recipe", "--service", "eks"],
        ["bundle", "-r"],
    ],
)
def test_fast_reader_leaves_unusual_lines_to_argparse(argv: list[str]) -> None:
    assert parse_fast(argv) is None


def test_fast_reader_rejects_repeated_single_value_flags() -> None:
    with pytest.raises(AicrError, match="flag --output can only be specified once"):
        parse_fast(["bundle", "-o", "a", "--output", "b"])
