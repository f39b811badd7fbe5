"""Chart archives for `mirror list`: pulled once per run, an unreachable repository asked once."""

from __future__ import annotations

import pytest
from tests.support.oci_registry import free_port

from aicr.errors import AicrError, Code
from aicr.mirror.sources import RepositoryCharts


def test_an_archive_is_pulled_once_per_run(chart_repo: str) -> None:
    with RepositoryCharts() as charts:
        first = charts.fetch(chart_repo, "demo", "1.0.0")
        assert charts.fetch(chart_repo, "demo", "1.0.0") is first


def test_oci_source_is_pulled_over_plain_http_when_asked(oci_charts: str) -> None:
    with RepositoryCharts(plain_http=True) as charts:
        assert charts.fetch(oci_charts, "ocidemo", "0.4.0")[:2] == b"\x1f\x8b"  # a gzip archive


def test_unreachable_repository_is_not_asked_again() -> None:
    source = f"http://127.0.0.1:{free_port()}/"
    with RepositoryCharts() as charts:
        with pytest.raises(AicrError) as first:
            charts.fetch(source, "a", "1.0.0")
        with pytest.raises(AicrError) as second:
            charts.fetch(source, "b", "2.0.0")
    assert first.value.code is Code.UNAVAILABLE
    assert second.value is first.value


def test_missing_version_is_not_found_and_does_not_mark_the_repository_down(chart_repo: str) -> None:
    with RepositoryCharts() as charts:
        with pytest.raises(AicrError) as err:
            charts.fetch(chart_repo, "demo", "9.9.9")
        assert err.value.code is Code.NOT_FOUND
        assert charts.fetch(chart_repo, "demo", "1.0.0")
