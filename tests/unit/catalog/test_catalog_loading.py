"""Catalog loading: strict decoding, `--data` layering and safety (recipe.md §7, cases 20-21), cache."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from tests.support.tiny_catalog import API, helm, overlay, write_catalog

import aicr.catalog.sources as sources
from aicr.catalog import compile as compile_module
from aicr.catalog.catalog import load_catalog, load_validators
from aicr.errors import AicrError, Code
from aicr.io.yamlout import dump
from aicr.recipe.criteria import Criteria

EMBEDDED_REGISTRY = [
    {
        "name": "gpu-operator",
        "displayName": "gpu-operator",
        "valueOverrideKeys": ["gpuoperator"],
        "helm": {
            "defaultRepository": "https://helm.ngc.nvidia.com/nvidia",
            "defaultChart": "nvidia/gpu-operator",
            "defaultVersion": "v25.10.1",
            "defaultNamespace": "gpu-operator",
        },
    },
    helm("cert-manager"),
]


@pytest.fixture
def embedded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small catalog standing in for the embedded one."""
    root = write_catalog(
        tmp_path / "embedded",
        registry=EMBEDDED_REGISTRY,
        overlays=[
            overlay("eks", {"service": "eks"}, componentRefs=[{"name": "gpu-operator"}]),
            overlay("gke", {"service": "gke"}, componentRefs=[{"name": "cert-manager"}]),
        ],
        files={
            "validators/catalog.yaml": {
                "apiVersion": API,
                "kind": "ValidatorCatalog",
                "validators": [
                    {"name": "operator-health", "phase": "deployment", "image": "img/a:1"},
                    {"name": "dra-support", "phase": "conformance", "image": "img/b:1"},
                ],
            }
        },
    )
    monkeypatch.setattr(sources, "EMBEDDED_DIR", str(root))
    return root


def _external(tmp_path: Path, **kwargs: Any) -> Path:
    root = tmp_path / "external"
    root.mkdir(exist_ok=True)
    registry = kwargs.pop("registry", [])
    (root / "registry.yaml").write_text(
        dump({"apiVersion": API, "kind": "ComponentRegistry", "components": registry})
    )
    for rel, doc in kwargs.pop("files", {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(doc if isinstance(doc, str) else dump(doc))
    return root


@pytest.fixture
def section_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private catalog cache directory (AICR_CACHE_DIR) for the section-file tests."""
    cache = tmp_path / "section-cache"
    monkeypatch.setenv("AICR_CACHE_DIR", str(cache))
    return cache


def test_case20_external_dir_needs_registry(embedded: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(AicrError) as err:
        load_catalog(data=empty)
    assert err.value.code is Code.INVALID_REQUEST
    assert err.value.message == f"registry.yaml is required in external data directory: {empty}"


def test_missing_external_dir_is_not_found(embedded: Path, tmp_path: Path) -> None:
    with pytest.raises(AicrError) as err:
        load_catalog(data=tmp_path / "nope")
    assert err.value.code is Code.NOT_FOUND


def test_case20_symlinks_are_refused(embedded: Path, tmp_path: Path) -> None:
    ext = _external(tmp_path)
    (ext / "overlays").mkdir()
    os.symlink("/etc/hostname", ext / "overlays" / "link.yaml")
    with pytest.raises(AicrError, match="symlinks are not allowed in external data: overlays/link.yaml"):
        load_catalog(data=ext)


def test_case20_large_files_are_refused(embedded: Path, tmp_path: Path) -> None:
    ext = _external(tmp_path)
    big = ext / "components" / "x" / "values.yaml"
    big.parent.mkdir(parents=True)
    big.write_bytes(b"#" * (10 * 1024 * 1024 + 1))
    with pytest.raises(
        AicrError, match=r"file too large \(10485761 bytes, max 10485760\): components/x/values.yaml"
    ):
        load_catalog(data=ext)


def test_case20_same_name_registry_entry_replaces_wholesale(embedded: Path, tmp_path: Path) -> None:
    ext = _external(
        tmp_path,
        registry=[
            {"name": "gpu-operator", "displayName": "GPU Operator", "helm": {"defaultVersion": "v26.0.0"}},
            helm("extra"),
        ],
    )
    cat = load_catalog(data=ext)
    names = [e["name"] for e in cat.registry]
    assert names == ["gpu-operator", "cert-manager", "extra"]
    gpu = cat.registry_entry("gpu-operator")
    assert gpu == {
        "name": "gpu-operator",
        "displayName": "GPU Operator",
        "helm": {"defaultVersion": "v26.0.0"},
    }
    assert cat.registry_entry("gpuoperator") is None  # the embedded alias went with the replaced entry


def test_external_file_replaces_the_embedded_file_at_the_same_path(embedded: Path, tmp_path: Path) -> None:
    ext = _external(
        tmp_path,
        files={
            "overlays/eks.yaml": overlay("eks", {"service": "eks"}, componentRefs=[{"name": "cert-manager"}])
        },
    )
    result = load_catalog(data=ext).resolve(Criteria(service="eks"))
    assert [r["name"] for r in result.component_refs] == ["cert-manager"]


def test_duplicate_overlay_names_across_files_are_rejected(embedded: Path, tmp_path: Path) -> None:
    ext = _external(tmp_path, files={"overlays/other-eks.yaml": overlay("eks", {"service": "eks"})})
    with pytest.raises(AicrError) as err:
        load_catalog(data=ext)
    assert 'duplicate overlay name "eks"' in err.value.message
    assert "overlays/eks.yaml" in err.value.message and "overlays/other-eks.yaml" in err.value.message


def test_case21_external_criteria_values_are_valid_only_with_that_data(
    embedded: Path, tmp_path: Path
) -> None:
    ext = _external(
        tmp_path,
        files={
            "overlays/ncp.yaml": overlay(
                "ncp", {"service": "ncp-internal", "accelerator": "h100", "intent": "training"}
            )
        },
    )
    query = Criteria(service="ncp-internal", accelerator="h100", intent="training")
    assert load_catalog(data=ext).resolve(query).applied_overlays == ["base", "ncp"]
    with pytest.raises(AicrError, match="invalid service type: ncp-internal"):
        load_catalog().resolve(query)
    with pytest.raises(AicrError, match="invalid service type: ncp-internal"):
        load_catalog(data=ext).resolve(query, criteria_strict=True)


def test_case21_external_overlay_with_nodes_fails_to_load(embedded: Path, tmp_path: Path) -> None:
    ext = _external(tmp_path, files={"overlays/n.yaml": overlay("n", {"service": "eks", "nodes": 4})})
    with pytest.raises(AicrError, match="criteria.nodes"):
        load_catalog(data=ext)


def test_validator_catalog_merges_by_name(embedded: Path, tmp_path: Path) -> None:
    ext = _external(
        tmp_path,
        files={
            "validators/catalog.yaml": {
                "apiVersion": API,
                "kind": "ValidatorCatalog",
                "validators": [
                    {"name": "dra-support", "phase": "conformance", "image": "mirror/b:2", "timeout": "9m"},
                    {"name": "custom", "phase": "performance", "image": "mine/c:1"},
                ],
            }
        },
    )
    validators = load_catalog(data=ext).validators
    assert [(v["name"], v["image"]) for v in validators] == [
        ("operator-health", "img/a:1"),
        ("dra-support", "mirror/b:2"),
        ("custom", "mine/c:1"),
    ]


def test_validator_section_equals_the_catalog_s_and_is_cached_apart(
    embedded: Path, tmp_path: Path, section_cache: Path
) -> None:
    cache = section_cache
    ext = _external(tmp_path, files={"validators/catalog.yaml": _validators("custom")})
    assert load_validators(data=ext) == load_catalog(data=ext).validators
    assert len(list(cache.glob("section-*-validators-*.marshal"))) == 1
    assert load_validators(data=ext) == load_catalog(data=ext).validators  # from the section file


def test_validator_section_follows_a_changed_catalog(
    embedded: Path, tmp_path: Path, section_cache: Path
) -> None:
    ext = _external(tmp_path, files={"validators/catalog.yaml": _validators("first")})
    assert "first" in [v["name"] for v in load_validators(data=ext)]
    (ext / "validators" / "catalog.yaml").write_text(dump(_validators("second")))
    names = [v["name"] for v in load_validators(data=ext)]
    assert "second" in names and "first" not in names


def test_an_unreadable_section_file_falls_back_to_the_whole_catalog(
    embedded: Path, section_cache: Path
) -> None:
    cache = section_cache
    expected = load_catalog().validators
    load_validators()
    for section in cache.glob("section-*.marshal"):
        section.write_bytes(b"not marshal")
    assert load_validators() == expected


def _validators(name: str) -> dict[str, Any]:
    return {
        "apiVersion": API,
        "kind": "ValidatorCatalog",
        "validators": [{"name": name, "phase": "performance", "image": "mine/c:1"}],
    }


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        (
            overlay("x", {"service": "eks"}, componentRefs=[{"name": "a", "verison": "1"}]),
            'unknown field "verison" at spec.componentRefs[0].verison',
        ),
        (
            overlay("x", {"service": "eks"}, componentRefs=[{"name": "a", "dependencyRefs": "b"}]),
            "expected a list, found a string at spec.componentRefs[0].dependencyRefs",
        ),
        (
            {**overlay("x", {"service": "eks"}), "kind": "RecipeMixin"},
            'invalid kind "RecipeMixin", expected "RecipeMetadata"',
        ),
        ({**overlay("x", {"service": "eks"}), "apiVersion": "v2"}, 'unsupported apiVersion "v2"'),
        ({**overlay("x", {"service": "eks"}), "extra": 1}, 'unknown field "extra"'),
        (
            overlay("x", {"service": "eks"}, componentRefs=[{"name": "a", "type": "Terraform"}]),
            'invalid type "Terraform"',
        ),
    ],
)
def test_strict_decoding_names_file_and_field(
    embedded: Path, tmp_path: Path, doc: dict[str, Any], fragment: str
) -> None:
    ext = _external(tmp_path, files={"overlays/x.yaml": doc})
    with pytest.raises(AicrError) as err:
        load_catalog(data=ext)
    assert err.value.code is Code.INVALID_REQUEST
    assert err.value.message.startswith("overlays/x.yaml: ") or "overlays/x.yaml" in err.value.message
    assert fragment in err.value.message


def test_registry_entry_with_helm_and_kustomize_is_rejected(tmp_path: Path) -> None:
    bad = [{"name": "a", "displayName": "A", "helm": {}, "kustomize": {"defaultSource": "x"}}]
    write_catalog(tmp_path / "c", registry=bad, overlays=[])
    with pytest.raises(AicrError, match='component "a" cannot have both helm and kustomize'):
        load_catalog(root=tmp_path / "c")


def test_registry_override_keys_must_be_unique(tmp_path: Path) -> None:
    reg = [helm("a", valueOverrideKeys=["k"]), helm("b", valueOverrideKeys=["k"])]
    write_catalog(tmp_path / "c", registry=reg, overlays=[])
    with pytest.raises(AicrError, match='valueOverrideKey "k" is used by both "a" and "b"'):
        load_catalog(root=tmp_path / "c")


def test_root_without_base_overlay_is_rejected(tmp_path: Path) -> None:
    root = write_catalog(tmp_path / "c", registry=[helm("a")], overlays=[])
    (root / "overlays" / "base.yaml").unlink()
    with pytest.raises(AicrError, match="overlays/base.yaml not found"):
        load_catalog(root=root)


def test_root_loads_only_that_directory(embedded: Path, tmp_path: Path) -> None:
    root = write_catalog(
        tmp_path / "c", registry=[helm("a")], overlays=[overlay("kind", {"service": "kind"})]
    )
    cat = load_catalog(root=root)
    assert sorted(cat.overlays) == ["base", "kind"]
    assert [e["name"] for e in cat.registry] == ["a"]


def test_compiled_catalog_is_cached_and_invalidated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AICR_CACHE_DIR", str(tmp_path / "cache"))
    root = write_catalog(
        tmp_path / "c", registry=[helm("a")], overlays=[overlay("kind", {"service": "kind"})]
    )
    calls: list[int] = []
    real = compile_module.compile_catalog

    def counting(files: Any) -> dict[str, Any]:
        calls.append(1)
        return real(files)

    monkeypatch.setattr(compile_module, "compile_catalog", counting)
    load_catalog(root=root)
    load_catalog(root=root)
    assert len(calls) == 1
    os.utime(root / "overlays" / "kind.yaml", ns=(1, 1))  # same content, new mtime: content hash reuses
    load_catalog(root=root)
    assert len(calls) == 1
    (root / "overlays" / "kind.yaml").write_text(
        dump(overlay("kind", {"service": "kind", "intent": "training"}))
    )
    cat = load_catalog(root=root)
    assert len(calls) == 2
    assert cat.overlays["kind"]["criteria"]["intent"] == "training"


def test_a_cache_hit_marks_an_old_cache_file_as_recently_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("AICR_CACHE_DIR", str(cache))
    root = write_catalog(
        tmp_path / "c", registry=[helm("a")], overlays=[overlay("kind", {"service": "kind"})]
    )
    load_catalog(root=root)
    (stored,) = cache.glob("catalog-*.marshal")
    os.utime(stored, ns=(1, 1))  # written long ago
    load_catalog(root=root)
    assert stored.stat().st_mtime_ns > 1  # pruning keeps the newest by mtime: this one is in use


def test_external_override_key_wins_over_an_embedded_alias(embedded: Path, tmp_path: Path) -> None:
    ext = _external(tmp_path, registry=[helm("skyhook-operator", valueOverrideKeys=["gpuoperator"])])
    cat = load_catalog(data=ext)
    owner = cat.registry_entry("gpuoperator")
    assert owner is not None and owner["name"] == "skyhook-operator"
    gpu = cat.registry_by_name("gpu-operator")
    assert gpu is not None and gpu.get("valueOverrideKeys", []) == []


def test_override_key_clash_inside_one_registry_is_an_error(embedded: Path, tmp_path: Path) -> None:
    ext = _external(
        tmp_path, registry=[helm("x", valueOverrideKeys=["k"]), helm("y", valueOverrideKeys=["k"])]
    )
    with pytest.raises(AicrError, match='valueOverrideKey "k" is used by both "x" and "y"'):
        load_catalog(data=ext)


def _two_catalogs(tmp_path: Path) -> tuple[Path, Path]:
    first = write_catalog(
        tmp_path / "a", registry=[helm("a")], overlays=[overlay("kind", {"service": "kind"})]
    )
    second = write_catalog(
        tmp_path / "b", registry=[helm("b")], overlays=[overlay("gke", {"service": "gke"})]
    )
    return first, second


def test_a_cache_file_stored_under_another_signature_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file name is a short key; what decides a hit is the full stat signature inside."""
    import marshal

    cache = tmp_path / "cache"
    monkeypatch.setenv("AICR_CACHE_DIR", str(cache))
    first, second = _two_catalogs(tmp_path)
    load_catalog(root=first)
    (stored,) = cache.glob("catalog-*.marshal")
    blob = marshal.loads(stored.read_bytes())
    # The second catalog's cache entry, under the first's name: a key collision.
    load_catalog(root=second)
    other = next(p for p in cache.glob("catalog-*.marshal") if p != stored)
    stored.write_bytes(other.read_bytes())
    cat = load_catalog(root=first)
    assert sorted(cat.overlays) == ["base", "kind"]
    assert marshal.loads(stored.read_bytes())["stat"] == blob["stat"]  # rewritten for the first


def test_a_section_file_stored_under_another_signature_is_not_used(
    embedded: Path, tmp_path: Path, section_cache: Path
) -> None:
    import marshal

    cache = section_cache
    ext = _external(tmp_path, files={"validators/catalog.yaml": _validators("mine")})
    load_validators(data=ext)
    (section,) = cache.glob("section-*.marshal")
    blob = marshal.loads(section.read_bytes())
    section.write_bytes(marshal.dumps({"validators": [], "stat": blob["stat"] + "x"}))
    assert [v["name"] for v in load_validators(data=ext)][-1] == "mine"


def test_short_key_is_stable_and_separates_structured_edits() -> None:
    assert sources.short_key("") == "0" * 32
    assert len(sources.short_key("x" * 10_000)) == 32
    # A Mersenne modulus would give byte k and byte k+127 the same weight: swapping two digits
    # that far apart would keep the key. The prime used has no such period.
    line = "overlays/eks.yaml\0" + "1" * 108
    swapped_a = "9" + line + "5"
    swapped_b = "5" + line + "9"
    assert len(swapped_a) == 128  # bytes 0 and 127
    assert sources.short_key(swapped_a) != sources.short_key(swapped_b)
    assert sources.short_key("a\0" * 64 + "1") != sources.short_key("a\0" * 64 + "2")


def test_a_catalog_read_from_the_cache_equals_the_compiled_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sections kept marshalled in the cache (validators, the file map) decode on first use to
    exactly what compiling gives; the real embedded catalog, every section compared."""
    monkeypatch.setenv("AICR_CACHE_DIR", str(tmp_path / "cache"))
    load_catalog()  # stores
    cached = load_catalog()
    assert cached._lazy, "the cache hit should keep some sections marshalled"
    monkeypatch.setenv("AICR_NO_CATALOG_CACHE", "1")
    compiled = load_catalog()
    assert not compiled._lazy
    for name in ("registry", "overlays", "mixins", "validators", "files", "criteriaValues", "baseName"):
        assert cached.section(name) == compiled.section(name), name
    some = next(iter(compiled.section("files")))
    assert cached.has_file(some) and cached.file_path(some) == compiled.file_path(some)
    assert cached.validators == compiled.validators
