"""The objects an NCCL all-reduce run creates: namespace, TrainingRuntime, TrainJob, ComputeDomain.

Pure: an `NcclPlan` in, manifests (plain dicts) out, byte-identical for the same inputs.
reference/validate.md §4.4: per-run namespace `aicr-nccl-perf-<variant>-<runID>`; a Kubeflow
Trainer TrainingRuntime `nccl-all-reduce-runtime` (OpenMPI; a `launcher` replicated job runs
`mpirun -np <total GPUs> all_reduce_perf -b 1K -e 16G -f 2 -g 1`, capped at 4G over TCP; `node`
workers run sshd, one per GPU node, each asking all of its GPUs and the RDMA NICs the first
node advertises) and the TrainJob `nccl-all-reduce-tj` pointing at it. The -nvls variant adds
the ComputeDomain `nccl-all-reduce-cd` whose IMEX channel claim template every worker claims.
Every object carries the run labels (`aicr.run/run-id`).
"""

from __future__ import annotations

from aicr.k8s.resources import Resource
from aicr.k8s.runs import run_metadata, run_namespace_manifest
from aicr.validators.gpu_nodes import GPU_RESOURCE
from aicr.validators.nccl_plan import VARIANT_SHORT

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.validators.nccl_plan import NcclPlan

TRAINER = "trainer.kubeflow.org/v1alpha1"
TRAINJOBS = Resource(TRAINER, "trainjobs", True, "TrainJob")
TRAINING_RUNTIMES = Resource(TRAINER, "trainingruntimes", True, "TrainingRuntime")
COMPUTE_DOMAINS = Resource("resource.nvidia.com/v1beta1", "computedomains", True, "ComputeDomain")
RUNTIME_NAME = "nccl-all-reduce-runtime"
TRAINJOB_NAME = "nccl-all-reduce-tj"
COMPUTE_DOMAIN_NAME = "nccl-all-reduce-cd"
CHANNEL_TEMPLATE = "nccl-all-reduce-cd-channel"
COMPONENT = "nccl-all-reduce"
DEFAULT_IMAGE = (
    "public.ecr.aws/hpc-cloud/nccl-tests:cuda12.8.1-efa1.43.2-ofiv1.16.3-ncclv2.27.7-1-testsv2.16.9"
)
TOOL_PATH = "/opt/amazon/openmpi/bin:/opt/nccl-tests/build:/usr/local/bin:/usr/bin:/bin"
LIBRARY_PATH = "/opt/amazon/ofi-nccl/lib/x86_64-linux-gnu:/opt/amazon/efa/lib:/opt/amazon/openmpi/lib"


def run_namespace(variant: str, run_id: str) -> str:
    """`aicr-nccl-perf-<bw|net|nvls>-<runID>`."""
    return f"aicr-nccl-perf-{VARIANT_SHORT[variant]}-{run_id}".lower()[:63].rstrip("-")


def _meta(name: str, namespace: str | None, run_id: str) -> dict[str, Any]:
    return run_metadata(name, namespace, run_id, COMPONENT)


def namespace_manifest(namespace: str, run_id: str) -> dict[str, Any]:
    """The per-run namespace, labelled with the run."""
    return run_namespace_manifest(namespace, run_id, COMPONENT)


def mpirun_command(plan: NcclPlan) -> list[str]:
    """The launcher's command line; NCCL_DEBUG=INFO so the transport can be judged."""
    max_size = "4G" if plan.over_tcp else "16G"
    env = ["NCCL_DEBUG=INFO", "LD_LIBRARY_PATH", "PATH"]
    if "vpc.amazonaws.com/efa" in plan.net_resources:
        env += ["FI_PROVIDER=efa", "FI_EFA_USE_DEVICE_RDMA=1"]
    if plan.variant == "nvls":
        env += ["NCCL_NVLS_ENABLE=1", "NCCL_MNNVL_ENABLE=1"]
    exports = [part for item in env for part in ("-x", item)]
    head = ["mpirun", "-np", str(plan.total_gpus), "--allow-run-as-root", "--bind-to", "none"]
    tail = ["all_reduce_perf", "-b", "1K", "-e", max_size, "-f", "2", "-g", "1"]
    return head + exports + tail


def _container(image: str, command: list[str], resources: dict[str, Any] | None = None) -> dict[str, Any]:
    container: dict[str, Any] = {
        "name": "node",  # the Trainer MPI plugin only wires containers named "node"
        "image": image,
        "command": command,
        "env": [{"name": "PATH", "value": TOOL_PATH}, {"name": "LD_LIBRARY_PATH", "value": LIBRARY_PATH}],
    }
    if resources:
        container["resources"] = resources
    return container


def _worker_spec(plan: NcclPlan, image: str) -> dict[str, Any]:
    amounts = {GPU_RESOURCE: str(plan.gpus_per_node), **plan.net_resources}
    container = _container(image, ["/usr/sbin/sshd", "-De"], {"limits": amounts, "requests": dict(amounts)})
    container["securityContext"] = {"capabilities": {"add": ["IPC_LOCK"]}}
    spec: dict[str, Any] = {"tolerations": [{"operator": "Exists"}], "containers": [container]}
    if plan.variant == "nvls":
        spec["resourceClaims"] = [{"name": "imex-channel", "resourceClaimTemplateName": CHANNEL_TEMPLATE}]
        container["resources"]["claims"] = [{"name": "imex-channel"}]
    return spec


def _replicated(name: str, pod_spec: dict[str, Any], replicas: int | None = None) -> dict[str, Any]:
    job: dict[str, Any] = {"name": name, "template": {"spec": {"template": {"spec": pod_spec}}}}
    if replicas is not None:
        job["replicas"] = replicas
    return job


def training_runtime(plan: NcclPlan, namespace: str, image: str, run_id: str) -> dict[str, Any]:
    """The TrainingRuntime: OpenMPI launcher (not a node) plus one sshd worker per GPU node."""
    launcher = {
        "tolerations": [{"operator": "Exists"}],
        "containers": [_container(image, mpirun_command(plan))],
    }
    meta = _meta(RUNTIME_NAME, namespace, run_id)
    meta["labels"]["trainer.kubeflow.org/framework"] = "mpi"
    return {
        "apiVersion": TRAINER,
        "kind": "TrainingRuntime",
        "metadata": meta,
        "spec": {
            "mlPolicy": {
                "numNodes": len(plan.nodes),
                "mpi": {
                    "mpiImplementation": "OpenMPI",
                    "numProcPerNode": plan.gpus_per_node,
                    "runLauncherAsNode": False,
                },
            },
            "template": {
                "spec": {
                    "network": {"enableDNSHostnames": True, "publishNotReadyAddresses": True},
                    "replicatedJobs": [
                        _replicated("launcher", launcher, 1),
                        _replicated("node", _worker_spec(plan, image)),
                    ],
                }
            },
        },
    }


def train_job(plan: NcclPlan, namespace: str, run_id: str) -> dict[str, Any]:
    """The TrainJob; it references the run's runtime or the recipe-supplied ClusterTrainingRuntime."""
    kind, name = (
        ("ClusterTrainingRuntime", plan.runtime_ref)
        if plan.runtime_ref
        else ("TrainingRuntime", RUNTIME_NAME)
    )
    return {
        "apiVersion": TRAINER,
        "kind": "TrainJob",
        "metadata": _meta(TRAINJOB_NAME, namespace, run_id),
        "spec": {
            "runtimeRef": {"apiGroup": "trainer.kubeflow.org", "kind": kind, "name": name},
            "trainer": {"numNodes": len(plan.nodes), "numProcPerNode": plan.gpus_per_node},
        },
    }


def compute_domain(plan: NcclPlan, namespace: str, run_id: str) -> dict[str, Any]:
    """The -nvls ComputeDomain spanning the worker nodes, with its IMEX channel claim template."""
    return {
        "apiVersion": COMPUTE_DOMAINS.api_version,
        "kind": "ComputeDomain",
        "metadata": _meta(COMPUTE_DOMAIN_NAME, namespace, run_id),
        "spec": {
            "numNodes": len(plan.nodes),
            "channel": {"resourceClaimTemplate": {"name": CHANNEL_TEMPLATE}},
        },
    }
