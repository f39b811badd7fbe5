"""The CLI boundary: unexpected errors exit 8 (traceback only with --debug), Ctrl-C exits 9."""

from __future__ import annotations

import argparse
import importlib

import pytest

from aicr.cli import main as cli_main
from aicr.cli import parser as parser_module
from aicr.cli.commands import COMMANDS


def _install(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
        parser = sub.add_parser("boom", parents=[common])

        def run(args: argparse.Namespace) -> int:
            raise exc

        parser.set_defaults(_run=run)

    class Module:
        pass

    module = Module()
    module.register = register  # type: ignore[attr-defined]
    monkeypatch.setitem(COMMANDS, "boom", "fake.boom")
    real_import = importlib.import_module
    monkeypatch.setattr(
        parser_module, "import_module", lambda name: module if name == "fake.boom" else real_import(name)
    )


def test_unexpected_exception_exits_8_without_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _install(monkeypatch, RuntimeError("kaput"))
    assert cli_main.main(["boom"]) == 8
    err = capsys.readouterr().err
    assert "error: [INTERNAL] unexpected error: RuntimeError: kaput (run with --debug for details)" in err
    assert "Traceback" not in err


def test_debug_shows_the_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _install(monkeypatch, RuntimeError("kaput"))
    assert cli_main.main(["--debug", "boom"]) == 8
    assert "Traceback" in capsys.readouterr().err


def test_interrupt_exits_9(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _install(monkeypatch, KeyboardInterrupt())
    assert cli_main.main(["boom"]) == 9
    assert "error: [CANCELED] interrupted" in capsys.readouterr().err
