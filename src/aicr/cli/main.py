"""The `aicr` command: global flags, subcommand dispatch, and the error-to-exit-code boundary.

Translation only: each command module parses its flags and calls the library. Every failure
ends here as one `error: [CODE] message` line on stderr (or a JSON record with `--log-json`)
and the exit code of DESIGN.md; an unexpected exception exits 8 with a short message
(`--debug` adds the traceback); Ctrl-C / SIGTERM exit 9.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

from aicr import logs
from aicr.errors import EXIT_CODES, AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from types import FrameType

# Command name -> module under aicr.cli; each module has `register(subparsers)` and `run(args)`.
COMMANDS: dict[str, str] = {
    "recipe": "aicr.cli.recipe",
    "query": "aicr.cli.query",
    "snapshot": "aicr.cli.snapshot",
    "bundle": "aicr.cli.bundle",
    "verify": "aicr.cli.verify",
    "validate": "aicr.cli.validate",
    "completion": "aicr.cli.completion",
}


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors are structured (exit 2 with usage)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise AicrError(Code.INVALID_REQUEST, message)


def _global_flags(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default: object = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--debug",
        action="store_true",
        default=default if suppress else False,
        help="debug logging and tracebacks for unexpected errors (env AICR_DEBUG)",
    )
    parser.add_argument(
        "--log-json",
        action="store_true",
        default=default if suppress else False,
        help="structured JSON logs on stderr (env AICR_LOG_JSON)",
    )


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full parser; with `only`, just that subcommand is registered (faster start-up)."""
    from importlib import import_module

    parser = _Parser(prog="aicr", description="AI Cluster Runtime: recipes, bundles, snapshots, validation.")
    _global_flags(parser, suppress=False)
    parser.add_argument("-v", "--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    common = argparse.ArgumentParser(add_help=False)
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
    return parser


def _fail(exc: AicrError, json_mode: bool) -> int:
    code = exc.exit_code
    if json_mode:
        logs.error(
            "command failed",
            error=exc.message,
            code=exc.code.value,
            exitCode=code,
            **({"details": exc.details} if exc.details else {}),
        )
    else:
        sys.stderr.write(f"error: [{exc.code.value}] {exc.message}\n")
    return code


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `aicr` console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args_list or _env_true("AICR_DEBUG")
    json_mode = "--log-json" in args_list or _env_true("AICR_LOG_JSON")
    logs.configure(debug=debug, json_mode=json_mode)
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return _dispatch(args_list)
    except AicrError as exc:
        return _fail(exc, json_mode)
    except KeyboardInterrupt:
        return _fail(AicrError(Code.CANCELED, "interrupted"), json_mode)
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if debug:
            import traceback

            traceback.print_exc()
        hint = "" if debug else " (run with --debug for details)"
        return _fail(
            AicrError(Code.INTERNAL, f"unexpected error: {type(exc).__name__}: {exc}{hint}"), json_mode
        )


def _env_true(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _first_command(args: list[str]) -> str | None:
    for arg in args:
        if not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def _dispatch(args_list: list[str]) -> int:
    command = _first_command(args_list)
    parser = build_parser(only=command)
    args = parser.parse_args(args_list)
    if args.version:
        from aicr.version import version_line

        sys.stdout.write(version_line() + "\n")
        return 0
    if not args.command:
        parser.print_help(sys.stderr)
        return EXIT_CODES[Code.INVALID_REQUEST]
    run: Callable[[argparse.Namespace], int] = args._run
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
