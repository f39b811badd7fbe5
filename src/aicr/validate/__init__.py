"""Validate: the readiness gate, validator catalog selection, phases as Jobs, CTRF reports.

Pure modules: `constraints` (the constraint language), `readiness`, `phases`, `images`,
`entries`, `manifests`, `capture`, `ctrf`, `evidence`. Edge: `orchestrator` (drives Jobs
through `aicr.k8s`), `progress` (stderr display) and `api` (`aicr.validate`). No Kubernetes
client is imported here; nothing in this package is needed by `aicr recipe`.

`aicr.validate` is both this package and the public function `aicr.validate(recipe, ...)`:
once any submodule is imported, Python binds the package to the `aicr.validate` attribute, so
the package itself is made callable and forwards to `aicr.validate.api.validate`.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any
else:
    ModuleType = type(sys)  # the `types` module is not loaded for this


class _CallablePackage(ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from aicr.validate.api import validate

        return validate(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
