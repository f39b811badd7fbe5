"""The built-in checks against emulated cluster states (reference/validate.md §4.1).

expected-resources: all ready, one DaemonSet not ready, a namespace missing; operator-health:
a running GPU Operator pod, none running, none at all. The last test runs the whole path: the
orchestrator creates a Job, the scripted controller runs the real check runtime against the
emulated API, and the CTRF result carries its verdict, stdout and termination message.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

import pytest
from tests.integration.validate.validator_jobs import JOBS, Exit, leftovers, play
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
    "componentRefs": [
        {
            "name": "cert-manager",
            "namespace": "cert-manager",
            "expectedResources": [
                {"kind": "Deployment", "name": "cert-manager", "namespace": "cert-manager"},
                {"kind": "Service", "name": "cert-manager-webhook", "namespace": "cert-manager"},
            ],
        },
        {
            "name": "gpu-operator",
            "namespace": "gpu-operator",
            "expectedResources": [
                {"kind": "Deployment", "name": "gpu-operator", "namespace": "gpu-operator"},
                {"kind": "DaemonSet", "name": "nvidia-dcgm-exporter", "namespace": "gpu-operator"},
            ],
        },
        {"name": "nfd", "namespace": "node-feature-discovery"},
    ],
    "validation": {"deployment": {"checks": ["expected-resources"]}},
}


def ns(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def deployment(name: str, namespace: str, available: int, replicas: int = 1) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"replicas": replicas},
        "status": {"availableReplicas": available},
    }


def daemonset(name: str, namespace: str, ready: int, desired: int) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": name, "namespace": namespace},
        "status": {"desiredNumberScheduled": desired, "numberReady": ready},
    }


def healthy_cluster(kube: KubeEmulator, *, dcgm_ready: int = 3, with_cert_manager: bool = True) -> None:
    kube.add("v1/namespaces", ns("gpu-operator"), ns("node-feature-discovery"))
    kube.add("apps/v1/deployments", deployment("gpu-operator", "gpu-operator", 1))
    kube.add("apps/v1/daemonsets", daemonset("nvidia-dcgm-exporter", "gpu-operator", dcgm_ready, 3))
    if with_cert_manager:
        kube.add("v1/namespaces", ns("cert-manager"))
        kube.add("apps/v1/deployments", deployment("cert-manager", "cert-manager", 2, 2))
        kube.add(
            "v1/services",
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "cert-manager-webhook", "namespace": "cert-manager"},
            },
        )


def run(check: str, api: ApiClient, tmp_path: Path, recipe: dict[str, Any] = RECIPE) -> tuple[int, str, str]:
    out = io.StringIO()
    log = tmp_path / "termination-log"
    ctx = CheckContext(check, environ={"AICR_TERMINATION_LOG": str(log)}, out=out, client=api, recipe=recipe)
    code = run_check(CHECKS[check], ctx)
    return code, out.getvalue(), log.read_text() if log.exists() else ""


def test_expected_resources_all_ready(kube: KubeEmulator, api: ApiClient, tmp_path: Path) -> None:
    healthy_cluster(kube)
    code, out, message = run("expected-resources", api, tmp_path)
    assert code == 0, message
    assert "gpu-operator: DaemonSet gpu-operator/nvidia-dcgm-exporter: ready 3/3" in out
    assert "RESULT: expected resources healthy: 4/4" in out
    assert "components without expectedResources (not checked here): nfd" in out


def test_expected_resources_one_daemonset_not_ready(
    kube: KubeEmulator, api: ApiClient, tmp_path: Path
) -> None:
    healthy_cluster(kube, dcgm_ready=2)
    code, out, message = run("expected-resources", api, tmp_path)
    assert code == 1
    assert message == (
        "1 expected resource problem(s):\n"
        "- gpu-operator: DaemonSet gpu-operator/nvidia-dcgm-exporter: 2/3 pods ready"
    )
    assert "(NOT READY: 2/3 pods ready)" in out


def test_expected_resources_namespace_missing(kube: KubeEmulator, api: ApiClient, tmp_path: Path) -> None:
    healthy_cluster(kube, with_cert_manager=False)
    code, _, message = run("expected-resources", api, tmp_path)
    assert code == 1
    assert message == "1 expected resource problem(s):\n- cert-manager: namespace cert-manager not found"


def test_expected_resources_missing_object_and_unsupported_kind(
    kube: KubeEmulator, api: ApiClient, tmp_path: Path
) -> None:
    healthy_cluster(kube)
    recipe = {
        "componentRefs": [
            {
                "name": "x",
                "namespace": "gpu-operator",
                "expectedResources": [
                    {"kind": "StatefulSet", "name": "db"},
                    {"kind": "CronJob", "name": "c"},
                ],
            }
        ]
    }
    code, _, message = run("expected-resources", api, tmp_path, recipe)
    assert code == 1
    assert "- x: StatefulSet gpu-operator/db: not found" in message
    assert "- x: CronJob gpu-operator/c: unsupported kind" in message


def test_expected_resources_skips_without_declarations(
    kube: KubeEmulator, api: ApiClient, tmp_path: Path
) -> None:
    code, _, message = run("expected-resources", api, tmp_path, {"componentRefs": [{"name": "nfd"}]})
    assert (code, message) == (2, "no component of the recipe declares expectedResources")


def gpu_operator_pod(name: str, phase: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "gpu-operator", "labels": {"app": "gpu-operator"}},
        "status": {"phase": phase},
    }


@pytest.mark.parametrize(
    ("pods", "code", "message", "summary"),
    [
        ([("op-1", "Running"), ("op-2", "Pending")], 0, "", "Running: 1/2"),
        (
            [("op-1", "Pending")],
            1,
            "no GPU Operator pod is Running in namespace gpu-operator (1 found)",
            "Running: 0/1",
        ),
        (
            [],
            1,
            "no GPU Operator pods (label app=gpu-operator) found in namespace gpu-operator",
            "Running: 0/0",
        ),
    ],
)
def test_operator_health(
    kube: KubeEmulator,
    api: ApiClient,
    tmp_path: Path,
    pods: list[tuple[str, str]],
    code: int,
    message: str,
    summary: str,
) -> None:
    kube.add(
        "v1/pods",
        *(gpu_operator_pod(n, p) for n, p in pods),
        {**gpu_operator_pod("other", "Running"), "metadata": {"name": "other", "namespace": "gpu-operator"}},
    )
    got, out, termination = run("operator-health", api, tmp_path)
    assert (got, termination) == (code, message)
    assert summary in out


def test_the_real_check_runs_end_to_end_through_a_validator_job(kube: KubeEmulator, kubeconfig: Path) -> None:
    """Orchestrator → Job → aicr.validators runtime (against the emulated API) → CTRF."""
    healthy_cluster(kube, dcgm_ready=1)

    def run_container(job: dict[str, Any]) -> None:
        container = job["spec"]["template"]["spec"]["containers"][0]
        out = io.StringIO()
        log = kubeconfig.parent / f"{job['metadata']['name']}.termination-log"
        env = {e["name"]: e.get("value", "") for e in container["env"]}
        env["AICR_TERMINATION_LOG"] = str(log)
        with ApiClient.from_source(ConfigSource("file", str(kubeconfig))) as client:
            ctx = CheckContext(container["args"][0], environ=env, out=out, client=client, recipe=RECIPE)
            code = run_check(CHECKS[container["args"][0]], ctx)
        message = log.read_text() if log.exists() else ""
        kube.call(
            lambda emu: play(
                emu,
                emu._get(JOBS, job["metadata"]["namespace"], job["metadata"]["name"]).raw,
                Exit(code, logs=out.getvalue(), message=message),
            )
        )

    def hook(emu: Any, job: dict[str, Any]) -> None:  # runs on the emulator's loop: hand off to a thread
        threading.Thread(target=run_container, args=(job,), daemon=True).start()

    kube.call(lambda emu: emu.on_create.__setitem__("jobs", hook))
    snapshot = {"kind": "Snapshot", "apiVersion": "aicr.nvidia.com/v1alpha1", "measurements": []}
    with ApiClient.from_source(ConfigSource("file", str(kubeconfig))) as api:
        report = validate(
            RECIPE,
            snapshot,
            phases=["deployment"],
            client=api,
            options=RunOptions(poll_interval=0.02, wait_grace=5),
        )
    (test,) = report.ctrf["results"]["tests"]
    assert test["name"] == "expected-resources" and test["status"] == "failed"
    assert test["message"].endswith("DaemonSet gpu-operator/nvidia-dcgm-exporter: 1/3 pods ready")
    assert "RESULT: expected resources healthy: 3/4" in test["stdout"]
    assert leftovers(kube) == []
