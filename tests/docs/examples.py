"""Code examples in README.md and docs/*.md: finding them and turning them into scripts.

A fenced block is an example when its language is `bash`, `sh`, `console`, `python` or `jinja`;
other fences (yaml, json, plain text) show data or output and are not run.

- `bash`/`sh`: every line is a command (backslash continuations and heredocs kept together).
- `console`: lines starting with `$ ` are commands; the lines after them are sample output.
- `python`: the block is a script run in the example's directory.
- `jinja`: a `--template` for `aicr snapshot --local`, rendered against this host.

A data block (any language) whose first line is `# file: NAME` is written to NAME in the
example's directory, for the examples after it.

A command whose comment says `(not run: <reason>)` is left out, and a block whose first line
says so is not run at all: the reason is on the page for readers too.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

RUNNABLE = frozenset({"bash", "sh", "console", "python", "jinja"})
NOT_RUN = re.compile(r"\(not run: ([^)]+)\)")
FILE_BLOCK = re.compile(r"^#\s*file:\s*(\S+)\s*$")
_FENCE = re.compile(r"^(\s*)```(\w*)")
_HEREDOC = re.compile(r"<<-?\s*'?\"?(\w+)'?\"?")


@dataclass(frozen=True)
class Example:
    """One runnable fenced block."""

    path: Path
    line: int  # 1-based line of the opening fence
    lang: str
    text: str

    @property
    def where(self) -> str:
        """`docs/x.md:12`, for test ids and failure messages."""
        return f"{self.path.parent.name + '/' if self.path.parent.name == 'docs' else ''}{self.path.name}:{self.line}"

    @property
    def not_run(self) -> str | None:
        """The reason the whole block is not run (its first line's marker), or None."""
        first = self.text.splitlines()[0] if self.text.strip() else ""
        found = NOT_RUN.search(first)
        return found.group(1) if found else None


def examples(path: Path) -> list[Example]:
    """The runnable blocks of a Markdown file, in page order."""
    found: list[Example] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        fence = _FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        indent, lang = fence.groups()
        start = i
        body: list[str] = []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith("```"):
            body.append(lines[i][len(indent) :] if lines[i].startswith(indent) else lines[i])
            i += 1
        i += 1
        if lang in RUNNABLE:
            found.append(Example(path, start + 1, lang, "\n".join(body) + "\n"))
        elif body and FILE_BLOCK.match(body[0]):
            found.append(Example(path, start + 1, "file", "\n".join(body) + "\n"))
    return found


def _open_quote(lines: list[str]) -> bool:
    """Whether the command so far leaves a quote open (a quoted argument spanning lines)."""
    lexer = shlex.shlex("\n".join(lines), posix=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        list(lexer)
    except ValueError:
        return True
    return False


def _continued(group: list[str]) -> bool:
    return group[-1].rstrip().endswith("\\") or _open_quote(group)


def _logical(lines: list[str]) -> list[list[str]]:
    """Physical lines grouped into commands: continuations and heredoc bodies stay together."""
    commands: list[list[str]] = []
    i = 0
    while i < len(lines):
        group = [lines[i]]
        while _continued(group) and i + 1 < len(lines):
            i += 1
            group.append(lines[i])
        heredoc = _HEREDOC.search(" ".join(group))
        if heredoc:
            end = heredoc.group(1)
            while i + 1 < len(lines):
                i += 1
                group.append(lines[i])
                if lines[i].strip() == end:
                    break
        commands.append(group)
        i += 1
    return commands


def _console_commands(text: str) -> list[str]:
    """The `$ ` lines of a console block (with their continuations and heredocs), prompt removed."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        if not lines[i].startswith("$ "):
            i += 1
            continue
        group = [lines[i][2:]]
        while _continued(group) and i + 1 < len(lines):
            i += 1
            group.append(lines[i])
        heredoc = _HEREDOC.search(" ".join(group))
        if heredoc:
            while i + 1 < len(lines):
                i += 1
                group.append(lines[i])
                if lines[i].strip() == heredoc.group(1):
                    break
        out.append("\n".join(group))
        i += 1
    return out


def shell_script(example: Example) -> tuple[str, list[str]]:
    """(bash script, reasons of the commands left out) for a bash/sh/console block."""
    if example.lang == "console":
        commands = _console_commands(example.text)
    else:
        commands = ["\n".join(group) for group in _logical(example.text.splitlines())]
    kept: list[str] = []
    left_out: list[str] = []
    for command in commands:
        marker = NOT_RUN.search(command)
        if marker:
            left_out.append(marker.group(1))
        elif command.strip() and not command.lstrip().startswith("#"):
            kept.append(command)
    return "set -euo pipefail\n" + "\n".join(kept) + "\n", left_out
