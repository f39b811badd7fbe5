"""Reading a RecipeResult document (`aicr bundle -r`): from a file, a URL or a ConfigMap.

Edge (`load_recipe` reads the location) over a pure validator (`validate_recipe`). Strict, as
DESIGN.md asks: a wrong kind or apiVersion, an unknown field anywhere in the known structure, or
a value of the wrong type is INVALID_REQUEST naming the field. Readers accept the apiVersions
`aicr.nvidia.com/v1alpha1`, `aicr.run/v1alpha2` and `aicr.run/v1`, and the profiled
`aicr.run/v1alpha3` and `aicr.run/v1beta2`. A JSON document is parsed with
`json`; YAML goes through the fast subset reader first (no PyYAML import on the bundle hot path)
and falls back to the strict loader for anything outside that subset.
"""

from __future__ import annotations

import os

from aicr.errors import AicrError, Code
from aicr.recipe.criteria import FIELDS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.recipe.result import RecipeResult

KIND = "RecipeResult"
API_VERSIONS = ("aicr.nvidia.com/v1alpha1", "aicr.run/v1alpha2", "aicr.run/v1alpha3", "aicr.run/v1",
                "aicr.run/v1beta2")  # fmt: skip

_TOP = ("kind", "apiVersion", "metadata", "criteria", "constraints", "componentRefs", "deploymentOrder",
        "validation", "configuration")  # fmt: skip
_METADATA = ("name", "version", "appliedOverlays", "excludedOverlays", "constraintWarnings", "selectedProfile",
             "gpuDriverState", "mariaDBOperatorState", "profile")  # fmt: skip
_CRITERIA = (*FIELDS, "nodes")
_CONSTRAINT = ("name", "value", "severity", "remediation", "unit")
_REF_STRINGS = ("name", "namespace", "chart", "type", "source", "version", "tag", "valuesFile", "path",
                "healthCheckAsserts")  # fmt: skip
_REF_LISTS = ("patches", "dependencyRefs", "manifestFiles", "preManifestFiles")
_REF_BOOLS = ("cleanup", "healthCheckSkip")
_REF_FIELDS = frozenset(
    _REF_STRINGS
    + _REF_LISTS
    + _REF_BOOLS
    + ("overrides", "expectedResources", "readiness", "customChecks", "crds")
)
_PHASES = ("readiness", "deployment", "performance", "conformance")
_PHASE = ("timeout", "constraints", "checks", "nodeSelection", "infrastructure")


def load_recipe(uri: str, *, kubeconfig: str | None = None) -> RecipeResult:
    """Load and validate the RecipeResult at a file path, http(s) URL or cm://namespace/name."""
    from aicr.io.documents import parse_text, read_bytes
    from aicr.io.uris import parse_target
    from aicr.recipe.result import RecipeResult

    target = parse_target(uri)
    if target.kind == "file" and not os.path.exists(target.value):
        path = os.path.abspath(target.value)
        raise AicrError(Code.INVALID_REQUEST, f"recipe file not found: {path}", {"path": path})
    if target.kind == "stdio":
        raise AicrError(
            Code.INVALID_REQUEST, "--recipe is required: a file, an http(s) URL or cm://namespace/name"
        )
    data, source = read_bytes(uri, what="recipe", kubeconfig=kubeconfig)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise AicrError(Code.INVALID_REQUEST, f"recipe {source} is not UTF-8 text") from None
    if not text.strip():
        raise AicrError(Code.INVALID_REQUEST, f"recipe is empty: {source}", {"source": source})
    return RecipeResult(validate_recipe(parse_text(text, source), source))


def _fail(source: str, message: str, field: str) -> AicrError:
    return AicrError(Code.INVALID_REQUEST, f"recipe {source}: {message}", {"source": source, "field": field})


def _check_keys(
    obj: Any, allowed: tuple[str, ...] | frozenset[str], where: str, source: str
) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise _fail(source, f'field "{where}" must be a mapping', where)
    for key in obj:
        if key not in allowed:
            path = f"{where}.{key}" if where else str(key)
            raise _fail(source, f'unknown field "{path}"', path)
    return obj


def _check_type(value: Any, kind: type | tuple[type, ...], what: str, where: str, source: str) -> None:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _fail(source, f'field "{where}" must be {what}', where)


def _string_list(value: Any, where: str, source: str) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(source, f'field "{where}" must be a list of strings', where)


def validate_recipe(doc: Any, source: str) -> dict[str, Any]:
    """Check a parsed RecipeResult document and return it (unchanged)."""
    if not isinstance(doc, dict):
        raise AicrError(Code.INVALID_REQUEST, f"recipe {source} must be a mapping", {"source": source})
    _check_keys(doc, _TOP, "", source)
    kind = doc.get("kind")
    if kind != KIND:
        raise _fail(source, f'invalid kind "{kind or ""}", expected "{KIND}"', "kind")
    version = doc.get("apiVersion")
    if version not in API_VERSIONS:
        raise _fail(
            source,
            f'unsupported apiVersion "{version or ""}" (supported: {", ".join(API_VERSIONS)})',
            "apiVersion",
        )
    if "metadata" in doc:
        _check_keys(doc["metadata"], _METADATA, "metadata", source)
        if doc["metadata"].get("selectedProfile") is not None:
            _check_selected_profile(doc["metadata"]["selectedProfile"], source)
    if "criteria" in doc:
        criteria = _check_keys(doc["criteria"], _CRITERIA, "criteria", source)
        for key, value in criteria.items():
            _check_type(value, int if key == "nodes" else str, "an integer" if key == "nodes" else "a string",
                        f"criteria.{key}", source)  # fmt: skip
    for i, constraint in enumerate(_list(doc, "constraints", source)):
        item = _check_keys(constraint, _CONSTRAINT, f"constraints[{i}]", source)
        for key, value in item.items():
            _check_type(value, str, "a string", f"constraints[{i}].{key}", source)
    names: set[str] = set()
    for i, ref in enumerate(_list(doc, "componentRefs", source)):
        _check_ref(ref, f"componentRefs[{i}]", source, names)
    if "deploymentOrder" in doc:
        _string_list(doc["deploymentOrder"], "deploymentOrder", source)
    if "validation" in doc:
        _check_validation(doc["validation"], source)
    if "configuration" in doc and not isinstance(doc["configuration"], dict):
        raise _fail(source, 'field "configuration" must be a mapping', "configuration")
    return doc


def _check_selected_profile(profile: Any, source: str) -> None:
    """`metadata.selectedProfile{name, value, advertiser?, ownedPaths{component: [path]}}`."""
    where = "metadata.selectedProfile"
    _check_keys(profile, ("name", "value", "advertiser", "ownedPaths"), where, source)
    for key in ("name", "value"):
        if not isinstance(profile.get(key), str) or not profile[key]:
            raise _fail(source, f'field "{where}.{key}" must be a non-empty string', f"{where}.{key}")
    if "advertiser" in profile:
        _check_type(profile["advertiser"], str, "a string", f"{where}.advertiser", source)
    owned = profile.get("ownedPaths") or {}
    _check_type(owned, dict, "a mapping", f"{where}.ownedPaths", source)
    for component, paths in owned.items():
        _string_list(paths, f"{where}.ownedPaths.{component}", source)


def _list(doc: dict[str, Any], key: str, source: str) -> list[Any]:
    value = doc.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(source, f'field "{key}" must be a list', key)
    return value


def _check_ref(ref: Any, where: str, source: str, names: set[str]) -> None:
    _check_keys(ref, _REF_FIELDS, where, source)
    name = ref.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _fail(source, f'field "{where}.name" is required', f"{where}.name")
    if name in names:
        raise _fail(source, f'duplicate component "{name}"', f"{where}.name")
    names.add(name)
    for key in _REF_STRINGS:
        if key in ref:
            _check_type(ref[key], str, "a string", f"{where}.{key}", source)
    for key in _REF_LISTS:
        if key in ref:
            _string_list(ref[key], f"{where}.{key}", source)
    for key in _REF_BOOLS:
        if key in ref:
            _check_type(ref[key], bool, "true or false", f"{where}.{key}", source)
    if "overrides" in ref and ref["overrides"] is not None:
        _check_type(ref["overrides"], dict, "a mapping", f"{where}.overrides", source)
    for key in ("customChecks", "crds"):
        if key in ref:
            _string_list(ref[key], f"{where}.{key}", source)
    if ref.get("readiness") is not None:
        _check_keys(ref["readiness"], ("namespace", "selector", "workloads"), f"{where}.readiness", source)
    for j, item in enumerate(ref.get("expectedResources") or []):
        _check_keys(item, ("kind", "name", "namespace"), f"{where}.expectedResources[{j}]", source)


def _check_validation(validation: Any, source: str) -> None:
    _check_keys(validation, _PHASES, "validation", source)
    for phase, body in validation.items():
        if body is None:
            continue
        _check_keys(body, _PHASE, f"validation.{phase}", source)
