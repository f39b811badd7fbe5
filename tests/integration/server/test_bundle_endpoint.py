"""POST /v1/bundle beyond the contract cases: flags as query parameters, the zip, errors."""

from __future__ import annotations

import io
import stat
import zipfile
from typing import Any

import httpx
import pytest

EKS = {"service": "eks", "accelerator": "h100", "intent": "training", "os": "ubuntu"}


@pytest.fixture(scope="module")
def recipe(catalog: Any) -> dict[str, Any]:
    from aicr.recipe.criteria import Criteria
    from aicr.version import recipe_version

    result: dict[str, Any] = catalog.resolve(Criteria.from_mapping(EKS), version=recipe_version()).to_dict()
    return result


def unzip(response: httpx.Response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.text
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_bundle_matches_the_library(
    client: httpx.Client, recipe: dict[str, Any], catalog: Any, tmp_path: Any
) -> None:
    from aicr.bundle.api import build_bundle

    archive = unzip(client.post("/v1/bundle", json=recipe))
    result = build_bundle(recipe, tmp_path / "b", catalog=catalog)
    assert archive.namelist() == list(result.files)
    for name in result.files:
        assert archive.read(name) == (tmp_path / "b" / name).read_bytes(), name


def test_scripts_keep_their_executable_bit(client: httpx.Client, recipe: dict[str, Any]) -> None:
    archive = unzip(client.post("/v1/bundle", json=recipe))
    mode = archive.getinfo("deploy.sh").external_attr >> 16
    assert mode & stat.S_IXUSR


def test_query_parameters_become_bundle_flags(client: httpx.Client, recipe: dict[str, Any]) -> None:
    params: list[tuple[str, str | int | float | bool | None]] = [
        ("deployer", "helmfile"),
        ("set", "gpu-operator:driver.version=999.1"),
        ("accelerated-node-toleration", "nvidia.com/gpu=present:NoSchedule"),
    ]
    archive = unzip(client.post("/v1/bundle", params=params, json=recipe))
    names = archive.namelist()
    assert "helmfile.yaml" in names
    values = [n for n in names if "gpu-operator" in n and n.endswith("values.yaml")]
    assert any(b"999.1" in archive.read(n) for n in values)


def test_disabling_a_component_drops_it(client: httpx.Client, recipe: dict[str, Any]) -> None:
    archive = unzip(client.post("/v1/bundle", params={"set": "kai-scheduler:enabled=false"}, json=recipe))
    assert not any("kai-scheduler" in name for name in archive.namelist())


def test_yaml_recipe_bodies_are_accepted(client: httpx.Client, recipe: dict[str, Any]) -> None:
    from aicr.io.yamlout import dump

    response = client.post("/v1/bundle", content=dump(recipe), headers={"content-type": "application/x-yaml"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("params", "message", "text"),
    [
        ({"set": "no-colon"}, "Invalid query parameters", "invalid format 'no-colon'"),
        ({"serial": "maybe"}, "Invalid query parameters", 'invalid serial value "maybe"'),
        ({"app-name": "x"}, "Invalid query parameters", "--app-name is only valid with --deployer argocd"),
        (
            {"accelerated-node-toleration": "a=b:Sometimes"},
            "Invalid query parameters",
            "invalid taint effect",
        ),
    ],
)
def test_bad_flags_are_400_before_any_work(
    client: httpx.Client, recipe: dict[str, Any], params: dict[str, str], message: str, text: str
) -> None:
    response = client.post("/v1/bundle", params=params, json=recipe)
    assert response.status_code == 400
    body = response.json()
    assert body["message"] == message
    assert text in body["details"]["error"]


def test_strict_recipe_decoding(client: httpx.Client, recipe: dict[str, Any]) -> None:
    typo = {**recipe, "componentRef": []}
    response = client.post("/v1/bundle", json=typo)
    assert response.status_code == 400
    assert response.json()["message"] == "Invalid request body"
    assert 'unknown field "componentRef"' in response.json()["details"]["error"]


def test_library_errors_keep_their_message(client: httpx.Client, recipe: dict[str, Any]) -> None:
    response = client.post("/v1/bundle", params={"set": "nosuchcomponent:a=b"}, json=recipe)
    assert response.status_code == 400
    assert "nosuchcomponent" in response.json()["message"]


def test_bundlers_selects_components(client: httpx.Client, recipe: dict[str, Any]) -> None:
    archive = unzip(client.post("/v1/bundle", params={"bundlers": "cert-manager,gpu-operator"}, json=recipe))
    folders = {name.split("/")[0] for name in archive.namelist() if "/" in name}
    assert any("cert-manager" in f for f in folders) and any("gpu-operator" in f for f in folders)
    assert not any("kai-scheduler" in f for f in folders)
    unknown = client.post("/v1/bundle", params={"bundlers": "nope"}, json=recipe)
    assert unknown.status_code == 400
    assert 'component "nope" is not in the recipe' in unknown.json()["details"]["error"]
