"""The recipe explorer's files over real HTTP, and the `explain=true` answer the page reads."""

from __future__ import annotations

import re

import httpx
import pytest
from tests.integration.server.conftest import Running

from aicr.server.ui import ASSETS, CSP

EKS = {"service": "eks", "accelerator": "h100", "intent": "training"}


@pytest.fixture(scope="module")
def client(server: Running) -> httpx.Client:
    return server.client()


@pytest.mark.parametrize("path", sorted(ASSETS))
def test_every_ui_file_is_served_with_the_csp(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["content-type"] == ASSETS[path][1] + "; charset=utf-8"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_csp_allows_no_inline_script(client: httpx.Client) -> None:
    policy = client.get("/ui").headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy


def test_the_page_has_no_inline_script_or_style(client: httpx.Client) -> None:
    html = client.get("/ui").text
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/ui/explorer.js" defer>']
    assert "<style" not in html
    assert " style=" not in html
    assert not re.search(r" on[a-z]+=", html)


def test_every_criteria_select_has_a_label(client: httpx.Client) -> None:
    html = client.get("/ui").text
    for field in ("service", "accelerator", "intent", "os", "platform", "deployer"):
        assert f'<label for="{field}">' in html
        assert f'<select id="{field}"' in html


def test_the_page_calls_only_public_endpoints(client: httpx.Client) -> None:
    script = client.get("/ui/explorer.js").text
    called = set(re.findall(r'fetch\("(/[^"?]*)', script))
    assert called == {"/openapi.json", "/v1/recipe", "/v1/bundle"}


def test_the_ui_is_not_listed_among_the_api_routes(client: httpx.Client) -> None:
    assert not [route for route in client.get("/").json()["routes"] if route.startswith("/ui")]


def test_explain_adds_provenance_keyed_by_path(client: httpx.Client) -> None:
    body = client.get("/v1/recipe", params={**EKS, "explain": "true"}).json()
    assert body["kind"] == "RecipeResult"
    entry = body["provenance"]["components.gpu-operator.version"]
    assert entry["layer"] in ("registry", "values-file", "overlay", "mixin")
    assert entry["value"] == next(r["version"] for r in body["componentRefs"] if r["name"] == "gpu-operator")


def test_without_explain_there_is_no_provenance(client: httpx.Client) -> None:
    client.get("/v1/recipe", params={**EKS, "explain": "true"})  # an explained answer is cached apart
    assert "provenance" not in client.get("/v1/recipe", params=EKS).json()
    assert "provenance" not in client.get("/v1/recipe", params={**EKS, "explain": "false"}).json()


def test_a_bad_explain_value_is_400(client: httpx.Client) -> None:
    response = client.get("/v1/recipe", params={**EKS, "explain": "maybe"})
    assert response.status_code == 400
    assert "explain" in response.json()["details"]["error"]


def test_the_openapi_document_lists_the_explain_parameter(client: httpx.Client) -> None:
    params = client.get("/openapi.json").json()["paths"]["/v1/recipe"]["get"]["parameters"]
    assert "true" in next(p for p in params if p["name"] == "explain")["schema"]["enum"]
