"""A fast reader for the plain block-YAML subset that recipes and values files are written in.

Pure and import-light: no PyYAML, so `aicr bundle` can read a recipe and the catalog's values
files without paying PyYAML's import cost (about 30 ms, half the command's budget). It reads
block mappings and sequences, plain / single- / double-quoted scalars, literal block scalars and
one-line flow collections of scalars, resolving scalars with the YAML 1.2 core schema exactly as
`aicr.io.yamlin` does (then `plain`). Anything else - anchors, tags, folded or multi-line
scalars, several documents, duplicate keys, tabs, CR/NEL/U+2028/U+2029 line breaks, control
characters or a BOM past the start, keys over 1,000 characters, flow entries starting with an
indicator, numbers over 1,000 characters, nesting past 100 levels - raises `Unsupported`, and
the caller falls back to the strict PyYAML loader, so this module never has to be right about
the hard cases. tests/unit/io/test_yamlsubset_differential.py holds it to libyaml's answers.
"""

from __future__ import annotations

from aicr.io.yamlscalars import Unsupported, quoted, resolve_plain

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["Unsupported", "load"]


# Characters that give a plain scalar special meaning when they come first.
_BAD_FIRST = frozenset("&*!%@`]},>")
# libyaml refuses an implicit key longer than 1,024 characters; stay well inside that.
_MAX_KEY = 1000
# Deeper documents go to the strict loader, which refuses them past aicr.io.limits.MAX_DEPTH.
_MAX_DEPTH = 100
_FLOW_NUMBER = frozenset("0123456789.")


def load(text: str) -> Any:
    """Parse one document of the subset; raises `Unsupported` for anything outside it."""
    if text.startswith("\ufeff"):
        text = text[1:]
    # Python's printable set lies inside YAML's and excludes tabs, CR, NEL, U+2028/U+2029, a BOM
    # and every control character, so one C-speed check covers the odd line breaks too.
    if not text.replace("\n", "").isprintable():
        raise Unsupported("tab, carriage return, unusual line break or non-printable character")
    return _Parser(text).document()


class _Parser:
    __slots__ = ("contents", "depth", "indents", "open_end", "pos")

    def __init__(self, text: str) -> None:
        raw = text.split("\n")
        # The last line lacks a line break when the text does not end with one.
        self.open_end = not text.endswith("\n")
        if not self.open_end:
            raw.pop()
        self.indents: list[int] = []
        self.contents: list[str] = []
        for line in raw:
            content = line.lstrip(" ")
            self.indents.append(len(line) - len(content))
            self.contents.append(content)
        self.pos = 0
        self.depth = 0

    # -- line navigation -------------------------------------------------------------------

    def _skip(self) -> int:
        """Index of the next line with content (not blank, not a comment); len() at the end."""
        contents = self.contents
        pos = self.pos
        end = len(contents)
        while pos < end:
            content = contents[pos]
            if content and content[0] != "#":
                if self.indents[pos] == 0 and (content.startswith(("---", "...")) and _is_marker(content)):
                    raise Unsupported("document marker")
                return pos
            pos += 1
        return end

    def document(self) -> Any:
        """The whole text's single root node (None for an empty document)."""
        pos = self._skip_header()
        if pos >= len(self.contents):
            return None
        self.pos = pos
        value = self._node(self.indents[pos])
        if self._skip() < len(self.contents):
            raise Unsupported("content after the root node")
        return value

    def _skip_header(self) -> int:
        contents = self.contents
        for pos, content in enumerate(contents):
            if not content or content[0] == "#":
                continue
            if self.indents[pos] == 0 and content.startswith("---") and _is_marker(content):
                rest = content[3:].strip()
                if rest and rest[0] != "#":
                    raise Unsupported("content on the document marker line")
                self.pos = pos + 1
                return self._skip()
            self.pos = pos
            return self._skip()
        return len(contents)

    # -- nodes -----------------------------------------------------------------------------

    def _node(self, indent: int) -> Any:
        pos = self.pos
        content = self.contents[pos]
        if content == "-" or content.startswith("- "):
            return self._sequence(self.indents[pos])
        if _split_key(content) is not None:
            return self._mapping(self.indents[pos])
        self.pos = pos + 1
        return self._inline(content, indent)

    def _mapping(self, indent: int) -> dict[str, Any]:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise Unsupported("deep nesting")
        try:
            return self._mapping_entries(indent)
        finally:
            self.depth -= 1

    def _mapping_entries(self, indent: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        contents = self.contents
        indents = self.indents
        end = len(contents)
        while True:
            pos = self._skip()
            if pos >= end or indents[pos] < indent:
                return out
            if indents[pos] > indent:
                raise Unsupported("unexpected indentation")
            content = contents[pos]
            if content == "-" or content.startswith("- "):
                raise Unsupported("sequence item inside a mapping")
            split = _split_key(content)
            if split is None:
                raise Unsupported("not a mapping entry")
            key, rest = split
            if key in out or key == "<<":
                raise Unsupported("duplicate or merge key")
            self.pos = pos + 1
            out[key] = self._value(rest, indent)

    def _sequence(self, indent: int) -> list[Any]:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise Unsupported("deep nesting")
        try:
            return self._sequence_items(indent)
        finally:
            self.depth -= 1

    def _sequence_items(self, indent: int) -> list[Any]:
        out: list[Any] = []
        contents = self.contents
        indents = self.indents
        end = len(contents)
        while True:
            pos = self._skip()
            if pos >= end or indents[pos] < indent:
                return out
            content = contents[pos]
            if indents[pos] > indent or not (content == "-" or content.startswith("- ")):
                if indents[pos] > indent:
                    raise Unsupported("unexpected indentation")
                return out
            rest = content[1:].lstrip(" ")
            column = indent + len(content) - len(rest)
            if not rest or rest[0] == "#":
                self.pos = pos + 1
                out.append(self._nested(indent, allow_same_indent_seq=False))
                continue
            if rest == "-" or rest.startswith("- "):
                raise Unsupported("nested compact sequence")
            if _split_key(rest) is not None:
                # A compact mapping: continue as if the entry started at its own column.
                self.indents[pos] = column
                self.contents[pos] = rest
                self.pos = pos
                out.append(self._mapping(column))
                continue
            self.pos = pos + 1
            out.append(self._inline(rest, indent))

    def _value(self, rest: str, indent: int) -> Any:
        """The value after `key:` on a line at `indent` (rest already stripped)."""
        if not rest or rest[0] == "#":
            return self._nested(indent, allow_same_indent_seq=True)
        return self._inline(rest, indent)

    def _nested(self, indent: int, *, allow_same_indent_seq: bool) -> Any:
        pos = self._skip()
        if pos >= len(self.contents):
            return None
        child = self.indents[pos]
        content = self.contents[pos]
        if child > indent:
            self.pos = pos
            return self._node(child)
        if allow_same_indent_seq and child == indent and (content == "-" or content.startswith("- ")):
            self.pos = pos
            return self._sequence(indent)
        return None

    def _inline(self, text: str, indent: int) -> Any:
        """A scalar, block scalar or one-line flow collection starting on the current line."""
        first = text[0]
        if first == "|":
            return self._literal(text, indent)
        if first == '"' or first == "'":
            value, end = quoted(text, 0)
            _expect_end(text, end)
            self._no_continuation(indent)
            return value
        if first == "[" or first == "{":
            value = _flow(text)
            self._no_continuation(indent)
            return value
        scalar = _plain_end(text)
        self._no_continuation(indent)
        return resolve_plain(scalar)

    def _no_continuation(self, indent: int) -> None:
        """A more-indented line after a one-line value would continue it: not in the subset."""
        pos = self._skip()
        if pos < len(self.contents) and self.indents[pos] > indent:
            raise Unsupported("multi-line scalar")

    def _literal(self, header: str, indent: int) -> str:
        explicit, chomp = _block_header(header)
        contents = self.contents
        indents = self.indents
        end = len(contents)
        pos = self.pos
        block = indent + int(explicit) if explicit else 0
        if not block:
            probe = pos
            while probe < end and not contents[probe]:
                probe += 1
            if probe >= end or indents[probe] <= indent:
                raise Unsupported("empty block scalar")
            block = indents[probe]
        lines: list[str] = []
        started = False
        while pos < end:
            content = contents[pos]
            if not content:
                if started or indents[pos] <= block:
                    lines.append(" " * max(0, indents[pos] - block))
                    pos += 1
                    continue
                raise Unsupported("leading over-indented blank line")
            if indents[pos] < block:
                break
            lines.append(" " * (indents[pos] - block) + content)
            started = True
            pos += 1
        self.pos = pos
        if lines and lines[-1] and not lines[-1].strip(" "):
            raise Unsupported("trailing whitespace-only line in block scalar")
        # At the end of a text without a final line break the last line has no break to keep.
        unbroken = pos == end and self.open_end
        if unbroken and not contents[pos - 1]:
            raise Unsupported("blank last line without a line break")
        trailing = 0
        while lines and lines[-1] == "":
            lines.pop()
            trailing += 1
        if not lines:
            raise Unsupported("empty block scalar")
        body = "\n".join(lines)
        if chomp == "-" or unbroken:
            return body
        if chomp == "+":
            return body + "\n" * (trailing + 1)
        return body + "\n"


def _block_header(header: str) -> tuple[str, str]:
    """(indentation indicator, chomping indicator) of a literal block scalar header `|...`."""
    body = header[1:]
    comment = body.find("#")
    if comment != -1:
        if comment == 0 or body[comment - 1] != " ":
            raise Unsupported("block scalar header")
        body = body[:comment]
    body = body.rstrip(" ")
    explicit = chomp = ""
    for ch in body:
        if ch in "123456789" and not explicit:
            explicit = ch
        elif ch in "+-" and not chomp:
            chomp = ch
        else:
            raise Unsupported("block scalar header")
    return explicit, chomp


def _is_marker(content: str) -> bool:
    return len(content) == 3 or content[3] == " "


def _split_key(content: str) -> tuple[str, str] | None:
    """(key, rest) when `content` is a `key: value` entry; None when it is a bare scalar."""
    first = content[0]
    if first == '"' or first == "'":
        try:
            key, end = quoted(content, 0)
        except Unsupported:
            return None
        if end > _MAX_KEY:
            raise Unsupported("long mapping key")
        if (
            end < len(content)
            and content[end] == ":"
            and (end + 1 == len(content) or content[end + 1] == " ")
        ):
            return key, content[end + 1 :].strip(" ")
        return None
    if first in "[{?" or first == "#":
        if first == "?":
            raise Unsupported("complex key")
        return None
    colon = content.find(":")
    while colon != -1:
        if colon + 1 == len(content) or content[colon + 1] == " ":
            break
        colon = content.find(":", colon + 1)
    if colon <= 0:
        return None
    if colon > _MAX_KEY:
        raise Unsupported("long mapping key")
    comment = content.find(" #")
    if comment != -1 and comment < colon:
        return None
    key = content[:colon].rstrip(" ")
    if not key or key[0] in _BAD_FIRST or key[0] in "|\"'-":
        raise Unsupported("unusual mapping key")
    return key, content[colon + 1 :].strip(" ")


def _plain_end(text: str) -> str:
    """The plain scalar at the start of `text`, without a trailing comment."""
    if text[0] in _BAD_FIRST or (text[0] in "-?:" and (len(text) == 1 or text[1] == " ")):
        raise Unsupported("indicator at the start of a plain scalar")
    comment = text.find(" #")
    if comment != -1:
        text = text[:comment]
    text = text.rstrip(" ")
    if ": " in text or text.endswith(":"):
        raise Unsupported("mapping indicator inside a plain scalar")
    return text


def _expect_end(text: str, end: int) -> None:
    """Only blanks or a comment (after a blank) may follow a quoted scalar or flow collection."""
    rest = text[end:]
    stripped = rest.lstrip(" ")
    if stripped and not (stripped[0] == "#" and len(stripped) < len(rest)):
        raise Unsupported("text after a quoted scalar")


def _flow(text: str) -> Any:
    """A one-line flow sequence or mapping of scalars (no nesting)."""
    opener = text[0]
    closer = "]" if opener == "[" else "}"
    items: list[Any] = []
    pairs: dict[str, Any] = {}
    pos = 1
    length = len(text)
    while True:
        while pos < length and text[pos] == " ":
            pos += 1
        if pos >= length:
            raise Unsupported("multi-line flow collection")
        if text[pos] == closer and not items and not pairs:
            pos += 1
            break
        key, pos = _flow_scalar(text, pos, closer, is_key=opener == "{")
        if opener == "{":
            if pos >= length or text[pos] != ":":
                raise Unsupported("flow mapping entry without a value")
            value, pos = _flow_scalar(text, pos + 1, closer, is_key=False)
            if not isinstance(key, str) or key in pairs:
                raise Unsupported("flow mapping key")
            pairs[key] = value
        else:
            items.append(key)
        while pos < length and text[pos] == " ":
            pos += 1
        if pos < length and text[pos] == ",":
            pos += 1
            continue
        if pos < length and text[pos] == closer:
            pos += 1
            break
        raise Unsupported("flow collection syntax")
    _expect_end(text, pos)
    return pairs if opener == "{" else items


def _flow_scalar(text: str, pos: int, closer: str, *, is_key: bool) -> tuple[Any, int]:
    while pos < len(text) and text[pos] == " ":
        pos += 1
    if pos >= len(text):
        raise Unsupported("multi-line flow collection")
    first = text[pos]
    if first in "\"'":
        value, end = quoted(text, pos)
        if end - pos > _MAX_KEY:
            raise Unsupported("long flow scalar")
        return value, end
    if first in "[{#|>?:" or first in _BAD_FIRST:
        raise Unsupported("nested or unusual flow content")
    if first == "-" and text[pos + 1 : pos + 2] not in _FLOW_NUMBER:
        raise Unsupported("indicator at the start of a flow scalar")
    end = pos
    length = len(text)
    while end < length:
        ch = text[end]
        if ch == "," or ch == closer:
            break
        if ch == ":" and is_key and (end + 1 == length or text[end + 1] in " ," + closer):
            break
        if ch in "[]{}#":
            raise Unsupported("unusual flow content")
        end += 1
    raw = text[pos:end].rstrip(" ")
    if not raw or end - pos > _MAX_KEY:
        raise Unsupported("empty or long flow entry")
    if is_key:
        return raw, end
    if ": " in raw:
        raise Unsupported("mapping inside a flow sequence")
    return resolve_plain(raw), end
