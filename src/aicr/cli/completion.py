"""`aicr completion bash|zsh|fish`: shell completion scripts generated from the parser (shtab).

Translation only; the script goes to stdout.
"""

from __future__ import annotations

import sys

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

SHELLS = ("bash", "zsh", "fish")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the `completion` subcommand."""
    parser = sub.add_parser(
        "completion",
        parents=[common],
        help="print a shell completion script",
        description="Print a completion script: source <(aicr completion bash)",
    )
    parser.add_argument("shell", nargs="?", help="bash, zsh or fish")
    parser.set_defaults(_run=run)


def _fish(parser: argparse.ArgumentParser) -> str:
    """A fish script: subcommands, then each subcommand's long flags."""
    lines = ["complete -c aicr -f"]
    import argparse as ap

    subactions = [a for a in parser._actions if isinstance(a, ap._SubParsersAction)]
    for action in subactions:
        for name, sub in sorted(action.choices.items()):
            lines.append(
                f"complete -c aicr -n '__fish_use_subcommand' -a {name} -d '{(sub.description or '')[:60]}'"
            )
            for opt in sub._actions:
                for flag in opt.option_strings:
                    if flag.startswith("--"):
                        help_text = (opt.help or "").replace("'", "")[:60]
                        lines.append(
                            f"complete -c aicr -n '__fish_seen_subcommand_from {name}' -l {flag[2:]} -d '{help_text}'"
                        )
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    """Write the completion script for the requested shell."""
    shell = (args.shell or "").strip().lower()
    if shell not in SHELLS:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'unsupported shell "{args.shell or ""}": must be one of {", ".join(SHELLS)}',
        )
    from aicr.cli.main import build_parser

    parser = build_parser()
    if shell == "fish":
        sys.stdout.write(_fish(parser))
        return 0
    import shtab

    sys.stdout.write(shtab.complete(parser, shell=shell))
    return 0
