"""YAML scalars for the subset reader: plain-scalar resolution (YAML 1.2 core) and quoting.

Pure and import-light (no PyYAML). `resolve_plain` types a plain scalar exactly as
`aicr.io.yamlin` does; `quoted` reads a single- or double-quoted scalar on one line. Anything
these cannot read with certainty raises `Unsupported`, and the caller falls back to the strict
loader.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class Unsupported(Exception):
    """The text uses YAML outside the subset; parse it with the full loader instead."""


_NULL = frozenset({"~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_DIGITS = frozenset("0123456789")
_OCTAL = frozenset("01234567")
_HEXDIGITS = frozenset("0123456789abcdefABCDEF")
_INF = frozenset({".inf", ".Inf", ".INF"})
_NAN = frozenset({".nan", ".NaN", ".NAN"})
_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
    "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0",
    "L": "\u2028", "P": "\u2029",
}  # fmt: skip
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}
# Longer number-like scalars go to the strict loader (aicr.io.limits.MAX_INT_DIGITS).
_MAX_NUMBER = 1000


def _digits(text: str) -> bool:
    return bool(text) and all(c in _DIGITS for c in text)


def number_kind(text: str) -> str | None:
    """ "int" or "float" for decimal numbers (`[-+]?(digits[.digits]|.digits)([eE][-+]?digits)?`)."""
    body = text[1:] if text[:1] in ("+", "-") else text
    mantissa, exponent = body, ""
    for i, ch in enumerate(body):
        if ch in "eE":
            mantissa, exponent = body[:i], body[i + 1 :]
            if exponent[:1] in ("+", "-"):
                exponent = exponent[1:]
            if not _digits(exponent):
                return None
            break
    whole, dot, fraction = mantissa.partition(".")
    if not dot:
        if not _digits(whole):
            return None
        return "float" if exponent else "int"
    if (whole and not _digits(whole)) or (fraction and not _digits(fraction)) or not (whole or fraction):
        return None
    return "float"


def resolve_plain(text: str) -> Any:
    """The value of a plain scalar under the YAML 1.2 core schema (as `aicr.io.yamlin`)."""
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    first = text[0]
    if first in "-+0123456789.":
        if len(text) > _MAX_NUMBER:
            raise Unsupported("long number")  # the strict loader names the limit
        kind = number_kind(text)
        if kind == "int":
            return int(text, 10)
        if text.startswith("0o") and len(text) > 2 and all(c in _OCTAL for c in text[2:]):
            return int(text[2:], 8)
        if text.startswith("0x") and len(text) > 2 and all(c in _HEXDIGITS for c in text[2:]):
            return int(text[2:], 16)
        if kind == "float":
            return float(text)
        unsigned = text[1:] if first in "+-" else text
        if unsigned in _INF:
            return float("-inf") if first == "-" else float("inf")
        if text in _NAN:
            return float("nan")
    return text


def quoted(text: str, start: int) -> tuple[str, int]:
    """A quoted scalar starting at text[start]; returns (value, index after the closing quote)."""
    quote = text[start]
    if quote == "'":
        out: list[str] = []
        pos = start + 1
        while True:
            close = text.find("'", pos)
            if close == -1:
                raise Unsupported("unterminated single-quoted scalar")
            out.append(text[pos:close])
            if text.startswith("''", close):
                out.append("'")
                pos = close + 2
                continue
            return "".join(out), close + 1
    pos = start + 1
    parts: list[str] = []
    length = len(text)
    while pos < length:
        ch = text[pos]
        if ch == '"':
            return "".join(parts), pos + 1
        if ch == "\\":
            if pos + 1 >= length:
                raise Unsupported("line continuation in a double-quoted scalar")
            code = text[pos + 1]
            simple = _ESCAPES.get(code)
            if simple is not None:
                parts.append(simple)
                pos += 2
                continue
            width = _HEX_ESCAPES.get(code)
            digits = text[pos + 2 : pos + 2 + width] if width else ""
            if not width or len(digits) != width or not all(c in _HEXDIGITS for c in digits):
                raise Unsupported("unknown escape")
            parts.append(chr(int(digits, 16)))
            pos += 2 + width
            continue
        parts.append(ch)
        pos += 1
    raise Unsupported("unterminated double-quoted scalar")
