"""Image references in rendered Kubernetes documents, normalised for mirroring.

Pure: plain parsed YAML documents in, sorted fully-qualified image references out. Two sources:

- pod specs anywhere in a document: every `containers`, `initContainers` and
  `ephemeralContainers` list item's `image` (Pod, Deployment, StatefulSet, DaemonSet, Job,
  CronJob, ReplicaSet, and custom resources that embed pod templates, e.g. Kubeflow's
  ClusterTrainingRuntime);
- image descriptors of the custom resources components are known to use (`CRD_DESCRIPTOR_KINDS`):
  every mapping under `spec` holding an `image` key is `{repository?, image, version?}` and
  names `repository/image:version` (`@version` for a `sha256:` version); a mapping with
  `enabled: false` is skipped (so `--set gpuoperator:driver.enabled=false` drops the driver).
  A descriptor whose fields are not strings is INVALID_REQUEST: the list would be incomplete.

Normalisation (`normalize`): Docker Hub is made explicit (`docker.io`, `library/` for official
images, `index.docker.io` folded into it), a reference with neither tag nor digest gets
`:latest`, a tag and a digest are both kept; references are deduplicated and sorted.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

# (API group, kind) of custom resources whose spec carries repository/image/version descriptors.
CRD_DESCRIPTOR_KINDS: frozenset[tuple[str, str]] = frozenset({
    ("nvidia.com", "ClusterPolicy"),  # GPU Operator: driver, toolkit, devicePlugin, dcgm, …
    ("nvidia.com", "NVIDIADriver"),  # GPU Operator per-pool driver
    ("mellanox.com", "NicClusterPolicy"),  # Network Operator: ofedDriver, rdmaSharedDevicePlugin, …
    ("skyhook.nvidia.com", "Skyhook"),  # Skyhook packages: {image, version}
    ("nfd.openshift.io", "NodeFeatureDiscovery"),  # OpenShift NFD operand image
})  # fmt: skip


class ImageError(ValueError):
    """A string that is not an image reference (reported as a warning, not fatal)."""


def normalize(ref: str) -> str:
    """The fully-qualified form of an image reference (ImageError when it is not one).

    One rule for the whole project: aicr.bundle.images.normalize (also used by the bundle SBOM).
    """
    from aicr.bundle.images import normalize as normalize_ref

    try:
        return normalize_ref(ref)
    except AicrError as exc:
        raise ImageError(exc.message) from None


def _api_group(doc: dict[str, Any]) -> str:
    api_version = str(doc.get("apiVersion") or "")
    return api_version.rpartition("/")[0] if "/" in api_version else ""


def descriptor_image(desc: dict[str, Any], where: str) -> str | None:
    """`repository/image:version` of one CRD image descriptor; None when disabled or empty."""
    if desc.get("enabled") is False:
        return None
    fields = {k: desc.get(k) for k in ("repository", "image", "version")}
    bad = [k for k, v in fields.items() if v is not None and not isinstance(v, str)]
    if bad:
        raise AicrError(
            Code.INVALID_REQUEST,
            f"invalid structured image descriptor at {where}: {', '.join(bad)} must be a string",
            {"path": where, "fields": bad},
        )
    image = (fields["image"] or "").strip()
    if not image:
        return None
    repository = (fields["repository"] or "").strip().rstrip("/")
    version = (fields["version"] or "").strip()
    ref = f"{repository}/{image}" if repository else image
    if version:
        ref += f"@{version}" if version.startswith("sha256:") else f":{version}"
    return ref


def _descriptors(node: Any, where: str, found: list[str]) -> None:
    if isinstance(node, dict):
        if "image" in node and not isinstance(node.get("image"), dict | list):
            ref = descriptor_image(node, where)
            if ref:
                found.append(ref)
        for key, value in node.items():
            _descriptors(value, f"{where}.{key}", found)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            _descriptors(item, f"{where}[{i}]", found)


def document_images(doc: Any) -> list[str]:
    """Raw image references of one parsed document (pod specs, then known CRD descriptors)."""
    if not isinstance(doc, dict):
        return []
    from aicr.bundle.images import containers

    found = [c["image"] for c in containers(doc) if isinstance(c, dict) and isinstance(c.get("image"), str)]
    if (_api_group(doc), doc.get("kind")) in CRD_DESCRIPTOR_KINDS:
        name = (doc.get("metadata") or {}).get("name") if isinstance(doc.get("metadata"), dict) else None
        _descriptors(doc.get("spec"), f"{doc.get('kind')}/{name or '?'}.spec", found)
    return found


def normalized_set(refs: Iterable[str]) -> tuple[list[str], list[str]]:
    """(sorted, deduplicated normalised references, problems with the ones that are not)."""
    images: set[str] = set()
    problems: list[str] = []
    for ref in refs:
        try:
            images.add(normalize(ref))
        except ImageError as exc:
            if str(exc) not in problems:
                problems.append(str(exc))
    return sorted(images), problems
