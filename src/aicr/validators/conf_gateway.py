"""inference-gateway: the inference gateway is accepted, programmed, reachable and scoped.

Pure judges (`gateway_issues`, `ready_endpoints`, `exposure`) and a thin read-only edge.
reference/validate.md §4.3 (current: agentgateway, kgateway still understood): skip when the
recipe has neither gateway; the GatewayClass must be Accepted, Gateway
`<ns>/inference-gateway` Programmed, the gateways/httproutes/inferencepools CRDs Established,
and the gateway Service must have at least one ready endpoint. A LoadBalancer Service open to
0.0.0.0/0 (no `loadBalancerSourceRanges`, or an any-source CIDR) is recorded as evidence and
fails the check only when AICR_REQUIRE_SCOPED_INFERENCE_GATEWAY is truthy. Names can be
overridden with AICR_INFERENCE_GATEWAY_{CLASS,NAMESPACE,NAME}.
"""

from __future__ import annotations

from aicr.validators.conf_state import (
    component_namespace,
    condition_true,
    crd_issue,
    declared_components,
    env_flag,
)
from aicr.validators.conf_workloads import (
    CRD,
    ENDPOINT_SLICE,
    GATEWAY,
    GATEWAY_CLASS,
    find_custom,
    list_custom,
)
from aicr.validators.runtime import CheckContext, CheckFailed, CheckSkipped

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FLAVOURS = ("agentgateway", "kgateway")
GATEWAY_NAME = "inference-gateway"
GATEWAY_CRDS = ("gateways.gateway.networking.k8s.io", "httproutes.gateway.networking.k8s.io")
INFERENCE_POOL_CRDS = (
    "inferencepools.inference.networking.k8s.io",
    "inferencepools.inference.networking.x-k8s.io",
)
ANY_SOURCE = ("0.0.0.0/0", "::/0")
SCOPED_ENV = "AICR_REQUIRE_SCOPED_INFERENCE_GATEWAY"
GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name"


def ready_endpoints(slices: list[dict[str, Any]]) -> int:
    """Endpoints of the EndpointSlices whose `conditions.ready` is not False."""
    count = 0
    for piece in slices:
        for endpoint in piece.get("endpoints") or []:
            if (endpoint.get("conditions") or {}).get("ready", True) is not False:
                count += 1
    return count


def exposure(service: dict[str, Any] | None) -> tuple[bool, str]:
    """(open to any source, description) of the gateway Service's network exposure."""
    if service is None:
        return False, "no gateway Service found"
    spec = service.get("spec") or {}
    if spec.get("type") != "LoadBalancer":
        return False, f"Service type {spec.get('type') or 'ClusterIP'} (not exposed through a load balancer)"
    ranges = [str(r) for r in spec.get("loadBalancerSourceRanges") or []]
    if not ranges:
        return True, "LoadBalancer open to 0.0.0.0/0 (no loadBalancerSourceRanges)"
    if any(r in ANY_SOURCE for r in ranges):
        return True, "LoadBalancer open to any source (" + ", ".join(ranges) + ")"
    return False, "LoadBalancer scoped to " + ", ".join(ranges)


def gateway_issues(
    gateway_class: dict[str, Any] | None,
    gateway: dict[str, Any] | None,
    crds: dict[str, dict[str, Any] | None],
    endpoints: int,
) -> list[str]:
    """Every reason the inference gateway is not serving (empty when it is)."""
    issues = []
    if gateway_class is None:
        issues.append("GatewayClass not found")
    elif not condition_true(gateway_class, "Accepted"):
        issues.append("GatewayClass is not Accepted")
    if gateway is None:
        issues.append("Gateway not found")
    elif not condition_true(gateway, "Programmed"):
        issues.append("Gateway is not Programmed")
    for name in GATEWAY_CRDS:
        if (issue := crd_issue(crds.get(name))) is not None:
            issues.append(f"CRD {name}: {issue}")
    if all(crd_issue(crds.get(n)) is not None for n in INFERENCE_POOL_CRDS):
        issues.append("no Established InferencePool CRD (" + " or ".join(INFERENCE_POOL_CRDS) + ")")
    if endpoints < 1:
        issues.append("the gateway Service has no ready endpoint")
    return issues


def _flavour(ctx: CheckContext) -> str:
    declared = declared_components(ctx.recipe)
    if declared is not None:
        for flavour in FLAVOURS:
            if flavour in declared:
                return flavour
        raise CheckSkipped("the recipe has no inference gateway (agentgateway or kgateway)")
    for flavour in FLAVOURS:
        if find_custom(ctx.client, GATEWAY_CLASS, flavour) is not None:
            return flavour
    raise CheckSkipped("no agentgateway or kgateway GatewayClass in the cluster")


def _gateway_service(ctx: CheckContext, namespace: str, name: str) -> dict[str, Any] | None:
    services = ctx.client.list("Service", namespace, labels={GATEWAY_NAME_LABEL: name})
    return services[0] if services else ctx.client.find("Service", name, namespace)


def inference_gateway(ctx: CheckContext) -> None:
    """The inference gateway is accepted, programmed, has endpoints; exposure is recorded."""
    flavour = _flavour(ctx)
    class_name = ctx.env.get("AICR_INFERENCE_GATEWAY_CLASS") or flavour
    namespace = ctx.env.get("AICR_INFERENCE_GATEWAY_NAMESPACE") or component_namespace(
        ctx.recipe, flavour, f"{flavour}-system"
    )
    name = ctx.env.get("AICR_INFERENCE_GATEWAY_NAME") or GATEWAY_NAME
    gateway_class = find_custom(ctx.client, GATEWAY_CLASS, class_name)
    gateway = find_custom(ctx.client, GATEWAY, name, namespace)
    crds = {n: ctx.client.find(CRD, n) for n in GATEWAY_CRDS + INFERENCE_POOL_CRDS}
    service = _gateway_service(ctx, namespace, name)
    endpoints = 0
    if service is not None:
        slices = list_custom(ctx.client, ENDPOINT_SLICE, namespace) or []
        own = str((service.get("metadata") or {}).get("name"))
        endpoints = ready_endpoints(
            [
                s
                for s in slices
                if ((s.get("metadata") or {}).get("labels") or {}).get("kubernetes.io/service-name") == own
            ]
        )
    is_open, described = exposure(service)
    ctx.print(
        f"GatewayClass {class_name}: {'Accepted' if condition_true(gateway_class, 'Accepted') else 'not Accepted'}"
    )
    ctx.print(
        f"Gateway {namespace}/{name}: {'Programmed' if condition_true(gateway, 'Programmed') else 'not Programmed'}"
    )
    ctx.print(f"ready endpoints: {endpoints}")
    ctx.print(f"exposure: {described}" + (" (WARNING: open to the internet)" if is_open else ""))
    issues = gateway_issues(gateway_class, gateway, crds, endpoints)
    if is_open and env_flag(ctx.env, SCOPED_ENV):
        issues.append(f"{described} and {SCOPED_ENV} is set")
    ctx.result(
        f"inference gateway ({flavour}) issues: {len(issues)}; exposure: {'open' if is_open else 'scoped'}"
    )
    ctx.extra(exposure="open" if is_open else "scoped")
    if issues:
        raise CheckFailed("inference gateway not ready:\n- " + "\n- ".join(issues))
