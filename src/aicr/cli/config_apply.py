"""`--config FILE|URL`: fill the options a command line left unset from the AICRConfig file.

Translation only (the file is read by `aicr.config.load`). Precedence is flag > environment
variable bound to the flag > config > built-in default (reference/surface.md §2): a key is
applied only when its flag was not given and its environment variable is unset; every skipped
key is logged at INFO. A key the command cannot honour (no such option in this version) is
refused, never ignored. Runs once, in the dispatcher, after argparse and before the command.
"""

from __future__ import annotations

import os

from aicr import logs
from aicr.config.bindings import COMMANDS, Binding, CommandConfig
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable
    from typing import Any

CONFIG_HELP = "AICRConfig file or http(s) URL (YAML or JSON); flags and env vars beat its values"


def add_config(parser: argparse.ArgumentParser) -> None:
    """`--config FILE|URL`."""
    from aicr.cli.flags import Once

    parser.add_argument("--config", action=Once, metavar="FILE|URL", help=CONFIG_HELP)


def command_defaults(parser: argparse.ArgumentParser, command: str) -> Callable[[str], Any]:
    """The default-lookup of the `command` subparser (to tell a given flag from its default)."""
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            sub: argparse.ArgumentParser = action.choices[command]
            return sub.get_default
    raise AicrError(Code.INTERNAL, f"no parser for command {command}")


def apply_config(
    args: Any, default_of: Callable[[str], Any], table: CommandConfig | None = None, command: str = ""
) -> None:
    """Set every option of `args` that the config's section carries and the user left unset.

    `table` defaults to the command's own entry in aicr.config.bindings.COMMANDS; other
    commands (e.g. `mirror list`) pass their own table and name.
    """
    from aicr.config.load import load_config

    command = command or str(args.command)
    if getattr(args, "recipe_action", None):
        raise AicrError(
            Code.INVALID_REQUEST, f"--config is not supported by aicr {command} {args.recipe_action}"
        )
    table = table or COMMANDS.get(command)
    if table is None:
        raise AicrError(Code.INVALID_REQUEST, f"--config is not supported by aicr {command}")
    config = load_config(str(args.config))
    section = config.section(table.section)
    if section is None:
        logs.info("config has no section for this command", section=f"spec.{table.section}")
        return
    import msgspec

    by_key = {b.key: b for b in table.bindings}
    leaves = {b.key for b in table.bindings if b.kind == "pairs"}
    for key, value in flatten(msgspec.to_builtins(section), leaves).items():
        if table.ignored and key.startswith(table.ignored):
            continue
        full = f"spec.{table.section}.{key}"
        binding = by_key.get(key)
        if binding is None or not hasattr(args, binding.dest):
            raise AicrError(
                Code.INVALID_REQUEST, f"{full} is not supported by this version of aicr {command}"
            )
        _apply(args, binding, value, full, default_of)


def flatten(tree: dict[str, Any], leaves: set[str], prefix: str = "") -> dict[str, Any]:
    """`{"a": {"b": 1}}` as `{"a.b": 1}`; empty strings, lists and maps count as unset."""
    out: dict[str, Any] = {}
    for name, value in tree.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict) and key not in leaves:
            out.update(flatten(value, leaves, f"{key}."))
        elif value not in ("", [], {}, None):
            out[key] = value
    return out


def _apply(args: Any, binding: Binding, value: Any, full: str, default_of: Callable[[str], Any]) -> None:
    if binding.env and os.environ.get(binding.env):
        logs.info("environment variable overriding config value", env=binding.env, key=full)
        return
    if _given(args, binding.dest, default_of):
        logs.info("CLI flag overriding config value", key=full, option=binding.dest)
        return
    if binding.key.startswith("criteria.") and getattr(args, "criteria", None):
        logs.info("criteria file overriding config value", key=full)
        return
    setattr(args, binding.dest, _convert(binding.kind, value))


def _given(args: Any, dest: str, default_of: Callable[[str], Any]) -> bool:
    """Whether the command line set `dest` (a Once flag records itself; others differ from default)."""
    if dest in getattr(args, "_seen", ()):
        return True
    value = getattr(args, dest)
    default = default_of(dest)
    return bool(value != default and value not in (None, []))


def _convert(kind: str, value: Any) -> Any:
    """The config value as the flag would have given it."""
    if kind == "int":
        return str(value)
    if kind == "list":
        return [str(v) for v in value]
    if kind == "pairs":
        return [f"{k}={v}" for k, v in value.items()]
    return value
