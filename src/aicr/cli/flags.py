"""argparse building blocks shared by the command modules.

Parsing only. `Once` makes a single-value flag fail when given twice (exit 2,
`flag --X can only be specified once`); `OnceTrue` is the boolean form; the `add_*` helpers
declare the flags every command spells the same way. Value helpers that need no argparse live
in `aicr.cli.options` and are re-exported here.
"""

from __future__ import annotations

import argparse

from aicr.cli.options import FORMATS, check_format, env_bool, env_default, parse_bool
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

__all__ = [
    "FORMATS",
    "Once",
    "OnceTrue",
    "add_data",
    "add_format",
    "add_kubeconfig",
    "add_output",
    "check_format",
    "env_bool",
    "env_default",
    "parse_bool",
]


class Once(argparse.Action):
    """Store a value; a second occurrence of the flag is an INVALID_REQUEST."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        seen: set[str] = namespace.__dict__.setdefault("_seen", set())
        if self.dest in seen:
            name = max(self.option_strings, key=len)
            raise AicrError(Code.INVALID_REQUEST, f"flag {name} can only be specified once")
        seen.add(self.dest)
        if isinstance(values, list):  # argparse strips the value of `--flag=--` to []
            name = max(self.option_strings, key=len)
            raise AicrError(Code.INVALID_REQUEST, f'flag {name} needs a value other than "--"')
        setattr(namespace, self.dest, values)


class OnceTrue(argparse.Action):
    """A boolean switch that may be given at most once (`--x` or `--x=true|false`)."""

    def __init__(self, option_strings: Sequence[str], dest: str, default: bool = False, **kw: Any) -> None:
        kw.setdefault("nargs", "?")
        kw.setdefault("const", "true")
        kw.setdefault("metavar", "BOOL")
        super().__init__(option_strings, dest, default=default, **kw)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        seen: set[str] = namespace.__dict__.setdefault("_seen", set())
        if self.dest in seen:
            name = max(self.option_strings, key=len)
            raise AicrError(Code.INVALID_REQUEST, f"flag {name} can only be specified once")
        seen.add(self.dest)
        setattr(namespace, self.dest, parse_bool(str(values), max(self.option_strings, key=len)))


def add_format(
    parser: argparse.ArgumentParser, default: str = "yaml", choices: Sequence[str] = FORMATS
) -> None:
    """`--format/-t` with the reference's error text for unknown formats."""
    parser.add_argument(
        "-t",
        "--format",
        action=Once,
        default=default,
        metavar="FORMAT",
        help=f"output format: {', '.join(choices)} (default {default})",
    )
    parser.set_defaults(_format_choices=tuple(choices))


def add_output(parser: argparse.ArgumentParser, what: str = "result") -> None:
    """`--output/-o`: a file, `-` for stdout, or `cm://namespace/name`."""
    parser.add_argument(
        "-o",
        "--output",
        action=Once,
        default="-",
        metavar="URI",
        help=f"where to write the {what}: file path, - (stdout, default) or cm://namespace/name",
    )


def add_data(parser: argparse.ArgumentParser) -> None:
    """`--data DIR`: an external catalog layered over the embedded one."""
    parser.add_argument(
        "--data",
        action=Once,
        metavar="DIR",
        help="external data directory overlaid on the embedded catalog (needs registry.yaml)",
    )


def add_kubeconfig(parser: argparse.ArgumentParser) -> None:
    """`--kubeconfig/-k`."""
    parser.add_argument(
        "-k",
        "--kubeconfig",
        action=Once,
        metavar="FILE",
        help="kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)",
    )
