"""When an NCCL check runs, skips or is invalid, and the objects it would create."""

from __future__ import annotations

from typing import Any

import pytest

from aicr.validators.nccl_manifests import (
    compute_domain,
    mpirun_command,
    run_namespace,
    train_job,
    training_runtime,
)
from aicr.validators.nccl_plan import plan_run
from aicr.validators.runtime import CheckFailed, CheckSkipped

RUN_ID = "20261204-120000-0123456789abcdef"


def recipe(service: str = "eks", accelerator: str = "h100", **constraints: str) -> dict[str, Any]:
    entries = [{"name": k, "value": v} for k, v in constraints.items()]
    return {
        "criteria": {"service": service, "accelerator": accelerator},
        "validation": {"performance": {"constraints": entries}},
    }


def node(name: str, **extra: str) -> dict[str, Any]:
    return {
        "metadata": {"name": name},
        "spec": {},
        "status": {"allocatable": {"nvidia.com/gpu": "8", **extra}},
    }


BW = {"nccl-all-reduce-bw": ">= 300"}
NODES = [node("b", **{"vpc.amazonaws.com/efa": "32"}), node("a", **{"vpc.amazonaws.com/efa": "32"})]


def test_plan_uses_all_gpu_nodes_and_the_first_nodes_gpus() -> None:
    plan = plan_run(recipe(**BW), NODES, "")
    assert (plan.nodes, plan.gpus_per_node, plan.total_gpus) == (["a", "b"], 8, 16)
    assert plan.net_resources == {"vpc.amazonaws.com/efa": "32"}
    assert plan.runtime_source == "delivered-artifact"


def test_skips_without_the_constraint() -> None:
    with pytest.raises(CheckSkipped, match="no nccl-all-reduce-bw constraint"):
        plan_run(recipe(), NODES, "")


def test_skips_with_one_gpu_node() -> None:
    with pytest.raises(CheckSkipped, match="at least 2 schedulable GPU nodes, found 1"):
        plan_run(recipe(**BW), NODES[:1], "")


def test_skips_an_unsupported_pair() -> None:
    with pytest.raises(CheckSkipped, match="requires Service \\+ Accelerator"):
        plan_run(recipe("oke", "a100", **BW), NODES, "")


NVLS = {"nccl-all-reduce-bw-nvls": ">= 500"}


def test_any_service_runs_for_gb200() -> None:
    assert plan_run(recipe("oke", "gb200", **NVLS), NODES, "nvls").accelerator == "gb200"


def test_profile_opts_an_unsupported_pair_in() -> None:
    plan = plan_run(recipe("oke", "a100", **BW, **{"nccl-benchmark-profile": "h100/eks"}), NODES, "")
    assert (plan.accelerator, plan.service) == ("h100", "eks")


def test_unknown_profile_fails() -> None:
    with pytest.raises(CheckFailed, match="is not one of"):
        plan_run(recipe(**BW, **{"nccl-benchmark-profile": "x/y"}), NODES, "")


def test_profile_and_runtime_ref_are_mutually_exclusive() -> None:
    both = {"nccl-benchmark-profile": "h100/eks", "nccl-benchmark-runtime-ref": "my-runtime"}
    with pytest.raises(CheckFailed, match="mutually exclusive"):
        plan_run(recipe(**BW, **both), NODES, "")


def test_runtime_ref_points_the_trainjob_at_the_cluster_runtime() -> None:
    plan = plan_run(recipe(**BW, **{"nccl-benchmark-runtime-ref": "my-runtime"}), NODES, "")
    job = train_job(plan, "ns", RUN_ID)
    assert job["spec"]["runtimeRef"]["kind"] == "ClusterTrainingRuntime"
    assert job["spec"]["runtimeRef"]["name"] == "my-runtime"
    assert plan.runtime_source == "recipe-supplied-runtime"


def test_mpirun_runs_one_rank_per_gpu_up_to_16g() -> None:
    command = mpirun_command(plan_run(recipe(**BW), NODES, ""))
    assert command[:3] == ["mpirun", "-np", "16"]
    assert command[-9:] == ["all_reduce_perf", "-b", "1K", "-e", "16G", "-f", "2", "-g", "1"]
    assert "FI_PROVIDER=efa" in command


def test_tcp_caps_the_message_size_at_4g() -> None:
    plan = plan_run(recipe("gke", "h100", **BW), [node("a"), node("b")], "")
    assert plan.over_tcp
    assert mpirun_command(plan)[-5] == "4G"


def test_runtime_workers_ask_every_gpu_and_the_nics() -> None:
    plan = plan_run(recipe(**BW), NODES, "")
    runtime = training_runtime(plan, "ns", "img", RUN_ID)
    jobs = runtime["spec"]["template"]["spec"]["replicatedJobs"]
    assert [j["name"] for j in jobs] == ["launcher", "node"]
    worker = jobs[1]["template"]["spec"]["template"]["spec"]["containers"][0]
    assert worker["resources"]["limits"] == {"nvidia.com/gpu": "8", "vpc.amazonaws.com/efa": "32"}
    assert runtime["spec"]["mlPolicy"]["mpi"]["mpiImplementation"] == "OpenMPI"
    assert runtime["metadata"]["labels"]["aicr.run/run-id"] == RUN_ID


def test_nvls_workers_claim_the_compute_domain_channel() -> None:
    plan = plan_run(recipe("eks", "gb200", **NVLS), NODES, "nvls")
    worker = training_runtime(plan, "ns", "img", RUN_ID)["spec"]["template"]["spec"]["replicatedJobs"][1]
    pod = worker["template"]["spec"]["template"]["spec"]
    domain = compute_domain(plan, "ns", RUN_ID)
    template = domain["spec"]["channel"]["resourceClaimTemplate"]["name"]
    assert pod["resourceClaims"] == [{"name": "imex-channel", "resourceClaimTemplateName": template}]
    assert domain["metadata"]["name"] == "nccl-all-reduce-cd"


def test_run_namespace_names_variant_and_run() -> None:
    assert run_namespace("nvls", RUN_ID) == f"aicr-nccl-perf-nvls-{RUN_ID}"
    assert len(run_namespace("", RUN_ID)) <= 63
