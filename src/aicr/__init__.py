"""AICR, the AI Cluster Runtime: recipes, bundles, snapshots and validation for GPU clusters.

The public library surface. Names resolve lazily so `import aicr` stays cheap; everything not
listed in `__all__` is internal and may change without notice.

    import aicr
    cat = aicr.load_catalog()
    recipe = cat.resolve(aicr.Criteria(service="eks", accelerator="h100", intent="training", os="ubuntu"))
    print(recipe.to_yaml())
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.bundle.api import build_bundle as build_bundle
    from aicr.bundle.verify import verify_bundle as verify_bundle
    from aicr.catalog.catalog import Catalog as Catalog
    from aicr.catalog.catalog import load_catalog as load_catalog
    from aicr.errors import AicrError as AicrError
    from aicr.errors import Code as Code
    from aicr.io.documents import write_document as write_document
    from aicr.recipe.criteria import Criteria as Criteria
    from aicr.recipe.document import load_recipe as load_recipe
    from aicr.recipe.result import RecipeResult as RecipeResult
    from aicr.snapshot.api import load_snapshot as load_snapshot
    from aicr.snapshot.api import take_snapshot as take_snapshot
    from aicr.validate.api import validate as validate
    from aicr.validate.readiness import evaluate_constraints as evaluate_constraints
    from aicr.version import VERSION as __version__  # noqa: F401

_EXPORTS = {
    "load_catalog": ("aicr.catalog.catalog", "load_catalog"),
    "Catalog": ("aicr.catalog.catalog", "Catalog"),
    "Criteria": ("aicr.recipe.criteria", "Criteria"),
    "RecipeResult": ("aicr.recipe.result", "RecipeResult"),
    "load_recipe": ("aicr.recipe.document", "load_recipe"),
    "AicrError": ("aicr.errors", "AicrError"),
    "Code": ("aicr.errors", "Code"),
    "build_bundle": ("aicr.bundle.api", "build_bundle"),
    "verify_bundle": ("aicr.bundle.verify", "verify_bundle"),
    "take_snapshot": ("aicr.snapshot.api", "take_snapshot"),
    "load_snapshot": ("aicr.snapshot.api", "load_snapshot"),
    "write_document": ("aicr.io.documents", "write_document"),
    "evaluate_constraints": ("aicr.validate.readiness", "evaluate_constraints"),
    "validate": ("aicr.validate.api", "validate"),
    "__version__": ("aicr.version", "VERSION"),
}

__all__ = [name for name in _EXPORTS if name != "__version__"]


def __getattr__(name: str) -> Any:
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'aicr' has no attribute {name!r}")
    from importlib import import_module  # here, not at the top: `importlib` loads `warnings`

    value = getattr(import_module(target[0]), target[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
