"""The aicrd API contract: reference/surface.md §8 cases 16-29 over real HTTP.

Deliberate difference from the reference, from issue 6: unknown paths are 404 (the reference
answers them like GET /). The /v2 routes are covered in test_v2_contract.py.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from typing import Any

import httpx
import pytest

from aicr.recipe.allowlist import Allowlist
from aicr.server.settings import Settings

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
EKS_H100_TRAINING = {"service": "eks", "accelerator": "h100", "intent": "training"}


def assert_error(response: httpx.Response, status: int, code: str, message: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "message", "details", "requestId", "timestamp", "retryable"}
    assert body["code"] == code
    assert body["message"] == message
    assert body["requestId"] == response.headers["x-request-id"]
    assert body["timestamp"].endswith("Z")
    return body


def test_case16_health_is_plain_and_outside_the_middleware(client: httpx.Client) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "healthy"
    assert "x-request-id" not in response.headers
    assert "x-ratelimit-limit" not in response.headers
    refused = client.post("/health")
    assert refused.status_code == 405
    assert refused.headers["content-type"].startswith("text/plain")
    assert refused.headers["allow"] == "GET"


def test_case17_root_lists_sorted_routes_and_unknown_paths_are_404(client: httpx.Client) -> None:
    root = client.get("/")
    assert root.status_code == 200
    assert root.json() == {
        "routes": ["/v1/bundle", "/v1/query", "/v1/recipe", "/v2/bundle", "/v2/query", "/v2/recipe"],
        "service": "aicrd",
        "version": "0.1.0",
    }
    assert_error(client.get("/nosuch/path"), 404, "NOT_FOUND", "Not found")
    deleted = client.delete("/")
    body = assert_error(deleted, 405, "METHOD_NOT_ALLOWED", "Method not allowed")
    assert deleted.headers["allow"] == "GET"
    assert body["details"] == {"method": "DELETE", "allowed": ["GET"]}


def test_case18_recipe_get_headers(client: httpx.Client) -> None:
    response = client.get("/v1/recipe", params=EKS_H100_TRAINING)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=600"
    assert response.headers["x-api-version"] == "v1"
    assert UUID.match(response.headers["x-request-id"])
    for header in ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"):
        assert response.headers[header].isdigit()
    doc = response.json()
    assert doc["kind"] == "RecipeResult"
    assert doc["criteria"] == {**EKS_H100_TRAINING, "os": "any", "platform": "any"}
    assert doc["metadata"]["appliedOverlays"][0] == "base"
    assert "eks" in doc["metadata"]["appliedOverlays"]
    assert doc["componentRefs"] and doc["deploymentOrder"]


def test_case18_api_and_library_agree(client: httpx.Client, catalog: Any) -> None:
    from aicr.recipe.criteria import Criteria
    from aicr.version import recipe_version

    expected = catalog.resolve(
        Criteria.from_mapping({**EKS_H100_TRAINING, "os": "ubuntu"}), version=recipe_version()
    ).doc
    first = client.get("/v1/recipe", params={**EKS_H100_TRAINING, "os": "Ubuntu "})
    cached = client.get("/v1/recipe", params={**EKS_H100_TRAINING, "os": "ubuntu"})
    assert first.json() == expected
    assert cached.content == first.content


@pytest.mark.parametrize(
    ("params", "text"),
    [
        ({"service": "windows"}, "invalid service type: windows"),
        ({"service": "eks", "nodes": "-1"}, "invalid nodes count: -1 (must be >= 0)"),
        ({"service": "eks", "nodes": "abc"}, "invalid nodes value: abc"),
    ],
)
def test_case19_bad_criteria_are_400(client: httpx.Client, params: dict[str, str], text: str) -> None:
    body = assert_error(
        client.get("/v1/recipe", params=params), 400, "INVALID_REQUEST", "Invalid recipe criteria"
    )
    assert text in body["details"]["error"]
    assert body["retryable"] is False


def test_case20_put_recipe_is_405_with_allow(client: httpx.Client) -> None:
    response = client.put("/v1/recipe")
    body = assert_error(response, 405, "METHOD_NOT_ALLOWED", "Method not allowed")
    assert response.headers["allow"] == "GET, POST"
    assert body["details"] == {"allowed": ["GET", "POST"], "method": "PUT"}


def test_case21_post_recipe_bodies(client: httpx.Client) -> None:
    empty = client.post("/v1/recipe", content=b"")
    assert (
        "request body is empty"
        in assert_error(empty, 400, "INVALID_REQUEST", "Invalid recipe criteria")["details"]["error"]
    )
    foo = client.post("/v1/recipe", json={"kind": "Foo"})
    error = assert_error(foo, 400, "INVALID_REQUEST", "Invalid recipe criteria")["details"]["error"]
    assert 'invalid kind "Foo", expected "RecipeCriteria"' in error
    yaml_body = "kind: RecipeCriteria\napiVersion: aicr.nvidia.com/v1alpha1\nspec:\n  service: eks\n  accelerator: h100\n  intent: training\n"
    ok = client.post("/v1/recipe", content=yaml_body, headers={"content-type": "application/x-yaml"})
    assert ok.status_code == 200, ok.text
    assert ok.json()["criteria"]["accelerator"] == "h100"
    as_json = client.post(
        "/v1/recipe", json={"spec": {"service": "eks", "accelerator": "h100", "intent": "training"}}
    )
    assert as_json.content == ok.content


def test_case21_post_recipe_spec_errors_keep_the_reference_wrapper(client: httpx.Client) -> None:
    response = client.post("/v1/recipe", json={"spec": {"service": "windows"}})
    error = assert_error(response, 400, "INVALID_REQUEST", "Invalid recipe criteria")["details"]["error"]
    assert error == "invalid service in criteria spec: invalid service type: windows"


def test_case22_query(client: httpx.Client) -> None:
    chart = client.get("/v1/query", params={**EKS_H100_TRAINING, "selector": "components.gpu-operator.chart"})
    assert chart.status_code == 200
    assert chart.content == b'"gpu-operator"'
    assert chart.headers["cache-control"] == "public, max-age=600"
    bad = client.get("/v1/query", params={**EKS_H100_TRAINING, "selector": "components.nope.x"})
    body = assert_error(bad, 404, "NOT_FOUND", "Selector path not found")
    assert body["details"]["selector"] == "components.nope.x"
    assert 'key "nope" not found, available keys: ' in body["details"]["error"]
    posted = client.post("/v1/query", json={"criteria": EKS_H100_TRAINING, "selector": "deploymentOrder"})
    assert posted.status_code == 200
    assert isinstance(posted.json(), list) and "gpu-operator" in posted.json()


def test_case22_query_value_matches_the_library(client: httpx.Client, catalog: Any) -> None:
    from aicr.recipe.criteria import Criteria

    selector = "components.gpu-operator.values.driver.version"
    criteria = {**EKS_H100_TRAINING, "os": "ubuntu"}
    response = client.get("/v1/query", params={**criteria, "selector": selector})
    assert response.status_code == 200
    assert response.json() == catalog.query(Criteria.from_mapping(criteria), selector)


def test_case22_query_golden_on_the_v011_catalog(serve: Any, fixture_catalog: Any) -> None:
    # reference/recipe.md §10 case 22: the v0.11 catalog answers 580.105.08
    params = {
        **EKS_H100_TRAINING,
        "os": "ubuntu",
        "selector": "components.gpu-operator.values.driver.version",
    }
    with serve(catalog=fixture_catalog).client() as client:
        assert client.get("/v1/query", params=params).json() == "580.105.08"
        whole = client.get("/v1/query", params={**params, "selector": ""}).json()
        order = whole["deploymentOrder"]
    assert order[:3] == ["aws-ebs-csi-driver", "aws-efa", "cert-manager"]


def test_case23_bundle_request_errors(client: httpx.Client) -> None:
    response = client.get("/v1/bundle")
    assert_error(response, 405, "METHOD_NOT_ALLOWED", "Method not allowed")
    assert response.headers["allow"] == "POST"
    assert_error(
        client.post("/v1/bundle", json={}),
        400,
        "INVALID_REQUEST",
        "Recipe must contain at least one component reference",
    )
    assert_error(
        client.post("/v1/bundle", content=b"not json"), 400, "INVALID_REQUEST", "Invalid request body"
    )
    bogus = client.post("/v1/bundle", params={"deployer": "bogus"}, json={})
    assert (
        'invalid deployer type "bogus"'
        in assert_error(bogus, 400, "INVALID_REQUEST", "Invalid deployer parameter")["details"]["error"]
    )
    negative = client.post("/v1/bundle", params={"nodes": "-3"}, json={})
    assert_error(negative, 400, "INVALID_REQUEST", "nodes must be a non-negative integer")


def test_case24_bundle_zip(client: httpx.Client) -> None:
    recipe = client.get("/v1/recipe", params=EKS_H100_TRAINING).json()
    response = client.post("/v1/bundle", json=recipe)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"] == 'attachment; filename="bundles.zip"'
    assert response.headers["x-bundle-duration"].endswith(("ms", "s"))
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert int(response.headers["x-bundle-files"]) == len(names)
    assert int(response.headers["x-bundle-size"]) > 0
    assert {"checksums.txt", "recipe.yaml", "README.md", "deploy.sh"} <= set(names)
    again = client.post("/v1/bundle", json=recipe)
    assert again.content == response.content  # deterministic zip


def test_case25_request_id_echoed_only_when_a_uuid(client: httpx.Client) -> None:
    given = "11111111-2222-3333-4444-555555555555"
    echoed = client.get("/v1/recipe", params={"service": "windows"}, headers={"X-Request-Id": given})
    assert echoed.headers["x-request-id"] == given
    assert echoed.json()["requestId"] == given
    replaced = client.get("/v1/recipe", params=EKS_H100_TRAINING, headers={"X-Request-Id": "not-a-uuid"})
    assert replaced.headers["x-request-id"] != "not-a-uuid"
    assert uuid.UUID(replaced.headers["x-request-id"]).version == 4


def test_case26_allowlist(serve: Any) -> None:
    settings = Settings(allowlist=Allowlist({"accelerator": ["h100", "l40"]}))
    with serve(settings).client() as client:
        refused = client.get("/v1/recipe", params={"accelerator": "gb200"})
        body = assert_error(refused, 400, "INVALID_REQUEST", "accelerator type not allowed")
        assert body["details"] == {"allowed": ["h100", "l40"], "requested": "gb200"}
        assert client.get("/v1/recipe", params={"accelerator": "any"}).status_code == 200
        query = client.get("/v1/query", params={"accelerator": "gb200", "selector": ""})
        assert_error(query, 400, "INVALID_REQUEST", "accelerator type not allowed")


def test_case26_allowlist_applies_to_bundle_body_criteria(serve: Any, catalog: Any) -> None:
    settings = Settings(allowlist=Allowlist({"service": ["gke"]}))
    with serve(settings).client() as client:
        from aicr.recipe.criteria import Criteria

        recipe = catalog.resolve(Criteria.from_mapping(EKS_H100_TRAINING)).to_dict()
        response = client.post("/v1/bundle", json=recipe)
        body = assert_error(response, 400, "INVALID_REQUEST", "service type not allowed")
        assert body["details"] == {"requested": "eks", "allowed": ["gke"]}


@pytest.mark.usefixtures("frozen_rate_clock")
def test_case27_rate_limit_burst(serve: Any) -> None:
    running = serve(Settings(rate_limit=100, rate_burst=200))
    with running.client() as client:
        statuses = [client.get("/").status_code for _ in range(260)]
        assert statuses.count(429) >= 1
        assert statuses[:200] == [200] * 200
        rejected = client.get("/")
        while rejected.status_code != 429:
            rejected = client.get("/")
        body = assert_error(rejected, 429, "RATE_LIMIT_EXCEEDED", "Rate limit exceeded")
        assert body["details"] == {"limit": 100, "burst": 200}
        assert body["retryable"] is True
        assert rejected.headers["retry-after"] == "1"
        assert rejected.headers["x-ratelimit-remaining"] == "0"
        metrics = client.get("/metrics").text
    rejects = re.search(r"^aicr_rate_limit_rejects_total (\d+)$", metrics, re.M)
    assert rejects and int(rejects.group(1)) >= 2


def test_case28_no_criteria_and_body_limit(client: httpx.Client) -> None:
    message = (
        "no criteria provided: specify at least one of service, accelerator, intent, os, platform, nodes"
    )
    assert_error(client.get("/v1/recipe"), 400, "INVALID_REQUEST", message)
    assert_error(client.post("/v1/recipe", json={"spec": {}}), 400, "INVALID_REQUEST", message)
    assert_error(
        client.post("/v1/query", json={"criteria": {}, "selector": ""}), 400, "INVALID_REQUEST", message
    )
    big = b'{"spec": {"service": "eks"}, "pad": "' + b"x" * (1024 * 1024) + b'"}'
    body = assert_error(
        client.post("/v1/recipe", content=big),
        413,
        "INVALID_REQUEST",
        "Request body exceeds maximum allowed size",
    )
    assert body["details"] == {"limit_bytes": 1024 * 1024}


def test_case29_attestation_and_vendor_charts_are_refused(client: httpx.Client) -> None:
    attest = client.post("/v1/bundle", params={"attest": "true"}, json={})
    assert_error(attest, 400, "INVALID_REQUEST", "Server is not configured for attestation")
    vendor = client.post("/v1/bundle", params={"vendor-charts": "true"}, json={})
    assert_error(vendor, 400, "INVALID_REQUEST", "vendor-charts is not enabled on this server")
