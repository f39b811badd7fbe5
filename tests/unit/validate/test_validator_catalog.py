"""The validator catalog as validate uses it: parse errors (case 26), merge by name, timeouts.

Catalog loading itself lives in aicr.catalog; these tests pin the behaviour validate relies on
through `load_catalog(data=...)` with an external `validators/catalog.yaml`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aicr.catalog.catalog import load_catalog
from aicr.errors import AicrError, Code
from aicr.io.yamlout import dump
from aicr.validate.entries import DEFAULT_TIMEOUT_S, CheckSpec, format_duration, parse_duration


def external(tmp_path: Path, catalog: dict[str, Any] | str) -> Path:
    root = tmp_path / "data"
    (root / "validators").mkdir(parents=True)
    (root / "registry.yaml").write_text(
        dump({"apiVersion": "aicr.nvidia.com/v1alpha1", "kind": "ComponentRegistry", "components": []})
    )
    text = catalog if isinstance(catalog, str) else dump(catalog)
    (root / "validators" / "catalog.yaml").write_text(text)
    return root


def catalog(
    *validators: dict[str, Any], api: str = "aicr.nvidia.com/v1alpha1", kind: str = "ValidatorCatalog"
) -> dict[str, Any]:
    return {"apiVersion": api, "kind": kind, "metadata": {"name": "ext"}, "validators": list(validators)}


def entry(
    name: str, phase: str = "deployment", image: str = "example.com/team/check:v1", **extra: Any
) -> dict[str, Any]:
    return {"name": name, "phase": phase, "image": image, **extra}


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        (catalog(entry("a"), api="v2"), "v2"),
        (catalog(entry("a"), entry("a")), 'duplicate validator name "a"'),
        (catalog(entry("a", phase="readiness")), 'invalid phase "readiness"'),
        (catalog(entry("a", image="")), 'validator "a" requires an image'),
        (catalog(entry("a", imagePullPolicy="Always")), "imagePullPolicy"),
        (catalog(entry("a"), kind="Catalog"), "Catalog"),
    ],
)
def test_case26_catalog_parse_failures(tmp_path: Path, doc: dict[str, Any], fragment: str) -> None:
    with pytest.raises(AicrError) as err:
        load_catalog(data=external(tmp_path, doc))
    assert err.value.code is Code.INVALID_REQUEST
    assert fragment in err.value.message
    assert "validators/catalog.yaml" in err.value.message


def test_external_entry_replaces_the_embedded_one_entirely(tmp_path: Path) -> None:
    ext = external(tmp_path, catalog(entry("operator-health", timeout="7m"), entry("my-check")))
    validators = load_catalog(data=ext).validators
    names = [v["name"] for v in validators]
    assert names[0] == "operator-health" and names[-1] == "my-check"
    replaced = validators[0]
    assert replaced == {
        "name": "operator-health",
        "phase": "deployment",
        "image": "example.com/team/check:v1",
        "timeout": "7m",
    }
    assert sum(v["name"] == "expected-resources" for v in validators) == 1


def test_embedded_catalog_has_every_phase_and_parsable_timeouts() -> None:
    validators = load_catalog().validators
    assert {v["phase"] for v in validators} == {"deployment", "performance", "conformance"}
    for v in validators:
        spec = CheckSpec(v, version="0.1.0")
        assert spec.timeout > 0
        assert spec.image.endswith(":v0.1.0")


def test_check_spec_defaults_and_catalog_resources() -> None:
    spec = CheckSpec(
        entry("a", resources={"cpu": "250m", "memory": "2Gi"}, args=["a"], env=[{"name": "X", "value": "1"}])
    )
    assert (spec.timeout, spec.cpu, spec.memory, spec.args, spec.env) == (
        DEFAULT_TIMEOUT_S,
        "250m",
        "2Gi",
        ["a"],
        [("X", "1")],
    )
    bare = CheckSpec(entry("b", timeout="90s"))
    assert (bare.timeout, bare.cpu, bare.memory) == (90.0, "1", "1Gi")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("2m", 120.0), ("1m30s", 90.0), ("500ms", 0.5), ("65m", 3900.0), ("1h", 3600.0), ("45", 45.0)],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "5x", "-1s", "0"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(AicrError):
        parse_duration(text)


def test_format_duration_reads_like_go() -> None:
    assert [format_duration(s) for s in (120, 90, 3900, 5, 0.25)] == [
        "2m0s",
        "1m30s",
        "1h5m0s",
        "5s",
        "250ms",
    ]
