"""Plain-text GETs through the API server's service proxy (`/services/<name>:<port>/proxy/...`).

Edge module (part of the only room that talks to the Kubernetes API). `ApiClient.request`
decodes JSON; metrics endpoints answer Prometheus exposition text, so this reads the body as
text. Going through the API server works from inside and outside a cluster.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from aicr.k8s.client import ApiClient


def service_proxy_path(namespace: str, service: str, port: int | str, path: str) -> str:
    """`/api/v1/namespaces/<ns>/services/<service>:<port>/proxy/<path>`."""
    return f"/api/v1/namespaces/{namespace}/services/{service}:{port}/proxy/{path.lstrip('/')}"


def proxy_text(client: ApiClient, namespace: str, service: str, port: int | str, path: str) -> str:
    """The text body of GET `path` on a Service port, via the API server proxy."""
    response = client._send("GET", service_proxy_path(namespace, service, port, path))
    return str(response.text)
