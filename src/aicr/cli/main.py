"""The `aicr` command: global flags, subcommand dispatch, and the error-to-exit-code boundary.

Translation only: each command module parses its flags and calls the library. Every failure
ends here as one `error: [CODE] message` line on stderr (or a JSON record with `--log-json`)
and the exit code of DESIGN.md; an unexpected exception exits 8 with a short message
(`--debug` adds the traceback); Ctrl-C / SIGTERM exit 9, from the first line of `aicr` code on
(the start-up guard in `aicr.cli` covers the imports before `main` runs).
"""

from __future__ import annotations

import os
import sys

from aicr import logs
from aicr.cli import cancel_now
from aicr.cli.commands import COMMANDS
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence
    from types import FrameType

    from aicr.cli.fastpath import Args


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full argparse parser (see aicr.cli.parser)."""
    from aicr.cli.parser import build_parser as build

    return build(only)


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
        sys.stderr.write(f"error: [{exc.code.value}] {exc.message}{_valid_values_hint(exc)}\n")
    return code


def _valid_values_hint(exc: AicrError) -> str:
    """` (did you mean "eks"? valid: aks, eks, …)` when the error carries the valid values.

    The message keeps the reference's text (the API returns it verbatim, with `valid` in its
    details); the terminal gets the same details in words.
    """
    details = exc.details if isinstance(exc.details, dict) else {}
    valid = details.get("valid")
    if not isinstance(valid, list) or not valid or not all(isinstance(v, str) for v in valid):
        return ""
    if "valid: " in exc.message:  # the message already lists them
        return ""
    import difflib

    value = str(details.get("value") or "").strip().lower()
    close = difflib.get_close_matches(value, valid, n=1, cutoff=0.6) if value else []
    mean = f'did you mean "{close[0]}"? ' if close else ""
    return f" ({mean}valid: {', '.join(valid)})"


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `aicr` console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args_list or _env_true("AICR_DEBUG")
    json_mode = "--log-json" in args_list or _env_true("AICR_LOG_JSON")
    quiet = "--quiet" in args_list or _env_true("AICR_QUIET")
    logs.configure(debug=debug, json_mode=json_mode, quiet=quiet)
    import _signal  # type: ignore[import-not-found]  # `signal` would import enum (~3 ms)

    guarded = _signal.getsignal(_signal.SIGINT) is cancel_now
    _signal.signal(_signal.SIGTERM, _on_sigterm)
    try:
        if guarded:  # the console script's start-up guard: commands get KeyboardInterrupt
            _signal.signal(_signal.SIGINT, _signal.default_int_handler)
        try:
            return _dispatch(args_list)
        finally:
            if guarded:
                _signal.signal(_signal.SIGINT, cancel_now)
    except AicrError as exc:
        return _fail(exc, json_mode)
    except KeyboardInterrupt:
        if guarded:
            _signal.signal(_signal.SIGINT, cancel_now)
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


def console() -> None:
    """Console-script entry: run, flush, and exit without interpreter teardown (~5 ms).

    Every command finishes its own cleanup (Kubernetes objects, temp trees) before `main`
    returns, so nothing is left for atexit handlers or finalizers.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):
            pass
    os._exit(code)


def _env_true(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _first_command(args: list[str]) -> str | None:
    for arg in args:
        if not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def _dispatch(args_list: list[str]) -> int:
    command = _first_command(args_list)
    if command is not None:
        try:  # __import__: `importlib` (and the `warnings` it loads) is not needed for this
            __import__(COMMANDS[command])
            spec = getattr(sys.modules[COMMANDS[command]], "FAST_SPEC", None)
        except ModuleNotFoundError:
            spec = None
        if spec is not None:
            from aicr.cli.fastpath import parse_fast

            fast = parse_fast(args_list, spec)
            if fast is not None:
                run_fast: Callable[[Args], int] = getattr(fast, "_run")  # noqa: B009 - set by the spec
                return run_fast(fast)
    parser = build_parser(only=command)
    args = parser.parse_args(args_list)
    if args.version:
        from aicr.version import version_line

        sys.stdout.write(version_line() + "\n")
        return 0
    if not args.command:
        parser.print_help(sys.stdout)  # bare `aicr`: the help is what was asked for
        return 0
    if getattr(args, "config", None) is not None:
        from aicr.cli.config_apply import apply_config, command_defaults

        apply_config(args, command_defaults(parser, args.command))
    run: Callable[[argparse.Namespace], int] = args._run
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
