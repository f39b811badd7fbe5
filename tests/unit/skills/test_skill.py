"""`aicr skill`: the rendered SKILL.md and the CLI that installs it (subprocesses with HOME in tmp)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

import aicr
from aicr.skills.render import EXIT_CODES, render


def run_aicr(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("AICR_")}, "HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "aicr.cli.main", *args], capture_output=True, text=True, env=env
    )


def test_skill_has_front_matter_and_every_accepted_criteria_value() -> None:
    values = aicr.load_catalog().allowed_values()
    text = render(values, "v9.9.9")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["name"] == "aicr" and "GPU Kubernetes" in front["description"]
    assert "# Using aicr v9.9.9" in text
    for field in ("service", "accelerator", "intent", "os", "platform"):
        for value in values[field] - {"any"}:
            assert f"`{value}`" in text, (field, value)
    for code, meaning in EXIT_CODES:
        assert f"| {code} | {meaning} |" in text


def test_skill_writes_to_the_agents_folder_and_refuses_to_overwrite(tmp_path: Path) -> None:
    first = run_aicr(tmp_path, "skill", "--agent", "codex")
    assert first.returncode == 0, first.stderr
    path = tmp_path / ".codex" / "skills" / "aicr" / "SKILL.md"
    assert path.read_text().startswith("---\nname: aicr\n") and first.stdout == ""
    path.write_text("mine\n")
    again = run_aicr(tmp_path, "skill", "--agent", "codex")
    assert again.returncode == 2 and "pass --force" in again.stderr
    assert path.read_text() == "mine\n"
    forced = run_aicr(tmp_path, "skill", "--agent", "codex", "--force")
    assert forced.returncode == 0 and path.read_text().startswith("---\nname: aicr\n")


def test_skill_stdout_writes_nothing(tmp_path: Path) -> None:
    result = run_aicr(tmp_path, "skill", "--agent", "claude-code", "--stdout")
    assert result.returncode == 0 and result.stdout.startswith("---\nname: aicr\n")
    assert not (tmp_path / ".claude").exists()


def test_unknown_or_missing_agent_is_exit_2(tmp_path: Path) -> None:
    for args in (["skill"], ["skill", "--agent", "cursor"]):
        result = run_aicr(tmp_path, *args)
        assert result.returncode == 2 and "--agent must be one of claude-code, codex" in result.stderr
