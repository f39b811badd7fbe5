"""The two sides of an upgrade check: recipe files, bundle directories, or a fresh resolve.

Edge module (reads files, URLs and ConfigMaps through `aicr.recipe.document`). A side is a
RecipeResult file, http(s) URL or `cm://ns/name`, or a bundle directory read through the
`recipe.yaml` at its root. Without `--to`, the `--from` recipe's own criteria are resolved
again against the embedded catalog ("am I behind, and does catching up hurt?").
"""

from __future__ import annotations

import os

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def load_side(uri: str, flag: str, kubeconfig: str | None) -> dict[str, Any]:
    """The RecipeResult document named by `--from` / `--to`."""
    from aicr.recipe.document import load_recipe

    if uri == "cluster":
        raise AicrError(
            Code.INVALID_REQUEST,
            f"{flag} cluster (reading installed versions) is not supported by this version",
        )
    if os.path.isdir(uri):
        inner = os.path.join(uri, "recipe.yaml")
        if not os.path.isfile(inner):
            raise AicrError(
                Code.INVALID_REQUEST, f"{flag} {uri}: bundle directory has no recipe.yaml at its root"
            )
        uri = inner
    doc: dict[str, Any] = load_recipe(uri, kubeconfig=kubeconfig).doc
    return doc


def resolve_again(doc: dict[str, Any]) -> dict[str, Any]:
    """The recipe the embedded catalog gives today for `doc`'s criteria."""
    from aicr.catalog.catalog import load_catalog
    from aicr.recipe.criteria import Criteria
    from aicr.recipe.criteria_document import spec_values
    from aicr.version import recipe_version

    catalog = load_catalog()
    criteria = {k: v for k, v in (doc.get("criteria") or {}).items() if v not in (None, "", "any")}
    values = spec_values(criteria, catalog.allowed_values(strict=False))
    result = catalog.resolve(Criteria(**values), version=recipe_version())
    fresh: dict[str, Any] = result.doc
    return fresh


def component_versions(doc: dict[str, Any]) -> dict[str, str | None]:
    """Component name → its pinned version (or tag); AICR-authored content (no version of its own)
    is keyed on the AICR version that produced the recipe, as the reference does."""
    aicr_version = (doc.get("metadata") or {}).get("version")
    out: dict[str, str | None] = {}
    for ref in doc.get("componentRefs") or []:
        out[str(ref["name"])] = ref.get("version") or ref.get("tag") or aicr_version
    return out
