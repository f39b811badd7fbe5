"""The catalog manifest (D18): a run whose catalog files and directories all keep their recorded
mtimes loads the compiled catalog without walking the directories; any change is walked again."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from tests.support.tiny_catalog import helm, overlay, write_catalog

import aicr.catalog.sources as sources
from aicr.catalog import cache
from aicr.catalog.catalog import load_catalog, load_validators
from aicr.errors import AicrError
from aicr.io.yamlout import dump

PAST_NS = 1_600_000_000 * 10**9  # 2020: well outside the two-second racy window


def _age(root: Path) -> None:
    """Every file, then every directory (deepest first), dated in the past."""
    for path in sorted(root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        os.utime(path, ns=(PAST_NS, PAST_NS), follow_symlinks=False)
    os.utime(root, ns=(PAST_NS, PAST_NS))


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[int]:
    """Counts directory walks (`sources.file_set` calls); a private cache directory. Files
    written by a test have a ctime of now, which no test can move back, so the two-second racy
    window is closed here and reopened by the tests of that rule."""
    monkeypatch.setenv("AICR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "_RACY_NS", 0)
    calls: list[int] = []
    real = sources.file_set

    def counting(**kwargs: Any) -> sources.FileSet:
        calls.append(1)
        return real(**kwargs)

    monkeypatch.setattr(sources, "file_set", counting)
    return calls


def _catalog(tmp_path: Path) -> Path:
    root = write_catalog(
        tmp_path / "c",
        registry=[helm("a")],
        overlays=[overlay("kind", {"service": "kind"}, componentRefs=[{"name": "a"}])],
    )
    _age(root)
    return root


def test_an_unchanged_catalog_is_loaded_without_a_walk(tmp_path: Path, walks: list[int]) -> None:
    root = _catalog(tmp_path)
    first = load_catalog(root=root)
    assert len(walks) == 1
    second = load_catalog(root=root)
    assert len(walks) == 1  # the manifest vouched for every file and directory
    assert second.overlays == first.overlays and second.registry == first.registry
    assert list((tmp_path / "cache").glob("manifest-*.marshal"))


def test_an_edited_file_is_walked_and_recompiled(tmp_path: Path, walks: list[int]) -> None:
    root = _catalog(tmp_path)
    load_catalog(root=root)
    kind = root / "overlays" / "kind.yaml"
    kind.write_text(dump(overlay("kind", {"service": "kind", "intent": "training"})))
    os.utime(kind, ns=(PAST_NS + 10**9, PAST_NS + 10**9))  # another old mtime: still a change
    cat = load_catalog(root=root)
    assert len(walks) == 2
    assert cat.overlays["kind"]["criteria"]["intent"] == "training"


def test_an_added_file_changes_its_directory_and_is_seen(tmp_path: Path, walks: list[int]) -> None:
    root = _catalog(tmp_path)
    load_catalog(root=root)
    (root / "overlays" / "gke.yaml").write_text(dump(overlay("gke", {"service": "gke"})))
    cat = load_catalog(root=root)
    assert len(walks) == 2
    assert "gke" in cat.overlays


def test_a_removed_file_is_seen(tmp_path: Path, walks: list[int]) -> None:
    root = _catalog(tmp_path)
    (root / "overlays" / "gke.yaml").write_text(dump(overlay("gke", {"service": "gke"})))
    _age(root)
    assert "gke" in load_catalog(root=root).overlays
    (root / "overlays" / "gke.yaml").unlink()
    os.utime(root / "overlays", ns=(PAST_NS, PAST_NS))  # even with the directory's mtime put back,
    assert "gke" not in load_catalog(root=root).overlays  # the missing file fails its stat


def test_a_file_turned_symlink_in_external_data_is_refused_not_served(
    tmp_path: Path, walks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    embedded = _catalog(tmp_path)
    monkeypatch.setattr(sources, "EMBEDDED_DIR", str(embedded))
    ext = tmp_path / "ext"
    ext.mkdir()
    (ext / "registry.yaml").write_text(
        dump({"apiVersion": "aicr.nvidia.com/v1alpha1", "kind": "ComponentRegistry", "components": []})
    )
    (ext / "target.yaml").write_text("x: 1\n")
    _age(ext)
    load_catalog(data=ext)
    load_catalog(data=ext)
    assert len(walks) == 1
    (ext / "registry.yaml").unlink()
    (ext / "registry.yaml").symlink_to(ext / "target.yaml")
    _age(ext)  # the directory's mtime put back: the file's own lstat still differs
    with pytest.raises(AicrError, match="symlinks are not allowed"):
        load_catalog(data=ext)


def test_recently_changed_catalogs_get_no_manifest(
    tmp_path: Path, walks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "_RACY_NS", 2 * 10**9)
    root = write_catalog(
        tmp_path / "c", registry=[helm("a")], overlays=[overlay("kind", {"service": "kind"})]
    )
    load_catalog(root=root)  # files written just now: an edit in the same clock tick could hide
    load_catalog(root=root)
    assert len(walks) == 2
    assert not list((tmp_path / "cache").glob("manifest-*.marshal"))


def test_a_stale_manifest_is_rewritten_after_the_walk(tmp_path: Path, walks: list[int]) -> None:
    root = _catalog(tmp_path)
    load_catalog(root=root)
    os.utime(root / "overlays", ns=(PAST_NS + 5, PAST_NS + 5))  # touched, nothing changed
    load_catalog(root=root)
    load_catalog(root=root)
    assert len(walks) == 2  # walked once for the touch, then trusted again


def test_the_manifest_names_roots_and_compiler_code(tmp_path: Path, walks: list[int]) -> None:
    root = _catalog(tmp_path)
    load_catalog(root=root)
    roots = sources.layer_roots(root=str(root))
    manifest = cache.unchanged(roots)
    assert manifest is not None and manifest["roots"] == roots
    assert cache.unchanged([(str(tmp_path), False)]) is None  # other roots, other manifest


def test_validators_use_the_manifest_too(
    tmp_path: Path, walks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    embedded = _catalog(tmp_path)
    monkeypatch.setattr(sources, "EMBEDDED_DIR", str(embedded))
    expected = load_catalog().validators
    assert load_validators() == expected  # stores the section
    count = len(walks)
    assert load_validators() == expected
    assert len(walks) == count


def test_a_file_replaced_with_the_same_size_and_mtime_is_still_seen(tmp_path: Path, walks: list[int]) -> None:
    """What `tar x` or `cp -p` of another catalog version does: same name, size and mtime."""
    root = _catalog(tmp_path)
    kind = root / "overlays" / "kind.yaml"
    assert load_catalog(root=root).overlays["kind"]["criteria"]["service"] == "kind"
    old = kind.read_text()
    new = old.replace("service: kind", "service: gke ")[: len(old)]
    assert len(new) == len(old) and new != old
    replacement = root / "overlays" / "kind.yaml.new"
    replacement.write_text(new)
    os.utime(replacement, ns=(PAST_NS, PAST_NS))
    os.replace(replacement, kind)
    os.utime(root / "overlays", ns=(PAST_NS, PAST_NS))  # the directory's mtime put back too
    assert load_catalog(root=root).overlays["kind"]["criteria"]["service"] == "gke"


def test_a_directory_changed_just_now_gets_no_manifest_either(
    tmp_path: Path, walks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _catalog(tmp_path)
    monkeypatch.setattr(cache, "_RACY_NS", 2 * 10**9)
    _age(root)
    load_catalog(root=root)  # the files' ctimes are from this test: no manifest yet
    load_catalog(root=root)
    assert not list((tmp_path / "cache").glob("manifest-*.marshal"))
