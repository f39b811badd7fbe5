"""A fast, argparse-free reading of the common command lines of start-up-critical commands.

Parsing only. argparse, with the `re`, `enum`, `gettext` and `locale` imports it pulls in,
costs ~12 ms on a 2-core machine — a third of an `aicr recipe` run. A command describes its
flags with a `FastSpec`; `parse_fast` accepts only the plain shapes (`--flag value`,
`--flag=value`, repeatable flags, `--switch`, `--bool[=BOOL]`, leading global switches, one
optional positional word right after the command) and returns None for anything else (help,
abbreviations, unknown flags, any other positional word, a value that looks like a flag,
`--config`) so argparse handles it with its full behaviour and messages. Property tests check
that both parsers agree wherever this one answers.
"""

from __future__ import annotations

from aicr.cli.options import parse_bool
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any

GLOBAL_SWITCHES: dict[str, str] = {"--debug": "debug", "--log-json": "log_json", "--quiet": "quiet"}


class Args:
    """Parsed arguments (the attributes argparse would set)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


class FastSpec:
    """The flags of one command as the fast parser needs them."""

    __slots__ = ("booleans", "command", "defaults", "extra", "positional", "repeated", "switches", "values")

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
        positional: str | None = None,
    ) -> None:
        self.command = command
        self.values = dict(values)  # flag -> destination, single value (given twice: error)
        self.repeated = dict(repeated or {})  # flag -> destination list
        self.booleans = dict(booleans or {})  # `--x` or `--x=BOOL`, at most once
        self.switches = {**GLOBAL_SWITCHES, **(switches or {})}  # store_true
        self.defaults = defaults  # every destination's default (env vars included)
        self.extra = extra  # attributes set after parsing (`_run`, `_format_choices`, …)
        self.positional = positional  # destination of one optional (`nargs="?"`) positional word

    def display_name(self, dest: str) -> str:
        """The longest option string of a destination, as `Once` reports it."""
        flags = [f for table in (self.values, self.booleans) for f, d in table.items() if d == dest]
        return max(flags, key=len)


_ASCII_DIGITS = frozenset("0123456789")


def _is_negative_number(token: str) -> bool:
    r"""ASCII `-N`, `-N.N` or `-.N`: a strict subset of argparse's `^-\d+$|^-\d*\.\d+$`.

    argparse's `\d` also takes Unicode digits and its `$` a trailing newline; those tokens
    are left to argparse (the caller declines), and `-1.` is an option-like word to both.
    """
    whole, dot, fraction = token[1:].partition(".")
    if dot:
        return bool(fraction) and set(whole + fraction) <= _ASCII_DIGITS
    return bool(whole) and set(whole) <= _ASCII_DIGITS


def _is_plain_word(token: str) -> bool:
    """A word argparse surely reads as a positional (not a flag, `-`, a number or empty)."""
    return bool(token) and not token.startswith("-")


def _takes_as_value(token: str) -> bool:
    """Whether argparse surely consumes `token` as an option's value (False: it may not)."""
    return token == "-" or (bool(token) and not token.startswith("-")) or _is_negative_number(token)


def parse_fast(argv: Sequence[str], spec: FastSpec) -> Args | None:
    """Arguments for `aicr [global switches] <spec.command> …`, or None when argparse must decide.

    A usage error (a flag given twice, a bad boolean) is raised only once the whole line has
    been read, so a line argparse would reject earlier for another reason (an ambiguous
    abbreviation further on) is declined instead of answered with a different message.
    """
    tokens = list(argv)
    values: dict[str, Any] = dict.fromkeys(GLOBAL_SWITCHES.values(), False)
    i = 0
    while i < len(tokens) and tokens[i] in GLOBAL_SWITCHES:
        values[GLOBAL_SWITCHES[tokens[i]]] = True
        i += 1
    if i >= len(tokens) or tokens[i] != spec.command:
        return None
    values.update(spec.defaults())
    reader = _Reader(spec, values)
    i += 1
    if spec.positional is not None and i < len(tokens) and _is_plain_word(tokens[i]):
        values[spec.positional] = tokens[i]  # only right after the command: argparse's first gap
        i += 1
    while i < len(tokens):
        step = reader.read(tokens, i)
        if step == 0:
            return None
        i += step
    if reader.error is not None:
        raise reader.error
    values.update(command=spec.command, version=False)
    values.update(spec.extra())
    return Args(values)


class _Reader:
    """Reads one flag at a time into `values`; remembers the first usage error."""

    def __init__(self, spec: FastSpec, values: dict[str, Any]) -> None:
        self.spec = spec
        self.values = values
        self.seen: set[str] = set()
        self.error: AicrError | None = None

    def read(self, tokens: list[str], i: int) -> int:
        """How many tokens the flag at `i` used (0: argparse must decide)."""
        spec, token = self.spec, tokens[i]
        if token in spec.switches:
            self.values[spec.switches[token]] = True
            return 1
        flag, eq, inline = token.partition("=")
        if not flag.startswith("-") or (eq and not flag.startswith("--")) or inline == "--":
            return 0  # positional words, `-o=x`, and argparse's `--opt=--` quirk
        if flag == "--config":
            return 0  # the config file fills unset options after argparse (aicr.cli.config_apply)
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if flag in spec.booleans:
            if not eq and nxt is not None and not _is_option_like(nxt, spec):
                return 0  # argparse's optional value might consume the next word
            dest = spec.booleans[flag]
            if self._once(dest):
                try:
                    self.values[dest] = parse_bool(inline if eq else "true", spec.display_name(dest))
                except AicrError as exc:
                    self._fail(exc)
            return 1
        if flag not in spec.values and flag not in spec.repeated:
            return 0
        if eq:
            value, used = inline, 1
        elif nxt is not None and _takes_as_value(nxt):
            value, used = nxt, 2
        else:
            return 0
        if flag in spec.values:
            dest = spec.values[flag]
            if self._once(dest):
                self.values[dest] = value
        else:
            dest = spec.repeated[flag]
            self.values[dest] = [*(self.values.get(dest) or []), value]
        return used

    def _once(self, dest: str) -> bool:
        if dest in self.seen:
            self._fail(
                AicrError(
                    Code.INVALID_REQUEST, f"flag {self.spec.display_name(dest)} can only be specified once"
                )
            )
            return False
        self.seen.add(dest)
        return True

    def _fail(self, exc: AicrError) -> None:
        if self.error is None:
            self.error = exc


def _is_option_like(token: str, spec: FastSpec) -> bool:
    """Whether argparse surely reads `token` as a flag of this command (so not as a value)."""
    flag = token.partition("=")[0]
    return token in spec.switches or flag in spec.values or flag in spec.repeated or flag in spec.booleans
