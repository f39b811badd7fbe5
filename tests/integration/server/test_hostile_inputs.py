"""Hostile requests get 400, 404 or 413 from aicrd, never a 5xx, and nothing unbounded happens.

YAML aliases (billion laughs), deep nesting (YAML and 200k-deep JSON), integers over Python's
4,300-digit limit, `nodes` that is not a whole number, binary bodies, control characters,
`set` paths 900 levels deep, valuesFile paths outside the catalog, oversized bodies.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

EKS: dict[str, Any] = {"service": "eks", "accelerator": "h100", "intent": "training", "os": "ubuntu"}
YAML = "application/x-yaml"
JSON = "application/json"
BIG = "9" * 5000
LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + LAUGHS


@pytest.fixture(scope="module")
def recipe(catalog: Any) -> dict[str, Any]:
    from aicr.recipe.criteria import Criteria
    from aicr.version import recipe_version

    result: dict[str, Any] = catalog.resolve(Criteria(**EKS), version=recipe_version()).to_dict()
    return result


def _with_values_file(recipe: dict[str, Any], path: str) -> bytes:
    first = {**recipe["componentRefs"][0], "valuesFile": path}
    return json.dumps({**recipe, "componentRefs": [first]}).encode()


def _criteria(spec: str) -> bytes:
    return ('{"kind": "RecipeCriteria", "spec": ' + spec + "}").encode()


GETS = {
    "nodes over 4,300 digits": f"/v1/recipe?service=eks&nodes={BIG}",
    "nodes 1.5": "/v1/recipe?service=eks&nodes=1.5",
    "nodes 1e400": "/v1/recipe?service=eks&nodes=1e400",
    "nodes superscript digit": "/v1/recipe?service=eks&nodes=%C2%B3",
    "query nodes 1.5": "/v1/query?service=eks&nodes=1.5&selector=components",
    "control characters in a name": "/v1/recipe?service=e%00ks%07",
    "invalid UTF-8 in a name": "/v1/recipe?service=%ff%fe",
    "selector 5,000 segments deep": "/v1/query?service=eks&selector=" + ".".join(["a"] * 5000),
}

POSTS: dict[str, tuple[str, bytes, str]] = {
    "billion laughs (recipe)": ("/v1/recipe", LAUGHS.encode(), YAML),
    "billion laughs (bundle)": ("/v1/bundle", LAUGHS.encode(), YAML),
    "3,000-level YAML": ("/v1/recipe", "".join("  " * i + "a:\n" for i in range(3000)).encode(), YAML),
    "250-level YAML": ("/v1/recipe", ("spec: " + "[" * 250 + "]" * 250).encode(), YAML),
    "200k-deep JSON (recipe)": ("/v1/recipe", b"[" * 200_000 + b"]" * 200_000, JSON),
    "200k-deep JSON (bundle)": ("/v1/bundle", b"[" * 200_000 + b"]" * 200_000, JSON),
    "JSON integer over 4,300 digits": (
        "/v1/recipe",
        _criteria('{"service": "eks", "nodes": ' + BIG + "}"),
        JSON,
    ),
    "YAML integer over 4,300 digits": (
        "/v1/recipe",
        f"kind: RecipeCriteria\nspec:\n  service: eks\n  nodes: {BIG}\n".encode(),
        YAML,
    ),
    "YAML integer in a bundle": (
        "/v1/bundle",
        f"kind: RecipeResult\ncomponentRefs:\n- name: x\n  n: {BIG}\n".encode(),
        YAML,
    ),
    "nodes 1.5 in a body": ("/v1/recipe", _criteria('{"service": "eks", "nodes": 1.5}'), JSON),
    "nodes 1e400 in a body": ("/v1/recipe", _criteria('{"service": "eks", "nodes": 1e400}'), JSON),
    "nodes '1.5' in a body": ("/v1/recipe", _criteria('{"service": "eks", "nodes": "1.5"}'), JSON),
    "nodes over the cap in a body": ("/v1/recipe", _criteria('{"service": "eks", "nodes": 10000000}'), JSON),
    "binary JSON body": ("/v1/recipe", b"\xff\xfe\x00\x01garbage", JSON),
    "binary YAML body": ("/v1/recipe", b"\xff\xfe\x00\x01: x", YAML),
    "binary bundle body": ("/v1/bundle", b"\x80\x81\x82", JSON),
    "null criteria": ("/v1/query", b'{"criteria": null, "selector": "components"}', JSON),
    "null body": ("/v1/recipe", b"null", JSON),
    "2 MiB body": ("/v1/recipe", b"x" * (2 * 1024 * 1024), JSON),
}


@pytest.mark.parametrize("target", GETS.values(), ids=list(GETS))
def test_hostile_query_strings_are_client_errors(client: httpx.Client, target: str) -> None:
    assert client.get(target).status_code in (400, 404)


@pytest.mark.parametrize(("path", "body", "media"), POSTS.values(), ids=list(POSTS))
def test_hostile_bodies_are_client_errors(client: httpx.Client, path: str, body: bytes, media: str) -> None:
    response = client.post(path, content=body, headers={"content-type": media})
    assert response.status_code in (400, 413), response.text[:300]


@pytest.mark.parametrize(
    "params",
    [
        {"set": f"gpu-operator:driver.version={BIG}"},
        {"set": "gpu-operator:" + ".".join(["a"] * 900) + "=1"},
        {"dynamic": "gpu-operator:" + ".".join(["a"] * 900)},
        {"nodes": BIG},
        {"nodes": "1.5"},
        {"deployer": "0"},
        {"serial": "maybe"},
    ],
    ids=["set big int", "set 900-deep path", "dynamic 900-deep path", "nodes big", "nodes 1.5", "deployer 0",
         "serial maybe"],
)  # fmt: skip
def test_hostile_bundle_parameters_are_400(
    client: httpx.Client, recipe: dict[str, Any], params: dict[str, str]
) -> None:
    assert client.post("/v1/bundle", params=params, json=recipe).status_code == 400


@pytest.mark.parametrize("path", ["../../../../etc/passwd", "components/nope/values.yaml", "/etc/passwd"])
def test_values_files_outside_the_catalog_are_404(
    client: httpx.Client, recipe: dict[str, Any], path: str
) -> None:
    response = client.post(
        "/v1/bundle", content=_with_values_file(recipe, path), headers={"content-type": JSON}
    )
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"
