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


def check_profile_locks(doc: dict[str, Any], catalog: Catalog, opts: BundleOptions) -> None:
    """Raise on the first override that would change a profile-owned value."""
    profile = (doc.get("metadata") or {}).get("selectedProfile")
    if not isinstance(profile, dict) or not profile.get("ownedPaths"):
        return
    from aicr.bundle.components import override_keys

    label = f"{profile.get('name')}={profile.get('value')}"
    refs = {ref["name"]: ref for ref in doc.get("componentRefs") or []}
    for component, locked in sorted(profile["ownedPaths"].items()):
        overrides = (refs.get(component) or {}).get("overrides") or {}
        for key in override_keys(catalog, component):
            for path, raw in sorted((opts.set_values.get(key) or {}).items()):
                _check(component, key, path, coerce(raw), raw, locked, overrides, label, "--set", True)
            for path, value in sorted((opts.typed_values.get(key) or {}).items()):
                _check(component, key, path, value, _json(value), locked, overrides, label,
                       "--set-json/--set-file", False)  # fmt: skip
            for path in opts.dynamic.get(key) or []:
                hit = next((lp for lp in locked if lp != PRESENCE and vpaths.paths_intersect(lp, path)), None)
                if hit is not None:
                    raise _locked(f"--dynamic {key}:{path}", component, hit, overrides, label)


def _check(
    component: str,
    key: str,
    path: str,
    value: Any,
    shown: str,
    locked: list[str],
    overrides: dict[str, Any],
    label: str,
    flag: str,
    scalar_flag: bool,
) -> None:
    if path == PRESENCE:
        if PRESENCE in locked and value is not True:
            raise _presence(f"{flag} {key}:{path}={shown}", component, label)
        return
    for locked_path in locked:
        if locked_path == PRESENCE or not vpaths.paths_intersect(locked_path, path):
            continue
        given = _given_at(value, path, locked_path, scalar_flag)
        if given is _MISSING:
            continue  # a map merged above the locked path that leaves it alone
        current, found = vpaths.get_path(overrides, locked_path)
        same = found and type(given) is type(current) and given == current
        if scalar_flag and found and isinstance(current, str) and shown == current:
            same = True  # `--set c:p=1.10` over the string "1.10" keeps the string
        if not same:
            raise _locked(f"{flag} {key}:{path}={shown}", component, locked_path, overrides, label)


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


def _locked(override: str, component: str, path: str, overrides: dict[str, Any], label: str) -> AicrError:
    current, found = vpaths.get_path(overrides, path)
    shown = _json(current) if found else "its recipe value"
    return AicrError(
        Code.INVALID_REQUEST,
        f'{override} conflicts with profile {label}: path "{component}:{path}" is locked to {shown}; '
        "choose another profile value when resolving the recipe (--profile) instead",
        {"component": component, "path": path, "profile": label},
    )


def _presence(override: str, component: str, label: str) -> AicrError:
    return AicrError(
        Code.INVALID_REQUEST,
        f'{override} conflicts with profile {label}: component "{component}" is configured by the '
        "profile and must stay in the bundle",
        {"component": component, "path": PRESENCE, "profile": label},
    )
