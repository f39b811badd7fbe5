"""A null in an overlay or `--set-json` reaches the written values file (Helm deletes the chart default)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from tests.support.tiny_catalog import helm, overlay, tiny_catalog

import aicr
from aicr.bundle.api import plan_bundle
from aicr.bundle.options import BundleOptions


def values_yaml(tree: Any, component: str) -> dict[str, Any]:
    path = next(p for p in tree.files if p.endswith(f"-{component}/values.yaml"))
    docs = [d for d in yaml.safe_load_all(tree.text(path)) if d is not None]
    assert isinstance(docs[0], dict)
    return docs[0]


def test_overlay_null_is_written_as_null(tmp_path: Path) -> None:
    cat = tiny_catalog(
        tmp_path / "cat",
        registry=[helm("demo")],
        overlays=[
            overlay(
                "eks",
                {"service": "eks"},
                componentRefs=[
                    {
                        "name": "demo",
                        "valuesFile": "components/demo/values.yaml",
                        "overrides": {"resources": None, "keep": 1},
                    }
                ],
            )
        ],
        files={"components/demo/values.yaml": {"resources": {"limits": {"cpu": 1}}, "keep": 0}},
    )
    doc = cat.resolve(aicr.Criteria(service="eks")).to_dict()
    tree, _out, _plan = plan_bundle(doc, cat, BundleOptions.parse("helm"), aicr_version="v0")
    assert values_yaml(tree, "demo") == {"resources": None, "keep": 1}
    assert (
        "resources: null"
        in next(t for p, (t, _m) in tree.files.items() if p.endswith("-demo/values.yaml")).decode()
    )


def test_set_json_null_reaches_the_values_file(tmp_path: Path) -> None:
    cat = tiny_catalog(
        tmp_path / "cat",
        registry=[helm("demo")],
        overlays=[
            overlay("eks", {"service": "eks"}, componentRefs=[{"name": "demo", "overrides": {"a": {"b": 1}}}])
        ],
    )
    doc = cat.resolve(aicr.Criteria(service="eks")).to_dict()
    opts = BundleOptions.parse("helm", {"set_json": ['demo:a={"b": null, "c": 2}', "demo:tolerations=null"]})
    tree, _out, _plan = plan_bundle(doc, cat, opts, aicr_version="v0")
    values = values_yaml(tree, "demo")
    assert values["a"] == {"b": None, "c": 2}
    assert values["tolerations"] is None


def typed_catalog(tmp_path: Path) -> aicr.Catalog:
    return tiny_catalog(
        tmp_path / "typed",
        registry=[helm("demo")],
        overlays=[
            overlay(
                "eks",
                {"service": "eks"},
                componentRefs=[
                    {"name": "demo", "overrides": {"driver": {"version": "580.95", "replicas": 1}}}
                ],
            )
        ],
    )


def bundle_values(cat: aicr.Catalog, options: dict[str, Any]) -> dict[str, Any]:
    doc = cat.resolve(aicr.Criteria(service="eks")).to_dict()
    tree, _out, _plan = plan_bundle(doc, cat, BundleOptions.parse("helm", options), aicr_version="v0")
    return values_yaml(tree, "demo")


def test_set_over_a_string_stays_a_string(tmp_path: Path) -> None:
    values = bundle_values(typed_catalog(tmp_path), {"set": ["demo:driver.version=580.10"]})
    assert values["driver"]["version"] == "580.10"


def test_set_over_a_number_or_a_new_key_is_typed(tmp_path: Path) -> None:
    values = bundle_values(
        typed_catalog(tmp_path), {"set": ["demo:driver.replicas=3", "demo:driver.debug=true"]}
    )
    assert values["driver"]["replicas"] == 3 and values["driver"]["debug"] is True


def test_set_string_is_always_a_string(tmp_path: Path) -> None:
    values = bundle_values(
        typed_catalog(tmp_path), {"set_string": ["demo:driver.replicas=3", "demo:tag=1.10"]}
    )
    assert values["driver"]["replicas"] == "3" and values["tag"] == "1.10"
