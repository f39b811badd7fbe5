"""`--profile` on recipe and query, and the hook the config file uses to supply a default."""

from __future__ import annotations

from argparse import Namespace

import pytest

from aicr.cli.criteria_flags import set_profile_default
from aicr.cli.parser import build_parser
from aicr.errors import AicrError


@pytest.mark.parametrize("command", [["recipe"], ["query", "--selector", "."]])
def test_profile_flag_is_read_by_recipe_and_query(command: list[str]) -> None:
    args = build_parser(command[0]).parse_args([*command, "--service", "aks", "--profile", "gpuStack=x"])
    assert args.profile == "gpuStack=x"


def test_profile_flag_given_twice_is_an_error() -> None:
    with pytest.raises(AicrError, match="--profile"):
        build_parser("recipe").parse_args(["recipe", "--profile", "a=b", "--profile", "a=c"])


def test_config_profile_applies_when_the_flag_is_absent() -> None:
    args = Namespace(profile=None)
    set_profile_default(args, "gpuStack=operator-managed")
    assert args.profile == "gpuStack=operator-managed"


def test_flag_beats_the_config_profile() -> None:
    args = Namespace(profile="gpuStack=azure-managed")
    set_profile_default(args, "gpuStack=operator-managed")
    assert args.profile == "gpuStack=azure-managed"


def test_malformed_config_profile_is_rejected_at_once() -> None:
    with pytest.raises(AicrError, match="expected name=value"):
        set_profile_default(Namespace(profile=None), "gpuStack")
