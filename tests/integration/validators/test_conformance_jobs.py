"""A conformance check through the whole validate path: orchestrator → Job → check runtime → CTRF.

The Job's container env must carry the catalog entry's `env:` (the test image) and the run ID;
the check's own workload must be gone afterwards.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

from tests.integration.validate.validator_jobs import JOBS, Exit, leftovers, play
from tests.integration.validators.test_conformance_dra import allocate_claims, dra_cluster, pods_end
from tests.integration.validators.test_conformance_dra import leftovers as dra_leftovers
from tests.support.conformance_cluster import register
from tests.support.kube_emulator import KubeEmulator

from aicr.k8s.client import ApiClient
from aicr.k8s.config import ConfigSource
from aicr.validate.api import validate
from aicr.validate.orchestrator import RunOptions
from aicr.validators.checks import CHECKS
from aicr.validators.runtime import CheckContext, run_check

RECIPE = {
    "kind": "RecipeResult",
    "apiVersion": "aicr.nvidia.com/v1alpha1",
    "componentRefs": [{"name": "nvidia-dra-driver-gpu", "namespace": "nvidia-dra-driver"}],
    "validation": {"conformance": {"checks": ["dra-support"]}},
}


def test_dra_support_runs_as_a_validator_job_with_catalog_env(kube: KubeEmulator, kubeconfig: Path) -> None:
    register(kube)
    dra_cluster(kube)
    allocate_claims(kube)
    seen: list[dict[str, Any]] = []
    pods_end(kube, "Succeeded", seen=seen)
    envs: list[dict[str, str]] = []

    def run_container(job: dict[str, Any]) -> None:
        container = job["spec"]["template"]["spec"]["containers"][0]
        env = {e["name"]: e.get("value", "") for e in container["env"]}
        envs.append(dict(env))
        env["AICR_TERMINATION_LOG"] = str(kubeconfig.parent / "termination-log")
        out = io.StringIO()
        with ApiClient.from_source(ConfigSource("file", str(kubeconfig))) as client:
            code = run_check(
                CHECKS[container["args"][0]],
                CheckContext(container["args"][0], environ=env, out=out, client=client, recipe=RECIPE),
            )
        meta = job["metadata"]
        kube.call(
            lambda emu: play(
                emu, emu._get(JOBS, meta["namespace"], meta["name"]).raw, Exit(code, logs=out.getvalue())
            )
        )

    kube.call(
        lambda emu: emu.on_create.__setitem__(
            "jobs", lambda emu, job: threading.Thread(target=run_container, args=(job,), daemon=True).start()
        )
    )
    with ApiClient.from_source(ConfigSource("file", str(kubeconfig))) as api:
        report = validate(
            RECIPE,
            {"kind": "Snapshot", "apiVersion": "aicr.nvidia.com/v1alpha1", "measurements": []},
            phases=["conformance"],
            client=api,
            options=RunOptions(poll_interval=0.02, wait_grace=5),
        )
    (test,) = report.ctrf["results"]["tests"]
    assert (test["name"], test["status"]) == ("dra-support", "passed")
    assert envs[0]["AICR_CUDA_IMAGE"] == "nvcr.io/nvidia/cuda:13.0.0-base-ubuntu22.04"
    assert seen[0]["metadata"]["labels"]["aicr.nvidia.com/run-id"] == envs[0]["AICR_RUN_ID"] != ""
    assert dra_leftovers(kube) == []
    assert leftovers(kube) == []
