"""Conformance-phase checks: the CNCF AI conformance requirements."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from aicr.validators.runtime import CheckContext

CHECKS: dict[str, Callable[[CheckContext], None]] = {}
