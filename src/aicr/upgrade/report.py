"""The upgrade-check report and its renderings: a table for people, JSON or YAML for pipelines.

Pure. The table lists every changed component, then a section per component that needs
attention (summary, explanation, precondition, reversibility, the steps for the chosen
deployer), then a one-line total. JSON and YAML carry the same fields.
"""

from __future__ import annotations

import msgspec

from aicr.upgrade.assess import Change


class Summary(msgspec.Struct, frozen=True):
    components: int
    failing: int


class Report(msgspec.Struct, frozen=True, rename="camel"):
    from_: str = msgspec.field(name="from")
    to: str
    deployer: str
    components: list[Change]
    summary: Summary

    @property
    def fails_run(self) -> bool:
        """Whether any change needs attention."""
        return self.summary.failing > 0


def build_report(source: str, target: str, deployer: str, changes: list[Change]) -> Report:
    """The report over `changes` (already sorted by component)."""
    failing = sum(1 for c in changes if c.fails_run)
    return Report(source, target, deployer, changes, Summary(len(changes), failing))


def render(report: Report, fmt: str) -> str:
    """`table`, `json` or `yaml` text of the report."""
    if fmt == "table":
        return render_table(report)
    data = msgspec.to_builtins(report)
    for entry in data["components"]:  # the booleans a pipeline reads are always present
        for key in ("breaking", "downgrade", "failsRun"):
            entry.setdefault(key, False)
    if fmt == "json":
        import json

        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    from aicr.io.yamlout import dump

    return dump(data)


def render_table(report: Report) -> str:
    """The human report."""
    from aicr.io.table import render_table as table

    lines = ["UPGRADE CHECK", f"  from      {report.from_}", f"  to        {report.to}"]
    lines += [f"  deployer  {report.deployer or '-'}", ""]
    if not report.components:
        return "\n".join([*lines, "no component versions changed", ""])
    rows = [[c.component, c.from_ or "-", c.to or "-", c.verdict or "-", c.notes] for c in report.components]
    lines += table(["COMPONENT", "FROM", "TO", "VERDICT", "NOTES"], rows)
    for change in report.components:
        if change.fails_run:
            lines += ["", *_details(change, report.deployer)]
    total = report.summary
    lines += ["", f"{total.components} component change(s), {total.failing} need attention", ""]
    return "\n".join(lines)


def _details(c: Change, deployer: str) -> list[str]:
    out = [f"{c.component} {c.from_} -> {c.to}  ({c.verdict})"]
    for text in (c.summary, c.explanation):
        if text:
            out += [*_wrap(text, "  "), ""]
    if c.precondition:
        out += ["  PRECONDITION", *_wrap(c.precondition, "    "), ""]
    if c.reversible is not None:
        answer = "yes" if c.reversible else "no"
        out += ["  REVERSIBLE", *_wrap(f"{answer}. {c.reversible_notes}".strip(), "    "), ""]
    if c.steps:
        out.append(f"  STEPS (deployer: {deployer or 'any'})")
        for number, step in enumerate(c.steps, 1):
            out += _wrap(f"{number}. {step.id}", "    ")
            out += _wrap(step.description, "       ")
            if step.reason:
                out += _wrap(f"Why: {step.reason}", "       ")
        out.append("")
    for ref in c.references:
        out.append(f"  see {ref}")
    while out and out[-1] == "":
        out.pop()
    return out


def _wrap(text: str, indent: str, width: int = 80) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent=indent) or [indent]
