"""The strict /v2 routes over real HTTP: profiles, Slurm accounting mode, envelopes, content types,
strict parameters; and /v1 refusing profile input (reference/surface.md §3)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import httpx
import pytest
from tests.integration.server.test_api_contract import assert_error

from aicr.recipe.criteria import Criteria

AKS: dict[str, Any] = {"service": "aks", "accelerator": "h100", "intent": "training", "os": "ubuntu"}
GKE = {"service": "gke", "accelerator": "h100", "intent": "training", "os": "cos"}
SLURM = {"service": "eks", "accelerator": "h100", "intent": "training", "os": "ubuntu", "platform": "slurm"}
DEVICE_PLUGIN = "components.gpu-operator.values.devicePlugin.enabled"
YAML = {"content-type": "application/x-yaml"}


def test_get_recipe_applies_the_default_profile(client: httpx.Client) -> None:
    body = client.get("/v2/recipe", params=AKS).json()
    assert body["apiVersion"] == "aicr.run/v1alpha3"
    assert body["metadata"]["selectedProfile"]["value"] == "azure-managed"


def test_get_recipe_with_a_profile_matches_the_library(client: httpx.Client, catalog: Any) -> None:
    response = client.get("/v2/recipe", params={**AKS, "profile": "gpuStack=operator-managed"})
    assert response.status_code == 200, response.text
    expected = catalog.resolve(Criteria(**AKS), profile="gpuStack=operator-managed").doc
    assert response.json()["componentRefs"] == expected["componentRefs"]
    assert response.json()["metadata"]["selectedProfile"] == expected["metadata"]["selectedProfile"]


def test_unknown_profile_value_is_400_with_valid_values(client: httpx.Client) -> None:
    response = client.get("/v2/recipe", params={**AKS, "profile": "gpuStack=nope"})
    body = assert_error(response, 400, "INVALID_REQUEST", 'unknown value "nope" for profile "gpuStack"')
    assert body["details"]["valid"] == ["azure-managed", "operator-managed"]


def test_profile_on_a_recipe_without_one_is_400(client: httpx.Client) -> None:
    response = client.get("/v2/recipe", params={**SLURM, "profile": "gpuStack=gke-default"})
    assert response.status_code == 400
    assert "declares a profile" in response.json()["message"]


def test_slurm_accounting_mode_is_accepted(client: httpx.Client) -> None:
    body = client.get("/v2/recipe", params={**SLURM, "slurmAccountingMode": "customer-managed"}).json()
    assert body["configuration"]["slurm"]["accounting"]["mode"] == "customer-managed"


def test_unknown_query_parameter_is_400(client: httpx.Client) -> None:
    body = assert_error(
        client.get("/v2/recipe", params={**AKS, "servce": "eks"}),
        400,
        "INVALID_REQUEST",
        "Invalid query parameters",
    )
    assert body["details"]["param"] == "servce"


def test_conflicting_repeated_parameter_is_400(client: httpx.Client) -> None:
    response = client.get("/v2/recipe?service=aks&service=eks&accelerator=h100")
    body = assert_error(response, 400, "INVALID_REQUEST", "Invalid query parameters")
    assert "conflicting" in body["details"]["error"]


def test_identical_repeated_parameter_is_accepted(client: httpx.Client) -> None:
    assert (
        client.get("/v2/recipe?service=eks&service=eks&accelerator=h100&intent=training").status_code == 200
    )


def test_gpu_and_accelerator_must_agree(client: httpx.Client) -> None:
    response = client.get("/v2/recipe", params={"service": "eks", "accelerator": "h100", "gpu": "a100"})
    assert_error(response, 400, "INVALID_REQUEST", "Invalid query parameters")


def test_post_recipe_envelope_in_json_and_yaml(client: httpx.Client) -> None:
    as_json = client.post("/v2/recipe", json={"criteria": GKE, "profile": "gpuStack=driver-installer"})
    assert as_json.status_code == 200, as_json.text
    yaml_body = b"criteria:\n  service: gke\n  accelerator: h100\n  intent: training\n  os: cos\n" + (
        b"profile: gpuStack=driver-installer\n"
    )
    as_yaml = client.post("/v2/recipe", content=yaml_body, headers=YAML)
    assert as_yaml.status_code == 200, as_yaml.text
    assert as_json.json() == as_yaml.json()
    assert as_json.json()["metadata"]["selectedProfile"]["value"] == "driver-installer"


@pytest.mark.parametrize("content_type", ["text/plain", "application/yaml", "text/yaml", ""])
def test_post_with_another_content_type_is_415(client: httpx.Client, content_type: str) -> None:
    response = client.post(
        "/v2/recipe", content=b'{"criteria": {"service": "eks"}}', headers={"content-type": content_type}
    )
    assert_error(response, 415, "INVALID_REQUEST", "Unsupported Content-Type")


def test_post_envelope_with_an_unknown_field_is_400(client: httpx.Client) -> None:
    response = client.post("/v2/recipe", json={"criteria": GKE, "selector": "x"})
    body = assert_error(response, 400, "INVALID_REQUEST", "Invalid recipe request body")
    assert 'unknown field "selector"' in body["details"]["error"]


def test_post_envelope_without_criteria_is_400(client: httpx.Client) -> None:
    assert client.post("/v2/recipe", json={"profile": "gpuStack=x"}).status_code == 400


def test_query_requires_a_selector(client: httpx.Client) -> None:
    assert client.get("/v2/query", params=GKE).status_code == 400
    response = client.post("/v2/query", json={"criteria": GKE})
    assert_error(response, 400, "INVALID_REQUEST", "Invalid query request body")


def test_query_with_a_profile_get_and_post(client: httpx.Client) -> None:
    default = client.get("/v2/query", params={**GKE, "selector": DEVICE_PLUGIN})
    assert default.json() is False
    chosen = client.post(
        "/v2/query", json={"criteria": GKE, "selector": DEVICE_PLUGIN, "profile": "gpuStack=driver-installer"}
    )
    assert chosen.status_code == 200, chosen.text
    assert chosen.json() is True


def test_query_bad_selector_is_404(client: httpx.Client) -> None:
    response = client.get("/v2/query", params={**GKE, "selector": "components.nope"})
    assert_error(response, 404, "NOT_FOUND", "Selector path not found")


def test_bundle_of_a_profiled_recipe_keeps_the_profile(client: httpx.Client) -> None:
    recipe = client.get("/v2/recipe", params={**GKE, "profile": "gpuStack=driver-installer"}).json()
    response = client.post("/v2/bundle", json=recipe)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    written = zipfile.ZipFile(io.BytesIO(response.content)).read("recipe.yaml").decode()
    assert "value: driver-installer" in written


def test_bundle_set_that_changes_a_locked_path_is_400(client: httpx.Client) -> None:
    recipe = client.get("/v2/recipe", params=GKE).json()
    response = client.post("/v2/bundle", params={"set": "gpuoperator:devicePlugin.enabled=true"}, json=recipe)
    assert response.status_code == 400
    assert 'path "gpu-operator:devicePlugin.enabled" is locked to false' in response.json()["message"]
    same = client.post("/v2/bundle", params={"set": "gpuoperator:devicePlugin.enabled=false"}, json=recipe)
    assert same.status_code == 200, same.text


def test_bundle_takes_no_profile_parameter(client: httpx.Client) -> None:
    recipe = client.get("/v2/recipe", params=GKE).json()
    response = client.post("/v2/bundle", params={"profile": "gpuStack=driver-installer"}, json=recipe)
    body = assert_error(response, 400, "INVALID_REQUEST", "Invalid query parameters")
    assert "choose it on /v2/recipe" in body["details"]["error"]


def test_bundle_strict_parameters_and_content_type(client: httpx.Client) -> None:
    recipe = client.get("/v2/recipe", params=GKE).json()
    assert client.post("/v2/bundle", params={"deployr": "helm"}, json=recipe).status_code == 400
    conflicting = client.post("/v2/bundle?deployer=helm&deployer=flux", json=recipe)
    assert conflicting.status_code == 400
    wrong_type = client.post("/v2/bundle", content=b"{}", headers={"content-type": "text/plain"})
    assert wrong_type.status_code == 415


@pytest.mark.parametrize("path", ["/v1/recipe", "/v1/query"])
def test_v1_rejects_profile_input(client: httpx.Client, path: str) -> None:
    params = {**AKS, "profile": "gpuStack=operator-managed", "selector": DEVICE_PLUGIN}
    client.get(path, params={k: v for k, v in params.items() if k != "profile"})  # warm the /v1 cache
    response = client.get(path, params=params)
    assert response.status_code == 400
    assert "use the /v2 routes" in response.json()["details"]["error"]


def test_v1_rejects_a_profile_in_post_bodies_and_bundle_parameters(client: httpx.Client) -> None:
    body = {"kind": "RecipeCriteria", "spec": {**AKS, "profile": "gpuStack=operator-managed"}}
    assert client.post("/v1/recipe", json=body).status_code == 400
    query = {"criteria": AKS, "selector": DEVICE_PLUGIN, "profile": "gpuStack=operator-managed"}
    assert client.post("/v1/query", json=query).status_code == 400
    recipe = client.get("/v1/recipe", params=AKS).json()
    assert client.post("/v1/bundle", params={"profile": "gpuStack=x"}, json=recipe).status_code == 400


def test_v1_recipe_is_unchanged_for_profiled_services(client: httpx.Client) -> None:
    v1 = client.get("/v1/recipe", params=AKS).json()
    v2 = client.get("/v2/recipe", params=AKS).json()
    assert v1 == v2
