"""Query hydration and selection (recipe.md §5, cases 16-17), criteria from a snapshot (§6, case 18),
and snapshot-mode overlay exclusion (§3.7)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.support.tiny_catalog import helm, mixin, overlay, tiny_catalog

from aicr.catalog.catalog import Catalog
from aicr.errors import AicrError, Code
from aicr.recipe.criteria import STATIC_VALUES, Criteria
from aicr.recipe.query import hydrate, select
from aicr.recipe.snapshot_criteria import criteria_from_snapshot

ALLOWED = {f: frozenset(v) for f, v in STATIC_VALUES.items()}


def _values_catalog(tmp_path: Path) -> Catalog:
    return tiny_catalog(
        tmp_path,
        registry=[helm("c"), helm("bare"), helm("only-overrides")],
        overlays=[
            overlay(
                "eks",
                {"service": "eks"},
                componentRefs=[
                    {"name": "c", "valuesFile": "components/c/values-eks.yaml", "overrides": {"a": {"z": 3}}},
                    {"name": "bare"},
                    {"name": "only-overrides", "overrides": {"k": "v", "gone": None}},
                ],
            )
        ],
        files={
            "components/c/values.yaml": {"a": {"x": 1, "y": 1}, "l": [1, 2], "drop": {"me": 1}},
            "components/c/values-eks.yaml": {"a": {"y": 2}, "l": [3], "drop": None},
            "components/only-overrides/values.yaml": {"never": "loaded"},
        },
    )


def test_case16_values_merge_base_then_values_file_then_overrides(tmp_path: Path) -> None:
    cat = _values_catalog(tmp_path)
    values = cat.query(Criteria(service="eks"), "components.c.values")
    # A null replaces what it lands on and is kept, so Helm deletes that key from the chart's
    # own defaults too (issue 13 item 7; the reference drops it, leaving the chart default).
    assert values == {"a": {"x": 1, "y": 2, "z": 3}, "l": [3], "drop": None}


def test_component_without_values_file_gets_only_its_overrides(tmp_path: Path) -> None:
    cat = _values_catalog(tmp_path)
    doc = hydrate(cat.resolve(Criteria(service="eks")), cat)
    assert doc["components"]["only-overrides"]["values"] == {"k": "v", "gone": None}
    assert "values" not in doc["components"]["bare"]


def test_case17_selectors(tmp_path: Path) -> None:
    cat = _values_catalog(tmp_path)
    doc = hydrate(cat.resolve(Criteria(service="eks")), cat)
    assert select(doc, ".components.c.chart") == select(doc, "components.c.chart") == "c"
    assert select(doc, "") is doc
    assert select(doc, ".") is doc
    with pytest.raises(AicrError) as err:
        select(doc, "components.nope.x")
    assert err.value.code is Code.NOT_FOUND
    assert (
        err.value.message
        == 'selector "components.nope.x": key "nope" not found, available keys: bare, c, only-overrides'
    )
    with pytest.raises(AicrError) as err:
        select(doc, "components.c.version.sub")
    assert (
        err.value.message == 'selector "components.c.version.sub": cannot descend into non-map value at "sub"'
    )


def test_hydrated_document_shape(tmp_path: Path) -> None:
    cat = _values_catalog(tmp_path)
    doc = hydrate(cat.resolve(Criteria(service="eks"), version="v1"), cat)
    assert list(doc) == ["kind", "apiVersion", "metadata", "deploymentOrder", "criteria", "components"]
    assert doc["metadata"] == {
        "version": "v1",
        "appliedOverlays": ["base", "eks"],
        "excludedOverlays": [],
        "constraintWarnings": [],
    }
    assert doc["criteria"]["nodes"] == 0
    assert doc["components"]["bare"] == {
        "name": "bare",
        "type": "Helm",
        "source": "https://charts.example.com/bare",
        "namespace": "bare",
        "chart": "bare",
        "version": "1.0.0",
    }


def test_missing_values_file_is_not_found_when_the_catalog_loads(tmp_path: Path) -> None:
    # issue 10 item 8: a valuesFile the catalog lacks is NOT_FOUND (exit 3) at load, not exit 8 later
    with pytest.raises(AicrError, match='valuesFile "components/c/nope.yaml" is not a file') as err:
        tiny_catalog(
            tmp_path,
            registry=[helm("c")],
            overlays=[
                overlay(
                    "eks",
                    {"service": "eks"},
                    componentRefs=[{"name": "c", "valuesFile": "components/c/nope.yaml"}],
                )
            ],
        )
    assert err.value.code is Code.NOT_FOUND


def _snapshot(**readings: dict[str, dict[str, Any]]) -> dict[str, Any]:
    measurements = []
    for mtype, subtypes in sorted(readings.items()):
        measurements.append(
            {"type": mtype, "subtypes": [{"subtype": name, "data": data} for name, data in subtypes.items()]}
        )
    return {"kind": "Snapshot", "apiVersion": "aicr.nvidia.com/v1alpha1", "measurements": measurements}


@pytest.mark.parametrize(
    ("server", "expected"),
    [
        ({"version": "v1.28.2-eks-a0123b4"}, "eks"),
        ({"version": "v1.28.3-gke.1234"}, "gke"),
        ({"version": "v1.30.1-aks-1"}, "aks"),
        ({"version": "v1.31.0+lke1"}, "lke"),
        ({"version": "v1.28.0", "service": "oke"}, "oke"),
    ],
)
def test_case18_service_from_k8s_server(server: dict[str, Any], expected: str) -> None:
    assert criteria_from_snapshot(_snapshot(K8s={"server": server}), ALLOWED)["service"] == expected


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("NVIDIA GB200", "gb200"),
        ("NVIDIA-B200", "b200"),
        ("A100-SXM4-80GB", "a100"),
        ("NVIDIA H100 80GB HBM3", "h100"),
        ("NVIDIA L40S", "l40s"),
        ("NVIDIA RTX PRO 6000 Blackwell Server Edition", "rtx-pro-6000"),
    ],
)
def test_case18_accelerator_from_gpu_model(model: str, expected: str) -> None:
    snap = _snapshot(GPU={"smi": {"gpu.model": model, "gpu-count": 8}})
    assert criteria_from_snapshot(snap, ALLOWED)["accelerator"] == expected


def test_case18_os_from_release_and_intent_never_derived() -> None:
    snap = _snapshot(OS={"release": {"ID": "ubuntu", "VERSION_ID": "24.04"}})
    assert criteria_from_snapshot(snap, ALLOWED) == {"os": "ubuntu"}
    assert criteria_from_snapshot(_snapshot(OS={"release": {"ID": "amzn"}}), ALLOWED) == {}


def _constrained_catalog(tmp_path: Path) -> Catalog:
    return tiny_catalog(
        tmp_path,
        registry=[helm("a"), helm("b")],
        overlays=[
            overlay("eks", {"service": "eks"}),
            overlay(
                "h100-eks-ubuntu-training",
                {"service": "eks", "accelerator": "h100", "os": "ubuntu", "intent": "training"},
                base="eks",
                constraints=[{"name": "K8s.server.version", "value": ">= 1.32"}],
                componentRefs=[{"name": "a"}],
            ),
            overlay(
                "h100-any",
                {"accelerator": "h100"},
                mixins=["gpu-driver"],
                componentRefs=[{"name": "b"}],
            ),
        ],
        mixins=[mixin("gpu-driver", constraints=[{"name": "GPU.smi.driver", "value": ">= 580"}])],
    )


def test_snapshot_mode_excludes_leaves_whose_constraints_fail(tmp_path: Path) -> None:
    cat = _constrained_catalog(tmp_path)
    snap = _snapshot(K8s={"server": {"version": "v1.31.4-eks-1"}}, GPU={"smi": {"driver": "590.1"}})
    query = Criteria(service="eks", accelerator="h100", intent="training", os="ubuntu")
    with pytest.raises(AicrError) as err:
        cat.resolve(query, snapshot=snap)
    assert "provided only by overlays excluded by failing constraints" in err.value.message
    assert err.value.details["excludedOverlays"] == [
        {"name": "h100-eks-ubuntu-training", "reason": "constraint-failed"}
    ]
    assert err.value.details["constraintWarnings"] == [
        {
            "overlay": "h100-eks-ubuntu-training",
            "constraint": "K8s.server.version",
            "expected": ">= 1.32",
            "actual": "v1.31.4-eks-1",
            "reason": "expected >= 1.32, got v1.31.4-eks-1",
        }
    ]


def test_snapshot_mode_passing_constraints_keep_the_leaf(tmp_path: Path) -> None:
    cat = _constrained_catalog(tmp_path)
    snap = _snapshot(K8s={"server": {"version": "v1.33.1-eks-1"}}, GPU={"smi": {"driver": "590.1"}})
    result = cat.resolve(
        Criteria(service="eks", accelerator="h100", intent="training", os="ubuntu"), snapshot=snap
    )
    assert result.applied_overlays == ["base", "h100-any", "eks", "h100-eks-ubuntu-training"]
    assert "excludedOverlays" not in result.doc["metadata"]


def test_snapshot_mode_failing_mixin_constraint_drops_the_contributing_leaf(tmp_path: Path) -> None:
    cat = _constrained_catalog(tmp_path)
    snap = _snapshot(K8s={"server": {"version": "v1.33.1-eks-1"}}, GPU={"smi": {"driver": "550.54"}})
    result = cat.resolve(
        Criteria(service="eks", accelerator="h100", intent="training", os="ubuntu"), snapshot=snap
    )
    assert result.applied_overlays == ["base", "eks", "h100-eks-ubuntu-training"]
    assert result.doc["metadata"]["excludedOverlays"] == [
        {"name": "h100-any", "reason": "mixin-constraint-failed"}
    ]
    warning = result.doc["metadata"]["constraintWarnings"][0]
    assert warning["reason"] == "mixin-constraint-failed: expected >= 580, got 550.54"


def test_snapshot_mode_missing_measurement_excludes_with_not_found_reason(tmp_path: Path) -> None:
    cat = _constrained_catalog(tmp_path)
    snap = _snapshot(GPU={"smi": {"driver": "590.1"}})
    with pytest.raises(AicrError) as err:
        cat.resolve(
            Criteria(service="eks", accelerator="h100", intent="training", os="ubuntu"), snapshot=snap
        )
    warnings = err.value.details["constraintWarnings"]
    assert warnings[0]["reason"].startswith("[NOT_FOUND] measurement type K8s not found")


def test_snapshot_mode_unparsable_reading_aborts(tmp_path: Path) -> None:
    cat = _constrained_catalog(tmp_path)
    snap = _snapshot(K8s={"server": {"version": "banana"}}, GPU={"smi": {"driver": "590.1"}})
    with pytest.raises(AicrError) as err:
        cat.resolve(
            Criteria(service="eks", accelerator="h100", intent="training", os="ubuntu"), snapshot=snap
        )
    assert err.value.code is Code.INVALID_REQUEST
    assert err.value.message.startswith("constraint evaluation failed: cannot parse actual version")
