"""Validator image references: release tag, registry and tag overrides, and pull policy.

Pure. reference/validate.md §3.1: a catalog image tagged `:latest` is pinned to the CLI's
release (`:vX.Y.Z`; a non-release build with a known commit uses `:sha-<commit>`, a `dev` build
keeps `:latest`); `AICR_VALIDATOR_IMAGE_TAG` replaces the tag of every tag-based reference
(digest-pinned ones are left alone); `AICR_VALIDATOR_IMAGE_REGISTRY` replaces the first two path
parts of a three-or-more-part reference and the first part of a two-part one. Pull policy:
`ko.local`/`kind.local` images → Never, digests → IfNotPresent, `:latest` or an overridden tag
→ Always, otherwise IfNotPresent.
"""

from __future__ import annotations

import os

ENV_REGISTRY = "AICR_VALIDATOR_IMAGE_REGISTRY"
ENV_TAG = "AICR_VALIDATOR_IMAGE_TAG"
_HEX = frozenset("0123456789abcdef")
_LOCAL_REGISTRIES = ("ko.local", "kind.local")


def split_image(image: str) -> tuple[str, str, str]:
    """(repository, tag, digest) of a reference; tag and digest may be empty."""
    name, _, digest = image.partition("@")
    last_slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > last_slash:
        return name[:colon], name[colon + 1 :], digest
    return name, "", digest


def join_image(repository: str, tag: str, digest: str) -> str:
    """Inverse of `split_image`."""
    text = repository
    if tag:
        text += f":{tag}"
    if digest:
        text += f"@{digest}"
    return text


def is_release(version: str) -> bool:
    """A release version (`1.2.3` or `v1.2.3`); `dev`, `-next` and other builds are not."""
    text = version.strip()
    return bool(text) and text != "dev" and "-next" not in text and _is_release_number(text)


def _is_release_number(text: str) -> bool:
    """`v?\\d+\\.\\d+\\.\\d+` in full (`\\d`: any Unicode decimal digit), without `re`."""
    parts = text.removeprefix("v").split(".")
    return len(parts) == 3 and all(part.isdecimal() for part in parts)


def release_tag(version: str, commit: str = "") -> str:
    """The tag `:latest` images resolve to for this build, or "" to keep `:latest`."""
    if is_release(version):
        return "v" + version.strip().lstrip("v")
    commit = commit.strip()
    if 7 <= len(commit) <= 40 and set(commit) <= _HEX:
        return "sha-" + commit
    return ""


def replace_registry(image: str, registry: str) -> str:
    """Swap the registry prefix of an image for `registry`."""
    parts = image.split("/", 2)
    if len(parts) == 3:
        return f"{registry.rstrip('/')}/{parts[2]}"
    if len(parts) == 2:
        return f"{registry.rstrip('/')}/{parts[1]}"
    return image


def resolve_image(
    image: str,
    *,
    version: str = "",
    commit: str = "",
    registry: str = "",
    tag: str = "",
) -> str:
    """The image a validator Job runs, after the release pin and both overrides."""
    repository, current_tag, digest = split_image(image.strip())
    if not digest:
        if tag:
            current_tag = tag
        elif current_tag == "latest":
            current_tag = release_tag(version, commit) or current_tag
    resolved = join_image(repository, current_tag, digest)
    return replace_registry(resolved, registry) if registry else resolved


def pull_policy(image: str, *, tag_override: str = "") -> str:
    """The imagePullPolicy of a resolved image."""
    if image.split("/", 1)[0] in _LOCAL_REGISTRIES:
        return "Never"
    _, tag, digest = split_image(image)
    if digest:
        return "IfNotPresent"
    if tag_override or tag in ("latest", ""):
        return "Always"
    return "IfNotPresent"


def overrides_from_env(environ: dict[str, str] | None = None) -> tuple[str, str]:
    """(registry, tag) overrides from AICR_VALIDATOR_IMAGE_REGISTRY / AICR_VALIDATOR_IMAGE_TAG."""
    env = os.environ if environ is None else environ
    return env.get(ENV_REGISTRY, "").strip(), env.get(ENV_TAG, "").strip()
