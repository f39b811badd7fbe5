"""`aicrd --help` lists every environment variable the settings read, with its default."""

from __future__ import annotations

import re
from pathlib import Path

from aicr.server import settings
from aicr.server.main import main

SOURCE = Path(settings.__file__).read_text()


def test_every_variable_read_is_documented() -> None:
    read = set(re.findall(r'"((?:AICR_|PORT|SHUTDOWN|LOG_LEVEL)[A-Z_]*)"', SOURCE.split("def help_text")[1]))
    documented = {name for name, _default, _meaning in settings.ENVIRONMENT}
    allowlists = {
        "AICR_ALLOWED_SERVICES",
        "AICR_ALLOWED_ACCELERATORS",
        "AICR_ALLOWED_INTENTS",
        "AICR_ALLOWED_OS",
    }
    assert len(read) >= 12 and read - {"LOG_LEVEL"} <= documented
    assert allowlists <= documented


def test_help_prints_the_table_and_exits_0(capsys: object) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert out.startswith("usage: aicrd")
    for name, default, _meaning in settings.ENVIRONMENT:
        assert re.search(rf"{name}\s+{re.escape(default)}\s", out), name
