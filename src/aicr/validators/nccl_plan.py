"""Whether and how an NCCL all-reduce check runs for a recipe: the run plan or the skip reason.

Pure: recipe data and node objects in, an `NcclPlan` (or CheckSkipped / CheckFailed) out.
reference/validate.md §4.2, §4.4: no floor constraint under validation.performance → skip
(the floor is named like the check: `nccl-all-reduce-bw`, `nccl-all-reduce-bw-net`,
`nccl-all-reduce-bw-nvls`); `nccl-benchmark-profile` and `nccl-benchmark-runtime-ref` (also
performance constraints) are mutually exclusive → fail; without either, only the supported
service/accelerator pairs run (EKS H100/H200, GKE H100, AKS H100, any B200/GB200), others skip;
a profile must be one of the known `<accelerator>/<service>` pairs; fewer than two schedulable
GPU nodes → skip. GPUs per node come from the first GPU node's allocatable.

This project's meaning of the two opt-ins (the reference resolves them in its orchestrator):
`nccl-benchmark-profile: gb200/eks` runs the built-in runtime as if the recipe had those
criteria; `nccl-benchmark-runtime-ref: <name>` runs the TrainJob against the
ClusterTrainingRuntime `<name>` the cluster already has (runtimeSource recipe-supplied-runtime).
"""

from __future__ import annotations

from dataclasses import dataclass

from aicr.validators.gpu_nodes import allocatable_gpus, split_gpu_nodes
from aicr.validators.nccl import CONSTRAINT
from aicr.validators.recipe_facts import criteria, phase_constraint
from aicr.validators.runtime import CheckFailed, CheckSkipped

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

PROFILE = "nccl-benchmark-profile"
RUNTIME_REF = "nccl-benchmark-runtime-ref"
SUPPORTED = {("eks", "h100"), ("eks", "h200"), ("gke", "h100"), ("aks", "h100")}
ANY_SERVICE = ("b200", "gb200")
PROFILES = {
    "b200/any",
    "gb200/any",
    "gb200/eks",
    "gb200/gke",
    "gb200/oke",
    "gb300/eks",
    "gb300/generic",
    "h100/aks",
    "h100/eks",
    "h100/gke",
    "h200/eks",
    "vr200/rke2",
}
NET_RESOURCES = ("vpc.amazonaws.com/efa", "rdma/ib", "rdma/hca_shared_devices_a", "nvidia.com/rdma")
VARIANT_SHORT = {"": "bw", "net": "net", "nvls": "nvls"}


@dataclass(frozen=True)
class NcclPlan:
    """What to run: variant, floor, nodes, GPUs, fabric resources and where the runtime comes from."""

    variant: str
    constraint: str
    accelerator: str
    service: str
    nodes: list[str]
    gpus_per_node: int
    net_resources: dict[str, str]
    runtime_ref: str

    @property
    def total_gpus(self) -> int:
        return self.gpus_per_node * len(self.nodes)

    @property
    def over_tcp(self) -> bool:
        """No RDMA NIC resource on the nodes and no NVLink domain: data goes over TCP."""
        return not self.net_resources and self.variant != "nvls"

    @property
    def runtime_source(self) -> str:
        return "recipe-supplied-runtime" if self.runtime_ref else "delivered-artifact"


def constraint_name(variant: str) -> str:
    """The floor's constraint name: the check's own name (`nccl-all-reduce-bw[-net|-nvls]`)."""
    return f"{CONSTRAINT}-{variant}" if variant else CONSTRAINT


def _target(recipe: dict[str, Any]) -> tuple[str, str, str]:
    """(accelerator, service, runtime ref) after the opt-ins; raises on a bad combination."""
    profile = phase_constraint(recipe, "performance", PROFILE)
    ref = phase_constraint(recipe, "performance", RUNTIME_REF)
    if profile is not None and ref is not None:
        raise CheckFailed(f"{PROFILE} and {RUNTIME_REF} are mutually exclusive; set at most one")
    crit = criteria(recipe)
    if ref is not None:
        if not ref.strip():
            raise CheckFailed(f"{RUNTIME_REF} is empty")
        return crit["accelerator"], crit["service"], ref.strip()
    if profile is not None:
        if profile.strip() not in PROFILES:
            raise CheckFailed(f'{PROFILE} "{profile}" is not one of {", ".join(sorted(PROFILES))}')
        accelerator, _, service = profile.strip().partition("/")
        return accelerator, service, ""
    accelerator, service = crit["accelerator"], crit["service"]
    if (service, accelerator) not in SUPPORTED and accelerator not in ANY_SERVICE:
        raise CheckSkipped(
            f"requires Service + Accelerator to be implemented: {service}/{accelerator} has no NCCL "
            f"runtime (set {PROFILE} or {RUNTIME_REF} to opt in)"
        )
    return accelerator, service, ""


def plan_run(recipe: dict[str, Any], nodes: list[dict[str, Any]], variant: str) -> NcclPlan:
    """The run plan for `variant` ("", "net", "nvls"), or CheckSkipped / CheckFailed."""
    name = constraint_name(variant)
    constraint = phase_constraint(recipe, "performance", name)
    if constraint is None:
        raise CheckSkipped(f"the recipe declares no {name} constraint under validation.performance")
    accelerator, service, ref = _target(recipe)
    usable, _ = split_gpu_nodes(nodes)
    if len(usable) < 2:
        raise CheckSkipped(f"needs at least 2 schedulable GPU nodes, found {len(usable)}")
    first = usable[0]
    allocatable = (first.get("status") or {}).get("allocatable") or {}
    net = {r: str(allocatable[r]) for r in NET_RESOURCES if str(allocatable.get(r, "0")) not in ("0", "")}
    return NcclPlan(
        variant=variant,
        constraint=constraint,
        accelerator=accelerator,
        service=service,
        nodes=[str(n["metadata"]["name"]) for n in usable],
        gpus_per_node=allocatable_gpus(first),
        net_resources=net,
        runtime_ref=ref,
    )
