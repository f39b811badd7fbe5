"""Log lines name the code that wrote them: `cli` for the command line, the package for the library."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest

from aicr import logs


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    logs.configure()
    logs.set_stream(stream)
    yield stream
    logs.set_stream(None)
    logs.configure()


def _log_from(module: str, message: str) -> None:
    exec(compile(f"logs.warn({message!r}, n=1)", module, "exec"), {"__name__": module, "logs": logs})


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("aicr.recipe.resolve", "aicr.recipe"),
        ("aicr.bundle.deployers.helm", "aicr.bundle"),
        ("aicr.k8s.jobs", "aicr.k8s"),
        ("aicr.cli.recipe", "cli"),
        ("__main__", "cli"),
        ("someone.else", "cli"),
    ],
)
def test_logger_name_follows_the_calling_package(module: str, expected: str) -> None:
    assert logs.logger_name(module) == expected


def test_library_warnings_are_prefixed_with_their_package(captured: io.StringIO) -> None:
    _log_from("aicr.recipe.resolve", "no overlays matched")
    assert captured.getvalue() == "[aicr.recipe] no overlays matched: n=1\n"


def test_cli_warnings_keep_the_cli_prefix(captured: io.StringIO) -> None:
    _log_from("aicr.cli.bundle", "wrote bundle")
    assert captured.getvalue() == "[cli] wrote bundle: n=1\n"


def test_json_records_carry_the_logger_name(captured: io.StringIO) -> None:
    logs.configure(json_mode=True)
    _log_from("aicr.bundle.scheduling", "storage class unset")
    record = json.loads(captured.getvalue())
    assert record["module"] == "aicr.bundle"
    assert record["msg"] == "storage class unset"


def test_a_fixed_prefix_names_every_line(captured: io.StringIO, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AICR_LOG_PREFIX", "agent")
    logs.configure()
    _log_from("aicr.snapshot.collect", "collecting")
    assert captured.getvalue() == "[agent] collecting: n=1\n"
