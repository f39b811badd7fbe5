"""Documents stored in ConfigMaps (`cm://namespace/name`): the reader and the server-side-apply writer.

Edge module. reference/snapshot.md §5.3: data keys `<doc>.<ext>` (`snapshot.yaml`, `snapshot.json`,
`snapshot.txt` for a table), `format` and `timestamp`; labels `app.kubernetes.io/name: aicr`,
`app.kubernetes.io/component` = the document's kind and `app.kubernetes.io/version` = its
version, both read from the document (the reference always writes `Snapshot`/`unknown`). A
payload above the ConfigMap size limit is refused before anything is sent.
"""

from __future__ import annotations

import re
import time

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.k8s.client import ApiClient

# Kubernetes refuses ConfigMaps whose data exceeds 1 MiB.
MAX_CONFIGMAP_BYTES = 1024 * 1024
EXTENSIONS = {"yaml": "yaml", "json": "json", "table": "txt"}
# Document kind -> data key prefix; anything else is stored under "document".
KEY_PREFIXES = {"Snapshot": "snapshot", "RecipeResult": "recipe", "CTRF": "report"}
_READ_ORDER = tuple(
    f"{p}.{e}" for p in ("snapshot", "recipe", "report", "document") for e in ("yaml", "json", "txt")
)
_LABEL_VALUE = re.compile(r"^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$")


def _label_value(text: str, fallback: str) -> str:
    value = text.strip()[:63].strip("-_.")
    return value if value and _LABEL_VALUE.match(value) else fallback


def _document_facts(doc: Any) -> tuple[str, str, str]:
    """(kind, version, timestamp) of a plain document dict; blanks when absent."""
    if not isinstance(doc, dict):
        return "", "", ""
    raw_meta = doc.get("metadata")
    meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}

    def text(value: Any) -> str:
        return value if isinstance(value, str) else ""

    if doc.get("reportFormat") == "CTRF":  # a validation report carries no kind
        return "CTRF", text(meta.get("version")), text(doc.get("timestamp"))
    return text(doc.get("kind")), text(meta.get("version")), text(meta.get("timestamp"))


def build_document_configmap(
    namespace: str, name: str, text: str, *, fmt: str, doc: Any = None
) -> dict[str, Any]:
    """The ConfigMap manifest holding `text` (pure; INVALID_REQUEST above the size limit)."""
    kind, version, timestamp = _document_facts(doc)
    prefix = KEY_PREFIXES.get(kind, "document" if kind else "snapshot")
    key = f"{prefix}.{EXTENSIONS.get(fmt, 'yaml')}"
    size = len(text.encode("utf-8"))
    if size > MAX_CONFIGMAP_BYTES:
        raise AicrError(
            Code.INVALID_REQUEST,
            f"cm://{namespace}/{name}: the {kind or 'document'} is {size} bytes, above the ConfigMap limit of "
            f"{MAX_CONFIGMAP_BYTES} bytes; write it to a file instead",
            {"size": size, "limit": MAX_CONFIGMAP_BYTES},
        )
    labels = {
        "app.kubernetes.io/name": "aicr",
        "app.kubernetes.io/managed-by": "aicr",
        "app.kubernetes.io/component": _label_value(kind, "document"),
        "app.kubernetes.io/version": _label_value(version, "unknown"),
    }
    if kind == "CTRF":
        labels["aicr.nvidia.com/report-type"] = "ctrf"
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "data": {
            key: text,
            "format": fmt,
            "timestamp": timestamp or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        },
    }


def write_document_configmap(
    namespace: str,
    name: str,
    text: str,
    *,
    fmt: str,
    doc: Any = None,
    kubeconfig: str | None = None,
    client: ApiClient | None = None,
) -> None:
    """Create or update the ConfigMap `namespace/name` with `text` (server-side apply, force)."""
    manifest = build_document_configmap(namespace, name, text, fmt=fmt, doc=doc)
    if client is not None:
        client.apply(manifest)
        return
    from aicr.k8s.client import ApiClient

    with ApiClient.connect(kubeconfig) as owned:
        owned.apply(manifest)


def document_from_configmap(configmap: dict[str, Any], namespace: str, name: str) -> bytes:
    """The stored document text of a ConfigMap object (pure)."""
    data = configmap.get("data") or {}
    fmt = str(data.get("format") or "yaml")
    ext = EXTENSIONS.get(fmt, fmt)
    for key in (*(f"{p}.{ext}" for p in ("snapshot", "recipe", "document")), *_READ_ORDER):
        if key in data:
            if key.endswith(".txt"):
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f"cm://{namespace}/{name} holds table output ({key}), which cannot be read back",
                )
            return str(data[key]).encode("utf-8")
    raise AicrError(
        Code.NOT_FOUND, f"ConfigMap {namespace}/{name} has no snapshot data", {"keys": sorted(data)}
    )


def read_document_configmap(
    namespace: str, name: str, *, kubeconfig: str | None = None, client: ApiClient | None = None
) -> bytes:
    """The document text stored in ConfigMap `namespace/name` (NOT_FOUND when missing or empty)."""
    if client is None:
        from aicr.k8s.client import ApiClient

        with ApiClient.connect(kubeconfig) as owned:
            return read_document_configmap(namespace, name, client=owned)
    try:
        configmap = client.get("ConfigMap", name, namespace)
    except AicrError as exc:
        if exc.code is Code.NOT_FOUND:
            raise AicrError(Code.NOT_FOUND, f"ConfigMap {namespace}/{name} not found") from None
        raise
    return document_from_configmap(configmap, namespace, name)
