"""Validator image rules: reference/validate.md §3.1 and acceptance case 29."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aicr.validate.images import (
    is_release,
    overrides_from_env,
    pull_policy,
    release_tag,
    replace_registry,
    resolve_image,
)

GHCR = "ghcr.io/nvidia/aicr-validators/deployment:latest"


def test_case29_registry_override() -> None:
    assert replace_registry(GHCR, "localhost:5001") == "localhost:5001/aicr-validators/deployment:latest"
    assert replace_registry("registry.io/image:tag", "localhost:5001") == "localhost:5001/image:tag"
    assert replace_registry("image:tag", "localhost:5001") == "image:tag"


def test_case29_release_pins_latest_and_dev_keeps_it() -> None:
    assert resolve_image(GHCR, version="0.11.1") == "ghcr.io/nvidia/aicr-validators/deployment:v0.11.1"
    assert resolve_image(GHCR, version="v0.11.1") == "ghcr.io/nvidia/aicr-validators/deployment:v0.11.1"
    assert resolve_image(GHCR, version="dev") == GHCR
    assert resolve_image(GHCR, version="0.12.0-next") == GHCR


def test_non_release_builds_with_a_commit_use_the_sha_tag() -> None:
    assert release_tag("dev", "abc1234") == "sha-abc1234"
    assert release_tag("dev", "unknown") == ""


def test_pinned_tags_are_kept() -> None:
    assert resolve_image("ghcr.io/x/y/z:v1.2.3", version="0.11.1") == "ghcr.io/x/y/z:v1.2.3"


def test_tag_override_wins_but_never_touches_digests() -> None:
    assert (
        resolve_image(GHCR, version="0.11.1", tag="edge") == "ghcr.io/nvidia/aicr-validators/deployment:edge"
    )
    digest = "ghcr.io/x/y@sha256:" + "a" * 64
    assert resolve_image(digest, tag="edge") == digest


def test_both_overrides_together() -> None:
    resolved = resolve_image(GHCR, version="1.0.0", registry="localhost:5001", tag="dev-build")
    assert resolved == "localhost:5001/aicr-validators/deployment:dev-build"


def test_registry_with_port_is_not_mistaken_for_a_tag() -> None:
    assert resolve_image("localhost:5001/checks:latest", version="1.0.0") == "localhost:5001/checks:v1.0.0"


@pytest.mark.parametrize(
    ("image", "override", "policy"),
    [
        ("ko.local/checks:abc", "", "Never"),
        ("kind.local/checks:v1", "", "Never"),
        ("ghcr.io/x/y@sha256:" + "b" * 64, "", "IfNotPresent"),
        ("ghcr.io/x/y:latest", "", "Always"),
        ("ghcr.io/x/y", "", "Always"),
        ("ghcr.io/x/y:edge", "edge", "Always"),
        ("ghcr.io/x/y:v1.0.0", "", "IfNotPresent"),
    ],
)
def test_pull_policy(image: str, override: str, policy: str) -> None:
    assert pull_policy(image, tag_override=override) == policy


def test_overrides_come_from_the_environment() -> None:
    env = {"AICR_VALIDATOR_IMAGE_REGISTRY": " localhost:5001 ", "AICR_VALIDATOR_IMAGE_TAG": "edge"}
    assert overrides_from_env(env) == ("localhost:5001", "edge")
    assert overrides_from_env({}) == ("", "")


_VERSION_TEXT = st.text(alphabet=st.sampled_from("v0123.a-\n ١³"), max_size=10)


@settings(max_examples=500, deadline=None)
@given(_VERSION_TEXT)
def test_release_rule_agrees_with_the_release_pattern(version: str) -> None:
    text = version.strip()
    expected = bool(text) and text != "dev" and "-next" not in text
    expected = expected and bool(re.match(r"^v?\d+\.\d+\.\d+$", text))
    assert is_release(version) == expected


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("0af9gA \n"), max_size=44))
def test_commit_tag_agrees_with_the_commit_pattern(commit: str) -> None:
    expected = "sha-" + commit.strip() if re.match(r"^[0-9a-f]{7,40}$", commit.strip()) else ""
    assert release_tag("dev", commit) == expected
