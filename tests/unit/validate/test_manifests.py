"""Run manifests: reference/validate.md §3.3-§3.4 (names, labels, Job spec, RBAC, ConfigMaps)."""

from __future__ import annotations

from typing import Any

import pytest

from aicr.errors import AicrError
from aicr.validate.entries import CheckSpec
from aicr.validate.manifests import (
    JobOptions,
    RunNames,
    ctrf_configmap,
    data_configmap,
    dependency_affinity,
    job_manifest,
    job_name,
)

RUN = "20250101-120000-0123456789abcdef"
ENTRY = {
    "name": "operator-health",
    "phase": "deployment",
    "image": "ghcr.io/nvidia/aicr-validators/deployment:latest",
    "timeout": "2m",
    "args": ["operator-health"],
    "env": [{"name": "EXTRA", "value": "1"}],
    "resources": {"cpu": "500m", "memory": "256Mi"},
}


def job(opts: JobOptions | None = None) -> dict[str, Any]:
    spec = CheckSpec(ENTRY, version="0.11.1")
    return job_manifest(RunNames(RUN), spec, job_name(spec.name, "deadbeef"), opts or JobOptions())


def test_job_name_has_the_check_and_8_hex_and_fits_63() -> None:
    assert job_name("operator-health", "deadbeef") == "aicr-operator-health-deadbeef"
    name = job_name("x" * 80)
    assert len(name) <= 63 and name.startswith("aicr-x")
    assert len(name.rsplit("-", 1)[1]) == 8


def test_job_spec_follows_the_contract() -> None:
    manifest = job()
    spec = manifest["spec"]
    assert (spec["backoffLimit"], spec["ttlSecondsAfterFinished"], spec["activeDeadlineSeconds"]) == (
        0,
        3600,
        330,
    )
    pod = spec["template"]["spec"]
    assert (pod["restartPolicy"], pod["terminationGracePeriodSeconds"]) == ("Never", 30)
    assert pod["serviceAccountName"] == f"aicr-validator-{RUN}"
    assert pod["tolerations"] == [{"operator": "Exists"}]
    assert "nodeSelector" not in pod
    preference = pod["affinity"]["nodeAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0]
    assert preference["weight"] == 100
    assert preference["preference"]["matchExpressions"] == [
        {"key": "nvidia.com/gpu.present", "operator": "DoesNotExist"}
    ]
    (container,) = pod["containers"]
    assert container["name"] == "validator"
    assert container["image"] == "ghcr.io/nvidia/aicr-validators/deployment:v0.11.1"
    assert container["imagePullPolicy"] == "IfNotPresent"
    assert container["args"] == ["operator-health"]
    assert container["resources"] == {
        "requests": {"cpu": "500m", "memory": "256Mi"},
        "limits": {"cpu": "500m", "memory": "256Mi"},
    }
    assert container["terminationMessagePolicy"] == "File"
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert mounts == {"snapshot": "/data/snapshot", "recipe": "/data/recipe"}
    volumes = {v["name"]: v["configMap"]["name"] for v in pod["volumes"]}
    assert volumes == {"snapshot": f"aicr-snapshot-{RUN}", "recipe": f"aicr-recipe-{RUN}"}


def test_job_labels() -> None:
    labels = job()["metadata"]["labels"]
    assert labels == {
        "app.kubernetes.io/name": "aicr",
        "app.kubernetes.io/component": "validation",
        "app.kubernetes.io/managed-by": "aicr",
        "aicr.nvidia.com/run-id": RUN,
        "aicr.nvidia.com/job-type": "validation",
        "aicr.nvidia.com/validator": "operator-health",
        "aicr.nvidia.com/phase": "deployment",
    }
    assert job()["spec"]["template"]["metadata"]["labels"] == labels


def test_env_order_base_then_run_settings_then_catalog() -> None:
    opts = JobOptions(
        tolerations=[{"key": "gpu", "operator": "Equal", "value": "yes", "effect": "NoSchedule"}],
        node_selector={"pool": "gpu"},
        version="0.11.1",
        registry="localhost:5001",
        tag="edge",
    )
    env = job(opts)["spec"]["template"]["spec"]["containers"][0]["env"]
    names = [e["name"] for e in env]
    assert names[:4] == ["AICR_VALIDATOR_NAME", "AICR_VALIDATOR_PHASE", "AICR_RUN_ID", "AICR_NAMESPACE"]
    assert names[-1] == "EXTRA"
    values = {e["name"]: e.get("value") for e in env}
    assert values["AICR_NODE_SELECTOR"] == "pool=gpu"
    assert values["AICR_TOLERATIONS"] == "gpu=yes:NoSchedule"
    assert values["AICR_CHECK_TIMEOUT"] == "120s"
    assert values["AICR_VALIDATOR_IMAGE_TAG"] == "edge"
    assert env[3]["valueFrom"] == {"fieldRef": {"fieldPath": "metadata.namespace"}}


def test_toleration_flags_replace_tolerate_all_and_pull_secrets_are_set() -> None:
    tol = [{"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"}]
    pod = job(JobOptions(tolerations=tol, image_pull_secrets=["regcred"]))["spec"]["template"]["spec"]
    assert pod["tolerations"] == tol
    assert pod["imagePullSecrets"] == [{"name": "regcred"}]


def test_configmaps() -> None:
    names = RunNames(RUN)
    data = data_configmap(names, names.recipe_configmap, "recipe.yaml", "kind: RecipeResult\n")
    assert data["metadata"]["name"] == f"aicr-recipe-{RUN}" and data["data"] == {
        "recipe.yaml": "kind: RecipeResult\n"
    }
    report = ctrf_configmap(names, "deployment", "{}")
    assert report["metadata"]["name"] == f"aicr-ctrf-{RUN}-deployment"
    assert report["metadata"]["labels"]["aicr.nvidia.com/report-type"] == "ctrf"
    assert report["metadata"]["labels"]["aicr.nvidia.com/phase"] == "deployment"
    assert report["data"] == {"report.json": "{}"}


def test_dependency_affinity() -> None:
    entry: dict[str, Any] = {
        "name": "ai-service-metrics",
        "dependencyAffinity": [
            {"componentRef": "kube-prometheus-stack", "podLabelSelector": {"app": "prometheus"}}
        ],
    }
    refs = [{"name": "kube-prometheus-stack", "namespace": "monitoring"}]
    affinity = dependency_affinity(entry, refs)
    term = affinity["preferredDuringSchedulingIgnoredDuringExecution"][0]["podAffinityTerm"]
    assert term == {
        "labelSelector": {"matchLabels": {"app": "prometheus"}},
        "topologyKey": "kubernetes.io/hostname",
        "namespaces": ["monitoring"],
    }
    assert dependency_affinity(entry, []) == {}
    entry["dependencyAffinity"][0]["requirement"] = "required"
    with pytest.raises(AicrError, match='requires component "kube-prometheus-stack"'):
        dependency_affinity(entry, [])
