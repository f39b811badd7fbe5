"""Container images named in rendered Kubernetes manifests, as sorted, normalised references.

Pure: YAML text in, image references out; no files, no network. Every mapping that holds a
`containers`, `initContainers` or `ephemeralContainers` list (Pods, workload templates, and the
custom resources that embed a pod spec) contributes the `image` of each entry. A reference is
normalised the way container runtimes read it: no registry means `docker.io`, a single-name
image on Docker Hub gets `library/`, `index.docker.io` is `docker.io`, and a reference with
neither tag nor digest gets `:latest`; a tag and a digest are both kept as written.
Used by the bundle SBOM (`--sbom --vendor-charts`) and `aicr mirror list`.
"""

from __future__ import annotations

import re

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import Any

CONTAINER_KEYS = ("containers", "initContainers", "ephemeralContainers")
DEFAULT_REGISTRY = "docker.io"
_DOCKER_HUB_ALIASES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})
_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_REGISTRY = re.compile(r"(?:[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?")
_TAG = re.compile(r"[\w][\w.-]{0,127}")
_DIGEST = re.compile(r"[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}")


def normalize(ref: str) -> str:
    """`ref` as a fully qualified reference (`registry/path[:tag][@digest]`); INVALID_REQUEST if malformed."""
    text = ref.strip()
    name, at, digest = text.partition("@")
    tag = ""
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name, tag = name[:colon], name[colon + 1 :]
    if (colon > slash and not tag) or (at and not digest):
        raise AicrError(Code.INVALID_REQUEST, f'invalid image reference "{ref}"')
    first, sep, rest = name.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost" or first.startswith("[")):
        registry, path = first, rest
    else:
        registry, path = DEFAULT_REGISTRY, name
    if registry in _DOCKER_HUB_ALIASES:
        registry = DEFAULT_REGISTRY
        if "/" not in path:
            path = "library/" + path
    _check(ref, registry, path, tag, digest)
    if not tag and not digest:
        tag = "latest"
    return registry + "/" + path + (":" + tag if tag else "") + ("@" + digest if digest else "")


def _check(ref: str, registry: str, path: str, tag: str, digest: str) -> None:
    valid = (
        bool(_REGISTRY.fullmatch(registry))
        and all(_COMPONENT.fullmatch(part) for part in path.split("/"))
        and (not tag or bool(_TAG.fullmatch(tag)))
        and (not digest or bool(_DIGEST.fullmatch(digest)))
    )
    if not valid:
        raise AicrError(Code.INVALID_REQUEST, f'invalid image reference "{ref}"')


def images_in(text: str, source: str = "rendered manifests") -> list[str]:
    """Sorted, distinct, normalised images of every container in the YAML stream `text`."""
    return collect([text], source)


def collect(texts: Iterable[str], source: str = "rendered manifests") -> list[str]:
    """Sorted, distinct, normalised images of every container in all the YAML streams `texts`."""
    import yaml

    found: set[str] = set()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for text in texts:
        try:
            documents = list(yaml.load_all(text, Loader=loader))
        except yaml.YAMLError as exc:
            raise AicrError(Code.INVALID_REQUEST, f"{source}: not valid YAML: {exc}") from None
        for doc in documents:
            for container in containers(doc):
                _add_image(container, found, source)
    return sorted(found)


def containers(node: Any) -> Iterator[Any]:
    """Every entry of every `containers` / `initContainers` / `ephemeralContainers` list under
    `node`, at any depth (pod specs, workload templates, custom resources embedding them)."""
    if isinstance(node, list):
        for item in node:
            yield from containers(item)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key in CONTAINER_KEYS and isinstance(value, list):
            yield from value
        yield from containers(value)


def _add_image(container: Any, found: set[str], source: str) -> None:
    if not isinstance(container, dict) or "image" not in container:
        return
    image = container["image"]
    if not isinstance(image, str) or not image.strip():
        name = container.get("name", "?")
        raise AicrError(Code.INVALID_REQUEST, f'{source}: container "{name}" has an invalid image {image!r}')
    found.add(normalize(image))
