"""`--help` lists each command's flags in titled groups, every flag exactly once."""

from __future__ import annotations

import argparse

import pytest

from aicr.cli.commands import COMMANDS
from aicr.cli.helpgroups import GROUPS, OTHER, group_of
from aicr.cli.parser import build_parser


def _command(name: str) -> argparse.ArgumentParser:
    parser = build_parser(only=name)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser = action.choices[name]
            return found
    raise AssertionError(name)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_flag_is_listed_once_under_a_titled_group(name: str) -> None:
    command = _command(name)
    text = command.format_help()
    assert "\noptions:\n" not in text  # argparse's untitled catch-all is gone
    for action in command._actions:
        if not action.option_strings or action.help == argparse.SUPPRESS:
            continue
        title = group_of(action)
        assert f"\n{title}:\n" in text, (name, action.option_strings)
        longest = max(action.option_strings, key=len)
        assert text.count(f" {longest}") >= 1, (name, longest)


def test_grouping_is_idempotent() -> None:
    command = _command("bundle")
    assert command.format_help() == command.format_help()


def test_known_flags_land_in_their_groups() -> None:
    command = _command("bundle")
    by_flag = {max(a.option_strings, key=len): group_of(a) for a in command._actions if a.option_strings}
    assert by_flag["--recipe"] == "Input"
    assert by_flag["--deployer"] == "Deployment"
    assert by_flag["--attest"] == "Signing and trust"
    assert by_flag["--system-node-selector"] == "Node scheduling"
    assert by_flag["--quiet"] == "Global options"


def test_no_flag_is_in_two_groups() -> None:
    seen: dict[str, str] = {}
    for title, flags in GROUPS:
        for flag in flags:
            assert flag not in seen, (flag, seen.get(flag), title)
            seen[flag] = title
    assert OTHER not in dict(GROUPS)
