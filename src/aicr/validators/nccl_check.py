"""nccl-all-reduce-bw, -net and -nvls: run all_reduce_perf as a Kubeflow TrainJob and judge it.

Edge: reads nodes and CRDs, creates the run's objects (nccl_manifests) in a per-run namespace,
waits for the TrainJob, reads the launcher's log, and deletes everything it created on every
exit path (try/finally). Decisions are pure (nccl_plan, nccl, nccl_manifests).
Deviation from the reference (which installs Kubeflow Trainer when absent and removes it
afterwards): this check installs nothing cluster-wide; without the Trainer CRDs (or, for -nvls,
the ComputeDomain CRD of the NVIDIA DRA driver) it skips and names what is missing.
"""

from __future__ import annotations

from aicr.errors import AicrError
from aicr.validators.nccl import judge_bandwidth, judge_network, judge_nvls, parse_all_reduce
from aicr.validators.nccl_manifests import (
    COMPUTE_DOMAINS,
    DEFAULT_IMAGE,
    TRAINING_RUNTIMES,
    TRAINJOB_NAME,
    TRAINJOBS,
    compute_domain,
    namespace_manifest,
    run_namespace,
    train_job,
    training_runtime,
)
from aicr.validators.nccl_plan import NcclPlan, constraint_name, plan_run
from aicr.validators.owned_objects import OwnedObjects
from aicr.validators.polling import Clock, check_timeout, poll
from aicr.validators.runtime import CheckContext, CheckFailed, CheckSkipped

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

TRAINER_CRDS = ("trainjobs.trainer.kubeflow.org", "trainingruntimes.trainer.kubeflow.org")
COMPUTE_DOMAIN_CRD = "computedomains.resource.nvidia.com"
DEFAULT_TIMEOUT_S = 1800.0
CLEANUP_RESERVE_S = 60.0
LAUNCHER_LABELS = {"jobset.sigs.k8s.io/replicatedjob-name": "launcher"}


def require_crds(ctx: CheckContext, variant: str) -> None:
    """Skip (naming them) when the CRDs the run needs are not installed."""
    needed = TRAINER_CRDS + ((COMPUTE_DOMAIN_CRD,) if variant == "nvls" else ())
    missing = [name for name in needed if ctx.client.find("CustomResourceDefinition", name) is None]
    if missing:
        raise CheckSkipped(
            f"CRD(s) {', '.join(missing)} not installed; this check does not install Kubeflow Trainer "
            "or the NVIDIA DRA driver (install them, then rerun)"
        )


def trainjob_outcome(ctx: CheckContext, namespace: str) -> str | None:
    """`Complete` / `Failed` once the TrainJob has finished, else None."""
    job = ctx.client.get(TRAINJOBS, TRAINJOB_NAME, namespace)
    for condition in (job.get("status") or {}).get("conditions") or []:
        if condition.get("type") in ("Complete", "Failed") and condition.get("status") == "True":
            return str(condition["type"])
    return None


def launcher_log(ctx: CheckContext, namespace: str) -> str:
    """The log of the launcher pod (CheckFailed when there is none)."""
    pods = ctx.client.list("Pod", namespace, labels=LAUNCHER_LABELS)
    if not pods:
        raise CheckFailed(f"no launcher pod found in namespace {namespace}")
    name = sorted(str(p["metadata"]["name"]) for p in pods)[0]
    return ctx.client.logs(name, namespace, container="node")


def create_run(ctx: CheckContext, owned: OwnedObjects, plan: NcclPlan, namespace: str) -> None:
    run_id = ctx.run_id or "local"
    image = ctx.env.get("AICR_NCCL_RUNTIME_IMAGE") or DEFAULT_IMAGE
    owned.create(namespace_manifest(namespace, run_id))
    if plan.variant == "nvls":
        owned.create(compute_domain(plan, namespace, run_id), COMPUTE_DOMAINS)
    if not plan.runtime_ref:
        owned.create(training_runtime(plan, namespace, image, run_id), TRAINING_RUNTIMES)
    owned.create(train_job(plan, namespace, run_id), TRAINJOBS)


def run_benchmark(ctx: CheckContext, plan: NcclPlan, clock: Clock | None) -> str:
    """Create the run, wait for it and return the launcher log; always cleans up."""
    namespace = run_namespace(plan.variant, ctx.run_id or "local")
    wait = max(check_timeout(ctx.env, DEFAULT_TIMEOUT_S) - CLEANUP_RESERVE_S, CLEANUP_RESERVE_S)
    owned = OwnedObjects(ctx.client)
    try:
        create_run(ctx, owned, plan, namespace)
        ctx.print(
            f"TrainJob {namespace}/{TRAINJOB_NAME} created on {len(plan.nodes)} nodes x {plan.gpus_per_node} GPUs"
        )
        outcome = poll(lambda: trainjob_outcome(ctx, namespace), wait, interval=10.0, clock=clock)
        if outcome is None:
            raise CheckFailed(f"TrainJob {TRAINJOB_NAME} did not finish within {int(wait)}s")
        log = launcher_log(ctx, namespace)
        if outcome == "Failed":
            tail = "\n".join(log.splitlines()[-20:])
            raise CheckFailed(f"TrainJob {TRAINJOB_NAME} failed; launcher log tail:\n{tail}")
        return log
    finally:
        owned.cleanup()


def judge_log(ctx: CheckContext, plan: NcclPlan, log: str) -> None:
    """Print the bandwidth verdict (and the transport verdict of -net / -nvls); raise on failure."""
    try:
        result = parse_all_reduce(log)
        passed, floor = judge_bandwidth(result.largest[1], plan.constraint)
    except AicrError as exc:
        raise CheckFailed(f"cannot judge the NCCL output: {exc.message}") from None
    bandwidth = result.largest[1]
    ctx.print(f"NCCL All Reduce bandwidth: {bandwidth:.2f} GB/s (message size {result.largest[0]} B)")
    ctx.print(f"Constraint: {plan.constraint} → {str(passed).lower()}")
    ctx.result(f"busbw {bandwidth:.2f} GB/s, floor {floor:g} GB/s (passes at >= {0.9 * floor:g})")
    ctx.extra(runtimeSource=plan.runtime_source)
    name = constraint_name(plan.variant)
    problems = [] if passed else [f"bus bandwidth {bandwidth:.2f} GB/s is below 90% of {name} {floor:g} GB/s"]
    if plan.variant == "net":
        ok, reason = judge_network(log, ctx.env.get("AICR_NCCL_FABRIC", "efa"))
        ctx.print(reason)
        problems += [] if ok else [reason]
    if plan.variant == "nvls":
        ok, reason = judge_nvls(log)
        ctx.print(reason)
        problems += [] if ok else [reason]
    if problems:
        raise CheckFailed("; ".join(problems))


def nccl_check(variant: str) -> Callable[..., None]:
    """The check function of one variant ("", "net" or "nvls")."""

    def check(ctx: CheckContext, *, clock: Clock | None = None) -> None:
        plan = plan_run(ctx.recipe, ctx.client.list("Node"), variant)
        if plan.variant == "net" and ctx.env.get("AICR_NCCL_FABRIC", "efa").lower() not in ("efa", "roce"):
            raise CheckFailed(f'AICR_NCCL_FABRIC "{ctx.env["AICR_NCCL_FABRIC"]}" must be efa or roce')
        require_crds(ctx, variant)
        judge_log(ctx, plan, run_benchmark(ctx, plan, clock))

    check.__name__ = f"nccl_all_reduce_bw{'_' + variant if variant else ''}"
    return check
