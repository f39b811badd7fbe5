"""Writing a rendered validation report to a ConfigMap (`aicr validate -o cm://namespace/name`).

Edge module. The report goes under the data key `report.<ext>` (`report.json`, `report.yaml`,
`report.txt` for a table) next to `format`, the same key the per-phase CTRF ConfigMaps use, and
is created or updated in place. A report above the ConfigMap size limit is refused before
anything is sent.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code
from aicr.k8s.validation_jobs import apply_configmap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.k8s.client import ApiClient

MAX_CONFIGMAP_BYTES = 1024 * 1024
EXTENSIONS = {"json": "json", "yaml": "yaml", "table": "txt"}


def report_configmap(namespace: str, name: str, text: str, fmt: str) -> dict[str, Any]:
    """The ConfigMap manifest holding a rendered report (pure)."""
    size = len(text.encode("utf-8"))
    if size > MAX_CONFIGMAP_BYTES:
        raise AicrError(
            Code.INVALID_REQUEST,
            f"cm://{namespace}/{name}: the report is {size} bytes, above the ConfigMap limit of "
            f"{MAX_CONFIGMAP_BYTES} bytes; write it to a file instead",
        )
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {
                "app.kubernetes.io/name": "aicr",
                "app.kubernetes.io/managed-by": "aicr",
                "app.kubernetes.io/component": "validation",
                "aicr.nvidia.com/report-type": "ctrf",
            },
        },
        "data": {f"report.{EXTENSIONS.get(fmt, 'json')}": text, "format": fmt},
    }


def write_report_configmap(
    namespace: str,
    name: str,
    text: str,
    *,
    fmt: str,
    client: ApiClient | None = None,
    kubeconfig: str | None = None,
) -> None:
    """Create or update `namespace/name` with the report text."""
    manifest = report_configmap(namespace, name, text, fmt)
    if client is not None:
        apply_configmap(client, manifest)
        return
    from aicr.k8s.client import ApiClient

    with ApiClient.connect(kubeconfig) as owned:
        apply_configmap(owned, manifest)
