"""Semantic versions and ranges of transition records."""

from __future__ import annotations

import pytest

from aicr.upgrade.semver import SemVer, compare, parse_range, parse_semver


def _v(text: str) -> SemVer:
    version = parse_semver(text)
    assert version is not None
    return version


@pytest.mark.parametrize(
    ("lower", "higher"),
    [("1.2.3", "1.2.10"), ("v0.9.0", "0.10.0"), ("1.0.0-alpha.8", "1.0.0-alpha.12"), ("1.0.0-rc.1", "1.0.0"),
     ("1.0.0-alpha", "1.0.0-alpha.1"), ("1.0.0-1", "1.0.0-a"), ("1", "1.0.1")],
)  # fmt: skip
def test_versions_order_by_semver_precedence(lower: str, higher: str) -> None:
    assert compare(_v(lower), _v(higher)) == -1 and compare(_v(higher), _v(lower)) == 1


def test_build_metadata_and_v_prefix_do_not_change_precedence() -> None:
    assert compare(_v("v1.2.3+build.5"), _v("1.2.3")) == 0


@pytest.mark.parametrize("text", ["main", "release-1.4", "1.2.3.4", "abc1234", "1..2", "1.2.3-", "-1.2"])
def test_non_semantic_versions_are_not_parsed(text: str) -> None:
    assert parse_semver(text) is None


def test_range_is_an_and_of_comparators() -> None:
    window = parse_range(">=0.18.0 <0.20.0")
    assert window is not None
    assert [window.contains(_v(v)) for v in ("0.17.9", "0.18.0", "0.19.5", "0.20.0")] == [
        False,
        True,
        True,
        False,
    ]


def test_bare_version_range_is_exactly_that_version() -> None:
    exact = parse_range("0.1.0-alpha.12")
    assert exact is not None and exact.contains(_v("v0.1.0-alpha.12")) and not exact.contains(_v("0.1.0"))


def test_floor_and_ceiling_of_a_range() -> None:
    window = parse_range(">=1.18.0 <1.19.0")
    assert window is not None and window.floor() == _v("1.18.0") and window.ceiling() == (_v("1.19.0"), False)
    assert window.at_or_past_floor(_v("2.0.0")) and not window.below_ceiling(_v("1.19.0"))


def test_malformed_range_is_refused() -> None:
    assert parse_range(">=one") is None and parse_range("") is None
