"""gke-gpu-nic-networks: the GKE GPU NIC networks GPUDirect-TCPXO needs exist and are wired.

`judge_networks` and `judge_installer` are pure; `gke_gpu_nic_networks` is the edge (lists
`Network` objects of networking.gke.io/v1 and reads the TCPXO installer DaemonSet).
reference/validate.md §4.4: skipped unless the recipe declares `gke-nccl-tcpxo`; at least 8
cluster-scoped `Network` objects whose names contain `gpu-nic` (a3-megagpu-8g has 8 GPU NICs).
"The deployed TCPXO runtime's NIC mapping matches the recipe" is checked here as: every
`gpu-nic` network is a Device network (`spec.type: Device`, how GKE hands a GPU NIC to a pod)
and the recipe's TCPXO runtime — the `nccl-tcpxo-installer` DaemonSet the gke-nccl-tcpxo
component deploys in its namespace — is rolled out on every node it targets. The Network API
not being served while the recipe declares TCPXO is a failure, not a skip (§3.3).
"""

from __future__ import annotations

from aicr.errors import AicrError, Code
from aicr.k8s.resources import Resource
from aicr.validators.health_contract import workload_issue
from aicr.validators.recipe_facts import component
from aicr.validators.runtime import CheckContext, CheckFailed, CheckSkipped

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

TCPXO_COMPONENT = "gke-nccl-tcpxo"
NETWORKS = Resource("networking.gke.io/v1", "networks", False, "Network")
REQUIRED_GPU_NICS = 8
NIC_MARKER = "gpu-nic"
INSTALLER = "nccl-tcpxo-installer"


def judge_networks(networks: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(gpu-nic network names, problems)."""
    nics = sorted(
        str(n["metadata"]["name"])
        for n in networks
        if NIC_MARKER in str((n.get("metadata") or {}).get("name"))
    )
    problems: list[str] = []
    if len(nics) < REQUIRED_GPU_NICS:
        problems.append(f"found {len(nics)} of {REQUIRED_GPU_NICS} Network objects named *{NIC_MARKER}*")
    by_name = {str(n["metadata"]["name"]): n for n in networks}
    not_device = [n for n in nics if (by_name[n].get("spec") or {}).get("type") != "Device"]
    if not_device:
        problems.append(f"GPU NIC network(s) not of type Device: {', '.join(not_device)}")
    return nics, problems


def judge_installer(daemonset: dict[str, Any] | None, namespace: str) -> str | None:
    """Why the TCPXO runtime is not in place, or None."""
    if daemonset is None:
        return f"TCPXO runtime DaemonSet {namespace}/{INSTALLER} not found"
    issue = workload_issue("DaemonSet", daemonset)
    return f"TCPXO runtime DaemonSet {namespace}/{INSTALLER}: {issue}" if issue else None


def gke_gpu_nic_networks(ctx: CheckContext) -> None:
    """GPU NIC networks and the TCPXO runtime are in place when the recipe asks for TCPXO."""
    ref = component(ctx.recipe, TCPXO_COMPONENT)
    if ref is None:
        raise CheckSkipped(f"{TCPXO_COMPONENT} not declared in the recipe; GPUDirect-TCPXO does not apply")
    try:
        networks = ctx.client.list(NETWORKS)
    except AicrError as exc:
        if exc.code is Code.NOT_FOUND:
            raise CheckFailed(
                "networking.gke.io/v1 Network API not served (is GKE multi-networking enabled?)"
            ) from None
        raise
    nics, problems = judge_networks(networks)
    ctx.print(f"GPU NIC networks: {', '.join(nics) or 'none'}")
    namespace = str(ref.get("namespace") or "kube-system")
    installer = judge_installer(ctx.client.find("DaemonSet", INSTALLER, namespace), namespace)
    problems += [installer] if installer else []
    ctx.result(f"gpuNicNetworks: {len(nics)}/{REQUIRED_GPU_NICS}")
    if problems:
        raise CheckFailed("; ".join(problems))
