"""The registry of built-in checks this image can run, by name (argv[1] of the validator Job).

Each phase's checks live in their own module (`deployment`, `performance`, `conformance`), each
exporting a `CHECKS` dict; this module only joins them and refuses a name defined twice.
"""

from __future__ import annotations

from aicr.validators import conformance, deployment, performance

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from aicr.validators.runtime import CheckContext


def _join(*tables: dict[str, Callable[[CheckContext], None]]) -> dict[str, Callable[[CheckContext], None]]:
    joined: dict[str, Callable[[CheckContext], None]] = {}
    for table in tables:
        for name, check in table.items():
            if name in joined:
                raise RuntimeError(f"check {name!r} is registered twice")
            joined[name] = check
    return joined


CHECKS = _join(deployment.CHECKS, performance.CHECKS, conformance.CHECKS)
