"""Transition records: per component, which version boundaries need what (`transitions.yaml`).

Decoding is strict (unknown fields, wrong types → INVALID_REQUEST naming the field) and every
record is checked for well-formedness when loaded: verdicts are `safe`, `manual` or `blocked`
(`unknown`/`unversioned` are computed, never authored); `from` has an upper bound and `to` a
lower bound (records are forward-only); a `safe` record names its evidence (`verifiedBy`), has a
`to` ceiling and no steps; `manual`/`blocked` carry steps; deployer groups name known deployers
at most once. `load_embedded` reads the catalog's file (edge); `decode_transitions` is pure.
"""

from __future__ import annotations

import msgspec

from aicr.errors import AicrError, Code
from aicr.upgrade.semver import Range, parse_range

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

KIND = "ComponentTransitions"
API_VERSION = "aicr.run/v1"
AUTHORED = ("safe", "manual", "blocked")
DEPLOYERS = ("argocd", "argocd-helm", "fleet", "flux", "helm", "helmfile")


class _Doc(msgspec.Struct, frozen=True, forbid_unknown_fields=True, rename="camel"):
    """Base of the record types: strict, camelCase keys."""


class Step(_Doc, frozen=True):
    id: str
    description: str
    reason: str = ""


class StepGroup(_Doc, frozen=True):
    steps: list[Step]
    deployers: list[str] = []


class Transition(_Doc, frozen=True):
    from_: str = msgspec.field(name="from")
    to: str = ""
    verdict: str = ""
    summary: str = ""
    verified_by: str = ""
    precondition: str = ""
    reversible: bool | None = None
    reversible_notes: str = ""
    steps_by_deployer: list[StepGroup] = []
    references: list[str] = []

    def ranges(self) -> tuple[Range, Range]:
        """`from` and `to` parsed (checked at load, so never None here)."""
        low, high = parse_range(self.from_), parse_range(self.to)
        if low is None or high is None:  # check_transition refuses such records at load
            raise AicrError(Code.INTERNAL, f"unchecked transition record {self.from_} -> {self.to}")
        return low, high

    def steps_for(self, deployer: str) -> list[Step]:
        """The steps of the group naming `deployer`, else of the group naming none."""
        for group in self.steps_by_deployer:
            if deployer in group.deployers:
                return list(group.steps)
        rest = [g for g in self.steps_by_deployer if not g.deployers]
        return list(rest[0].steps) if rest else []


class ComponentRecords(_Doc, frozen=True):
    component: str
    transitions: list[Transition]


class TransitionsFile(_Doc, frozen=True):
    kind: str
    api_version: str
    components: list[ComponentRecords] = []


def decode_transitions(doc: object, source: str) -> dict[str, list[Transition]]:
    """Component name → its transitions, from a parsed transitions document."""
    if not isinstance(doc, dict) or doc.get("kind") != KIND or doc.get("apiVersion") != API_VERSION:
        raise AicrError(
            Code.INVALID_REQUEST,
            f"transition records {source}: expected kind {KIND}, apiVersion {API_VERSION}",
        )
    try:
        parsed = msgspec.convert(doc, TransitionsFile, strict=True)
    except msgspec.ValidationError as exc:
        raise AicrError(Code.INVALID_REQUEST, f"transition records {source}: {exc}") from None
    out: dict[str, list[Transition]] = {}
    for index, entry in enumerate(parsed.components):
        where = f"{source}: components[{index}] ({entry.component})"
        if entry.component in out:
            raise AicrError(Code.INVALID_REQUEST, f"{where}: component listed twice")
        for number, transition in enumerate(entry.transitions):
            check_transition(transition, f"{where}.transitions[{number}]")
        out[entry.component] = list(entry.transitions)
    return out


def check_transition(t: Transition, where: str) -> None:
    """The well-formedness rules of one record (INVALID_REQUEST naming the record)."""

    def fail(message: str) -> AicrError:
        return AicrError(Code.INVALID_REQUEST, f"transition record {where}: {message}")

    if t.verdict not in AUTHORED:
        raise fail(f'verdict "{t.verdict}" must be one of {", ".join(AUTHORED)}')
    low, high = parse_range(t.from_), parse_range(t.to)
    if low is None or high is None:
        raise fail(f'from "{t.from_}" and to "{t.to}" must be semantic-version ranges')
    if low.ceiling() is None:
        raise fail(f'from "{t.from_}" needs an upper bound (records describe forward moves)')
    if high.floor() is None:
        raise fail(f'to "{t.to}" needs a lower bound (the boundary the record describes)')
    if not t.summary.strip():
        raise fail("summary is required")
    if t.reversible is True and not t.reversible_notes.strip():
        raise fail("reversible: true needs reversibleNotes")
    has_steps = any(group.steps for group in t.steps_by_deployer)
    if t.verdict == "safe" and (not t.verified_by.strip() or has_steps or high.ceiling() is None):
        raise fail("a safe record needs verifiedBy and a to ceiling, and carries no steps")
    if t.verdict != "safe" and (not has_steps or not all(group.steps for group in t.steps_by_deployer)):
        raise fail(f"a {t.verdict} record needs steps in every deployer group")
    _check_groups(t.steps_by_deployer, fail)


def _check_groups(groups: list[StepGroup], fail: Callable[[str], AicrError]) -> None:
    claimed: set[str] = set()
    open_groups = 0
    for group in groups:
        open_groups += not group.deployers
        for name in group.deployers:
            if name not in DEPLOYERS or name in claimed:
                raise fail(f'deployer "{name}" is unknown or claimed by two groups')
            claimed.add(name)
        ids = [step.id for step in group.steps]
        if len(ids) != len(set(ids)):
            raise fail("step ids repeat within a deployer group")
    if open_groups > 1:
        raise fail("at most one step group may omit deployers")


def load_embedded() -> dict[str, list[Transition]]:
    """The transition records of the embedded catalog (`catalog/data/transitions.yaml`)."""
    import os

    from aicr.catalog.sources import EMBEDDED_DIR
    from aicr.io.documents import load_document

    path = os.path.join(EMBEDDED_DIR, "transitions.yaml")
    return decode_transitions(load_document(path, what="transition records"), "transitions.yaml")
