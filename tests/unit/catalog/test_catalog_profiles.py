"""Catalog load rules for `spec.profile` declarations: strict, closed, total, right apiVersion."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.support.profiles import PROFILE_API, profiled_overlay, stack_profile
from tests.support.tiny_catalog import helm, mixin, overlay, tiny_catalog

from aicr.errors import AicrError, Code


def load(tmp_path: Path, doc: dict[str, Any], **kwargs: Any) -> None:
    tiny_catalog(
        tmp_path / "cat",
        registry=[helm("gpu-operator"), helm("dra")],
        base=overlay("base", componentRefs=[{"name": "gpu-operator"}, {"name": "dra"}]),
        overlays=[doc],
        **kwargs,
    )


def rejected(tmp_path: Path, doc: dict[str, Any], **kwargs: Any) -> AicrError:
    with pytest.raises(AicrError) as info:
        load(tmp_path, doc, **kwargs)
    assert info.value.code == Code.INVALID_REQUEST
    assert "overlays/eks.yaml" in info.value.message
    return info.value


def test_well_formed_declaration_loads(tmp_path: Path) -> None:
    load(tmp_path, profiled_overlay("eks", {"service": "eks"}, stack_profile()))


def test_profile_needs_the_profiled_api_version(tmp_path: Path) -> None:
    doc = profiled_overlay("eks", {"service": "eks"}, stack_profile())
    doc["apiVersion"] = "aicr.run/v1alpha2"
    assert "spec.profile requires apiVersion" in rejected(tmp_path, doc).message


def test_profiled_api_version_needs_a_profile(tmp_path: Path) -> None:
    doc = overlay("eks", {"service": "eks"})
    doc["apiVersion"] = PROFILE_API
    assert "declare spec.profile" in rejected(tmp_path, doc).message


def test_unknown_field_in_a_profile_value_is_rejected(tmp_path: Path) -> None:
    profile = stack_profile()
    profile["values"]["managed"]["componentRefs"][0]["version"] = "1.2.3"
    assert "version" in rejected(tmp_path, profiled_overlay("eks", {"service": "eks"}, profile)).message


def test_default_must_be_a_declared_value(tmp_path: Path) -> None:
    doc = profiled_overlay("eks", {"service": "eks"}, stack_profile(default="nope"))
    assert 'default "nope" is not a declared value' in rejected(tmp_path, doc).message


def test_values_must_assign_the_same_paths(tmp_path: Path) -> None:
    profile = stack_profile()
    profile["values"]["operator"]["componentRefs"][0]["overrides"]["driver"]["version"] = "580"
    assert (
        "must assign the same paths"
        in rejected(tmp_path, profiled_overlay("eks", {"service": "eks"}, profile)).message
    )


def test_profile_may_not_set_enabled(tmp_path: Path) -> None:
    profile = stack_profile()
    for value in profile["values"].values():
        value["componentRefs"][1]["overrides"] = {"enabled": False}
    assert (
        "may not set overrides.enabled"
        in rejected(tmp_path, profiled_overlay("eks", {"service": "eks"}, profile)).message
    )


def test_dotted_override_keys_are_rejected(tmp_path: Path) -> None:
    profile = stack_profile()
    for value in profile["values"].values():
        value["componentRefs"][1]["overrides"] = {"a.b": 1}
    assert (
        "contain no dot" in rejected(tmp_path, profiled_overlay("eks", {"service": "eks"}, profile)).message
    )


def test_unknown_advertiser_is_rejected(tmp_path: Path) -> None:
    profile = stack_profile()
    profile["values"]["managed"]["advertiser"] = "internal"
    assert (
        'invalid advertiser "internal"'
        in rejected(tmp_path, profiled_overlay("eks", {"service": "eks"}, profile)).message
    )


def test_mixins_cannot_declare_profiles(tmp_path: Path) -> None:
    with pytest.raises(AicrError, match="profile"):
        load(
            tmp_path,
            overlay("eks", {"service": "eks"}),
            mixins=[mixin("m", profile=stack_profile())],
        )


def test_compiled_overlay_carries_owned_paths(tmp_path: Path) -> None:
    catalog = tiny_catalog(
        tmp_path / "cat",
        registry=[helm("gpu-operator"), helm("dra")],
        base=overlay("base", componentRefs=[{"name": "gpu-operator"}, {"name": "dra"}]),
        overlays=[profiled_overlay("eks", {"service": "eks"}, stack_profile())],
    )
    assert catalog.overlays["eks"]["profile"]["ownedPaths"] == {
        "dra": ["enabled", "root"],
        "gpu-operator": ["driver.enabled", "enabled"],
    }
