"""Indented JSON text, byte-identical to `json.dumps(value, indent=2, ensure_ascii=False)`.

Pure and import-light. `import json` loads `re` and `enum` (~5 ms of an `aicr validate` run on
a 2-core machine) for two regular expressions the C string encoder does not need. This writer
covers plain JSON trees (dict with str keys, list, tuple, str, int, float, bool, None of exactly
those types) with the C encoder of `_json`; anything else (subclasses, non-str keys, very deep
trees, a missing C encoder) goes to `json.dumps` itself. A property test keeps the two equal.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_encode_str: Callable[[str], str] | None
try:
    from _json import encode_basestring as _encode_str
except ImportError:  # pragma: no cover - interpreters without the C accelerator
    _encode_str = None

_MAX_DEPTH = 200
_INF = float("inf")


class _Unsupported(Exception):
    """A value this writer does not render exactly as json.dumps would."""


def dumps_indented(value: Any) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`."""
    if _encode_str is not None:
        try:
            return "".join(_chunks(value, 0, _encode_str))
        except _Unsupported:
            pass
    import json

    return json.dumps(value, indent=2, ensure_ascii=False)


def _chunks(value: Any, depth: int, encode: Callable[[str], str]) -> list[str]:
    out: list[str] = []
    _write(value, depth, encode, out)
    return out


def _write(value: Any, depth: int, encode: Callable[[str], str], out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(encode(value))
    elif value is None:
        out.append("null")
    elif kind is bool:
        out.append("true" if value else "false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is float:
        out.append(_float(value))
    elif kind is dict:
        _write_dict(value, depth, encode, out)
    elif kind is list or kind is tuple:
        _write_list(value, depth, encode, out)
    else:
        raise _Unsupported(kind.__name__)


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INF:
        return "Infinity"
    if value == -_INF:
        return "-Infinity"
    return float.__repr__(value)


def _write_dict(value: dict[Any, Any], depth: int, encode: Callable[[str], str], out: list[str]) -> None:
    if not value:
        out.append("{}")
        return
    if depth >= _MAX_DEPTH:
        raise _Unsupported("depth")
    inner = "\n" + "  " * (depth + 1)
    first = True
    for key, item in value.items():
        if type(key) is not str:
            raise _Unsupported("key")
        out.append(("{" if first else ",") + inner + encode(key) + ": ")
        first = False
        _write(item, depth + 1, encode, out)
    out.append("\n" + "  " * depth + "}")


def _write_list(value: Any, depth: int, encode: Callable[[str], str], out: list[str]) -> None:
    if not value:
        out.append("[]")
        return
    if depth >= _MAX_DEPTH:
        raise _Unsupported("depth")
    inner = "\n" + "  " * (depth + 1)
    first = True
    for item in value:
        out.append(("[" if first else ",") + inner)
        first = False
        _write(item, depth + 1, encode, out)
    out.append("\n" + "  " * depth + "]")
