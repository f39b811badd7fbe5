"""inference-gateway (agentgateway) against the emulated API: ready, not programmed, open LB, skips."""

from __future__ import annotations

from typing import Any

from tests.integration.validators.conftest import Runner, recipe_with
from tests.support.conformance_cluster import crd, service
from tests.support.kube_emulator import KubeEmulator

from aicr.validators.conf_gateway import GATEWAY_CRDS, INFERENCE_POOL_CRDS
from aicr.validators.runtime import EXIT_FAILED, EXIT_PASSED, EXIT_SKIPPED

RECIPE = recipe_with("agentgateway", agentgateway="agentgateway-system")


def gateway(kube: KubeEmulator, *, programmed: bool = True, ranges: list[str] | None = None) -> None:
    def cond(kind: str, ok: bool) -> dict[str, Any]:
        return {"status": {"conditions": [{"type": kind, "status": "True" if ok else "False"}]}}

    kube.add(
        "gateway.networking.k8s.io/v1/gatewayclasses",
        {"metadata": {"name": "agentgateway"}, **cond("Accepted", True)},
    )
    kube.add(
        "gateway.networking.k8s.io/v1/gateways",
        {
            "metadata": {"name": "inference-gateway", "namespace": "agentgateway-system"},
            **cond("Programmed", programmed),
        },
    )
    kube.add(
        "apiextensions.k8s.io/v1/customresourcedefinitions",
        *(crd(n) for n in GATEWAY_CRDS + INFERENCE_POOL_CRDS[:1]),
    )
    spec: dict[str, Any] = {
        "type": "LoadBalancer",
        "labels": {"gateway.networking.k8s.io/gateway-name": "inference-gateway"},
    }
    if ranges is not None:
        spec["loadBalancerSourceRanges"] = ranges
    kube.add("v1/services", service("inference-gateway", "agentgateway-system", 80, **spec))
    kube.add(
        "discovery.k8s.io/v1/endpointslices",
        {
            "metadata": {
                "name": "inference-gateway-abcde",
                "namespace": "agentgateway-system",
                "labels": {"kubernetes.io/service-name": "inference-gateway"},
            },
            "addressType": "IPv4",
            "endpoints": [{"addresses": ["10.0.0.5"], "conditions": {"ready": True}}],
        },
    )


def test_ready_scoped_gateway_passes(kube: KubeEmulator, run_conformance: Runner) -> None:
    gateway(kube, ranges=["10.0.0.0/8"])
    outcome = run_conformance("inference-gateway", RECIPE, AICR_REQUIRE_SCOPED_INFERENCE_GATEWAY="true")
    assert outcome.code == EXIT_PASSED, outcome.message
    assert "exposure: LoadBalancer scoped to 10.0.0.0/8" in outcome.stdout


def test_open_gateway_passes_with_a_warning_by_default(kube: KubeEmulator, run_conformance: Runner) -> None:
    gateway(kube)
    outcome = run_conformance("inference-gateway", RECIPE)
    assert outcome.code == EXIT_PASSED
    assert "WARNING: open to the internet" in outcome.stdout


def test_open_gateway_fails_when_scoping_is_required(kube: KubeEmulator, run_conformance: Runner) -> None:
    gateway(kube, ranges=["0.0.0.0/0"])
    outcome = run_conformance("inference-gateway", RECIPE, AICR_REQUIRE_SCOPED_INFERENCE_GATEWAY="1")
    assert outcome.code == EXIT_FAILED and "AICR_REQUIRE_SCOPED_INFERENCE_GATEWAY is set" in outcome.message


def test_unprogrammed_gateway_fails(kube: KubeEmulator, run_conformance: Runner) -> None:
    gateway(kube, programmed=False)
    outcome = run_conformance("inference-gateway", RECIPE)
    assert outcome.code == EXIT_FAILED and "Gateway is not Programmed" in outcome.message


def test_gateway_skips_when_recipe_has_none(kube: KubeEmulator, run_conformance: Runner) -> None:
    outcome = run_conformance("inference-gateway", recipe_with("gpu-operator"))
    assert outcome.code == EXIT_SKIPPED and "no inference gateway" in outcome.message


def test_gateway_skips_without_recipe_components_or_gateway_class(
    kube: KubeEmulator, run_conformance: Runner
) -> None:
    outcome = run_conformance("inference-gateway", {})
    assert outcome.code == EXIT_SKIPPED and "no agentgateway or kgateway GatewayClass" in outcome.message
