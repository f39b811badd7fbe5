"""Test workloads of the conformance checks: per-run namespaces, created objects, polling, cleanup.

Edge: talks to the cluster only through the check's `ApiClient`. Every object a check creates
goes through a `RunScope`, which labels it with the run ID (`aicr.nvidia.com/run-id`), lives in
a per-run namespace, and deletes everything it created (objects first, then the namespace) when
the `with` block ends — on success, on a failed or skipped verdict and on an exception alike.
"""

from __future__ import annotations

import time

from aicr.errors import AicrError, Code
from aicr.k8s.resources import Resource, resource_for

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    from aicr.k8s.client import ApiClient

    T = TypeVar("T")

RUN_LABEL = "aicr.nvidia.com/run-id"
CHECK_LABEL = "aicr.nvidia.com/conformance-check"
MANAGED = {"app.kubernetes.io/managed-by": "aicr", "app.kubernetes.io/component": "conformance-test"}

# API resources beyond aicr.k8s.resources' built-ins (reference/validate.md §4.3).
RESOURCE_CLAIM = Resource("resource.k8s.io/v1", "resourceclaims", True, "ResourceClaim")
RESOURCE_SLICE = Resource("resource.k8s.io/v1", "resourceslices", False, "ResourceSlice")
POD_GROUP = Resource("scheduling.run.ai/v2alpha2", "podgroups", True, "PodGroup")
HPA = Resource("autoscaling/v2", "horizontalpodautoscalers", True, "HorizontalPodAutoscaler")
GATEWAY_CLASS = Resource("gateway.networking.k8s.io/v1", "gatewayclasses", False, "GatewayClass")
GATEWAY = Resource("gateway.networking.k8s.io/v1", "gateways", True, "Gateway")
NODE_POOL = Resource("karpenter.sh/v1", "nodepools", False, "NodePool")
CLUSTER_POLICY = Resource("nvidia.com/v1", "clusterpolicies", False, "ClusterPolicy")
ENDPOINT_SLICE = Resource("discovery.k8s.io/v1", "endpointslices", True, "EndpointSlice")
VALIDATING_WEBHOOK = Resource(
    "admissionregistration.k8s.io/v1",
    "validatingwebhookconfigurations",
    False,
    "ValidatingWebhookConfiguration",
)
CRD = resource_for("CustomResourceDefinition")
POD = resource_for("Pod")
DEPLOYMENT = resource_for("Deployment")


def poll(
    probe: Callable[[], T | None],
    timeout_s: float,
    interval_s: float,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> T | None:
    """The first non-None result of `probe`, tried every `interval_s` until `timeout_s`; else None."""
    deadline = clock() + timeout_s
    while True:
        found = probe()
        if found is not None:
            return found
        if clock() + interval_s > deadline:
            return None
        sleep(interval_s)


def run_namespace(check: str, run_id: str) -> str:
    """`aicr-<check>-<last 8 of the run ID>` (a DNS label: at most 63 characters)."""
    suffix = "".join(c for c in run_id.lower() if c.isalnum())[-8:] or "local"
    return f"aicr-{check}"[:54] + f"-{suffix}"


def find_custom(
    client: ApiClient, res: Resource, name: str, namespace: str | None = None
) -> dict[str, Any] | None:
    """One custom object, or None when it (or its API) does not exist."""
    try:
        result: dict[str, Any] = client.request("GET", res.path(namespace, name))
        return result
    except AicrError as exc:
        if exc.code is Code.NOT_FOUND:
            return None
        raise


def list_custom(
    client: ApiClient, res: Resource, namespace: str | None = None
) -> list[dict[str, Any]] | None:
    """Items of a custom resource, or None when its API is not served."""
    try:
        return list((client.request("GET", res.path(namespace)) or {}).get("items") or [])
    except AicrError as exc:
        if exc.code is Code.NOT_FOUND:
            return None
        raise


def api_served(client: ApiClient, group_version: str) -> bool:
    """Whether `/apis/<group_version>` (or `/api/v1`) is served."""
    path = "/api/v1" if group_version == "v1" else f"/apis/{group_version}"
    try:
        client.request("GET", path)
    except AicrError as exc:
        if exc.code is Code.NOT_FOUND:
            return False
        raise
    return True


class RunScope:
    """Objects one check run creates, all labelled with the run ID and removed on exit."""

    def __init__(self, client: ApiClient, check: str, run_id: str, *, namespaced: bool = True) -> None:
        self.client = client
        self.check = check
        self.run_id = run_id or "local"
        self.namespace = run_namespace(check, self.run_id) if namespaced else ""
        self.created: list[tuple[Resource, str, str | None]] = []
        self.cleanup_errors: list[str] = []

    @property
    def labels(self) -> dict[str, str]:
        """The labels every created object carries."""
        return {**MANAGED, RUN_LABEL: self.run_id, CHECK_LABEL: self.check}

    def __enter__(self) -> RunScope:
        if self.namespace:
            self.create(
                resource_for("Namespace"),
                {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": self.namespace}},
            )
        return self

    def __exit__(self, *exc: object) -> None:
        self.cleanup()

    def create(self, res: Resource, obj: dict[str, Any], *, namespaced: bool = True) -> dict[str, Any]:
        """Create `obj` labelled and tracked: in the run namespace, or its own with `namespaced=False`."""
        meta = obj.setdefault("metadata", {})
        meta["labels"] = {**(meta.get("labels") or {}), **self.labels}
        namespace = None
        if res.namespaced:
            namespace = self.namespace if namespaced and self.namespace else meta.get("namespace")
            if not namespace:
                raise AicrError(Code.INTERNAL, f"{res.kind} {meta.get('name')} needs a namespace")
            meta["namespace"] = namespace
        created: dict[str, Any] = self.client.request("POST", res.path(namespace), body=obj) or {}
        self.created.append((res, str((created.get("metadata") or meta).get("name")), namespace))
        return created

    def dry_run(self, res: Resource, obj: dict[str, Any], namespace: str) -> AicrError | None:
        """Create `obj` with `dryRun=All` (nothing is stored); the admission error, or None if admitted."""
        meta = obj.setdefault("metadata", {})
        meta["labels"] = {**(meta.get("labels") or {}), **self.labels}
        meta["namespace"] = namespace
        try:
            self.client.request("POST", res.path(namespace), params={"dryRun": "All"}, body=obj)
        except AicrError as exc:
            # 400/422: rejected by validation; 403 counts only when an admission webhook denied
            # it (a plain RBAC "forbidden" says nothing about the webhook and is raised)
            if exc.code is Code.INVALID_REQUEST or (
                exc.code is Code.UNAUTHORIZED and "admission webhook" in exc.message
            ):
                return exc
            raise
        return None

    def cleanup(self) -> None:
        """Delete every tracked object, newest first; failures are collected, never raised."""
        for res, name, namespace in reversed(self.created):
            try:
                self.client.request(
                    "DELETE",
                    res.path(namespace, name),
                    body={"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Background"},
                )
            except AicrError as exc:
                if exc.code is not Code.NOT_FOUND:
                    self.cleanup_errors.append(f"{res.plural} {name}: {exc.message}")
        self.created.clear()


def wait_pod_done(
    client: ApiClient, name: str, namespace: str, timeout_s: float, interval_s: float = 2.0
) -> dict[str, Any]:
    """The pod once it Succeeded or Failed; the last state seen when `timeout_s` ran out."""
    last: dict[str, Any] = {}

    def probe() -> dict[str, Any] | None:
        pod = client.find("Pod", name, namespace)
        if pod is None:
            return None
        last.clear()
        last.update(pod)
        phase = (pod.get("status") or {}).get("phase")
        return pod if phase in ("Succeeded", "Failed") else None

    return poll(probe, timeout_s, interval_s) or last


def require_image(env: dict[str, str], name: str) -> str:
    """The image named by env `name` (catalog `env:` default or an override); fail closed without one."""
    image = env.get(name, "").strip()
    if not image:
        raise AicrError(
            Code.INVALID_REQUEST, f"{name} is not set: the catalog entry's env must name the test image"
        )
    return image


def workload_pod(name: str, image: str, command: list[str], *, claim: str | None = None) -> dict[str, Any]:
    """A run-to-completion pod (tolerates every taint); with `claim`, it consumes that ResourceClaim."""
    container: dict[str, Any] = {
        "name": "test",
        "image": image,
        "command": command,
        "securityContext": {"allowPrivilegeEscalation": False},
    }
    spec: dict[str, Any] = {
        "restartPolicy": "Never",
        "terminationGracePeriodSeconds": 5,
        "tolerations": [{"operator": "Exists"}],
        "containers": [container],
    }
    if claim:
        spec["resourceClaims"] = [{"name": "gpu", "resourceClaimName": claim}]
        container["resources"] = {"claims": [{"name": "gpu"}]}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


def gpu_claim(name: str, device_class: str) -> dict[str, Any]:
    """A ResourceClaim (resource.k8s.io/v1) for exactly one device of `device_class`."""
    return {
        "apiVersion": "resource.k8s.io/v1",
        "kind": "ResourceClaim",
        "metadata": {"name": name},
        "spec": {"devices": {"requests": [{"name": "gpu", "exactly": {"deviceClassName": device_class}}]}},
    }
