"""Every profiled leaf of the embedded catalog (aks, gke-cos, oke families) under each gpuStack value.

A golden (tests/golden/profiles/<leaf>.yaml) holds, per profile value, the recorded selection
(advertiser, apiVersion), the final component values at every profile-owned path and the
profile's constraints. Regenerate with `pytest tests/unit/catalog/test_profile_leaves.py
--update-goldens` and review the diff against the reference's AKS/GKE/OKE GPU setup guides.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.unit.catalog.test_reference_leaves import _catalog, _own_criteria

from aicr.bundle.paths import get_path
from aicr.catalog import docgen
from aicr.catalog.catalog import Catalog

GOLDEN_DIR = Path(__file__).resolve().parents[2] / "golden" / "profiles"


def _profiled_leaves() -> list[str]:
    catalog = _catalog()
    return [
        leaf
        for leaf in docgen.leaf_names(catalog)
        if "selectedProfile" in catalog.resolve(_own_criteria(leaf)).doc["metadata"]
    ]


def summary(catalog: Catalog, leaf: str) -> dict[str, Any]:
    """Per value of the leaf's profile: apiVersion, advertiser, owned values, constraints."""
    result = catalog.resolve(_own_criteria(leaf))
    default = result.doc["metadata"]["selectedProfile"]
    declaring = next(
        catalog.overlays[n] for n in result.applied_overlays if catalog.overlays[n].get("profile")
    )
    out: dict[str, Any] = {
        "profile": default["name"],
        "default": declaring["profile"]["default"],
        "values": {},
    }
    for value in declaring["profile"]["values"]:
        doc = catalog.resolve(_own_criteria(leaf), profile=f"{default['name']}={value}").doc
        selected = doc["metadata"]["selectedProfile"]
        owned: dict[str, Any] = {}
        for ref in doc["componentRefs"]:
            paths = [p for p in selected["ownedPaths"].get(ref["name"], []) if p != "enabled"]
            if paths:
                values = catalog.component_values(ref)
                owned[ref["name"]] = {p: get_path(values, p)[0] for p in paths}
        entry: dict[str, Any] = {"apiVersion": doc["apiVersion"], "values": owned}
        if selected.get("advertiser"):
            entry["advertiser"] = selected["advertiser"]
        profile_constraints = declaring["profile"]["values"][value].get("constraints") or []
        if profile_constraints:
            entry["constraints"] = {c["name"]: c["value"] for c in profile_constraints}
        out["values"][value] = entry
    return out


@pytest.mark.parametrize("leaf", _profiled_leaves())
def test_profiled_leaf_matches_its_golden_for_every_value(leaf: str, update_goldens: bool) -> None:
    path = GOLDEN_DIR / f"{leaf}.yaml"
    text = yaml.safe_dump(summary(_catalog(), leaf), sort_keys=False, default_flow_style=False, width=120)
    if update_goldens:
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), f"no golden for {leaf}: run with --update-goldens and review it"
    assert path.read_text(encoding="utf-8") == text


def test_aks_gke_and_oke_families_declare_gpu_stack() -> None:
    families = {leaf.split("-")[1] if leaf.count("-") else leaf for leaf in _profiled_leaves()}
    assert {"aks", "gke", "oke"} <= families
