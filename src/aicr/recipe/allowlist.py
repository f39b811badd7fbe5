"""Criteria allowlists: which services, accelerators, intents and OSes a server will resolve.

Pure. reference/recipe.md §8: comma-separated lists in `AICR_ALLOWED_SERVICES`,
`AICR_ALLOWED_ACCELERATORS`, `AICR_ALLOWED_INTENTS`, `AICR_ALLOWED_OS`; unset means unrestricted;
`any` is always allowed and dropped from the lists; an entry that is not a valid value makes the
whole configuration invalid (the server refuses to start). There is no platform list.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code
from aicr.recipe.criteria import ANY, parse_value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from aicr.recipe.criteria import Criteria

ENV_VARS = {
    "service": "AICR_ALLOWED_SERVICES",
    "accelerator": "AICR_ALLOWED_ACCELERATORS",
    "intent": "AICR_ALLOWED_INTENTS",
    "os": "AICR_ALLOWED_OS",
}
_LABELS = {
    "service": "service type",
    "accelerator": "accelerator type",
    "intent": "intent type",
    "os": "OS type",
}


class Allowlist:
    """Per-field allowed values; a field without a list is unrestricted."""

    __slots__ = ("allowed",)

    def __init__(self, allowed: Mapping[str, list[str]] | None = None) -> None:
        self.allowed: dict[str, list[str]] = {k: list(v) for k, v in (allowed or {}).items() if v}

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str], valid: Mapping[str, Iterable[str]] | None = None
    ) -> Allowlist:
        """Parse the AICR_ALLOWED_* variables; INVALID_REQUEST names the bad variable."""
        allowed: dict[str, list[str]] = {}
        for field, var in ENV_VARS.items():
            raw = environ.get(var, "")
            if not raw.strip():
                continue
            values: list[str] = []
            for item in raw.split(","):
                if not item.strip():
                    continue
                try:
                    value = parse_value(field, item, valid)
                except AicrError as exc:
                    raise AicrError(
                        Code.INVALID_REQUEST, f"invalid {var}: {exc.message}", {"variable": var}
                    ) from None
                if value != ANY and value not in values:
                    values.append(value)
            if values:
                allowed[field] = values
        return cls(allowed)

    def check(self, criteria: Criteria) -> None:
        """Raise INVALID_REQUEST when a stated criterion is outside its allowlist."""
        for field, values in self.allowed.items():
            requested = criteria.get(field)
            if requested != ANY and requested not in values:
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f"{_LABELS[field]} not allowed",
                    {"requested": requested, "allowed": list(values)},
                )

    def __bool__(self) -> bool:
        return bool(self.allowed)
