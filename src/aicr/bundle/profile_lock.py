"""Profile-locked value paths: a bundle override may repeat a profile's value but never change it.

Pure. A recipe resolved with a configuration profile records
`metadata.selectedProfile.ownedPaths` (component -> dotted value paths, plus the synthetic
`enabled` presence path). reference/bundle.md §2: a `--set`, `--set-json` or `--set-file` on a
path the profile owns is accepted when it gives the value the recipe already carries, and
rejected (INVALID_REQUEST naming the path, the profile and the locked value) otherwise; a
`--dynamic` path that reaches a locked path would let install time change it, so it is rejected.
"""

from __future__ import annotations

from aicr.bundle import paths as vpaths
from aicr.bundle.options import coerce
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.bundle.options import BundleOptions
    from aicr.catalog.catalog import Catalog

PRESENCE = "enabled"
_MISSING = object()


class _Owned:
    """One component's profile-owned paths, the recipe's values there, and the profile label."""

    __slots__ = ("component", "label", "overrides", "paths")

    def __init__(self, component: str, paths: list[str], overrides: dict[str, Any], label: str) -> None:
        self.component = component
        self.paths = paths
        self.overrides = overrides
        self.label = label


def check_profile_locks(doc: dict[str, Any], catalog: Catalog, opts: BundleOptions) -> None:
    """Raise on the first override that would change a profile-owned value."""
    profile = (doc.get("metadata") or {}).get("selectedProfile")
    if not isinstance(profile, dict) or not profile.get("ownedPaths"):
        return
    from aicr.bundle.components import override_keys

    label = f"{profile.get('name')}={profile.get('value')}"
    refs = {ref["name"]: ref for ref in doc.get("componentRefs") or []}
    for component, paths in sorted(profile["ownedPaths"].items()):
        owned = _Owned(component, paths, (refs.get(component) or {}).get("overrides") or {}, label)
        for key in override_keys(catalog, component):
            for path, raw in sorted((opts.set_values.get(key) or {}).items()):
                _check(owned, f"--set {key}:{path}={raw}", path, coerce(raw), raw)
            for path, value in sorted((opts.typed_values.get(key) or {}).items()):
                _check(owned, f"--set-json/--set-file {key}:{path}={_json(value)}", path, value, None)
            for path in opts.dynamic.get(key) or []:
                hit = next((p for p in paths if p != PRESENCE and vpaths.paths_intersect(p, path)), None)
                if hit is not None:
                    raise _locked(f"--dynamic {key}:{path}", owned, hit)


def _check(owned: _Owned, override: str, path: str, value: Any, raw: str | None) -> None:
    """`raw` is the text of a `--set` (None for typed values, which are never coerced)."""
    if path == PRESENCE:
        if PRESENCE in owned.paths and value is not True:
            raise _presence(override, owned)
        return
    for locked_path in owned.paths:
        if locked_path == PRESENCE or not vpaths.paths_intersect(locked_path, path):
            continue
        given = _given_at(value, path, locked_path, raw is not None)
        if given is _MISSING:
            continue  # a map merged above the locked path that leaves it alone
        current, found = vpaths.get_path(owned.overrides, locked_path)
        same = found and type(given) is type(current) and given == current
        if found and isinstance(current, str) and raw == current:
            same = True  # `--set c:p=1.10` over the string "1.10" keeps the string
        if not same:
            raise _locked(override, owned, locked_path)


def _given_at(value: Any, path: str, locked_path: str, scalar_flag: bool) -> Any:
    """What the override puts at `locked_path` (`_MISSING`: it merges a map that leaves it be)."""
    if path == locked_path:
        return value
    if locked_path.startswith(path + ".") and isinstance(value, dict) and not scalar_flag:
        found_value, found = vpaths.get_path(value, locked_path[len(path) + 1 :])
        return found_value if found else _MISSING
    return _Divergent()  # replaces a parent map, or writes below a locked leaf


def _json(value: Any) -> str:
    import json  # lazily: json pulls in `re`, which the bundle hot path does without

    return json.dumps(value)


class _Divergent:
    """Compares unequal to everything: the override changes the locked value's shape."""

    def __eq__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return 0


def _locked(override: str, owned: _Owned, path: str) -> AicrError:
    current, found = vpaths.get_path(owned.overrides, path)
    shown = _json(current) if found else "its recipe value"
    return AicrError(
        Code.INVALID_REQUEST,
        f'{override} conflicts with profile {owned.label}: path "{owned.component}:{path}" is locked to '
        f"{shown}; choose another profile value when resolving the recipe (--profile) instead",
        {"component": owned.component, "path": path, "profile": owned.label},
    )


def _presence(override: str, owned: _Owned) -> AicrError:
    return AicrError(
        Code.INVALID_REQUEST,
        f'{override} conflicts with profile {owned.label}: component "{owned.component}" is configured by '
        "the profile and must stay in the bundle",
        {"component": owned.component, "path": PRESENCE, "profile": owned.label},
    )
