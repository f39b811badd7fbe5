"""Semantic versions and the ranges transition records are keyed on.

Pure. A version is `[v]MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]` (a missing minor or patch reads as
0); precedence follows semver 2.0 (build metadata ignored, a pre-release sorts before its
release). A range is space-separated comparators that must all hold: `>=1.2.0 <2.0.0`, `<0.18.0`,
`=2.1.0` or a bare version (exactly that version).
"""

from __future__ import annotations

from typing import NamedTuple


class SemVer(NamedTuple):
    major: int
    minor: int
    patch: int
    pre: tuple[int | str, ...] = ()

    def __str__(self) -> str:
        core = f"{self.major}.{self.minor}.{self.patch}"
        return core + ("-" + ".".join(str(p) for p in self.pre) if self.pre else "")

    def key(self) -> tuple[int, int, int, int, tuple[tuple[int, int, str], ...]]:
        """Sort key: a release sorts after all of its pre-releases; numeric ids before words."""
        ids = tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in self.pre)
        return (self.major, self.minor, self.patch, 0 if self.pre else 1, ids)


def parse_semver(text: str) -> SemVer | None:
    """The version in `text`, or None when it is not a semantic version (a branch, a SHA)."""
    raw = text.strip()
    raw = raw[1:] if raw[:1] in ("v", "V") else raw
    raw = raw.split("+", 1)[0]
    core, dash, pre = raw.partition("-")
    parts = core.split(".")
    if (dash and not pre) or not 1 <= len(parts) <= 3 or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    numbers = [int(p) for p in parts] + [0] * (3 - len(parts))
    ids: list[int | str] = []
    if pre:
        for ident in pre.split("."):
            if not ident or not all(c.isascii() and (c.isalnum() or c == "-") for c in ident):
                return None
            ids.append(int(ident) if ident.isdigit() else ident)
    return SemVer(numbers[0], numbers[1], numbers[2], tuple(ids))


def compare(a: SemVer, b: SemVer) -> int:
    """-1, 0 or 1 as `a` precedes, equals or follows `b`."""
    ka, kb = a.key(), b.key()
    return (ka > kb) - (ka < kb)


_OPS = (">=", "<=", ">", "<", "=")


class Range:
    """An AND of comparators over semantic versions."""

    __slots__ = ("comparators", "text")

    def __init__(self, text: str, comparators: tuple[tuple[str, SemVer], ...]) -> None:
        self.text = text
        self.comparators = comparators

    def __str__(self) -> str:
        return self.text

    def contains(self, version: SemVer) -> bool:
        """Whether `version` satisfies every comparator."""
        return all(_holds(op, compare(version, bound)) for op, bound in self.comparators)

    def floor(self) -> SemVer | None:
        """The lowest version the range admits by its lower bounds (None: unbounded below)."""
        lows = [b for op, b in self.comparators if op in (">=", ">", "=")]
        return max(lows, key=SemVer.key) if lows else None

    def ceiling(self) -> tuple[SemVer, bool] | None:
        """The upper bound and whether it is inclusive (None: unbounded above)."""
        highs = [(b, op in ("<=", "=")) for op, b in self.comparators if op in ("<=", "<", "=")]
        return min(highs, key=lambda h: (h[0].key(), h[1])) if highs else None

    def at_or_past_floor(self, version: SemVer) -> bool:
        """Whether `version` reaches the range's lower bound (the boundary a record describes)."""
        for op, bound in self.comparators:
            order = compare(version, bound)
            if (op in (">=", "=") and order < 0) or (op == ">" and order <= 0):
                return False
        return True

    def below_ceiling(self, version: SemVer) -> bool:
        """Whether `version` stays within the range's upper bound."""
        top = self.ceiling()
        if top is None:
            return True
        order = compare(version, top[0])
        return order < 0 or (order == 0 and top[1])


def _holds(op: str, order: int) -> bool:
    return {">=": order >= 0, "<=": order <= 0, ">": order > 0, "<": order < 0, "=": order == 0}[op]


def parse_range(text: str) -> Range | None:
    """The range in `text`, or None when a comparator is not `OP VERSION` with a semantic version."""
    comparators: list[tuple[str, SemVer]] = []
    for token in text.split():
        op = next((o for o in _OPS if token.startswith(o)), "=")
        version = parse_semver(token[len(op) :] if token.startswith(op) else token)
        if version is None:
            return None
        comparators.append((op, version))
    return Range(text.strip(), tuple(comparators)) if comparators else None
