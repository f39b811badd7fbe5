"""Resource kinds the project talks to and their REST paths.

Pure. A `Resource` names an API group/version, the plural and whether it is namespaced; `path`
builds the URL path of a collection, an object or a subresource.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class Resource:
    """An API resource: `api_version` (`v1`, `batch/v1`), plural and scope."""

    __slots__ = ("api_version", "kind", "namespaced", "plural")

    def __init__(self, api_version: str, plural: str, namespaced: bool, kind: str = "") -> None:
        self.api_version = api_version
        self.plural = plural
        self.namespaced = namespaced
        self.kind = kind

    def __repr__(self) -> str:
        return f"Resource({self.api_version}/{self.plural})"

    def path(
        self, namespace: str | None = None, name: str | None = None, subresource: str | None = None
    ) -> str:
        """REST path of the collection (no name) or of one object."""
        prefix = f"/api/{self.api_version}" if "/" not in self.api_version else f"/apis/{self.api_version}"
        parts = [prefix]
        if self.namespaced and namespace:
            parts.append(f"namespaces/{namespace}")
        parts.append(self.plural)
        if name:
            parts.append(name)
            if subresource:
                parts.append(subresource)
        return "/".join(parts)


_RBAC = "rbac.authorization.k8s.io/v1"
KINDS: dict[str, Resource] = {
    r.kind: r
    for r in (
        Resource("v1", "namespaces", False, "Namespace"),
        Resource("v1", "nodes", False, "Node"),
        Resource("v1", "pods", True, "Pod"),
        Resource("v1", "configmaps", True, "ConfigMap"),
        Resource("v1", "secrets", True, "Secret"),
        Resource("v1", "serviceaccounts", True, "ServiceAccount"),
        Resource("v1", "services", True, "Service"),
        Resource("v1", "events", True, "Event"),
        Resource("batch/v1", "jobs", True, "Job"),
        Resource("apps/v1", "deployments", True, "Deployment"),
        Resource("apps/v1", "daemonsets", True, "DaemonSet"),
        Resource("apps/v1", "statefulsets", True, "StatefulSet"),
        Resource(_RBAC, "roles", True, "Role"),
        Resource(_RBAC, "rolebindings", True, "RoleBinding"),
        Resource(_RBAC, "clusterroles", False, "ClusterRole"),
        Resource(_RBAC, "clusterrolebindings", False, "ClusterRoleBinding"),
        Resource("authorization.k8s.io/v1", "selfsubjectaccessreviews", False, "SelfSubjectAccessReview"),
        Resource("node.k8s.io/v1", "runtimeclasses", False, "RuntimeClass"),
        Resource("apiextensions.k8s.io/v1", "customresourcedefinitions", False, "CustomResourceDefinition"),
    )
}


def resource_for(kind: str | Resource) -> Resource:
    """The Resource of a built-in kind name (or `kind` itself when it already is one)."""
    if isinstance(kind, Resource):
        return kind
    try:
        return KINDS[kind]
    except KeyError:
        raise AicrError(Code.INTERNAL, f"unknown Kubernetes kind {kind}") from None


def resource_of(obj: dict[str, Any]) -> Resource:
    """The Resource of a manifest, from its `kind` (built-in kinds only)."""
    kind = obj.get("kind")
    if not isinstance(kind, str):
        raise AicrError(Code.INTERNAL, "Kubernetes object without a kind")
    return resource_for(kind)
