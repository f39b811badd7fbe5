"""Deterministic YAML writing for plain data (dict, list, str, int, float, bool, None).

Pure and import-light (no PyYAML): the `aicr recipe` hot path emits YAML through this module.
Block style, 2-space indent, lists indented under their key, keys in the order given. A string
is written plain only when both YAML 1.1 (Helm, PyYAML) and YAML 1.2 readers would read it back
as the same string; otherwise it is double-quoted, or written as a literal block when it spans
lines.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Plain words that some YAML 1.1 or 1.2 reader resolves to a bool, null, merge key or value key.
_WORDS = frozenset([
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
    "true", "True", "TRUE", "false", "False", "FALSE",
    "on", "On", "ON", "off", "Off", "OFF",
    "~", "null", "Null", "NULL", "<<", "=",
])  # fmt: skip
_DIGITS = frozenset("0123456789_")
_MAX_IMPLICIT_KEY = 1000
_HEX = frozenset("0123456789abcdefABCDEF_")


def _number_part(text: str) -> bool:
    """`[0-9][0-9_]*`, optionally sexagesimal (`1:20:30`)."""
    head, *rest = text.split(":")
    if not head or not head[0].isdigit() or not _DIGITS.issuperset(head):
        return False
    return all(0 < len(p) <= 2 and p.isdigit() for p in rest)


def _looks_numeric(body: str) -> bool:
    """Whether an unsigned scalar could be an int or float for a YAML 1.1 or 1.2 reader."""
    lowered = body.lower()
    if lowered in (".inf", ".nan"):
        return True
    if lowered[:2] in ("0x", "0o", "0b"):
        return len(body) > 2 and _HEX.issuperset(body[2:])
    mantissa, e, exponent = lowered.partition("e")
    if e:
        digits = exponent[1:] if exponent[:1] in ("+", "-") else exponent
        if not digits.isdigit():
            return False
    whole, dot, fraction = mantissa.partition(".")
    if fraction and not _DIGITS.issuperset(fraction):
        return False
    if not whole:
        return bool(dot) and (bool(fraction) or bool(e))
    return _number_part(whole)


def _implicit(s: str) -> bool:
    """Whether a YAML 1.1 or 1.2 reader would resolve plain `s` to something other than a string."""
    if s in _WORDS:
        return True
    first = s[0]
    if first in "+-":
        return len(s) > 1 and _looks_numeric(s[1:])
    if first == ".":
        return _looks_numeric(s)
    if not first.isdigit():
        return False
    if len(s) >= 6 and s[4:5] == "-" and s[:4].isdigit() and s[5:6].isdigit():
        return True  # a YAML 1.1 timestamp (2024-01-31, 2024-1-2T10:00:00Z, ...)
    return _looks_numeric(s)


_FIRST_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\0": "\\0",
    "\x07": "\\a",
    "\x08": "\\b",
    "\x0b": "\\v",
    "\x0c": "\\f",
    "\x1b": "\\e",
    "\x85": "\\N",
    "\xa0": "\\_",
    "\u2028": "\\L",
    "\u2029": "\\P",
}


def _printable(ch: str) -> bool:
    code = ord(ch)
    return (
        code == 0x09
        or 0x20 <= code <= 0x7E
        or (0xA0 < code <= 0xD7FF and code not in (0x2028, 0x2029))
        or (0xE000 <= code <= 0xFFFD and code != 0xFEFF)
        or 0x10000 <= code <= 0x10FFFF
    )


def _printable_text(s: str) -> bool:
    """Whether every character may appear in a plain scalar (non-ASCII path; rare)."""
    return all(_printable(ch) and ch not in "\t\ufeff" for ch in s)


def _plain_ok(s: str) -> bool:
    if not s or s[0] in _FIRST_INDICATORS or s[0] == " " or s[-1] in " :":
        return False
    if ": " in s or " #" in s or s.startswith(("---", "...")):
        return False
    if s.isascii():
        if not s.isprintable():  # control characters and tabs
            return False
    elif not _printable_text(s):
        return False
    return not _implicit(s)


def quote(s: str) -> str:
    """Double-quoted YAML scalar for `s`."""
    out = []
    for ch in s:
        esc = _ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif _printable(ch) and ch != "\ufeff":
            out.append(ch)
        else:
            code = ord(ch)
            if code <= 0xFF:
                out.append(f"\\x{code:02X}")
            elif code <= 0xFFFF:
                out.append(f"\\u{code:04X}")
            else:
                out.append(f"\\U{code:08X}")
    return '"' + "".join(out) + '"'


_STRINGS: dict[str, str] = {}  # rendered strings; keys and values repeat a lot in values files


def _string(s: str) -> str:
    rendered = _STRINGS.get(s)
    if rendered is None:
        rendered = s if _plain_ok(s) else quote(s)
        if len(_STRINGS) < 8192:
            _STRINGS[s] = rendered
    return rendered


def scalar(value: Any) -> str:
    """One-line YAML form of a scalar (strings with newlines come back double-quoted)."""
    if type(value) is str:
        return _string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return _float(float(value))
    if isinstance(value, str):
        return _string(value)
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


_INF = float("inf")


def _float(f: float) -> str:
    # Comparisons, not `math.isnan`/`isinf`: `math` is a shared library (~0.3 ms to load).
    if f != f:
        return ".nan"
    if f == _INF or f == -_INF:
        return ".inf" if f > 0 else "-.inf"
    text = repr(f)
    if "e" in text:
        mantissa, exp = text.split("e")
        if "." not in mantissa:
            mantissa += ".0"
        text = f"{mantissa}e{exp}"
    return text


def _literal_ok(s: str) -> bool:
    if "\n" not in s or not s.strip("\n "):
        return False
    if any(not _printable(ch) and ch != "\n" for ch in s):
        return False
    # Lines of only spaces before content confuse indentation detection; quote those.
    return all(line.strip(" ") or not line for line in s.split("\n"))


def _literal(s: str, indent: int) -> list[str]:
    if s.endswith("\n\n") or s == "\n":
        chomp, body = "+", s[:-1]
    elif s.endswith("\n"):
        chomp, body = "", s[:-1]
    else:
        chomp, body = "-", s
    # A first line starting with a blank or tab would break indentation detection: say it.
    header = "|" + ("2" if s[0] in " \n\t" else "") + chomp
    pad = " " * indent
    lines = [header]
    for line in body.split("\n"):
        lines.append(pad + line if line else "")
    return lines


def _key(k: Any) -> str:
    if type(k) is not str:
        if not isinstance(k, str):
            raise TypeError(f"YAML mapping keys must be strings, found {type(k).__name__}")
        k = str.__str__(k)
    if "\n" in k:
        return quote(k)
    return _string(k)


def _emit(value: Any, indent: int, out: list[str], prefix: str) -> None:
    """Append lines for `value` whose first line starts with `prefix` (already indented)."""
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            out.append(prefix + "{}")
            return
        first = True
        for k, v in value.items():
            key = _key(k)
            lead = prefix if first else pad
            first = False
            if len(key) > _MAX_IMPLICIT_KEY:
                # libyaml refuses implicit keys over 1,024 characters: write an explicit `? key`.
                out.append(lead + "? " + key)
                _emit_child(v, indent, out, pad + ":")
                continue
            _emit_child(v, indent, out, lead + key + ":")
        return
    if isinstance(value, list | tuple):
        if not value:
            out.append(prefix + "[]")
            return
        first = True
        for item in value:
            head = (prefix if first else pad) + "- "
            first = False
            _emit(item, indent + 2, out, head)
        return
    if isinstance(value, str) and _literal_ok(value):
        lines = _literal(value, indent + 2 if prefix.endswith(": ") else indent)
        out.append(prefix + lines[0])
        out.extend(lines[1:])
        return
    out.append(prefix + scalar(value))


def _emit_child(value: Any, indent: int, out: list[str], head: str) -> None:
    if (isinstance(value, dict) and value) or (isinstance(value, list | tuple) and value):
        out.append(head)
        _emit(value, indent + 2, out, " " * (indent + 2))
    elif isinstance(value, str) and _literal_ok(value):
        lines = _literal(value, indent + 2)
        out.append(head + " " + lines[0])
        out.extend(lines[1:])
    else:
        _emit(value, indent, out, head + " ")


def dump(value: Any) -> str:
    """Serialise plain data to a YAML document (no leading `---`, trailing newline)."""
    out: list[str] = []
    if isinstance(value, dict | list | tuple):
        _emit(value, 0, out, "")
    elif isinstance(value, str) and _literal_ok(value):
        lines = _literal(value, 2)
        out.append(lines[0])
        out.extend(lines[1:])
    else:
        out.append(scalar(value))
    return "\n".join(out) + "\n"
