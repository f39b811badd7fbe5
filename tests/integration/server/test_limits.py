"""Limits and middleware over real HTTP: body sizes, timeouts, rate limits per client, metrics."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from tests.support.waiting import wait_until

from aicr.catalog.catalog import Catalog
from aicr.server.settings import MIB, Settings

EKS = {"service": "eks", "accelerator": "h100", "intent": "training"}


class GatedCatalog(Catalog):
    """The embedded catalog's data with a resolve that waits for `gate` and counts calls."""

    def __init__(self, base: Catalog) -> None:
        super().__init__(base.data)
        self.gate = threading.Event()
        self.calls = 0
        self._lock = threading.Lock()

    def resolve(self, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            self.calls += 1
        assert self.gate.wait(10), "the test never opened the gate"
        return super().resolve(*args, **kwargs)


def test_bundle_body_limit_is_8_mib(client: httpx.Client) -> None:
    response = client.post(
        "/v1/bundle", content=b"x" * (8 * MIB + 1), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["details"] == {"limit_bytes": 8 * MIB}


def test_body_limit_applies_to_chunked_bodies(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(20):
            yield b" " * (64 * 1024)

    response = client.post("/v1/query", content=chunks())
    assert response.status_code == 413
    assert response.json()["message"] == "Request body exceeds maximum allowed size"


def test_a_body_just_under_the_limit_is_parsed(client: httpx.Client) -> None:
    body = b'{"spec": {"service": "eks", "intent": "training"}}' + b" " * (MIB - 60)
    response = client.post("/v1/recipe", content=body)
    assert response.status_code == 200


def test_handler_timeout_is_504_and_the_work_still_fills_the_cache(serve: Any, catalog: Catalog) -> None:
    slow = GatedCatalog(catalog)
    running = serve(Settings(recipe_timeout=0.2), catalog=slow)
    with running.client() as client:
        response = client.get("/v1/recipe", params=EKS)
        assert response.status_code == 504
        body = response.json()
        assert (body["code"], body["retryable"]) == ("TIMEOUT", True)
        assert body["requestId"] == response.headers["x-request-id"]
        slow.gate.set()
        cache = running.app.state.service.cache
        wait_until(lambda: len(cache) == 1, "the abandoned run to fill the cache")
        assert client.get("/v1/recipe", params=EKS).status_code == 200  # cached by the abandoned run
    assert slow.calls == 1


def test_concurrent_misses_share_one_resolution(serve: Any, catalog: Catalog) -> None:
    slow = GatedCatalog(catalog)
    running = serve(Settings(rate_limit=0), catalog=slow)
    misses = running.app.state.metrics.cache_misses
    with ThreadPoolExecutor(8) as pool:
        pending = [pool.submit(httpx.get, f"{running.url}/v1/recipe", params=EKS) for _ in range(8)]
        wait_until(lambda: misses.get("recipe", 0) == 8, "all eight requests to miss the cache")
        slow.gate.set()
        responses = [future.result() for future in pending]
    assert {r.status_code for r in responses} == {200}
    assert len({r.content for r in responses}) == 1
    assert slow.calls == 1


@pytest.mark.usefixtures("frozen_rate_clock")
def test_rate_limits_are_per_client_address(serve: Any) -> None:
    running = serve(Settings(rate_limit=1, rate_burst=3))
    first = httpx.Client(base_url=running.url, transport=httpx.HTTPTransport(local_address="127.0.0.1"))
    second = httpx.Client(base_url=running.url, transport=httpx.HTTPTransport(local_address="127.0.0.2"))
    with first, second:
        assert [first.get("/").status_code for _ in range(4)] == [200, 200, 200, 429]
        assert second.get("/").status_code == 200
        assert second.get("/").headers["x-ratelimit-remaining"] == "1"


def test_rate_limiting_can_be_disabled(serve: Any) -> None:
    with serve(Settings(rate_limit=0)).client() as client:
        responses = [client.get("/") for _ in range(50)]
    assert {r.status_code for r in responses} == {200}
    assert "x-ratelimit-limit" not in responses[0].headers


def test_metrics_use_route_templates_and_skip_system_endpoints(serve: Any) -> None:
    with serve().client() as client:
        _exercise_and_check_metrics(client)


def _exercise_and_check_metrics(client: httpx.Client) -> None:
    client.get("/v1/recipe", params=EKS)
    client.get("/v1/recipe", params=EKS)
    client.get("/nosuch/one")
    client.get("/nosuch/two?x=1")
    client.request("PROPFIND", "/v1/recipe")  # parsed by httptools, not a standard method
    client.get("/health")
    client.get("/ready")
    text = client.get("/metrics").text
    assert 'aicr_http_requests_total{method="GET",path="/v1/recipe",status="200"} 2' in text
    assert 'aicr_http_requests_total{method="GET",path="unmatched",status="404"} 2' in text
    assert 'aicr_http_requests_total{method="OTHER",path="/v1/recipe",status="405"} 1' in text
    assert "nosuch" not in text
    assert 'path="/health"' not in text and 'path="/metrics"' not in text
    assert re.search(r'aicr_response_cache_hits_total\{kind="recipe"\} [1-9]', text)
    assert "aicr_http_requests_in_flight 0" in text


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS", "PATCH"])
def test_other_methods_on_api_routes_are_405(client: httpx.Client, method: str) -> None:
    response = client.request(method, "/v1/query")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
