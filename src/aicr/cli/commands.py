"""The table of `aicr` subcommands: name -> module with `register(subparsers, common)` and `run(args)`.

Pure data, imported by the dispatcher before argparse is (see aicr.cli.fastpath).
"""

from __future__ import annotations

COMMANDS: dict[str, str] = {
    "recipe": "aicr.cli.recipe",
    "query": "aicr.cli.query",
    "snapshot": "aicr.cli.snapshot",
    "bundle": "aicr.cli.bundle",
    "verify": "aicr.cli.verify",
    "validate": "aicr.cli.validate",
    "completion": "aicr.cli.completion",
    "skill": "aicr.cli.skill",
    "diff": "aicr.cli.diff",
    "mirror": "aicr.cli.mirror",
    "upgrade-check": "aicr.cli.upgrade_check",
}
