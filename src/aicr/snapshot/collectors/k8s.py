"""K8s collector: API server version, running images, ClusterPolicy settings and this node.

The readings builders (`normalize_image`, `flatten_policy`, `node_readings`, `parse_provider`)
are pure; `collect` queries the API through an injected `ApiClient` (never imports lightkube
itself). reference/snapshot.md §2: four subtypes server, image, policy, node; with no client all
four are empty; a failing part is logged and left empty. Beyond the reference, ClusterPolicy
secrets and environment values are redacted before they reach the snapshot.
"""

from __future__ import annotations

from aicr import logs
from aicr.errors import AicrError, Code
from aicr.snapshot.model import Measurement, Subtype

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from aicr.k8s.client import ApiClient
    from aicr.snapshot.model import Reading

TIMEOUT_S = 60.0
REDACTED = "<redacted>"
PROVIDERS = {"aws": "eks", "gce": "gke", "azure": "aks", "oci": "oke"}
# Key fragments (lower case) whose values are secrets; names of secrets (`secretName`) stay.
_SECRET_MARKERS = (
    "password",
    "passwd",
    "token",
    "credential",
    "apikey",
    "api_key",
    "privatekey",
    "private_key",
)
PAGE_SIZE = 500


def empty() -> Measurement:
    """The K8s measurement when no cluster is configured."""
    return Measurement("K8s", [Subtype(name) for name in ("server", "image", "policy", "node")])


def normalize_image(image: str) -> tuple[str, str]:
    """(short name, tag) of an image reference (reference/snapshot.md §2 image)."""
    short = image.rsplit("/", 1)[-1]
    short = short.split("@", 1)[0]
    name, sep, tag = short.rpartition(":")
    return (name, tag) if sep else (short, "latest")


def image_readings(pods: list[dict[str, Any]]) -> dict[str, Reading]:
    """Short image name → tag over every container, init container and ephemeral container."""
    data: dict[str, Reading] = {}
    for pod in pods:
        spec = pod.get("spec") or {}
        for field in ("containers", "initContainers", "ephemeralContainers"):
            for container in spec.get(field) or []:
                image = container.get("image")
                if image:
                    name, tag = normalize_image(str(image))
                    data[name] = tag
    return data


def _is_secret_key(key: str) -> bool:
    lowered = key.lower()
    if lowered.endswith("secret") and not lowered.endswith("pullsecret"):
        return True
    return any(marker in lowered for marker in _SECRET_MARKERS)


def redact(value: Any, key: str = "") -> Any:
    """A copy of a ClusterPolicy spec fragment with secrets and env values replaced by REDACTED."""
    if isinstance(value, dict):
        return {
            k: (REDACTED if _is_secret_key(k) and not isinstance(v, dict | list) else redact(v, k))
            for k, v in value.items()
        }
    if isinstance(value, list):
        if key == "env":
            return [_redact_env(item) for item in value]
        return [redact(item, key) for item in value]
    return value


def _redact_env(item: Any) -> Any:
    if isinstance(item, dict) and "value" in item:
        return {**item, "value": REDACTED}
    return item


def _leaf(value: Any) -> str:
    """A JSON scalar as Go `%v` text (`true`, `<nil>`, `1e+06`); strings stay untrimmed."""
    if isinstance(value, str):
        return value
    from aicr.validate.constraints import format_reading

    return format_reading(value)


def flatten_policy(
    spec: dict[str, Any], prefix: str = "", out: dict[str, Reading] | None = None
) -> dict[str, Reading]:
    """Dotted keys → string values; non-empty lists JSON-encoded, empty lists dropped."""
    result: dict[str, Reading] = {} if out is None else out
    for key, value in spec.items():
        full = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flatten_policy(value, full, result)
        elif isinstance(value, list):
            if value:
                import json

                result[full] = json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
        else:
            result[full] = _leaf(value)
    return result


def parse_provider(provider_id: str) -> str:
    """Service name from a node's providerID (`gce://…` → gke)."""
    if provider_id.startswith("ocid1."):
        return "oke"
    scheme = provider_id.split("://", 1)[0].strip().lower()
    return PROVIDERS.get(scheme, scheme)


def node_readings(node: dict[str, Any], node_name: str) -> dict[str, Reading]:
    """The `node` subtype of one Node object (keys only when non-empty)."""
    data: dict[str, Reading] = {"source-node": node_name}
    provider_id = str((node.get("spec") or {}).get("providerID") or "")
    if provider_id:
        data["provider"] = parse_provider(provider_id)
        data["provider-id"] = provider_id
    info = (node.get("status") or {}).get("nodeInfo") or {}
    runtime = str(info.get("containerRuntimeVersion") or "")
    if runtime:
        data["container-runtime-id"] = runtime
        name, sep, version = runtime.partition("://")
        if sep:
            data["container-runtime-name"] = name
            data["container-runtime-version"] = version
    for key, field in (
        ("kubelet-version", "kubeletVersion"),
        ("kernel-version", "kernelVersion"),
        ("operating-system", "operatingSystem"),
        ("os-image", "osImage"),
    ):
        if info.get(field):
            data[key] = str(info[field])
    return data


def collect_server(client: ApiClient) -> dict[str, Reading]:
    """The `server` subtype: the API server's version, platform and Go version."""
    info = client.version()
    return {
        "version": str(info.get("gitVersion", "")),
        "platform": str(info.get("platform", "")),
        "goVersion": str(info.get("goVersion", "")),
    }


def collect_images(client: ApiClient) -> dict[str, Reading]:
    """The `image` subtype over every pod in every namespace, page by page."""
    pods = [pod for page in client.list_pages("Pod", None, limit=PAGE_SIZE) for pod in page]
    return image_readings(pods)


def collect_policy(client: ApiClient) -> dict[str, Reading]:
    """The `policy` subtype: every served ClusterPolicy's spec, redacted and flattened."""
    data: dict[str, Reading] = {}
    for resource in client.discover("ClusterPolicy"):
        try:
            policies = client.list(resource)
        except AicrError as exc:  # CRDs come and go between discovery and list
            logs.debug("cannot list ClusterPolicy", resource=resource.api_version, error=exc.message)
            continue
        for policy in policies:
            spec = policy.get("spec")
            if isinstance(spec, dict):
                flatten_policy(redact(spec), "", data)
    return data


def collect_node(client: ApiClient, node_name: str) -> dict[str, Reading]:
    """The `node` subtype of this node (empty when the node name is unknown)."""
    if not node_name:
        return {}
    return node_readings(client.get("Node", node_name), node_name)


def collect(client: ApiClient | None, node_name: str = "") -> Measurement:
    """The K8s measurement; parts fail independently (and are skipped once the API is unreachable)."""
    if client is None:
        return empty()
    parts: tuple[tuple[str, Callable[[], dict[str, Reading]]], ...] = (
        ("server", lambda: collect_server(client)),
        ("image", lambda: collect_images(client)),
        ("policy", lambda: collect_policy(client)),
        ("node", lambda: collect_node(client, node_name)),
    )
    subtypes = []
    unreachable = False
    for name, part in parts:
        data: dict[str, Reading] = {}
        if not unreachable:
            try:
                data = part()
            except AicrError as exc:
                unreachable = exc.code is Code.UNAVAILABLE
                logs.warn(f"failed to collect {name} - skipping", collector="k8s", error=exc.message)
        subtypes.append(Subtype(name, data))
    return Measurement("K8s", subtypes)
