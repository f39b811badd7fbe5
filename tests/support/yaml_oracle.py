"""The reference answer for YAML text: the strict libyaml loader, plus a typed deep comparison.

Test support only. `reference` is what every hand-written YAML reader or writer in aicr must
agree with; `same` compares values by type as well as value (1, 1.0 and True differ; NaN == NaN).
"""

from __future__ import annotations

import math
from typing import Any

import yaml

from aicr.io import yamlin


def reference(text: str) -> Any:
    """The document as the strict libyaml loader reads it, with plain ints and floats."""
    return yamlin.plain(yaml.load(text, Loader=yamlin._StrictLoader))


def same(a: Any, b: Any) -> bool:
    """Deep equality that also compares types and mapping key order."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)
