"""argparse building blocks shared by the command modules.

Parsing only. `Once` makes a single-value flag fail when given twice (exit 2,
`flag --X can only be specified once`), `Repeat` collects repeatable flags, and `fail`
raises the structured error the CLI turns into its one-line message.
"""

from __future__ import annotations

import argparse
import os

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

FORMATS = ("yaml", "json", "table")


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


def parse_bool(text: str, flag: str) -> bool:
    """`true`/`false` (and 1/0, yes/no) as a bool; INVALID_REQUEST otherwise."""
    lowered = text.strip().lower()
    if lowered in ("true", "1", "yes", "on", "t"):
        return True
    if lowered in ("false", "0", "no", "off", "f"):
        return False
    raise AicrError(Code.INVALID_REQUEST, f'invalid value "{text}" for flag {flag}: expected true or false')


def env_default(name: str, fallback: str | None = None) -> str | None:
    """Value of an environment variable bound to a flag, or `fallback`."""
    value = os.environ.get(name)
    return value if value not in (None, "") else fallback


def env_bool(name: str) -> bool:
    """An environment variable read as a bool (unset = false)."""
    value = os.environ.get(name, "")
    return bool(value) and parse_bool(value, name)


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


def check_format(args: argparse.Namespace) -> str:
    """The validated `--format` value."""
    fmt = str(args.format).strip().lower()
    choices: tuple[str, ...] = args._format_choices
    if fmt not in choices:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'unknown output format: "{args.format}", valid formats are: {", ".join(choices)}',
        )
    return fmt


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
