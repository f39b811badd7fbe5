"""ConfigMap document transport (`cm://namespace/name`).

Placeholder until the snapshot work lands the Kubernetes client: every call is a clear
INVALID_REQUEST.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def read_document_configmap(namespace: str, name: str, *, kubeconfig: str | None = None) -> bytes:
    """Read a document stored in a ConfigMap (not supported yet)."""
    raise AicrError(Code.INVALID_REQUEST, f"cm://{namespace}/{name}: ConfigMap input is not supported yet")


def write_document_configmap(
    namespace: str, name: str, text: str, *, fmt: str, doc: Any = None, kubeconfig: str | None = None
) -> None:
    """Write a document to a ConfigMap (not supported yet)."""
    raise AicrError(Code.INVALID_REQUEST, f"cm://{namespace}/{name}: ConfigMap output is not supported yet")
