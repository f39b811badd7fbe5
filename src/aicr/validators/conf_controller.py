"""robust-controller: the AI workload operator is healthy and its admission webhook rejects bad objects.

Pure judges (`controller_issues`, `webhook_services`, `pick_controller`) and a thin edge; the
invalid object is only ever sent with `dryRun=All`, so nothing is stored. reference/validate.md
§4.3: with dynamo-platform → the Dynamo controller, its webhook with ready endpoints, the
DynamoGraphDeployment CRD, and an invalid DGD rejected; else with kubeflow-trainer →
`kubeflow/kubeflow-trainer-controller-manager`, the `validator.trainer.kubeflow.org` webhook,
the TrainJob CRD, and an invalid TrainJob rejected; neither → skip.
"""

from __future__ import annotations

from aicr.k8s.resources import Resource
from aicr.validators.conf_gateway import ready_endpoints
from aicr.validators.conf_state import (
    component_namespace,
    crd_issue,
    declared_components,
    deployment_issue,
    name_of,
)
from aicr.validators.conf_workloads import CRD, ENDPOINT_SLICE, VALIDATING_WEBHOOK, RunScope, list_custom
from aicr.validators.runtime import CheckContext, CheckFailed, CheckSkipped

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.errors import AicrError


class Operator:
    """What robust-controller checks for one operator."""

    def __init__(
        self,
        component: str,
        namespace: str,
        crd: str,
        resource: Resource,
        webhook: str,
        invalid: dict[str, Any],
        deployment: str = "",
    ) -> None:
        self.component = component
        self.namespace = namespace
        self.crd = crd
        self.resource = resource
        self.webhook = webhook
        self.invalid = invalid
        self.deployment = deployment


DYNAMO = Operator(
    "dynamo-platform",
    "dynamo-system",
    "dynamographdeployments.nvidia.com",
    Resource("nvidia.com/v1alpha1", "dynamographdeployments", True, "DynamoGraphDeployment"),
    "nvidia.com",
    {
        "apiVersion": "nvidia.com/v1alpha1",
        "kind": "DynamoGraphDeployment",
        "metadata": {"name": "aicr-invalid-dgd"},
        "spec": {"services": {"invalid": {"componentType": "not-a-component-type", "replicas": -1}}},
    },
)
TRAINER = Operator(
    "kubeflow-trainer",
    "kubeflow",
    "trainjobs.trainer.kubeflow.org",
    Resource("trainer.kubeflow.org/v1alpha1", "trainjobs", True, "TrainJob"),
    "validator.trainer.kubeflow.org",
    {
        "apiVersion": "trainer.kubeflow.org/v1alpha1",
        "kind": "TrainJob",
        "metadata": {"name": "aicr-invalid-trainjob"},
        "spec": {
            "runtimeRef": {"name": "aicr-runtime-that-does-not-exist", "kind": "ClusterTrainingRuntime"}
        },
    },
    deployment="kubeflow-trainer-controller-manager",
)


def pick_controller(deployments: list[dict[str, Any]], wanted: str) -> dict[str, Any] | None:
    """The named Deployment, else the first whose name contains `controller` (by name)."""
    if wanted:
        return next((d for d in deployments if name_of(d) == wanted), None)
    found = sorted((d for d in deployments if "controller" in name_of(d)), key=name_of)
    return found[0] if found else None


def webhook_services(configs: list[dict[str, Any]], match: str) -> list[tuple[str, str]]:
    """(namespace, service) of every validating webhook whose name or configuration name contains `match`."""
    found = []
    for config in configs:
        for hook in config.get("webhooks") or []:
            if match in str(hook.get("name") or "") or match in name_of(config):
                svc = (hook.get("clientConfig") or {}).get("service") or {}
                if svc.get("name"):
                    found.append((str(svc.get("namespace") or ""), str(svc["name"])))
    return sorted(set(found))


def controller_issues(
    op: Operator,
    deployment: dict[str, Any] | None,
    services: list[tuple[str, str]],
    endpoints: int,
    crd: dict[str, Any] | None,
    rejection: AicrError | None,
) -> list[str]:
    """Every reason the operator is not robust (empty when it is)."""
    issues = []
    if (issue := deployment_issue(deployment)) is not None:
        issues.append(f"{op.component} controller Deployment: {issue}")
    if not services:
        issues.append(f"no validating webhook matching {op.webhook}")
    elif endpoints < 1:
        issues.append("the webhook Service has no ready endpoint")
    if (issue := crd_issue(crd)) is not None:
        issues.append(f"CRD {op.crd}: {issue}")
    if crd is not None and rejection is None:
        issues.append(f"an invalid {op.resource.kind} was admitted (dry run): the webhook does not reject it")
    return issues


def _operator(ctx: CheckContext) -> Operator:
    declared = declared_components(ctx.recipe)
    for op in (DYNAMO, TRAINER):
        if declared is not None and op.component in declared:
            return op
        if declared is None and ctx.client.find(CRD, op.crd) is not None:
            return op
    raise CheckSkipped("neither dynamo-platform nor kubeflow-trainer is in the recipe")


def robust_controller(ctx: CheckContext) -> None:
    """The operator's controller, webhook and CRD are ready and the webhook rejects invalid objects."""
    op = _operator(ctx)
    namespace = component_namespace(ctx.recipe, op.component, op.namespace)
    deployment = pick_controller(ctx.client.list("Deployment", namespace), op.deployment)
    services = webhook_services(list_custom(ctx.client, VALIDATING_WEBHOOK) or [], op.webhook)
    endpoints = 0
    for svc_ns, svc in services:
        slices = list_custom(ctx.client, ENDPOINT_SLICE, svc_ns or namespace) or []
        endpoints += ready_endpoints(
            [
                s
                for s in slices
                if ((s.get("metadata") or {}).get("labels") or {}).get("kubernetes.io/service-name") == svc
            ]
        )
    crd = ctx.client.find(CRD, op.crd)
    rejection = None
    if crd is not None:
        scope = RunScope(ctx.client, "robust-controller", ctx.run_id, namespaced=False)
        rejection = scope.dry_run(
            op.resource, dict(op.invalid, metadata=dict(op.invalid["metadata"])), ctx.namespace
        )
    ctx.print(f"operator: {op.component} (namespace {namespace})")
    ctx.print(
        f"controller: {name_of(deployment) if deployment else 'not found'}; {deployment_issue(deployment) or 'available'}"
    )
    ctx.print(
        f"webhook services: {', '.join(f'{n}/{s}' for n, s in services) or 'none'}; ready endpoints: {endpoints}"
    )
    ctx.print(
        f"invalid {op.resource.kind} (dry run): "
        + (f"rejected: {rejection.message}" if rejection else "admitted")
    )
    issues = controller_issues(op, deployment, services, endpoints, crd, rejection)
    ctx.result(f"{op.component} robustness issues: {len(issues)}")
    if issues:
        raise CheckFailed(f"{op.component} is not robust:\n- " + "\n- ".join(issues))
