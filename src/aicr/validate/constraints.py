"""The constraint language: expressions, measurement paths, and evaluation against a snapshot.

Pure. reference/validate.md §1. An expression is an optional operator (`>=`, `<=`, `!=`, `==`,
`>`, `<`; a lone `=` means `==`) and a value; without an operator it is an exact,
case-sensitive string match. Ordering operators compare versions and fail closed (an
unparsable side is an INVALID_REQUEST error, never a silent pass); `==`/`!=` compare versions
when the expected value looks like one and both sides parse, else strings. Compound forms:
`||` separates alternatives, whitespace before an operator separates AND terms.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code
from aicr.validate.versions import compare, equals, parse_version, version_like

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

OPERATORS = (">=", "<=", "!=", "==", ">", "<")
ORDERING = frozenset({">", ">=", "<", "<="})
TYPES = ("K8s", "GPU", "OS", "SystemD", "NodeTopology", "NetworkTopology")
EXACT = ""


def parse_expression(expression: str) -> tuple[str, str]:
    """Split one term into (operator, value); operator `""` means exact match."""
    text = expression.strip()
    if not text:
        raise AicrError(Code.INVALID_REQUEST, "constraint expression is empty")
    for op in OPERATORS:
        if text.startswith(op):
            value = text[len(op) :].strip()
            if not value:
                raise AicrError(
                    Code.INVALID_REQUEST, f'constraint expression "{expression}" has an operator but no value'
                )
            return op, value
    if text.startswith("=") and text[1:2] not in ("<", ">", "=", "!"):
        value = text[1:].strip()
        if not value:
            raise AicrError(
                Code.INVALID_REQUEST, f'constraint expression "{expression}" has an operator but no value'
            )
        return "==", value
    if text.startswith("!"):
        raise AicrError(
            Code.INVALID_REQUEST,
            f'constraint expression "{expression}" uses "!" without "="; write "!= value"',
        )
    return EXACT, text


def _split_terms(alternative: str) -> list[str]:
    """AND terms of one alternative: a new term starts at whitespace followed by an operator."""
    terms: list[str] = []
    start = 0
    text = alternative.strip()
    i = 1
    while i < len(text):
        if text[i - 1].isspace() and text[i] in "<>=!":
            head = text[start:i].strip()
            if head not in OPERATORS and head not in ("=",):
                terms.append(head)
                start = i
        i += 1
    terms.append(text[start:].strip())
    return terms


def _compound(expression: str) -> list[list[str]] | None:
    """Alternatives of AND terms when `expression` is compound, else None."""
    text = expression.strip()
    if not text or text[0] not in "<>=!":
        return None
    alternatives = text.split("||")
    parsed = []
    for alt in alternatives:
        if not alt.strip():
            raise AicrError(Code.INVALID_REQUEST, f'constraint expression "{expression}" has an empty clause')
        terms = _split_terms(alt)
        parsed.append(terms)
    if len(parsed) == 1 and len(parsed[0]) == 1:
        return None
    return parsed


def evaluate(expression: str, actual: str) -> bool:
    """Whether the reading `actual` satisfies `expression`; AicrError when it cannot evaluate."""
    compound = _compound(expression)
    if compound is None:
        return _evaluate_term(expression, actual)
    for terms in compound:
        for term in terms:
            if term[0:1] not in "<>=!":
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f'constraint expression "{expression}": term "{term}" has no operator',
                )
    results = [all(_evaluate_term(term, actual) for term in terms) for terms in compound]
    return any(results)


def _evaluate_term(expression: str, actual: str) -> bool:
    op, expected = parse_expression(expression)
    have = actual.strip()
    if op == EXACT:
        return have == expected
    if op in ORDERING:
        try:
            want_v = parse_version(expected)
            want_v.gke_build()
        except AicrError as exc:
            raise AicrError(
                Code.INVALID_REQUEST, f'cannot parse expected version "{expected}": {exc.message}'
            ) from None
        try:
            have_v = parse_version(have)
        except AicrError as exc:
            raise AicrError(
                Code.INVALID_REQUEST, f'cannot parse actual version "{have}": {exc.message}'
            ) from None
        cmp = compare(have_v, want_v)
        return {">": cmp > 0, ">=": cmp >= 0, "<": cmp < 0, "<=": cmp <= 0}[op]
    same: bool
    if version_like(expected):
        try:
            same = equals(parse_version(have), parse_version(expected))
        except AicrError:
            same = have == expected
    else:
        same = have == expected
    return same if op == "==" else not same


def format_reading(value: Any) -> str:
    """A snapshot reading as text, the way the reference prints it (Go `%v`), trimmed."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "<nil>"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _go_float(value)
    return str(value).strip()


def _go_float(value: float) -> str:
    """Go's `%v` for a float64: shortest digits, exponent form below 1e-4 or from 1e6 up."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if str(value).startswith("-") else "0"
    from decimal import Decimal

    sign, digit_tuple, exponent = Decimal(repr(value)).normalize().as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple))
    exp = len(digits) - 1 + exponent
    prefix = "-" if sign else ""
    if exp < -4 or exp >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{prefix}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if exponent >= 0:
        return prefix + digits + "0" * exponent
    point = len(digits) + exponent
    if point > 0:
        return f"{prefix}{digits[:point]}.{digits[point:]}"
    return f"{prefix}0.{'0' * -point}{digits}"


def parse_path(path: str) -> tuple[str, str, str]:
    """Split `Type.Subtype.Key` (SystemD splits subtype and key at the last dot)."""
    if not path or not path.strip():
        raise AicrError(Code.INVALID_REQUEST, "constraint path is empty")
    first = path.find(".")
    if first <= 0:
        raise AicrError(Code.INVALID_REQUEST, f'invalid constraint path "{path}": expected Type.Subtype.Key')
    mtype, rest = path[:first], path[first + 1 :]
    if mtype not in TYPES:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'invalid constraint path "{path}": unknown measurement type "{mtype}" (valid: {", ".join(TYPES)})',
        )
    if mtype == "SystemD":
        cut = rest.rfind(".")
    else:
        bracket = rest.find("[")
        dot = rest.find(".")
        if 0 <= bracket < dot:
            close = rest.find("]", bracket)
            cut = rest.find(".", close) if close >= 0 else -1
        else:
            cut = dot
    if cut <= 0 or cut == len(rest) - 1:
        raise AicrError(Code.INVALID_REQUEST, f'invalid constraint path "{path}": expected Type.Subtype.Key')
    return mtype, rest[:cut], rest[cut + 1 :]


def lookup(snapshot: dict[str, Any], path: str) -> Any:
    """The reading at `path` in a Snapshot document; NOT_FOUND when any level is missing."""
    mtype, subtype, key = parse_path(path)
    selector: str | None = None
    if subtype.endswith("]") and "[" in subtype:
        subtype, selector = subtype[:-1].split("[", 1)
    measurement = next((m for m in snapshot.get("measurements") or [] if m.get("type") == mtype), None)
    if measurement is None:
        raise AicrError(Code.NOT_FOUND, f"measurement type {mtype} not found in snapshot", {"path": path})
    sub = next((s for s in measurement.get("subtypes") or [] if s.get("subtype") == subtype), None)
    if sub is None:
        raise AicrError(Code.NOT_FOUND, f"subtype {subtype} not found in measurement {mtype}", {"path": path})
    if selector is not None:
        return _item_value(sub, selector, key, path)
    data = sub.get("data") or {}
    if key not in data:
        raise AicrError(Code.NOT_FOUND, f"key {key} not found in {mtype}.{subtype}", {"path": path})
    return data[key]


def _item_value(sub: dict[str, Any], selector: str, key: str, path: str) -> Any:
    items = sub.get("items") or []
    if selector.isdigit():
        index = int(selector)
        if index >= len(items):
            raise AicrError(Code.NOT_FOUND, f"item {index} not found in {path}", {"path": path})
        chosen = [items[index]]
    else:
        field, sep, want = selector.partition("=")
        if not sep:
            raise AicrError(Code.INVALID_REQUEST, f'invalid item selector "[{selector}]" in {path}')
        chosen = [
            it
            for it in items
            if format_reading((it.get("data") or {}).get(field, (it.get("context") or {}).get(field))) == want
        ]
        if not chosen:
            raise AicrError(Code.NOT_FOUND, f"no item matches [{selector}] in {path}", {"path": path})
        if len(chosen) > 1:
            raise AicrError(
                Code.CONFLICT, f"{len(chosen)} items match [{selector}] in {path}", {"path": path}
            )
    item = chosen[0]
    for block in (item.get("data") or {}, item.get("context") or {}):
        if key in block:
            return block[key]
    raise AicrError(Code.NOT_FOUND, f"key {key} not found in {path}", {"path": path})


def check(constraint: dict[str, Any], snapshot: dict[str, Any]) -> tuple[bool, str]:
    """Evaluate one constraint against a snapshot: (passed, actual reading as text)."""
    actual = format_reading(lookup(snapshot, constraint["name"]))
    return evaluate(str(constraint.get("value", "")), actual), actual
