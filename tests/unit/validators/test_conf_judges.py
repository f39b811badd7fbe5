"""Pure judges of the conformance checks: DRA, gang, gateway, controller, autoscaling, platform."""

from __future__ import annotations

from typing import Any

from aicr.errors import AicrError, Code
from aicr.validators import conf_autoscaling as autoscaling
from aicr.validators import conf_controller as controller
from aicr.validators import conf_dra as dra
from aicr.validators import conf_gang as gang
from aicr.validators import conf_gateway as gateway
from aicr.validators import conf_platform as platform
from aicr.validators.conf_state import declared_components, env_flag
from aicr.validators.conf_workloads import poll, run_namespace

READY_DEPLOY = {"spec": {"replicas": 1}, "status": {"availableReplicas": 1}}
READY_DS = {"status": {"desiredNumberScheduled": 2, "numberReady": 2}}
CRD_OK: dict[str, Any] | None = {"status": {"conditions": [{"type": "Established", "status": "True"}]}}
NV_SLICE = {"spec": {"driver": "gpu.nvidia.com"}}


def cond(kind: str, status: str = "True", at: str = "") -> dict[str, Any]:
    return {"type": kind, "status": status, "lastTransitionTime": at}


def pod(
    name: str,
    phase: str,
    *,
    scheduled: str = "2026-12-04T10:00:00Z",
    labels: dict[str, str] | None = None,
    scheduler: str = "kai-scheduler",
) -> dict[str, Any]:
    return {
        "metadata": {"name": name, "labels": labels if labels is not None else {gang.GROUP_LABEL: "g"}},
        "spec": {"schedulerName": scheduler},
        "status": {"phase": phase, "conditions": [cond("PodScheduled", at=scheduled)]},
    }


# -- recipe and env readings --


def test_recipe_without_components_is_unknown_not_empty() -> None:
    assert declared_components({}) is None


def test_disabled_component_is_not_declared() -> None:
    recipe = {"componentRefs": [{"name": "a"}, {"name": "b", "enabled": False}]}
    assert declared_components(recipe) == {"a"}


def test_env_flag_accepts_true_spellings_only() -> None:
    assert env_flag({"X": "True"}, "X") and not env_flag({"X": "0"}, "X") and not env_flag({}, "X")


def test_run_namespace_is_a_short_dns_label() -> None:
    name = run_namespace("secure-access", "20261204-100000-0123456789abcdef")
    assert name == "aicr-secure-access-89abcdef" and len(name) <= 63


def test_poll_stops_at_the_deadline_on_a_fake_clock() -> None:
    now = [0.0]
    tries: list[float] = []

    def probe() -> None:
        tries.append(now[0])

    assert poll(probe, 30, 10, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s)) is None
    assert tries == [0.0, 10.0, 20.0, 30.0]


def test_poll_returns_the_first_result() -> None:
    answers = iter([None, "ready"])
    assert poll(lambda: next(answers), 30, 1, clock=lambda: 0.0, sleep=lambda s: None) == "ready"


# -- DRA --


def test_dra_ready_state_has_no_issues() -> None:
    assert dra.dra_state_issues(True, READY_DEPLOY, READY_DS, [NV_SLICE]) == []


def test_dra_state_lists_every_problem() -> None:
    issues = dra.dra_state_issues(
        False,
        None,
        {"status": {"desiredNumberScheduled": 2, "numberReady": 1}},
        [{"spec": {"driver": "other.io"}}],
    )
    assert issues == [
        "resource.k8s.io/v1 is not served",
        f"Deployment nvidia-dra-driver/{dra.DRA_CONTROLLER}: not found",
        f"DaemonSet nvidia-dra-driver/{dra.DRA_PLUGIN}: 1/2 pods ready",
        "no ResourceSlice published by an NVIDIA DRA driver",
    ]


def test_claim_pod_with_allocated_claim_passes() -> None:
    test_pod = {"spec": {"resourceClaims": [{"name": "gpu"}]}, "status": {"phase": "Succeeded"}}
    assert dra.claim_pod_issues(test_pod, {"status": {"allocation": {"devices": {}}}}) == []


def test_host_device_mount_and_unallocated_claim_fail() -> None:
    test_pod = {
        "spec": {"resourceClaims": [{"name": "gpu"}], "volumes": [{"hostPath": {"path": "/dev/nvidia0"}}]},
        "status": {"phase": "Succeeded"},
    }
    assert dra.claim_pod_issues(test_pod, {"status": {}}) == [
        "pod mounts host device path /dev/nvidia0",
        "ResourceClaim was not allocated",
    ]


def test_claimless_pod_that_sees_a_gpu_is_a_leak() -> None:
    assert (
        dra.isolation_issue({"status": {"phase": "Failed"}})
        == "a pod without a ResourceClaim can see GPU devices (exit 1)"
    )


def test_claimless_pod_that_sees_no_gpu_passes() -> None:
    assert dra.isolation_issue({"status": {"phase": "Succeeded"}}) is None


# -- gang --


def test_co_scheduled_gang_passes() -> None:
    issues, spread = gang.gang_issues(
        [pod("a", "Succeeded"), pod("b", "Succeeded", scheduled="2026-12-04T10:00:12Z")], "g"
    )
    assert issues == [] and spread == 12.0


def test_gang_scheduled_too_far_apart_fails() -> None:
    issues, _ = gang.gang_issues(
        [pod("a", "Succeeded"), pod("b", "Succeeded", scheduled="2026-12-04T10:00:31Z")], "g"
    )
    assert issues == ["pods scheduled 31s apart (max 30s): not co-scheduled"]


def test_gang_pod_from_default_scheduler_without_label_fails() -> None:
    issues, _ = gang.gang_issues([pod("a", "Succeeded", labels={}, scheduler="default-scheduler")], "g")
    assert issues == [
        "pod a: schedulerName default-scheduler (want kai-scheduler)",
        f"pod a: missing label {gang.GROUP_LABEL}=g",
    ]


def test_missing_kai_component_and_crd_are_listed() -> None:
    issues = gang.kai_issues({"binder": None}, {"queues.scheduling.run.ai": {"status": {}}})
    assert issues == [
        "Deployment kai-scheduler/binder: not found",
        "CRD queues.scheduling.run.ai: not Established",
    ]


# -- gateway --

GW_CRDS = {n: CRD_OK for n in gateway.GATEWAY_CRDS + gateway.INFERENCE_POOL_CRDS[:1]}


def test_accepted_programmed_gateway_with_endpoint_passes() -> None:
    cls = {"status": {"conditions": [cond("Accepted")]}}
    gw = {"status": {"conditions": [cond("Programmed")]}}
    assert gateway.gateway_issues(cls, gw, GW_CRDS, 1) == []


def test_gateway_not_programmed_without_endpoints_fails() -> None:
    cls = {"status": {"conditions": [cond("Accepted")]}}
    gw = {"status": {"conditions": [cond("Programmed", "False")]}}
    assert gateway.gateway_issues(cls, gw, GW_CRDS, 0) == [
        "Gateway is not Programmed",
        "the gateway Service has no ready endpoint",
    ]


def test_missing_inference_pool_crd_fails() -> None:
    crds = {n: CRD_OK for n in gateway.GATEWAY_CRDS}
    cls = {"status": {"conditions": [cond("Accepted")]}}
    gw = {"status": {"conditions": [cond("Programmed")]}}
    assert gateway.gateway_issues(cls, gw, crds, 1)[0].startswith("no Established InferencePool CRD")


def test_load_balancer_without_source_ranges_is_open() -> None:
    assert gateway.exposure({"spec": {"type": "LoadBalancer"}})[0] is True


def test_load_balancer_with_any_source_range_is_open() -> None:
    assert (
        gateway.exposure({"spec": {"type": "LoadBalancer", "loadBalancerSourceRanges": ["::/0"]}})[0] is True
    )


def test_scoped_load_balancer_is_not_open() -> None:
    assert gateway.exposure(
        {"spec": {"type": "LoadBalancer", "loadBalancerSourceRanges": ["10.0.0.0/8"]}}
    ) == (False, "LoadBalancer scoped to 10.0.0.0/8")


def test_not_ready_endpoints_are_not_counted() -> None:
    slices = [{"endpoints": [{"conditions": {"ready": True}}, {"conditions": {"ready": False}}, {}]}]
    assert gateway.ready_endpoints(slices) == 2


# -- robust controller --


def test_trainer_with_rejecting_webhook_passes() -> None:
    rejection = AicrError(
        Code.INVALID_REQUEST, 'admission webhook "validator.trainer.kubeflow.org" denied the request'
    )
    assert (
        controller.controller_issues(
            controller.TRAINER, READY_DEPLOY, [("kubeflow", "svc")], 1, CRD_OK, rejection
        )
        == []
    )


def test_admitted_invalid_object_fails() -> None:
    issues = controller.controller_issues(
        controller.TRAINER, READY_DEPLOY, [("kubeflow", "svc")], 1, CRD_OK, None
    )
    assert issues == ["an invalid TrainJob was admitted (dry run): the webhook does not reject it"]


def test_missing_webhook_and_crd_fail_without_claiming_admission() -> None:
    issues = controller.controller_issues(controller.DYNAMO, READY_DEPLOY, [], 0, None, None)
    assert issues == [
        "no validating webhook matching nvidia.com",
        "CRD dynamographdeployments.nvidia.com: not found",
    ]


def test_webhook_services_match_hook_names() -> None:
    configs = [
        {
            "metadata": {"name": "trainer"},
            "webhooks": [
                {
                    "name": "validator.trainer.kubeflow.org",
                    "clientConfig": {"service": {"namespace": "kubeflow", "name": "trainer-webhook"}},
                }
            ],
        }
    ]
    assert controller.webhook_services(configs, "validator.trainer.kubeflow.org") == [
        ("kubeflow", "trainer-webhook")
    ]


def test_controller_is_picked_by_name_part_when_unnamed() -> None:
    deps = [
        {"metadata": {"name": "dynamo-platform-etcd"}},
        {"metadata": {"name": "dynamo-platform-dynamo-operator-controller-manager"}},
    ]
    assert controller.pick_controller(deps, "") == deps[1]


# -- autoscaling --


def test_gpu_node_pools_need_gpu_limits() -> None:
    pools = [
        {"metadata": {"name": "cpu"}, "spec": {"limits": {"cpu": "100"}}},
        {"metadata": {"name": "gpu"}, "spec": {"limits": {"nvidia.com/gpu": "16"}}},
    ]
    assert autoscaling.gpu_node_pools(pools) == ["gpu"]


def gpu_node(name: str, **labels: str) -> dict[str, Any]:
    return {"metadata": {"name": name, "labels": labels}, "status": {"allocatable": {"nvidia.com/gpu": "8"}}}


def test_eks_node_group_is_fallback_evidence() -> None:
    evidence = autoscaling.autoscaler_fallback(
        [gpu_node("n1", **{autoscaling.EKS_NODEGROUP_LABEL: "gpu-ng"})], None
    )
    assert evidence == "EKS managed GPU node group(s): gpu-ng"


def test_no_autoscaler_has_no_evidence() -> None:
    assert autoscaling.autoscaler_fallback([gpu_node("n1")], None) is None


def test_scale_out_needs_a_new_gpu_node_and_scheduled_pods() -> None:
    pods: list[dict[str, Any]] = [{"spec": {"nodeName": "n2"}}, {"spec": {}}]
    assert autoscaling.scale_out_issues({"n1"}, [gpu_node("n1")], pods, 2) == [
        "no new GPU node joined",
        "1/2 GPU pods scheduled",
    ]


def test_scale_out_with_new_node_passes() -> None:
    pods = [{"spec": {"nodeName": "n1"}}, {"spec": {"nodeName": "n2"}}]
    assert autoscaling.scale_out_issues({"n1"}, [gpu_node("n1"), gpu_node("n2")], pods, 2) == []


def test_hpa_replicas_reads_desired_replicas() -> None:
    assert (
        autoscaling.hpa_replicas({"status": {"desiredReplicas": 3}}) == 3
        and autoscaling.hpa_replicas(None) == 0
    )


def test_hpa_targets_the_external_power_metric() -> None:
    _, hpa = autoscaling.autoscale_manifests("busybox", "10")
    assert hpa["spec"]["metrics"][0]["external"]["metric"]["name"] == "dcgm_gpu_power_usage"


# -- platform --


def test_ready_gpu_operator_has_no_issues() -> None:
    assert (
        platform.gpu_operator_issues(
            READY_DEPLOY, [{"metadata": {"name": "cluster-policy"}, "status": {"state": "ready"}}], READY_DS
        )
        == []
    )


def test_not_ready_cluster_policy_fails() -> None:
    issues = platform.gpu_operator_issues(
        READY_DEPLOY, [{"metadata": {"name": "cp"}, "status": {"state": "notReady"}}], READY_DS
    )
    assert issues == ["ClusterPolicy cp: state notReady (want ready)"]


def test_unserved_cluster_policy_api_fails() -> None:
    assert platform.gpu_operator_issues(READY_DEPLOY, None, READY_DS) == [
        "ClusterPolicy API (nvidia.com/v1) is not served"
    ]


def test_terminating_namespace_is_an_issue() -> None:
    assert platform.namespace_issue("x", {"status": {"phase": "Terminating"}}) == "namespace x is Terminating"
