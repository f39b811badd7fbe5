"""A fast, argparse-free reading of the common command lines of start-up-critical commands.

Parsing only. argparse, with the `re`, `enum`, `gettext` and `locale` imports it pulls in,
costs ~12 ms on a 2-core machine — a third of an `aicr recipe` run. A command describes its
flags with a `FastSpec`; `parse_fast` accepts only the plain shapes (`--flag value`,
`--flag=value`, repeatable flags, `--switch`, `--bool[=BOOL]`, leading global switches) and
returns None for anything else (help, abbreviations, unknown flags, positional words, a value
that looks like a flag) so argparse handles it with its full behaviour and messages. Property
tests check that both parsers agree wherever this one answers.
"""

from __future__ import annotations

from aicr.cli.options import parse_bool
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any

GLOBAL_SWITCHES: dict[str, str] = {"--debug": "debug", "--log-json": "log_json"}


class Args:
    """Parsed arguments (the attributes argparse would set)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


class FastSpec:
    """The flags of one command as the fast parser needs them."""

    __slots__ = ("booleans", "command", "defaults", "extra", "repeated", "switches", "values")

    def __init__(
        self,
        command: str,
        *,
        values: Mapping[str, str],
        defaults: Callable[[], dict[str, Any]],
        extra: Callable[[], dict[str, Any]],
        repeated: Mapping[str, str] | None = None,
        booleans: Mapping[str, str] | None = None,
        switches: Mapping[str, str] | None = None,
    ) -> None:
        self.command = command
        self.values = dict(values)  # flag -> destination, single value (given twice: error)
        self.repeated = dict(repeated or {})  # flag -> destination list
        self.booleans = dict(booleans or {})  # `--x` or `--x=BOOL`, at most once
        self.switches = {**GLOBAL_SWITCHES, **(switches or {})}  # store_true
        self.defaults = defaults  # every destination's default (env vars included)
        self.extra = extra  # attributes set after parsing (`_run`, `_format_choices`, …)

    def display_name(self, dest: str) -> str:
        """The longest option string of a destination, as `Once` reports it."""
        flags = [f for table in (self.values, self.booleans) for f, d in table.items() if d == dest]
        return max(flags, key=len)


def _is_negative_number(token: str) -> bool:
    body = token[1:]
    whole, _, fraction = body.partition(".")
    return (
        bool(body) and body != "." and (whole.isdigit() or not whole) and (not fraction or fraction.isdigit())
    )


def _takes_as_value(token: str) -> bool:
    """Whether argparse would consume `token` as an option's value."""
    return token == "-" or not token.startswith("-") or _is_negative_number(token)


def parse_fast(argv: Sequence[str], spec: FastSpec) -> Args | None:
    """Arguments for `aicr [global switches] <spec.command> …`, or None when argparse must decide."""
    tokens = list(argv)
    values: dict[str, Any] = {"debug": False, "log_json": False}
    i = 0
    while i < len(tokens) and tokens[i] in GLOBAL_SWITCHES:
        values[GLOBAL_SWITCHES[tokens[i]]] = True
        i += 1
    if i >= len(tokens) or tokens[i] != spec.command:
        return None
    values.update(spec.defaults())
    seen: set[str] = set()
    i += 1
    while i < len(tokens):
        token = tokens[i]
        if token in spec.switches:
            values[spec.switches[token]] = True
            i += 1
            continue
        flag, eq, inline = token.partition("=")
        if not token.startswith("-") or (eq and not flag.startswith("--")):
            return None
        if flag in spec.booleans:
            if not eq and i + 1 < len(tokens) and _takes_as_value(tokens[i + 1]):
                return None  # argparse's optional value would consume the next word
            dest = spec.booleans[flag]
            _once(dest, seen, spec)
            values[dest] = parse_bool(inline if eq else "true", spec.display_name(dest))
            i += 1
            continue
        if flag not in spec.values and flag not in spec.repeated:
            return None
        if eq:
            value = inline
            i += 1
        elif i + 1 < len(tokens) and _takes_as_value(tokens[i + 1]):
            value = tokens[i + 1]
            i += 2
        else:
            return None
        if flag in spec.values:
            dest = spec.values[flag]
            _once(dest, seen, spec)
            values[dest] = value
        else:
            dest = spec.repeated[flag]
            values[dest] = [*(values.get(dest) or []), value]
    values.update(command=spec.command, version=False)
    values.update(spec.extra())
    return Args(values)


def _once(dest: str, seen: set[str], spec: FastSpec) -> None:
    if dest in seen:
        raise AicrError(Code.INVALID_REQUEST, f"flag {spec.display_name(dest)} can only be specified once")
    seen.add(dest)
