"""A validator whose pod cannot start is a CTRF `other` result with the cause, at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.integration.validate.test_orchestration import (
    SNAPSHOT,
    catalog_of,
    cli,
    entry,
    files,
    options,
    recipe,
)
from tests.integration.validate.validator_jobs import VALIDATION_NS, leftovers
from tests.support.kube_emulator import KubeEmulator
from tests.support.kube_jobs import job_controller
from tests.support.pod_security import ENFORCE

from aicr.errors import AicrError, Code
from aicr.k8s.client import ApiClient
from aicr.validate.api import validate

from .test_agent import set_jobs

__all__ = ["files"]  # the fixture, re-exported for pytest


def test_failed_create_becomes_other_with_the_admission_message(kube: KubeEmulator, api: ApiClient) -> None:
    kube.add(
        "v1/namespaces",
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": VALIDATION_NS, "labels": {ENFORCE: "restricted"}},
        },
    )
    set_jobs(kube, job_controller("running"))
    report = validate(
        recipe(deployment=["c-slow"]),
        SNAPSHOT,
        client=api,
        catalog=catalog_of([entry("c-slow", timeout="10m")]),
        phases=["deployment"],
        options=options(),
    )
    (test,) = report.ctrf["results"]["tests"]
    assert test["status"] == "other"
    assert "FailedCreate" in test["message"]
    assert 'violates PodSecurity "restricted:latest": runAsNonRoot != true' in test["message"]
    assert leftovers(kube) == []


def test_validator_pods_pass_the_baseline_level(kube: KubeEmulator, api: ApiClient) -> None:
    kube.add(
        "v1/namespaces",
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": VALIDATION_NS, "labels": {ENFORCE: "baseline"}},
        },
    )
    seen: list[dict[str, object]] = []
    set_jobs(kube, job_controller("running", seen=seen))
    validate(
        recipe(deployment=["c-slow"]),
        SNAPSHOT,
        client=api,
        catalog=catalog_of([entry("c-slow", timeout="0.1s")]),
        phases=["deployment"],
        options=options(),
    )
    assert kube.call(lambda emu: [e for e in emu.live("v1/events") if e["reason"] == "FailedCreate"]) == []
    assert len(seen) == 1


def test_bad_namespace_is_an_invalid_request_before_any_write(kube: KubeEmulator, api: ApiClient) -> None:
    with pytest.raises(AicrError, match="--namespace") as err:
        validate(
            recipe(deployment=["c-pass"]),
            SNAPSHOT,
            client=api,
            catalog=catalog_of([entry("c-pass")]),
            phases=["deployment"],
            options=options(namespace="Bad_NS"),
        )
    assert err.value.code is Code.INVALID_REQUEST
    assert not [
        m for m, p, _ in kube.requests() if m in ("POST", "PUT", "PATCH") and "accessreviews" not in p
    ]


def test_cli_bad_namespace_exits_2(kube: KubeEmulator, kubeconfig: Path, files: dict[str, Path]) -> None:
    assert cli(files, recipe(deployment=["c-pass"]), "--namespace", "Bad_NS", "--phase", "deployment") == 2
