"""A fast, argparse-free reading of the common `aicr recipe` command line.

Parsing only. `aicr recipe` is the start-up-critical command (DESIGN.md); argparse with the
`re`, `enum`, `gettext` and `locale` imports it pulls in costs ~12 ms on a 2-core machine. This
module accepts only the plain shapes `--flag value`, `--flag=value` and the global switches, and
returns None for anything else (help, abbreviations, unknown flags, `--criteria-strict`, a
missing value) so argparse handles it with its full behaviour and messages. A property test
checks that both parsers agree wherever this one answers.
"""

from __future__ import annotations

from aicr.cli.options import env_bool
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

# flag -> destination, as aicr.cli.recipe registers them
RECIPE_FLAGS: dict[str, str] = {
    "--service": "service",
    "--accelerator": "accelerator",
    "--gpu": "accelerator",
    "--intent": "intent",
    "--os": "os",
    "--platform": "platform",
    "--nodes": "nodes",
    "-c": "criteria",
    "--criteria": "criteria",
    "-s": "snapshot",
    "--snapshot": "snapshot",
    "-o": "output",
    "--output": "output",
    "-t": "format",
    "--format": "format",
    "--data": "data",
    "-k": "kubeconfig",
    "--kubeconfig": "kubeconfig",
}
_DEFAULTS: dict[str, Any] = {
    "service": None,
    "accelerator": None,
    "intent": None,
    "os": None,
    "platform": None,
    "nodes": None,
    "criteria": None,
    "snapshot": None,
    "output": "-",
    "format": "yaml",
    "data": None,
    "kubeconfig": None,
}
_SWITCHES = {"--debug": "debug", "--log-json": "log_json"}


class Args:
    """Parsed arguments (the attributes argparse would set)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


def _display_name(dest: str) -> str:
    return max((flag for flag, d in RECIPE_FLAGS.items() if d == dest), key=len)


def _negative_number(token: str) -> bool:
    body = token[1:]
    whole, _, fraction = body.partition(".")
    return (
        bool(body) and (whole.isdigit() or not whole) and (not fraction or fraction.isdigit()) and body != "."
    )


def parse_recipe(argv: Sequence[str]) -> Args | None:
    """Arguments for `aicr … recipe …`, or None when argparse must decide."""
    values: dict[str, Any] = dict(_DEFAULTS)
    values.update(debug=False, log_json=False, version=False, command="recipe")
    seen: set[str] = set()
    tokens = list(argv)
    i = 0
    while i < len(tokens) and tokens[i] in _SWITCHES:
        values[_SWITCHES[tokens[i]]] = True
        i += 1
    if i >= len(tokens) or tokens[i] != "recipe":
        return None
    i += 1
    while i < len(tokens):
        token = tokens[i]
        if token in _SWITCHES:
            values[_SWITCHES[token]] = True
            i += 1
            continue
        flag, eq, inline = token.partition("=")
        if not token.startswith("-") or flag not in RECIPE_FLAGS or (eq and not flag.startswith("--")):
            return None
        if eq:
            value = inline
            i += 1
        else:
            if i + 1 >= len(tokens):
                return None
            value = tokens[i + 1]
            if value.startswith("-") and not _negative_number(value):
                return None
            i += 2
        dest = RECIPE_FLAGS[flag]
        if dest in seen:
            raise AicrError(Code.INVALID_REQUEST, f"flag {_display_name(dest)} can only be specified once")
        seen.add(dest)
        values[dest] = value
    values["criteria_strict"] = env_bool("AICR_CRITERIA_STRICT")
    values["_format_choices"] = ("yaml", "json", "table")
    return Args(values)
