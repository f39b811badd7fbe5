"""Jobs whose pods cannot be created or started fail fast with the cause, not at the timeout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.support.kube_emulator import KubeEmulator
from tests.support.kube_jobs import job_controller, sample_snapshot
from tests.support.pod_security import ENFORCE

from aicr.cli.main import main
from aicr.errors import AicrError, Code
from aicr.k8s.client import ApiClient
from aicr.k8s.jobs import PodStartFailed
from aicr.k8s.validation_jobs import wait_for_job
from aicr.snapshot.agent import run_agent
from aicr.snapshot.agent_spec import AgentOptions

from .test_agent import run_objects, set_jobs

LONG = 300.0  # a timeout no test may reach


def opts(**kw: Any) -> AgentOptions:
    kw.setdefault("poll_interval", 0.02)
    kw.setdefault("timeout", LONG)
    kw.setdefault("stream_logs", False)
    return AgentOptions(**kw)


def locked_namespace(kube: KubeEmulator, name: str, level: str) -> None:
    kube.add(
        "v1/namespaces",
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": {ENFORCE: level}}},
    )


def test_privileged_agent_in_a_restricted_namespace_fails_fast_as_forbidden(
    kube: KubeEmulator, api: ApiClient
) -> None:
    locked_namespace(kube, "locked", "restricted")
    set_jobs(kube, job_controller("complete", snapshot=sample_snapshot()))
    with pytest.raises(
        PodStartFailed, match=r'FailedCreate: .*violates PodSecurity "restricted:latest"'
    ) as err:
        run_agent(api, opts(namespace="locked"))
    assert err.value.code is Code.UNAUTHORIZED
    assert "host namespaces" in err.value.message
    assert run_objects(kube) == []


def test_unprivileged_agent_passes_the_restricted_level(kube: KubeEmulator, api: ApiClient) -> None:
    locked_namespace(kube, "locked", "restricted")
    set_jobs(kube, job_controller("complete", snapshot=sample_snapshot()))
    assert b"gpu-count: 8" in run_agent(api, opts(namespace="locked", privileged=False))
    assert run_objects(kube) == []


def test_cli_exits_4_naming_the_pod_security_level(
    kube: KubeEmulator, kubeconfig: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locked_namespace(kube, "locked", "baseline")
    set_jobs(kube, job_controller("complete", snapshot=sample_snapshot()))
    assert main(["snapshot", "-n", "locked", "--timeout", "5m"]) == 4
    assert 'violates PodSecurity "baseline:latest"' in capsys.readouterr().err
    assert run_objects(kube) == []


def test_image_pull_backoff_fails_fast_with_the_reason(kube: KubeEmulator, api: ApiClient) -> None:
    set_jobs(kube, job_controller("image-pull"))
    with pytest.raises(PodStartFailed, match="ImagePullBackOff: Back-off pulling image") as err:
        run_agent(api, opts())
    assert err.value.code is Code.INTERNAL
    assert run_objects(kube) == []


def test_unschedulable_pod_fails_fast_with_the_scheduler_message(kube: KubeEmulator, api: ApiClient) -> None:
    set_jobs(kube, job_controller("unschedulable"))
    with pytest.raises(PodStartFailed, match="Unschedulable: 0/3 nodes are available") as err:
        run_agent(api, opts())
    assert err.value.code is Code.INVALID_REQUEST


def test_validator_job_wait_raises_on_failed_create(kube: KubeEmulator, api: ApiClient) -> None:
    locked_namespace(kube, "locked", "baseline")
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "check", "namespace": "locked"},
        "spec": {
            "template": {
                "spec": {
                    "restartPolicy": "Never",
                    "hostNetwork": True,
                    "containers": [{"name": "validator", "image": "x"}],
                }
            }
        },
    }
    set_jobs(kube, job_controller("complete"))
    api.create(job)
    with pytest.raises(AicrError, match=r"FailedCreate: Error creating: pods .* is forbidden"):
        wait_for_job(api, "check", "locked", timeout=LONG, poll=0.02)


def test_missing_service_account_is_an_invalid_request(kube: KubeEmulator, api: ApiClient) -> None:
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "check", "namespace": "default"},
        "spec": {
            "template": {
                "spec": {
                    "restartPolicy": "Never",
                    "serviceAccountName": "gone",
                    "containers": [{"name": "v", "image": "x"}],
                }
            }
        },
    }
    set_jobs(kube, job_controller("complete"))
    api.create(job)
    with pytest.raises(AicrError, match='serviceaccount "gone" not found') as err:
        wait_for_job(api, "check", "default", timeout=LONG, poll=0.02)
    assert err.value.code is Code.INVALID_REQUEST


def test_exceeded_pod_quota_exits_2(
    kube: KubeEmulator, kubeconfig: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kube.add(
        "v1/resourcequotas",
        {
            "apiVersion": "v1",
            "kind": "ResourceQuota",
            "metadata": {"name": "no-pods", "namespace": "default"},
            "spec": {"hard": {"pods": "0"}},
        },
    )
    set_jobs(kube, job_controller("complete", snapshot=sample_snapshot()))
    assert main(["snapshot", "--timeout", "5m"]) == 2
    assert "exceeded quota: no-pods, requested: pods=1" in capsys.readouterr().err
    assert run_objects(kube) == []
