"""Strict decoding of parsed YAML into the catalog models, with errors that name file and field.

Pure. Before msgspec validates, numbers read from YAML are turned back into their source text
wherever the schema expects a string (`version: 1.10` stays "1.10", as Go's decoder reads it),
and plain int/float everywhere else.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

import msgspec
import msgspec.inspect as mi

from aicr.errors import AicrError, Code
from aicr.io.yamlin import ScalarFloat, ScalarInt, plain

T = TypeVar("T")

_PATH = re.compile(r" - at `\$(.*)`$")
_UNKNOWN = re.compile(r"Object contains unknown field `(.+)`")
_EXPECTED = re.compile(r"Expected `(.+?)`, got `(.+?)`")
_TYPE_NAMES = {
    "array": "a list",
    "object": "a mapping",
    "str": "a string",
    "int": "an integer",
    "float": "a number",
    "bool": "a boolean",
    "null": "null",
}


def _type_text(spec: str) -> str:
    names = [
        _TYPE_NAMES.get(part.strip(), part.strip()) for part in spec.split("|") if part.strip() != "null"
    ]
    return " or ".join(names) or "null"


def _fix(value: Any, info: mi.Type) -> Any:
    """Rewrite `value` so string-typed leaves recover their YAML text."""
    if isinstance(info, mi.StrType):
        if isinstance(value, ScalarInt | ScalarFloat):
            return value.text
        return value
    if isinstance(info, mi.UnionType):
        if isinstance(value, ScalarInt | ScalarFloat) and any(isinstance(t, mi.StrType) for t in info.types):
            return value.text
        for t in info.types:
            if isinstance(t, mi.StructType | mi.ListType | mi.DictType) and isinstance(value, dict | list):
                return _fix(value, t)
        return plain(value)
    if isinstance(info, mi.StructType) and isinstance(value, dict):
        fields = {f.encode_name: f.type for f in info.fields}
        return {k: (_fix(v, fields[k]) if k in fields else v) for k, v in value.items()}
    if isinstance(info, mi.ListType) and isinstance(value, list):
        return [_fix(v, info.item_type) for v in value]
    if isinstance(info, mi.DictType) and isinstance(value, dict):
        return {k: _fix(v, info.value_type) for k, v in value.items()}
    return plain(value)


_INFO_CACHE: dict[type, mi.Type] = {}


def decode(obj: Any, model: type[T], source: str) -> T:
    """Validate parsed YAML against `model`; INVALID_REQUEST names `source` and the field path."""
    info = _INFO_CACHE.get(model)
    if info is None:
        info = _INFO_CACHE[model] = mi.type_info(model)
    if not isinstance(obj, dict):
        found = "empty document" if obj is None else type(obj).__name__
        raise AicrError(
            Code.INVALID_REQUEST,
            f"{source}: expected a mapping at the top level, found {found}",
            {"file": source},
        )
    try:
        return msgspec.convert(_fix(obj, info), model, strict=True)
    except msgspec.ValidationError as exc:
        raise schema_error(source, str(exc)) from None


def schema_error(source: str, text: str) -> AicrError:
    """Turn a msgspec message into `<file>: <problem> at <field path>`."""
    path = ""
    match = _PATH.search(text)
    if match:
        path = match.group(1).lstrip(".")
        text = text[: match.start()]
    unknown = _UNKNOWN.match(text)
    expected = _EXPECTED.match(text)
    if expected:
        text = f"expected {_type_text(expected.group(1))}, found {_type_text(expected.group(2))}"
    if unknown:
        field = unknown.group(1)
        text = f'unknown field "{field}"'
        path = f"{path}.{field}" if path else field
    elif text.startswith("Object missing required field"):
        field = text.split("`")[1]
        text = f'missing required field "{field}"'
        path = f"{path}.{field}" if path else field
    where = f" at {path}" if path else ""
    return AicrError(
        Code.INVALID_REQUEST, f"{source}: {text}{where}", {"file": source, "field": path or None}
    )


def check_header(doc: dict[str, Any], source: str, kind: str, api_versions: frozenset[str]) -> None:
    """Reject a document whose `kind` or `apiVersion` is not the expected one."""
    found_kind = doc.get("kind")
    if found_kind != kind:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'{source}: invalid kind "{found_kind}", expected "{kind}"',
            {"file": source, "field": "kind"},
        )
    version = doc.get("apiVersion")
    if version not in api_versions:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'{source}: unsupported apiVersion "{version}" for {kind} (supported: {", ".join(sorted(api_versions))})',
            {"file": source, "field": "apiVersion"},
        )
