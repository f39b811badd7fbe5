"""Loading a RecipeResult for `aicr bundle -r`: strict fields, kinds, apiVersions, file errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aicr.errors import AicrError, Code
from aicr.io.yamlout import dump
from aicr.recipe.document import load_recipe, validate_recipe


def write(tmp_path: Path, doc: Any, name: str = "r.yaml") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc) if name.endswith(".json") else dump(doc))
    return str(path)


def rejected(doc: Any, message: str) -> None:
    with pytest.raises(AicrError) as info:
        validate_recipe(doc, "r.yaml")
    assert info.value.code is Code.INVALID_REQUEST
    assert message in info.value.message, info.value.message


def test_yaml_and_json_recipes_load_the_same(tmp_path: Path, training_doc: dict[str, Any]) -> None:
    from_yaml = load_recipe(write(tmp_path, training_doc)).doc
    from_json = load_recipe(write(tmp_path, training_doc, "r.json")).doc
    assert from_yaml == from_json == training_doc


@pytest.mark.parametrize("version", ["aicr.nvidia.com/v1alpha1", "aicr.run/v1alpha2", "aicr.run/v1"])
def test_accepted_api_versions(training_doc: dict[str, Any], version: str) -> None:
    assert validate_recipe({**training_doc, "apiVersion": version}, "r")["apiVersion"] == version


def test_wrong_kind_version_and_unknown_fields_are_named(training_doc: dict[str, Any]) -> None:
    rejected({**training_doc, "kind": "Snapshot"}, 'invalid kind "Snapshot", expected "RecipeResult"')
    rejected({**training_doc, "apiVersion": "aicr.run/v9"}, 'unsupported apiVersion "aicr.run/v9"')
    rejected({**training_doc, "extra": 1}, 'unknown field "extra"')
    rejected({**training_doc, "metadata": {"bogus": 1}}, 'unknown field "metadata.bogus"')
    refs = [dict(r) for r in training_doc["componentRefs"]]
    refs[1]["chartt"] = "x"
    rejected({**training_doc, "componentRefs": refs}, 'unknown field "componentRefs[1].chartt"')
    refs[1] = {"name": "x", "version": 1}
    rejected({**training_doc, "componentRefs": refs}, 'field "componentRefs[1].version" must be a string')
    rejected({**training_doc, "deploymentOrder": "a"}, 'field "deploymentOrder" must be a list of strings')
    rejected({**training_doc, "criteria": {"service": "eks", "gpu": "h100"}}, 'unknown field "criteria.gpu"')
    rejected([1], "must be a mapping")


def test_missing_recipe_file_is_invalid_request_with_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(AicrError) as info:
        load_recipe("nope.yaml")
    assert info.value.code is Code.INVALID_REQUEST
    assert info.value.message == f"recipe file not found: {tmp_path / 'nope.yaml'}"


def test_empty_or_unparsable_recipe(tmp_path: Path) -> None:
    (tmp_path / "e.yaml").write_text("  \n")
    with pytest.raises(AicrError, match="recipe is empty"):
        load_recipe(str(tmp_path / "e.yaml"))
    (tmp_path / "bad.yaml").write_text("kind: [unclosed\n")
    with pytest.raises(AicrError, match="invalid YAML"):
        load_recipe(str(tmp_path / "bad.yaml"))
