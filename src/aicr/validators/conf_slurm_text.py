"""Parsers and judges for Slurm command output (`scontrol ping`, `sinfo`, `srun`, IMEX channels).

Pure: text in, verdicts out. The helper pod's script (see `conf_slurm`) prints each command's
output between `### <label>` and `### rc=<exit code>` marker lines; `split_sections` reads
them back. Real output formats:
- `scontrol ping`: `Slurmctld(primary) at slurm-controller-0 is UP` (one line per controller).
- `sinfo -h -Ne -t idle,mix`: one `NODELIST NODES PARTITION STATE` line per idle/mixed node.
- `srun hostname`: the hostname of the node that ran the step.
- IMEX: `ls /dev/nvidia-caps-imex-channels` lists `channelN` entries.
"""

from __future__ import annotations

import re

MARK = "### "
_RC = re.compile(r"^### rc=(-?\d+)$")
_PING = re.compile(r"^Slurmctld\((?P<role>[^)]+)\) at (?P<host>\S+) is (?P<state>UP|DOWN)\s*$")
_CHANNEL = re.compile(r"\bchannel(\d+)\b")


class Section:
    """One command's output and exit code (None when the script never printed the rc line)."""

    __slots__ = ("output", "rc")

    def __init__(self, output: str, rc: int | None) -> None:
        self.output = output
        self.rc = rc


def split_sections(log: str) -> dict[str, Section]:
    """`label → Section` from the helper pod's log."""
    sections: dict[str, Section] = {}
    label: str | None = None
    lines: list[str] = []
    for line in log.splitlines():
        rc = _RC.match(line.strip())
        if rc and label is not None:
            sections[label] = Section("\n".join(lines).strip(), int(rc.group(1)))
            label, lines = None, []
        elif line.startswith(MARK) and not rc:
            if label is not None:
                sections[label] = Section("\n".join(lines).strip(), None)
            label, lines = line[len(MARK) :].strip(), []
        elif label is not None:
            lines.append(line)
    if label is not None:
        sections[label] = Section("\n".join(lines).strip(), None)
    return sections


def _ran(section: Section | None, what: str) -> str | None:
    if section is None:
        return f"{what}: did not run"
    if section.rc is None:
        return f"{what}: did not finish"
    if section.rc != 0:
        return f"{what}: exit code {section.rc}" + (
            f" ({section.output.splitlines()[-1]})" if section.output else ""
        )
    return None


def ping_issue(section: Section | None) -> str | None:
    """Why `scontrol ping` does not show a responding primary controller (None when it does)."""
    if (issue := _ran(section, "scontrol ping")) is not None:
        return issue
    assert section is not None
    states = [m for m in (_PING.match(line.strip()) for line in section.output.splitlines()) if m]
    if not states:
        return "scontrol ping: no controller status in the output"
    down = [f"{m['role']} at {m['host']}" for m in states if m["state"] == "DOWN" and m["role"] == "primary"]
    if down:
        return "scontrol ping: controller DOWN: " + ", ".join(down)
    return None


def sinfo_nodes(section: Section | None) -> list[str]:
    """Node names from `sinfo -h -Ne -t idle,mix` output."""
    if section is None:
        return []
    return [line.split()[0] for line in section.output.splitlines() if line.strip()]


def sinfo_issue(section: Section | None) -> str | None:
    """Why sinfo shows no usable node (None when at least one is idle or mixed)."""
    if (issue := _ran(section, "sinfo idle/mix")) is not None:
        return issue
    return None if sinfo_nodes(section) else "sinfo idle/mix: no idle or mixed Slurm node"


def srun_issue(section: Section | None) -> str | None:
    """Why `srun hostname` did not run a job step (None when it printed a hostname)."""
    if (issue := _ran(section, "srun hostname")) is not None:
        return issue
    assert section is not None
    return None if section.output.strip() else "srun hostname: empty output"


def imex_channels(section: Section | None) -> set[int]:
    """IMEX channel numbers a job saw."""
    return {int(n) for n in _CHANNEL.findall(section.output)} if section is not None else set()


def imex_issues(first: Section | None, second: Section | None) -> list[str]:
    """Why two concurrent jobs do not hold distinct IMEX channels (empty when they do)."""
    issues = [i for i in (_ran(first, "imex job 1"), _ran(second, "imex job 2")) if i]
    if issues:
        return issues
    one, two = imex_channels(first), imex_channels(second)
    if not one or not two:
        return [f"a job saw no IMEX channel (job 1: {sorted(one)}, job 2: {sorted(two)})"]
    if one & two:
        return [f"concurrent jobs share IMEX channel(s) {sorted(one & two)}"]
    return []
