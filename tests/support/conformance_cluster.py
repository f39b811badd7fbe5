"""Emulated cluster states for the conformance checks (tests/integration/validators).

On top of tests/support/kube_emulator.py: `register` makes the emulator serve the custom APIs
the checks read (ResourceSlices, PodGroups, Gateways, NodePools, …); `serve_proxy` answers
service-proxy GETs (`/services/<name>:<port>/proxy/<path>`, which the emulator does not
implement) from a table; seed helpers build Nodes, Deployments, DaemonSets, CRDs and Services;
`pod_outcome` is an `on_create["pods"]` hook that finishes test pods the way a kubelet would.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import aiohttp.web
import kmock
from tests.support.kube_emulator import Handler, KubeEmulator, PatchedEmulator

CUSTOM = {
    "resource.k8s.io/v1/resourceslices": ("ResourceSlice", False),
    "resource.k8s.io/v1/resourceclaims": ("ResourceClaim", True),
    "resource.k8s.io/v1beta1/resourceslices": ("ResourceSlice", False),
    "scheduling.run.ai/v2alpha2/podgroups": ("PodGroup", True),
    "gateway.networking.k8s.io/v1/gatewayclasses": ("GatewayClass", False),
    "gateway.networking.k8s.io/v1/gateways": ("Gateway", True),
    "karpenter.sh/v1/nodepools": ("NodePool", False),
    "nvidia.com/v1alpha1/dynamographdeployments": ("DynamoGraphDeployment", True),
    "trainer.kubeflow.org/v1alpha1/trainjobs": ("TrainJob", True),
    "slinky.slurm.net/v1beta1/loginsets": ("LoginSet", True),
    "slinky.slurm.net/v1beta1/nodesets": ("NodeSet", True),
    "custom.metrics.k8s.io/v1beta1/pods": ("MetricValueList", True),
    "apiextensions.k8s.io/v1/customresourcedefinitions": ("CustomResourceDefinition", False),
    "admissionregistration.k8s.io/v1/validatingwebhookconfigurations": (
        "ValidatingWebhookConfiguration",
        False,
    ),
}


def register(kube: KubeEmulator, *apis: str) -> None:
    """Serve the named `group/version/plural` APIs (all of CUSTOM when none is named)."""

    def run(emu: PatchedEmulator) -> None:
        for api in apis or tuple(CUSTOM):
            kind, namespaced = CUSTOM[api]
            emu.resources[kmock.resource(api)] = kmock.ResourceInfo(
                kind=kind, namespaced=namespaced, verbs=["get", "list", "create", "delete", "patch"]
            )

    kube.call(run)


def serve_proxy(kube: KubeEmulator, answers: dict[str, Any]) -> list[str]:
    """Answer GETs whose path is a key of `answers` (str → text, else JSON); the paths asked."""
    asked: list[str] = []

    def run(emu: PatchedEmulator) -> None:
        async def handle(request: kmock.Request, inner: Handler) -> aiohttp.web.StreamResponse:
            path = request.url.path
            if "/proxy/" in path:
                asked.append(path)
                if path not in answers:
                    return aiohttp.web.json_response(
                        {"kind": "Status", "code": 503, "message": "no endpoints"}, status=503
                    )
                body = answers[path]
                if isinstance(body, str):
                    return aiohttp.web.Response(text=body, content_type="text/plain")
                return aiohttp.web.json_response(body)
            return await inner(request)

        emu.around.append(handle)

    kube.call(run)
    return asked


def ns(name: str, phase: str = "Active") -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}, "status": {"phase": phase}}


def deployment(name: str, namespace: str, available: int = 1, replicas: int = 1) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"replicas": replicas},
        "status": {"availableReplicas": available},
    }


def daemonset(name: str, namespace: str, ready: int = 2, desired: int = 2) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": name, "namespace": namespace},
        "status": {"desiredNumberScheduled": desired, "numberReady": ready},
    }


def crd(name: str, established: bool = True) -> dict[str, Any]:
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": name},
        "status": {"conditions": [{"type": "Established", "status": "True" if established else "False"}]},
    }


def service(name: str, namespace: str, port: int, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace, "labels": spec.pop("labels", {})},
        "spec": {"ports": [{"port": port}], **spec},
    }


def gpu_node(name: str, gpus: int = 8, labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": labels or {}},
        "status": {"allocatable": {"nvidia.com/gpu": str(gpus)}},
    }


PodRule = Callable[[dict[str, Any]], tuple[str, str]]


def pod_outcome(
    rule: PodRule, seen: list[dict[str, Any]] | None = None
) -> Callable[[PatchedEmulator, dict[str, Any]], None]:
    """An `on_create["pods"]` hook: `rule(pod) -> (phase, log)` decides how each created pod ends."""

    def hook(emu: PatchedEmulator, created: dict[str, Any]) -> None:
        if seen is not None:
            seen.append(copy.deepcopy(created))
        phase, log = rule(created)
        meta = created["metadata"]
        stamp = "2026-12-04T10:00:00Z"
        created["status"] = {
            "phase": phase,
            "conditions": [{"type": "PodScheduled", "status": "True", "lastTransitionTime": stamp}],
        }
        created.setdefault("spec", {}).setdefault("nodeName", "gpu-node-0")
        emu.store("v1/pods", created)
        emu.pod_logs[(meta["namespace"], meta["name"])] = log

    return hook


def after(
    kube: KubeEmulator, method: str, path_suffix: str, react: Callable[[PatchedEmulator], None]
) -> None:
    """Run `react(emulator)` after each `method` request whose path ends with `path_suffix`."""

    def run(emu: PatchedEmulator) -> None:
        async def handle(request: kmock.Request, inner: Handler) -> aiohttp.web.StreamResponse:
            response = await inner(request)
            if str(request.method.value).upper() == method and request.url.path.endswith(path_suffix):
                react(emu)
            return response

        emu.around.append(handle)

    kube.call(run)
