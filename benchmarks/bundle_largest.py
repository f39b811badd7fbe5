"""Write the embedded catalog's largest leaf recipe (most enabled components) to a file.

Run: .venv/bin/python benchmarks/bundle_largest.py OUT.yaml  (used by benchmarks/bundle_cold.sh)
A leaf is an overlay with criteria that no other overlay names as its base.
"""

from __future__ import annotations

import sys

from aicr.catalog.catalog import load_catalog
from aicr.recipe.criteria import Criteria
from aicr.recipe.result import RecipeResult
from aicr.version import recipe_version


def leaf_recipes() -> list[tuple[str, RecipeResult]]:
    """(overlay name, resolved recipe) for every leaf of the embedded catalog that resolves."""
    from aicr.errors import AicrError

    cat = load_catalog()
    parents = {o.get("base") for o in cat.overlays.values()}
    out = []
    for name, overlay in sorted(cat.overlays.items()):
        crit = overlay.get("criteria")
        if crit is None or name in parents or name == cat.base_name or all(v == "any" for v in crit.values()):
            continue
        try:
            out.append((name, cat.resolve(Criteria(**crit), version=recipe_version())))
        except AicrError:
            continue
    return out


def main() -> None:
    name, recipe = max(leaf_recipes(), key=lambda item: (len(item[1].deployment_order), item[0]))
    with open(sys.argv[1], "w", encoding="utf-8") as fh:
        fh.write(recipe.to_yaml())
    print(f"{name}: {len(recipe.deployment_order)} components", file=sys.stderr)


if __name__ == "__main__":
    main()
