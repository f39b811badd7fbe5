"""Version parsing and comparison for constraints (the reference's rules, not semver).

Pure. reference/validate.md §1.4: a leading `v` is dropped; extras start at the first `-` or `+`
after a digit; the core has at most three non-negative integer parts; ordering compares at the
lower precision of the two sides; equality pads missing parts with zero; a GKE `-gke.N` build
suffix breaks ties between otherwise equal full versions.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

_GKE = "-gke."


class Version:
    """A parsed version: up to three numeric parts plus the raw extras text."""

    __slots__ = ("extras", "parts", "text")

    def __init__(self, parts: tuple[int, ...], extras: str, text: str) -> None:
        self.parts = parts
        self.extras = extras
        self.text = text

    @property
    def precision(self) -> int:
        """Number of numeric parts that were written (1 to 3)."""
        return len(self.parts)

    def gke_build(self) -> int | None:
        """N of a `-gke.N` suffix, None when there is none; INVALID_REQUEST when malformed."""
        if not self.extras.startswith(_GKE):
            return None
        digits = self.extras[len(_GKE) :]
        if not digits.isdigit():
            raise AicrError(Code.INVALID_REQUEST, f'malformed GKE build suffix in version "{self.text}"')
        return int(digits)

    def __repr__(self) -> str:
        return f"Version({self.text!r})"


def parse_version(text: str) -> Version:
    """Parse a version string; INVALID_REQUEST when it is not one."""
    raw = text.strip()
    body = raw[1:] if raw[:1] in ("v", "V") else raw
    cut = len(body)
    for i, ch in enumerate(body):
        if ch in "-+" and i > 0 and body[i - 1].isdigit():
            cut = i
            break
    core, extras = body[:cut], body[cut:]
    pieces = core.split(".")
    if not core or len(pieces) > 3 or not all(p.isdigit() and p.isascii() for p in pieces):
        raise AicrError(Code.INVALID_REQUEST, f'invalid version "{text}"', {"version": text})
    return Version(tuple(int(p) for p in pieces), extras, raw)


def compare(actual: Version, expected: Version) -> int:
    """-1, 0 or 1 for actual vs expected, at the lower precision of the two."""
    n = min(actual.precision, expected.precision)
    a, e = actual.parts[:n], expected.parts[:n]
    if a != e:
        return -1 if a < e else 1
    if actual.precision == expected.precision:
        want = expected.gke_build()
        try:
            have = actual.gke_build()
        except AicrError:
            have = None
        if want is not None and have is not None:
            return (have > want) - (have < want)
        if want is not None:
            return -1  # only the constraint names a GKE build: the actual is older
        if have is not None:
            return 1  # only the actual carries a GKE build: it is newer
    return 0


def equals(actual: Version, expected: Version) -> bool:
    """Equality on (major, minor, patch) with missing parts read as zero; extras ignored."""
    pad = (0, 0, 0)
    return (actual.parts + pad)[:3] == (expected.parts + pad)[:3]


def version_like(value: str) -> bool:
    """Whether `==`/`!=` should compare `value` as a version: it has a digit and a dot."""
    body = value[1:] if value[:1] in ("v", "V") else value
    return "." in body and any(ch.isdigit() for ch in body)
