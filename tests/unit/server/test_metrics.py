"""Prometheus exposition: reference metric names, route-template labels, cumulative buckets."""

from __future__ import annotations

from aicr.server.metrics import UNMATCHED, Metrics


def test_requests_and_durations_are_labelled_by_template() -> None:
    metrics = Metrics("1.2.3")
    metrics.observe("GET", "/v1/recipe", 200, 0.0003)
    metrics.observe("GET", "/v1/recipe", 200, 0.002)
    metrics.observe("GET", UNMATCHED, 404, 0.0001)
    text = metrics.render().decode()
    assert 'aicr_http_requests_total{method="GET",path="/v1/recipe",status="200"} 2' in text
    assert 'aicr_http_requests_total{method="GET",path="unmatched",status="404"} 1' in text
    assert 'aicr_http_request_duration_seconds_bucket{method="GET",path="/v1/recipe",le="0.0005"} 1' in text
    assert 'aicr_http_request_duration_seconds_bucket{method="GET",path="/v1/recipe",le="0.0025"} 2' in text
    assert 'aicr_http_request_duration_seconds_bucket{method="GET",path="/v1/recipe",le="+Inf"} 2' in text
    assert 'aicr_http_request_duration_seconds_count{method="GET",path="/v1/recipe"} 2' in text
    assert 'aicr_build_info{version="1.2.3"} 1' in text


def test_unknown_methods_share_one_label() -> None:
    assert Metrics.method_label("BREW") == "OTHER"
    assert Metrics.method_label("PATCH") == "PATCH"


def test_gauges_and_counters_are_always_exposed() -> None:
    text = Metrics("0").render().decode()
    for name in (
        "aicr_http_requests_in_flight 0",
        "aicr_rate_limit_rejects_total 0",
        "aicr_panic_recoveries_total 0",
    ):
        assert f"\n{name}\n" in text
    assert text.endswith("\n")


def test_cache_lookups_are_counted_per_kind() -> None:
    metrics = Metrics("0")
    metrics.cache_lookup("recipe", True)
    metrics.cache_lookup("recipe", False)
    text = metrics.render().decode()
    assert 'aicr_response_cache_hits_total{kind="recipe"} 1' in text
    assert 'aicr_response_cache_misses_total{kind="recipe"} 1' in text
