"""Checking and compiling an overlay's configuration profile (`spec.profile`, ADR-015).

Pure. A declaration names one choice (`gpuStack`), its default and its values; each value is a
closed fragment (component overrides, constraints, an optional `advertiser: external`). The
compiled form adds `ownedPaths`: for every component any value touches, the dotted value paths
the declaration owns (the union over all values) plus the synthetic `enabled` presence path.
Bundles lock those paths: a `--set` may repeat the locked value but never change it.
"""

from __future__ import annotations

import re

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.catalog.models import Profile, ProfileValue

IDENTIFIER = re.compile(r"[A-Za-z0-9._-]+\Z")
ADVERTISERS = ("", "external")
PRESENCE_PATH = "enabled"


def _fail(rel: str, message: str) -> AicrError:
    return AicrError(Code.INVALID_REQUEST, f"{rel}: {message}", {"file": rel, "field": "spec.profile"})


def compile_profile(profile: Profile, rel: str) -> dict[str, Any]:
    """The plain-data declaration with its `ownedPaths`; raises naming the file on any defect."""
    import msgspec

    name = profile.name
    if not IDENTIFIER.match(name):
        raise _fail(rel, f'profile name "{name}" must match [A-Za-z0-9._-]+')
    if not profile.values:
        raise _fail(rel, f'profile "{name}" must declare at least one value')
    if profile.default not in profile.values:
        raise _fail(rel, f'profile "{name}" default "{profile.default}" is not a declared value')
    lowered: dict[str, str] = {}
    expected: list[str] | None = None
    owned: dict[str, set[str]] = {}
    for value_name in sorted(profile.values):
        if not IDENTIFIER.match(value_name):
            raise _fail(rel, f'profile "{name}" value "{value_name}" must match [A-Za-z0-9._-]+')
        twin = lowered.setdefault(value_name.lower(), value_name)
        if twin != value_name:
            raise _fail(rel, f'profile "{name}" values "{twin}" and "{value_name}" differ only by case')
        paths = _value_paths(profile.values[value_name], f'profile "{name}" value "{value_name}"', rel, owned)
        if expected is None:
            expected = paths
        elif paths != expected:
            raise _fail(
                rel,
                f'profile "{name}" value "{value_name}" assigns {paths}, but every value must assign '
                f"the same paths ({expected})",
            )
    out: dict[str, Any] = msgspec.to_builtins(profile)
    out["values"] = dict(sorted(out["values"].items()))
    out["ownedPaths"] = {component: sorted(paths) for component, paths in sorted(owned.items())}
    return out


def _value_paths(value: ProfileValue, what: str, rel: str, owned: dict[str, set[str]]) -> list[str]:
    """`component:path` for every leaf the value assigns (sorted); adds them to `owned`."""
    if value.advertiser not in ADVERTISERS:
        raise _fail(rel, f'{what} has invalid advertiser "{value.advertiser}" (valid: external)')
    seen: set[str] = set()
    for constraint in value.constraints or []:
        if not constraint.name.strip() or not constraint.value.strip():
            raise _fail(rel, f"{what} declares a constraint without a name or value")
        if constraint.name in seen:
            raise _fail(rel, f'{what} repeats constraint "{constraint.name}"')
        seen.add(constraint.name)
    components: set[str] = set()
    paths: list[str] = []
    for ref in value.component_refs or []:
        if not ref.name.strip():
            raise _fail(rel, f"{what} has a componentRef without a name")
        if ref.name in components:
            raise _fail(rel, f'{what} repeats componentRef "{ref.name}"')
        components.add(ref.name)
        overrides = ref.overrides or {}
        if PRESENCE_PATH in overrides:
            raise _fail(rel, f'{what} component "{ref.name}" may not set overrides.enabled')
        leaves = _leaves(overrides, (), f'{what} component "{ref.name}"', rel)
        owned.setdefault(ref.name, {PRESENCE_PATH}).update(leaves)
        paths.extend(f"{ref.name}:{leaf}" for leaf in leaves)
    return sorted(paths)


def _leaves(tree: dict[str, Any], prefix: tuple[str, ...], what: str, rel: str) -> list[str]:
    out: list[str] = []
    for key, child in tree.items():
        if not isinstance(key, str) or not key or "." in key:
            raise _fail(rel, f'{what} override key "{key}" must be non-empty and contain no dot')
        path = (*prefix, key)
        if isinstance(child, dict):
            if not child:
                raise _fail(rel, f'{what} override "{".".join(path)}" assigns an empty map')
            out.extend(_leaves(child, path, what, rel))
        else:
            out.append(".".join(path))
    return out
