"""Verdicts per component for a move between two version maps, from transition records.

Pure. A record applies to a move `a → b` when `a` satisfies its `from` range and `b` reaches the
lower bound of its `to` range. Exactly one applying record gives its verdict (blocked instead
when `b` lands past the record's `to` ceiling); several give `blocked` (no single record
describes the jump: stop at the first boundary); none gives `unknown`. Versions that are not
semantic versions are `unversioned`; a downgrade is `unknown` (records are forward-only).
A change fails the run when it is manual, blocked, unversioned, or unknown — except a component
with no records at all moving within a non-breaking range (a patch, or a minor at major ≥ 1).
"""

from __future__ import annotations

import msgspec

from aicr.errors import AicrError, Code
from aicr.upgrade.semver import SemVer, compare, parse_semver

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from aicr.upgrade.records import Transition


class StepOut(msgspec.Struct, frozen=True, omit_defaults=True):
    id: str
    description: str
    reason: str = ""


class Change(msgspec.Struct, frozen=True, omit_defaults=True, rename="camel"):
    """One component whose version differs between the two sides."""

    component: str
    change: str  # version | added | removed
    from_: str = msgspec.field(default="", name="from")
    to: str = ""
    verdict: str = ""
    notes: str = ""
    reason: str = ""
    explanation: str = ""
    jump: str = ""
    breaking: bool = False
    downgrade: bool = False
    stopped_at: str = ""
    summary: str = ""
    precondition: str = ""
    reversible: bool | None = None
    reversible_notes: str = ""
    steps: list[StepOut] = []
    references: list[str] = []
    fails_run: bool = False


def assess_all(
    before: Mapping[str, str | None],
    after: Mapping[str, str | None],
    records: Mapping[str, list[Transition]],
    deployer: str,
) -> list[Change]:
    """Every changed component, sorted by name (unchanged components are not reported)."""
    out: list[Change] = []
    for name in sorted(set(before) | set(after)):
        if name not in after:
            out.append(
                Change(
                    name,
                    "removed",
                    from_=before[name] or "",
                    notes="stays installed; aicr does not uninstall it",
                )
            )
        elif name not in before:
            out.append(Change(name, "added", to=after[name] or "", notes="new component, nothing to do"))
        else:
            change = assess(name, before[name] or "", after[name] or "", records.get(name, []), deployer)
            if change is not None:
                out.append(change)
    return out


def assess(name: str, a: str, b: str, records: list[Transition], deployer: str) -> Change | None:
    """The verdict for moving `name` from version `a` to `b` (None when nothing moved)."""
    if a == b:
        return None
    va, vb = parse_semver(a), parse_semver(b)
    if va is None or vb is None:
        why = f'version "{a}" is not comparable to "{b}"; pin a semantic version on both sides'
        return _computed(name, a, b, "unversioned", "not-comparable", why, "versions are not comparable")
    order = compare(va, vb)
    if order == 0:
        return None
    jump, breaking = describe_jump(va, vb)
    base = _Jump(jump, breaking)
    if order > 0:
        why = (
            f"downgrade from {a} to {b}: transition records describe forward moves only, so none "
            "can assess this one; read the component's own downgrade guidance before proceeding"
        )
        return _computed(
            name, a, b, "unknown", "downgrade", why, "downgrade, unassessable", downgrade=True, jump=base
        )
    if not records:
        why = (
            f"no transition record exists for this component, so nothing assesses the move from {a} to {b}. "
            "This is not a pass: read the component's release notes and decide"
        )
        note = f"{jump}, no record" + (", breaking boundary" if breaking else "")
        return _computed(name, a, b, "unknown", "no-record", why, note, fails=breaking, jump=base)
    applying = [t for t in records if t.ranges()[0].contains(va) and t.ranges()[1].at_or_past_floor(vb)]
    if not applying:
        why = (
            f"records exist for this component but none describes the range between {a} and {b}. "
            "This is not a pass: read the component's release notes and decide"
        )
        return _computed(
            name, a, b, "unknown", "no-boundary-crossed", why, f"{jump}, no boundary here", jump=base
        )
    if len(applying) > 1:
        return _multiple(name, a, b, applying, base)
    return _recorded(name, a, b, vb, applying[0], deployer, base)


def describe_jump(a: SemVer, b: SemVer) -> tuple[str, bool]:
    """`2 majors`, `1 minor`, `3 patches` or `pre-release`, and whether it crosses a breaking line."""
    lo, hi = (a, b) if compare(a, b) <= 0 else (b, a)
    if hi.major != lo.major:
        count, unit = hi.major - lo.major, "major"
    elif hi.minor != lo.minor:
        count, unit = hi.minor - lo.minor, "minor"
    elif hi.patch != lo.patch:
        count, unit = hi.patch - lo.patch, "patch"
    else:
        return "pre-release", lo.major == 0
    plural = "es" if unit == "patch" else "s"
    breaking = unit == "major" or (unit == "minor" and lo.major == 0)
    return f"{count} {unit}{plural if count != 1 else ''}", breaking


class _Jump(msgspec.Struct, frozen=True):
    text: str
    breaking: bool


def _computed(
    name: str,
    a: str,
    b: str,
    verdict: str,
    reason: str,
    why: str,
    note: str,
    *,
    jump: _Jump | None = None,
    fails: bool = True,
    downgrade: bool = False,
) -> Change:
    return Change(
        name,
        "version",
        from_=a,
        to=b,
        verdict=verdict,
        reason=reason,
        explanation=why,
        notes=note,
        jump=jump.text if jump else "",
        breaking=jump.breaking if jump else False,
        downgrade=downgrade,
        fails_run=fails,
    )


def _multiple(name: str, a: str, b: str, applying: list[Transition], base: _Jump) -> Change:
    ordered = sorted(applying, key=lambda t: t.ranges()[1].floor() or SemVer(0, 0, 0))
    floors = [str(t.ranges()[1].floor()) for t in ordered]
    why = (
        f"crosses {len(floors)} recorded boundaries ({', '.join(floors)}); no single record describes the "
        f"whole jump. Upgrade to {floors[0]} first, then re-run this check"
    )
    change = _computed(
        name, a, b, "blocked", "multiple-boundaries", why, f"{base.text}, stops at {ordered[0].to}", jump=base
    )
    return msgspec.structs.replace(change, stopped_at=ordered[0].to)


def _recorded(name: str, a: str, b: str, vb: SemVer, t: Transition, deployer: str, base: _Jump) -> Change:
    target = t.ranges()[1]
    if not target.below_ceiling(vb):
        why = (
            f"the records for this component assess moves only as far as {t.to}, and {b} lands past "
            f"that. Upgrade no further than {t.to} and re-run this check, or widen the record"
        )
        change = _computed(
            name, a, b, "blocked", "beyond-record-ceiling", why, f"{base.text}, stops at {t.to}", jump=base
        )
        return msgspec.structs.replace(change, stopped_at=t.to)
    if not deployer and t.verdict != "safe" and any(g.deployers for g in t.steps_by_deployer):
        raise AicrError(
            Code.INVALID_REQUEST,
            f"--deployer is required: the steps for {name} {a} -> {b} differ per deployer",
        )
    steps = [
        StepOut(s.id, " ".join(s.description.split()), " ".join(s.reason.split()))
        for s in t.steps_for(deployer)
    ]
    note = f"{base.text}, " + (
        "verified" if t.verdict == "safe" else f"{len(steps)} step{'s' if len(steps) != 1 else ''}"
    )
    why = f"recorded {t.verdict}: the record {t.from_} -> {t.to} describes the move from {a} to {b}"
    change = _computed(name, a, b, t.verdict, "recorded", why, note, fails=t.verdict != "safe", jump=base)
    return msgspec.structs.replace(
        change,
        summary=" ".join(t.summary.split()),
        precondition=" ".join(t.precondition.split()),
        reversible=t.reversible,
        reversible_notes=" ".join(t.reversible_notes.split()),
        steps=steps,
        references=list(t.references),
        stopped_at=t.to if t.verdict == "blocked" else "",
    )
