"""The argparse parser for `aicr`: global flags, one subparser per command module.

Parsing only. Usage errors raise INVALID_REQUEST (exit 2) after printing the usage line; the
help formatter reads the terminal width without importing shutil.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module

from aicr.cli.commands import COMMANDS
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Help formatter that reads the terminal width without importing shutil (~6 ms).

    Descriptions and the examples epilog keep their line breaks.
    """

    def __init__(
        self, prog: str, indent_increment: int = 2, max_help_position: int = 32, width: int | None = None
    ):
        if width is None:
            try:
                width = int(os.environ.get("COLUMNS", "")) or os.get_terminal_size(2).columns
            except (ValueError, OSError):
                width = 100
            width = min(max(width - 2, 40), 120)
        super().__init__(prog, indent_increment, max_help_position, width)


class Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors are structured (exit 2 with usage)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        command = self._command_parser()
        (command or self).print_usage(sys.stderr)
        raise AicrError(Code.INVALID_REQUEST, unknown_flag_message(command or self, sys.argv[1:]) or message)

    def format_help(self) -> str:
        """Help with the flags in titled groups (see aicr.cli.helpgroups)."""
        from aicr.cli.helpgroups import regroup

        regroup(self)
        return super().format_help()

    def _command_parser(self) -> argparse.ArgumentParser | None:
        """The subcommand's parser when the error surfaced in the top-level parser."""
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction) and len(sys.argv) > 1:
                found: argparse.ArgumentParser | None = action.choices.get(sys.argv[1])
                return found
        return None


def unknown_flag_message(parser: argparse.ArgumentParser, argv: list[str]) -> str:
    """`unknown flag --servce; did you mean --service?` for the first flag `parser` does not know."""
    known = set(parser._option_string_actions)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                known |= set(sub._option_string_actions)
    for token in argv:
        flag = token.split("=", 1)[0]
        if not flag.startswith("--") or flag == "--" or flag in known:
            continue
        import difflib

        close = difflib.get_close_matches(
            flag, sorted(f for f in known if f.startswith("--")), n=1, cutoff=0.75
        )
        hint = f"; did you mean {close[0]}?" if close else f"; see aicr {parser.prog.split()[-1]} --help"
        return f"unknown flag {flag}{hint}"
    return ""


def _global_flags(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default: Any = argparse.SUPPRESS if suppress else False
    parser.add_argument(
        "--debug",
        action="store_true",
        default=default,
        help="debug logging and tracebacks for unexpected errors (env AICR_DEBUG)",
    )
    parser.add_argument(
        "--log-json",
        action="store_true",
        default=default,
        help="structured JSON logs on stderr (env AICR_LOG_JSON)",
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        default=default,
        help="no success summary on stderr; errors and warnings still appear (env AICR_QUIET)",
    )


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full parser; with `only`, just that subcommand is registered (faster start-up)."""
    parser = Parser(prog="aicr", description="AI Cluster Runtime: recipes, bundles, snapshots, validation.")
    _global_flags(parser, suppress=False)
    parser.add_argument("-v", "--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    common = Parser(add_help=False)
    _global_flags(common, suppress=True)
    for name, module in COMMANDS.items():
        if only is not None and name != only:
            continue
        try:
            mod = import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name == module:
                continue  # command not built yet
            raise
        mod.register(sub, common)
    from aicr.cli.examples import epilog

    for name, command in sub.choices.items():
        command.epilog = epilog(name)
    return parser
