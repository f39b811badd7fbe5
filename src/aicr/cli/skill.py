"""`aicr skill --agent claude-code|codex`: install the aicr skill for a coding assistant.

Translation only: render the skill (aicr.skills.render) from the embedded catalog, then write
it to `~/<agent skills folder>/aicr/SKILL.md` atomically, or print it with `--stdout`. An
existing file is kept unless `--force` (exit 2 naming it).
"""

from __future__ import annotations

from aicr.cli.flags import Once
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the `skill` subcommand."""
    from aicr.skills.render import AGENTS

    parser = sub.add_parser(
        "skill",
        parents=[common],
        help="install an agent skill that teaches a coding assistant to use aicr",
        description="Write the aicr skill (SKILL.md) for a coding assistant, with this "
        "installation's criteria values and exit codes.",
    )
    parser.add_argument("--agent", action=Once, metavar="AGENT", help=f"one of: {', '.join(AGENTS)}")
    parser.add_argument("--stdout", action="store_true", help="print the skill instead of writing it")
    parser.add_argument("--force", action="store_true", help="overwrite an existing skill file")
    parser.set_defaults(_run=run)


def skill_path(agent: str, home: str) -> str:
    """Where `agent` reads the aicr skill from."""
    import os

    from aicr.skills.render import SKILL_NAME, SKILL_PATHS

    return os.path.join(home, SKILL_PATHS[agent], SKILL_NAME, "SKILL.md")


def run(args: argparse.Namespace) -> int:
    """Render and write (or print) the skill."""
    import os
    import sys

    from aicr.catalog.catalog import load_catalog
    from aicr.skills.render import AGENTS, render
    from aicr.version import recipe_version

    if args.agent not in AGENTS:
        given = "no --agent" if args.agent is None else f'agent "{args.agent}"'
        raise AicrError(Code.INVALID_REQUEST, f"{given}: --agent must be one of {', '.join(AGENTS)}")
    text = render(load_catalog().allowed_values(), recipe_version())
    if args.stdout:
        sys.stdout.write(text)
        return 0
    path = skill_path(args.agent, os.path.expanduser("~"))
    if os.path.lexists(path) and not args.force:
        raise AicrError(Code.INVALID_REQUEST, f"{path} already exists; pass --force to overwrite it")
    from aicr.io.atomic import write_atomic

    os.makedirs(os.path.dirname(path), exist_ok=True)
    write_atomic(path, text.encode())
    sys.stderr.write(f"wrote the aicr skill for {args.agent} to {path}\n")
    return 0
