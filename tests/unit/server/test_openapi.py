"""The OpenAPI document: generated from the app, committed as api/openapi.json, valid 3.1."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import msgspec

from aicr.server import models
from aicr.server.openapi import generate

ROOT = Path(__file__).resolve().parents[3]


def test_committed_document_matches_the_generated_one() -> None:
    committed = (ROOT / "api" / "openapi.json").read_bytes()
    assert committed == generate(), "api/openapi.json drifted: run `python -m aicr.server.openapi --write`"


def test_document_shape() -> None:
    doc = json.loads(generate())
    assert doc["openapi"].startswith("3.1")
    operations = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    assert operations == {
        ("/", "get"), ("/health", "get"), ("/ready", "get"), ("/metrics", "get"), ("/openapi.json", "get"),
        ("/v1/recipe", "get"), ("/v1/recipe", "post"), ("/v1/query", "get"), ("/v1/query", "post"),
        ("/v1/bundle", "post"), ("/v2/recipe", "get"), ("/v2/recipe", "post"), ("/v2/query", "get"),
        ("/v2/query", "post"), ("/v2/bundle", "post"),
    }  # fmt: skip
    params = {p["name"]: p for p in doc["paths"]["/v1/query"]["get"]["parameters"]}
    assert params["selector"]["required"] is True
    assert "gpu" in params and "os" in params
    recipe_post = doc["paths"]["/v1/recipe"]["post"]
    assert set(recipe_post["requestBody"]["content"]) == {
        "application/json",
        "application/x-yaml",
        "application/yaml",
        "text/yaml",
    }
    assert "413" in recipe_post["responses"] and "429" in recipe_post["responses"]


def test_component_schemas_are_valid_json_schema() -> None:
    doc = json.loads(generate())
    for schema in doc["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_a_library_recipe_validates_against_the_recipe_result_schema() -> None:
    from aicr.catalog.catalog import load_catalog
    from aicr.recipe.criteria import Criteria

    recipe = load_catalog().resolve(
        Criteria(service="eks", accelerator="h100", intent="training", os="ubuntu")
    )
    assert msgspec.convert(recipe.to_dict(), models.RecipeResult).kind == "RecipeResult"
    doc = json.loads(generate())
    schema = {"$ref": "#/components/schemas/RecipeResult", "components": doc["components"]}
    jsonschema.validate(recipe.to_dict(), schema)


def test_a_profiled_recipe_validates_against_the_recipe_result_schema() -> None:
    from aicr.catalog.catalog import load_catalog
    from aicr.recipe.criteria import Criteria

    recipe = load_catalog().resolve(
        Criteria(service="gke", accelerator="h100", intent="training", os="cos"),
        profile="gpuStack=gke-default",
    )
    converted = msgspec.convert(recipe.to_dict(), models.RecipeResult)
    assert converted.metadata is not None and converted.metadata.selectedProfile is not None
    assert converted.metadata.selectedProfile.advertiser == "external"
    doc = json.loads(generate())
    schema = {"$ref": "#/components/schemas/RecipeResult", "components": doc["components"]}
    jsonschema.validate(recipe.to_dict(), schema)


def test_v2_operations_document_profiles_envelopes_and_415() -> None:
    doc = json.loads(generate())
    params = {p["name"]: p for p in doc["paths"]["/v2/recipe"]["get"]["parameters"]}
    assert {"profile", "slurmAccountingMode"} <= set(params)
    assert {p["name"]: p for p in doc["paths"]["/v2/query"]["get"]["parameters"]}["selector"][
        "required"
    ] is True
    post = doc["paths"]["/v2/recipe"]["post"]
    assert set(post["requestBody"]["content"]) == {"application/json", "application/x-yaml"}
    assert "415" in post["responses"]
    envelope = doc["components"]["schemas"]["QueryRequestV2"]
    assert envelope["required"] == ["criteria", "selector"]
