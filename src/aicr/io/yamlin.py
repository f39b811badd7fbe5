"""Strict YAML reading: YAML 1.2 core scalars, duplicate keys rejected, numbers keep their text.

Pure: parses text, never touches files. Uses libyaml's C parser when available. Differences
from PyYAML's defaults, all chosen to read catalog files the way the reference's Go decoder does:
- scalars resolve with the YAML 1.2 core schema (`yes`, `on`, `1_000`, `1:20` stay strings;
  dates stay strings);
- a mapping that repeats a key is an error instead of "last one wins";
- an int or float scalar keeps its source text (`ScalarInt.text`, `ScalarFloat.text`) so a
  field declared as a string can recover `1.10` exactly instead of the float `1.1`.
"""

from __future__ import annotations

import re

import yaml

from aicr.errors import AicrError, Code
from aicr.io.limits import MAX_ALIAS_NODES, MAX_DEPTH, MAX_INT_DIGITS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar

try:
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - libyaml missing
    _BaseLoader = yaml.SafeLoader


class ScalarInt(int):
    """An int read from YAML that remembers its source text."""

    text: str

    def __new__(cls, value: int, text: str) -> ScalarInt:
        obj = super().__new__(cls, value)
        obj.text = text
        return obj


class ScalarFloat(float):
    """A float read from YAML that remembers its source text."""

    text: str

    def __new__(cls, value: float, text: str) -> ScalarFloat:
        obj = super().__new__(cls, value)
        obj.text = text
        return obj


class _StrictLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Loader with YAML 1.2 core resolvers and strict mappings."""

    yaml_implicit_resolvers: ClassVar[dict[str | None, list[tuple[str, re.Pattern[str]]]]] = {}


def _add_resolver(tag: str, pattern: str, first: str, *, empty: bool = False) -> None:
    _StrictLoader.add_implicit_resolver(tag, re.compile(pattern, re.X), [*first, *([""] if empty else [])])


# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
_add_resolver("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF")
_add_resolver("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", "~nN", empty=True)
_add_resolver("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789")
_add_resolver(
    "tag:yaml.org,2002:float",
    r"""^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
    "-+0123456789.",
)


def _construct_int(loader: _StrictLoader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    # Octal and hex digits carry at most 4 bits, fewer than MAX_INT_DIGITS decimal digits hold.
    if len(text.lstrip("+-")) > MAX_INT_DIGITS:
        raise yaml.constructor.ConstructorError(
            None, None, f"integer longer than the limit of {MAX_INT_DIGITS} digits", node.start_mark
        )
    if text.startswith("0o"):
        value = int(text[2:], 8)
    elif text.startswith("0x"):
        value = int(text[2:], 16)
    else:
        value = int(text, 10)
    if value.bit_length() > 3 * MAX_INT_DIGITS:  # long hex/octal: str() of it would fail later
        raise yaml.constructor.ConstructorError(
            None, None, f"integer longer than the limit of {MAX_INT_DIGITS} digits", node.start_mark
        )
    return ScalarInt(value, text)


def _construct_float(loader: _StrictLoader, node: yaml.ScalarNode) -> float:
    text = str(loader.construct_scalar(node))
    lowered = text.lower()
    if lowered.endswith(".inf"):
        value = float("-inf") if lowered.startswith("-") else float("inf")
    elif lowered == ".nan":
        value = float("nan")
    else:
        value = float(text)
    return ScalarFloat(value, text)


def _construct_bool(loader: _StrictLoader, node: yaml.ScalarNode) -> bool:
    return str(loader.construct_scalar(node)).lower() == "true"


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, ScalarInt | ScalarFloat):
            key = key.text
        elif isinstance(key, bool) or key is None:
            key = key_node.value
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None, None, f"mapping key must be a string, found {type(key).__name__}", key_node.start_mark
            )
        if key in out:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
    return out


def _construct_timestamp_as_str(loader: _StrictLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_StrictLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_StrictLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_StrictLoader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
_StrictLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_str)


def _error(source: str, exc: yaml.YAMLError) -> AicrError:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if "maximum nesting depth" in problem:  # libyaml's own flow-nesting guard fired first
        problem = f"nesting deeper than the limit of {MAX_DEPTH} levels"
    where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark is not None else source
    return AicrError(Code.INVALID_REQUEST, f"invalid YAML in {where}: {problem}", {"file": source})


_COLLECTION_START = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_COLLECTION_END = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _check_bounds(text: str | bytes) -> None:
    """Walk the event stream (iterative, no objects built) and refuse nesting deeper than
    MAX_DEPTH or aliases that would expand to more than MAX_ALIAS_NODES nodes."""
    loader = _BaseLoader(text)
    frames: list[list[Any]] = []  # [nodes so far, anchor] per open collection
    sizes: dict[str, int] = {}  # anchor -> nodes in its expanded subtree
    added = 0
    try:
        while loader.check_event():
            event = loader.get_event()  # type: ignore[no-untyped-call]
            size = 0
            if isinstance(event, _COLLECTION_START):
                if len(frames) >= MAX_DEPTH:
                    raise yaml.YAMLError(f"nesting deeper than the limit of {MAX_DEPTH} levels")
                frames.append([1, event.anchor])
                continue
            if isinstance(event, _COLLECTION_END):
                size, anchor = frames.pop()
            elif isinstance(event, yaml.ScalarEvent):
                size, anchor = 1, event.anchor
            elif isinstance(event, yaml.AliasEvent):
                size, anchor = sizes.get(event.anchor or "", 1), None
                added += size
                if added > MAX_ALIAS_NODES:
                    raise yaml.YAMLError(f"aliases expand to more than the limit of {MAX_ALIAS_NODES} nodes")
            else:
                continue
            if anchor:
                sizes[anchor] = size
            if frames:
                frames[-1][0] += size
    finally:
        loader.dispose()


def load_yaml(text: str | bytes, source: str = "<input>") -> Any:
    """Parse one YAML document; raises INVALID_REQUEST naming `source` on any syntax error, and
    on input past aicr.io.limits (nesting depth, alias expansion, integer length)."""
    try:
        _check_bounds(text)
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        raise _error(source, exc) from None


def plain(value: Any) -> Any:
    """Return `value` with ScalarInt/ScalarFloat replaced by plain int/float, recursively."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, ScalarInt):
        return int(value)
    if isinstance(value, ScalarFloat):
        return float(value)
    return value
