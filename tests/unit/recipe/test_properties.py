"""Property tests: deployment order, deep merge laws, resolution determinism and load-order independence."""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.support.tiny_catalog import helm, overlay, write_catalog

from aicr.catalog.catalog import load_catalog
from aicr.recipe.criteria import Criteria
from aicr.recipe.deepmerge import deep_merge
from aicr.recipe.deps import deployment_order

NAMES = [f"c{i}" for i in range(8)]


@st.composite
def acyclic_refs(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Refs over NAMES where each component depends only on lower-numbered ones (so no cycles)."""
    count = draw(st.integers(min_value=1, max_value=len(NAMES)))
    names = NAMES[:count]
    order = draw(st.permutations(names))
    refs = []
    for i, name in enumerate(order):
        deps = draw(st.lists(st.sampled_from(order[:i]), unique=True)) if i else []
        ref: dict[str, Any] = {"name": name, "dependencyRefs": deps}
        if draw(st.booleans()) and draw(st.booleans()):
            ref["overrides"] = {"enabled": False}
        refs.append(ref)
    return refs


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(acyclic_refs())
def test_order_respects_every_dependency_and_holds_exactly_the_enabled(refs: list[dict[str, Any]]) -> None:
    order = deployment_order(refs)
    enabled = {r["name"] for r in refs if r.get("overrides", {}).get("enabled") is not False}
    assert sorted(order) == sorted(enabled)
    position = {name: i for i, name in enumerate(order)}
    for ref in refs:
        for dep in ref["dependencyRefs"]:
            if ref["name"] in position and dep in position:
                assert position[dep] < position[ref["name"]]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(acyclic_refs())
def test_order_is_independent_of_ref_order(refs: list[dict[str, Any]]) -> None:
    shuffled = list(refs)
    random.Random(7).shuffle(shuffled)
    assert deployment_order(refs) == deployment_order(shuffled)


def test_order_takes_the_smallest_ready_name_first() -> None:
    refs: list[dict[str, Any]] = [
        {"name": "a"},
        {"name": "b", "dependencyRefs": ["a"]},
        {"name": "c", "dependencyRefs": ["a"]},
        {"name": "d"},
    ]
    assert deployment_order(refs) == ["a", "b", "c", "d"]


leaf = st.one_of(st.integers(), st.text(max_size=5), st.booleans(), st.lists(st.integers(), max_size=3))
trees = st.recursive(
    st.dictionaries(st.sampled_from("abcd"), leaf, max_size=4),
    lambda children: st.dictionaries(st.sampled_from("abcd"), st.one_of(leaf, children), max_size=4),
    max_leaves=12,
)


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _shape_compatible(*values: Any) -> bool:
    """No key holds a map in one tree and a non-map in another (where replace-merge is associative)."""
    maps = [v for v in values if isinstance(v, dict)]
    if maps and len(maps) != len(values):
        return False
    if not maps:
        return True
    keys = {k for m in maps for k in m}
    return all(_shape_compatible(*[m[k] for m in maps if k in m]) for k in keys)


@FAST
@given(trees, trees, trees)
def test_deep_merge_is_associative_for_compatible_shapes(
    x: dict[str, Any], y: dict[str, Any], z: dict[str, Any]
) -> None:
    if _shape_compatible(x, y, z):
        assert deep_merge(deep_merge(x, y), z) == deep_merge(x, deep_merge(y, z))


def test_deep_merge_is_not_associative_when_a_map_meets_a_scalar() -> None:
    x, y, z = {"a": {"b": 1}}, {"a": 2}, {"a": {"c": 3}}
    assert deep_merge(deep_merge(x, y), z) == {"a": {"c": 3}}
    assert deep_merge(x, deep_merge(y, z)) == {"a": {"b": 1, "c": 3}}


@FAST
@given(trees, trees)
def test_deep_merge_keeps_every_key(x: dict[str, Any], y: dict[str, Any]) -> None:
    assert set(deep_merge(x, y)) == set(x) | set(y)


@FAST
@given(trees)
def test_deep_merge_identity_and_idempotence(x: dict[str, Any]) -> None:
    assert deep_merge(x, {}) == x
    assert deep_merge({}, x) == x
    assert deep_merge(x, x) == x


@FAST
@given(trees, trees)
def test_deep_merge_right_side_wins_on_leaves_and_inputs_are_untouched(
    x: dict[str, Any], y: dict[str, Any]
) -> None:
    before_x, before_y = repr(x), repr(y)
    merged = deep_merge(x, y)
    assert repr(x) == before_x and repr(y) == before_y
    for key, value in y.items():
        if not (isinstance(value, dict) and isinstance(x.get(key), dict)):
            assert merged[key] == value


def _catalog_docs() -> dict[str, Any]:
    return {
        "registry": [helm("a"), helm("b"), helm("c"), helm("d")],
        "overlays": [
            overlay("hpa", {"intent": "any"}, componentRefs=[{"name": "d", "dependencyRefs": ["a"]}]),
            overlay("eks", {"service": "eks"}, componentRefs=[{"name": "a", "overrides": {"x": 1}}]),
            overlay(
                "eks-training",
                {"service": "eks", "intent": "training"},
                base="eks",
                constraints=[{"name": "K8s.server.version", "value": ">= 1.30"}],
                componentRefs=[{"name": "b", "dependencyRefs": ["a"]}, {"name": "a", "overrides": {"y": 2}}],
            ),
            overlay(
                "h100-any", {"accelerator": "h100"}, componentRefs=[{"name": "c", "dependencyRefs": ["b"]}]
            ),
        ],
        "base": overlay("base", componentRefs=[{"name": "a"}]),
    }


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.randoms(use_true_random=False))
def test_resolution_is_deterministic_and_independent_of_file_order(
    tmp_path: Path, rnd: random.Random
) -> None:
    docs = _catalog_docs()
    reference = tmp_path / "ref"
    if not reference.exists():
        write_catalog(reference, **docs)
    shuffled = tmp_path / f"shuffled-{rnd.random()}"
    overlays = list(docs["overlays"])
    rnd.shuffle(overlays)
    write_catalog(shuffled, registry=docs["registry"], overlays=overlays, base=docs["base"])
    query = Criteria(service="eks", accelerator="h100", intent="training")
    expected = load_catalog(root=reference).resolve(query).to_yaml()
    assert load_catalog(root=shuffled).resolve(query).to_yaml() == expected
    assert load_catalog(root=shuffled).resolve(query).to_yaml() == expected
    shutil.rmtree(shuffled)
