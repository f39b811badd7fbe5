"""Every example printed by `aicr <command> --help` parses with that command's parser."""

from __future__ import annotations

import shlex

import pytest

from aicr.cli.commands import COMMANDS
from aicr.cli.examples import EXAMPLES, epilog
from aicr.cli.parser import build_parser

CASES = [(command, line) for command, lines in EXAMPLES.items() for line in lines]


@pytest.mark.parametrize(("command", "line"), CASES)
def test_example_parses(command: str, line: str) -> None:
    argv = shlex.split(line)
    assert argv[:2] == ["aicr", command]
    args = build_parser(command).parse_args(argv[1:])
    assert args.command == command


def test_every_command_has_two_to_four_examples_in_its_help() -> None:
    for command in COMMANDS:
        assert 2 <= len(EXAMPLES.get(command, ())) <= 4, command
    import argparse

    parser = build_parser("bundle")
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    help_text = sub.choices["bundle"].format_help()
    assert help_text.rstrip().endswith(EXAMPLES["bundle"][-1])
    assert epilog("bundle") in help_text
