"""Static bundle text (scripts, READMEs, Argo CD chart templates) kept as package-data templates.

Edge module (reads package files). Templates live in `aicr/bundle/templates/` and hold
`%%{name}` placeholders (so shell `$` and Helm `{{ }}` need no escaping), filled by plain string
substitution - the `string.Template` idea without its import cost (`string` pulls in `re`) and
no template engine on the bundle path. A placeholder without a value, or a value without a
placeholder, raises.
"""

from __future__ import annotations

import os

_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
_OPEN = "%%{"
_CACHE: dict[str, tuple[list[str], list[str]]] = {}


def _parse(text: str, name: str) -> tuple[list[str], list[str]]:
    """(literal pieces, placeholder names): pieces[0] name[0] pieces[1] name[1] ... pieces[-1]."""
    pieces: list[str] = []
    names: list[str] = []
    rest = text
    while True:
        start = rest.find(_OPEN)
        if start == -1:
            pieces.append(rest)
            return pieces, names
        end = rest.find("}", start)
        key = rest[start + len(_OPEN) : end]
        if end == -1 or not key.replace("_", "").isalnum():
            raise ValueError(f"template {name}: malformed placeholder at {rest[start : start + 20]!r}")
        pieces.append(rest[:start])
        names.append(key)
        rest = rest[end + 1 :]


def render(name: str, **values: str) -> str:
    """Template `name` with every `%%{key}` replaced by `values[key]`."""
    parsed = _CACHE.get(name)
    if parsed is None:
        with open(os.path.join(_DIR, name), encoding="utf-8") as fh:
            parsed = _parse(fh.read(), name)
        _CACHE[name] = parsed
    pieces, names = parsed
    unused = set(values) - set(names)
    if unused:
        raise KeyError(f"template {name} has no placeholder {sorted(unused)[0]}")
    out = [pieces[0]]
    for key, piece in zip(names, pieces[1:], strict=True):
        out.append(values[key])
        out.append(piece)
    return "".join(out)
