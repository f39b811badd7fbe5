"""expected-resources with the component health contract (validate.md §4.1, ADR-006)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from tests.support.kube_emulator import KubeEmulator
from tests.support.validator_workloads import crd, register

from aicr.validators.deployment import expected_resources


def workload(
    kind: str, name: str, namespace: str, labels: dict[str, str] | None = None, **status: int
) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": kind,
        "metadata": {"name": name, "namespace": namespace, "labels": labels or {}},
        "spec": {"replicas": 1} if kind != "DaemonSet" else {},
        "status": status,
    }


def ref(**contract: Any) -> dict[str, Any]:
    return {"componentRefs": [{"name": "kai-scheduler", "namespace": "kai-scheduler", **contract}]}


def add(kube: KubeEmulator, *objects: dict[str, Any]) -> None:
    plural = {"Deployment": "deployments", "DaemonSet": "daemonsets", "StatefulSet": "statefulsets"}
    for obj in objects:
        kube.add(f"apps/v1/{plural[obj['kind']]}", obj)


@pytest.fixture(autouse=True)
def _namespace(kube: KubeEmulator) -> None:
    kube.add(
        "v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kai-scheduler"}}
    )


SELECTOR = {"namespace": "kai-scheduler", "selector": {"app.kubernetes.io/part-of": "kai"}}


def test_selector_and_named_workloads_are_unioned(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    add(
        kube,
        workload(
            "Deployment", "binder", "kai-scheduler", {"app.kubernetes.io/part-of": "kai"}, availableReplicas=1
        ),
        workload("Deployment", "scheduler", "kai-scheduler", availableReplicas=0),
    )
    readiness = {**SELECTOR, "workloads": [{"kind": "Deployment", "name": "scheduler"}]}
    outcome = run_on(expected_resources, ref(readiness=readiness))
    assert outcome.code == 1
    assert outcome.message == (
        "1 expected resource problem(s):\n- kai-scheduler: Deployment kai-scheduler/scheduler: 0/1 replicas available"
    )


def test_all_ready_passes(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    add(
        kube,
        workload(
            "Deployment", "binder", "kai-scheduler", {"app.kubernetes.io/part-of": "kai"}, availableReplicas=1
        ),
    )
    outcome = run_on(expected_resources, ref(readiness=SELECTOR))
    assert outcome.code == 0, outcome.message
    assert "RESULT: expected resources healthy: 1/1" in outcome.out


def test_missing_named_workload_fails_even_with_selector_matches(
    kube: KubeEmulator, run_on: Callable[..., Any]
) -> None:
    add(
        kube,
        workload(
            "Deployment", "binder", "kai-scheduler", {"app.kubernetes.io/part-of": "kai"}, availableReplicas=1
        ),
    )
    readiness = {**SELECTOR, "workloads": [{"kind": "StatefulSet", "name": "db"}]}
    outcome = run_on(expected_resources, ref(readiness=readiness))
    assert outcome.code == 1
    assert "StatefulSet kai-scheduler/db: not found" in outcome.message


def test_zero_matches_fail_closed(run_on: Callable[..., Any]) -> None:
    outcome = run_on(expected_resources, ref(readiness=SELECTOR))
    assert outcome.code == 1
    assert "zero matches fail closed" in outcome.message


def test_crds_must_be_established(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    pending = crd("podgroups.scheduling.run.ai")
    pending["status"]["conditions"][0]["status"] = "False"
    kube.add("apiextensions.k8s.io/v1/customresourcedefinitions", crd("queues.scheduling.run.ai"), pending)
    outcome = run_on(
        expected_resources, ref(crds=["queues.scheduling.run.ai", "podgroups.scheduling.run.ai", "x.y.z"])
    )
    assert outcome.code == 1
    assert "CRD podgroups.scheduling.run.ai is not Established" in outcome.message
    assert "CRD x.y.z not found" in outcome.message
    assert "queues" not in outcome.message


@pytest.mark.parametrize(("state", "code"), [("ready", 0), ("notReady", 1)])
def test_cluster_policy_ready(kube: KubeEmulator, run_on: Callable[..., Any], state: str, code: int) -> None:
    kube.add(
        "nvidia.com/v1/clusterpolicies",
        {
            "apiVersion": "nvidia.com/v1",
            "kind": "ClusterPolicy",
            "metadata": {"name": "cluster-policy"},
            "status": {"state": state},
        },
    )
    assert run_on(expected_resources, ref(customChecks=["clusterPolicyReady"])).code == code


def test_skyhook_ready_needs_complete(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    register(kube, "skyhook.nvidia.com/v1alpha1/skyhooks", "Skyhook", namespaced=False)
    kube.add(
        "skyhook.nvidia.com/v1alpha1/skyhooks",
        {
            "apiVersion": "skyhook.nvidia.com/v1alpha1",
            "kind": "Skyhook",
            "metadata": {"name": "tuning"},
            "status": {"status": "in_progress"},
        },
    )
    outcome = run_on(expected_resources, ref(customChecks=["skyhookReady"]))
    assert outcome.code == 1
    assert "Skyhook not complete: tuning=in_progress" in outcome.message


def test_skyhook_crd_absent_fails(run_on: Callable[..., Any]) -> None:
    outcome = run_on(expected_resources, ref(customChecks=["skyhookReady"]))
    assert outcome.code == 1
    assert "Skyhook CRD not served" in outcome.message


def test_dra_kubelet_plugin_ready(kube: KubeEmulator, run_on: Callable[..., Any]) -> None:
    add(
        kube,
        workload("DaemonSet", "dra-kubelet-plugin", "kai-scheduler", desiredNumberScheduled=2, numberReady=1),
    )
    outcome = run_on(expected_resources, ref(customChecks=["draKubeletPluginReady"]))
    assert outcome.code == 1
    assert "dra-kubelet-plugin: 1/2 pods ready" in outcome.message


def test_unknown_custom_check_fails(run_on: Callable[..., Any]) -> None:
    outcome = run_on(expected_resources, ref(customChecks=["magicReady"]))
    assert outcome.code == 1
    assert 'unknown customChecks entry "magicReady"' in outcome.message


ASSERTS = """apiVersion: chainsaw.kyverno.io/v1alpha1
kind: Test
metadata:
  name: kai-health
spec:
  steps:
    - try:
        - assert:
            resource:
              apiVersion: apps/v1
              kind: Deployment
              metadata:
                name: scheduler
                namespace: kai-scheduler
              status:
                (availableReplicas > `0`): true
"""


def test_health_asserts_need_the_workload_and_no_stuck_pod(
    kube: KubeEmulator, run_on: Callable[..., Any]
) -> None:
    add(kube, workload("Deployment", "scheduler", "kai-scheduler", availableReplicas=1))
    kube.add(
        "v1/pods",
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "binder-x", "namespace": "kai-scheduler"},
            "status": {"phase": "Pending"},
        },
    )
    outcome = run_on(expected_resources, ref(healthCheckAsserts=ASSERTS))
    assert outcome.code == 1
    assert outcome.message == "1 expected resource problem(s):\n- kai-scheduler: pod binder-x is Pending"
