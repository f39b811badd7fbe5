"""Build small synthetic catalogs on disk for resolver tests.

Each helper writes real catalog files (registry.yaml, overlays/, mixins/, components/) with
the project's YAML writer, then loads them with `load_catalog(root=...)`, so tests exercise the
same compile path as real catalogs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aicr.catalog.catalog import Catalog, load_catalog
from aicr.io.yamlout import dump

API = "aicr.nvidia.com/v1alpha1"


def helm(name: str, version: str = "1.0.0", **extra: Any) -> dict[str, Any]:
    """A registry entry for a Helm component with a repository and version."""
    entry: dict[str, Any] = {
        "name": name,
        "displayName": name,
        "helm": {
            "defaultRepository": f"https://charts.example.com/{name}",
            "defaultChart": f"example/{name}",
            "defaultVersion": version,
            "defaultNamespace": name,
        },
    }
    entry.update(extra)
    return entry


def overlay(name: str, criteria: dict[str, Any] | None = None, base: str = "", **spec: Any) -> dict[str, Any]:
    """A RecipeMetadata document."""
    body: dict[str, Any] = {}
    if base:
        body["base"] = base
    if criteria is not None:
        body["criteria"] = criteria
    body.update(spec)
    return {"kind": "RecipeMetadata", "apiVersion": API, "metadata": {"name": name}, "spec": body}


def mixin(name: str, **spec: Any) -> dict[str, Any]:
    """A RecipeMixin document."""
    return {"kind": "RecipeMixin", "apiVersion": API, "metadata": {"name": name}, "spec": spec}


def write_catalog(
    root: Path,
    *,
    registry: list[dict[str, Any]],
    overlays: list[dict[str, Any]],
    mixins: list[dict[str, Any]] | None = None,
    files: dict[str, Any] | None = None,
    base: dict[str, Any] | None = None,
) -> Path:
    """Write a catalog directory; `files` maps relative paths to YAML data or raw text."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "registry.yaml").write_text(
        dump({"apiVersion": API, "kind": "ComponentRegistry", "components": registry})
    )
    (root / "overlays").mkdir(exist_ok=True)
    base_doc = base if base is not None else overlay("base", componentRefs=[])
    (root / "overlays" / "base.yaml").write_text(dump(base_doc))
    for doc in overlays:
        (root / "overlays" / f"{doc['metadata']['name']}.yaml").write_text(dump(doc))
    if mixins:
        (root / "mixins").mkdir(exist_ok=True)
        for doc in mixins:
            (root / "mixins" / f"{doc['metadata']['name']}.yaml").write_text(dump(doc))
    for rel, content in (files or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else dump(content))
    return root


def tiny_catalog(root: Path, **kwargs: Any) -> Catalog:
    """Write a catalog and load exactly that directory."""
    write_catalog(root, **kwargs)
    return load_catalog(root=root)
