"""POST /v1/bundle?vendor-charts=true: refused unless AICR_ALLOW_VENDOR_CHARTS, then charts are vendored."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.integration.bundle.chart_repos import make_chart
from tests.support.chart_server import ChartServer

from aicr.server.settings import Settings

EKS = {"service": "eks", "accelerator": "h100", "intent": "training", "os": "ubuntu"}


@pytest.fixture(scope="module")
def cert_manager_recipe(catalog: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The EKS recipe with every chart source on a loopback repository holding cert-manager's chart."""
    from aicr.recipe.criteria import Criteria
    from aicr.version import recipe_version

    doc: dict[str, Any] = catalog.resolve(Criteria.from_mapping(EKS), version=recipe_version()).to_dict()
    ref = next(r for r in doc["componentRefs"] if r["name"] == "cert-manager")
    root: Path = tmp_path_factory.mktemp("server-charts")
    make_chart(root, ref["chart"], ref["version"])
    with ChartServer(root / "dist") as server:
        for each in doc["componentRefs"]:
            if str(each.get("source") or "").startswith("http"):
                each["source"] = server.url
        yield doc


def test_vendor_charts_is_refused_without_the_server_opt_in(
    serve: Any, cert_manager_recipe: dict[str, Any]
) -> None:
    with serve(Settings()).client() as http:
        response = http.post("/v1/bundle", params={"vendor-charts": "true"}, json=cert_manager_recipe)
    assert response.status_code == 400
    assert response.json()["message"] == "vendor-charts is not enabled on this server"


def test_opted_in_server_returns_a_bundle_with_the_vendored_chart(
    serve: Any, cert_manager_recipe: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AICR_VENDOR_ALLOW_LOOPBACK", "true")
    params = {"vendor-charts": "true", "bundlers": "cert-manager"}
    with serve(Settings(allow_vendor_charts=True)).client() as http:
        response = http.post("/v1/bundle", params=params, json=cert_manager_recipe)
    assert response.status_code == 200, response.text
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "provenance.yaml" in names
    assert any(n.startswith("001-cert-manager/charts/cert-manager-") and n.endswith(".tgz") for n in names)


def test_opted_in_server_still_refuses_a_loopback_repository(
    serve: Any, cert_manager_recipe: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AICR_VENDOR_ALLOW_LOOPBACK", raising=False)
    params = {"vendor-charts": "true", "bundlers": "cert-manager"}
    with serve(Settings(allow_vendor_charts=True)).client() as http:
        response = http.post("/v1/bundle", params=params, json=cert_manager_recipe)
    assert response.status_code == 400
    assert "loopback" in response.json()["message"]
