"""Agent manifests, run identity and ConfigMap layout (reference/snapshot.md §4.2-4.6, §5.3, §7 #27, #30)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from aicr.errors import AicrError, Code
from aicr.k8s.configmaps import MAX_CONFIGMAP_BYTES, build_document_configmap, document_from_configmap
from aicr.k8s.runs import LABEL_RUN_ID, new_run_id, run_labels, run_name
from aicr.snapshot.agent_spec import AgentOptions, RunNames, job_manifest, rbac_manifests

RUN_ID = "20250101-120000-0123456789abcdef"


def pod_spec(**opts: Any) -> dict[str, Any]:
    job = job_manifest(AgentOptions(**opts), RunNames(AgentOptions(**opts), RUN_ID))
    spec: dict[str, Any] = job["spec"]["template"]["spec"]
    return spec


def env_names(spec: dict[str, Any]) -> list[str]:
    return [e["name"] for e in spec["containers"][0]["env"]]


def test_privileged_job_manifest() -> None:
    opts = AgentOptions(namespace="gpu-ops")
    job = job_manifest(opts, RunNames(opts, RUN_ID))
    assert job["metadata"]["name"] == f"aicr-{RUN_ID}" and job["metadata"]["namespace"] == "gpu-ops"
    assert job["spec"]["backoffLimit"] == 0
    assert job["spec"]["ttlSecondsAfterFinished"] == 3600 and job["spec"]["activeDeadlineSeconds"] == 18000
    assert job["spec"]["completions"] == 1 and job["spec"]["parallelism"] == 1
    spec = job["spec"]["template"]["spec"]
    assert spec["hostPID"] and spec["hostNetwork"] and spec["hostIPC"]
    assert spec["restartPolicy"] == "Never"
    assert spec["securityContext"]["runAsUser"] == 0
    container = spec["containers"][0]
    assert container["securityContext"]["privileged"] is True
    assert container["securityContext"]["capabilities"]["add"] == ["SYS_ADMIN", "SYS_CHROOT"]
    assert container["resources"]["requests"] == {"cpu": "1", "memory": "4Gi", "ephemeral-storage": "2Gi"}
    assert container["resources"]["limits"] == {"cpu": "2", "memory": "8Gi", "ephemeral-storage": "4Gi"}
    host_paths = [v for v in spec["volumes"] if "hostPath" in v]
    assert sorted(v["hostPath"]["path"] for v in host_paths) == ["/etc/os-release", "/run/systemd"]
    assert all(m["readOnly"] for m in container["volumeMounts"] if m["name"] != "tmp")
    assert env_names(spec) == ["AICR_AGENT_MODE", "AICR_LOG_PREFIX", "NODE_NAME"]
    assert container["command"] == ["aicr"]
    assert container["args"] == ["snapshot", "--local", "-o", f"cm://gpu-ops/aicr-agent-snapshot-{RUN_ID}"]
    assert spec["tolerations"] == [{"operator": "Exists"}]
    assert spec["serviceAccountName"] == f"aicr-{RUN_ID}"
    assert job["spec"]["template"]["metadata"]["labels"][LABEL_RUN_ID] == RUN_ID


def test_restricted_job_manifest() -> None:
    spec = pod_spec(privileged=False)
    assert "hostPID" not in spec and all("hostPath" not in v for v in spec["volumes"])
    assert spec["securityContext"]["runAsUser"] == 65534 and spec["securityContext"]["runAsNonRoot"]
    assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    container = spec["containers"][0]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["resources"]["requests"] == {
        "cpu": "100m",
        "memory": "256Mi",
        "ephemeral-storage": "256Mi",
    }


def test_gpu_runtime_class_and_placement_options() -> None:
    spec = pod_spec(
        require_gpu=True,
        node_selector={"nvidia.com/gpu.present": "true"},
        tolerations=[{"key": "k", "operator": "Exists", "effect": "NoSchedule"}],
        image_pull_secrets=["ngc"],
        max_nodes_per_entry=5,
        debug=True,
    )
    container = spec["containers"][0]
    assert container["resources"]["limits"]["nvidia.com/gpu"] == "1"
    assert spec["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert spec["tolerations"] == [{"key": "k", "operator": "Exists", "effect": "NoSchedule"}]
    assert spec["imagePullSecrets"] == [{"name": "ngc"}]
    assert "AICR_MAX_NODES_PER_ENTRY" in env_names(spec)
    assert container["args"][-4:] == ["--max-nodes-per-entry", "5", "--debug", "--log-json"][-4:]
    runtime = pod_spec(runtime_class="nvidia")
    assert runtime["runtimeClassName"] == "nvidia"
    assert {"name": "NVIDIA_VISIBLE_DEVICES", "value": "all"} in runtime["containers"][0]["env"]


def test_rbac_objects_carry_the_run_id_and_grant_read_only_cluster_access() -> None:
    opts = AgentOptions(namespace="ns")
    manifests = rbac_manifests(opts, RunNames(opts, RUN_ID))
    assert [m["kind"] for m in manifests] == [
        "ServiceAccount",
        "Role",
        "RoleBinding",
        "ClusterRole",
        "ClusterRoleBinding",
    ]
    for m in manifests:
        assert m["metadata"]["labels"] == run_labels(RUN_ID, "snapshot-agent")
        assert RUN_ID in m["metadata"]["name"]
    cluster_role = manifests[3]
    assert cluster_role["metadata"]["name"] == f"aicr-node-reader-{RUN_ID}"
    verbs = {v for rule in cluster_role["rules"] for v in rule["verbs"]}
    assert verbs == {"get", "list"}
    role = manifests[1]
    assert {
        "apiGroups": [""],
        "resources": ["configmaps"],
        "resourceNames": [f"aicr-agent-snapshot-{RUN_ID}"],
        "verbs": ["get", "update", "patch"],
    } in role["rules"]


def test_run_ids_and_names() -> None:
    run_id = new_run_id(0)
    assert re.fullmatch(r"19700101-000000-[0-9a-f]{16}", run_id)
    assert new_run_id() != new_run_id()
    long = run_name("a-very-long-job-name-prefix-that-goes-on-and-on-" * 2, run_id)
    assert len(long) <= 63 and long.endswith(run_id) and not long.startswith("-")
    assert run_name("AICR", run_id) == f"aicr-{run_id}"
    assert run_labels(run_id, "x") == {
        "app.kubernetes.io/name": "aicr",
        "app.kubernetes.io/managed-by": "aicr",
        "app.kubernetes.io/component": "x",
        "aicr.run/run-id": run_id,
    }


SNAPSHOT_DOC = {
    "kind": "Snapshot",
    "apiVersion": "aicr.nvidia.com/v1alpha1",
    "metadata": {"version": "0.1.0", "timestamp": "2025-01-01T00:00:00Z", "source-node": "n"},
}


def test_configmap_layout_reads_kind_and_version_from_the_document() -> None:
    cm = build_document_configmap("ns", "snap", "kind: Snapshot\n", fmt="yaml", doc=SNAPSHOT_DOC)
    assert cm["data"] == {
        "snapshot.yaml": "kind: Snapshot\n",
        "format": "yaml",
        "timestamp": "2025-01-01T00:00:00Z",
    }
    assert cm["metadata"]["labels"] == {
        "app.kubernetes.io/name": "aicr",
        "app.kubernetes.io/managed-by": "aicr",
        "app.kubernetes.io/component": "Snapshot",
        "app.kubernetes.io/version": "0.1.0",
    }
    table = build_document_configmap("ns", "snap", "FIELD VALUE\n", fmt="table", doc=SNAPSHOT_DOC)
    assert "snapshot.txt" in table["data"]
    recipe = build_document_configmap(
        "ns", "r", "{}", fmt="json", doc={"kind": "RecipeResult", "metadata": {"version": "v0.1.0"}}
    )
    assert (
        "recipe.json" in recipe["data"]
        and recipe["metadata"]["labels"]["app.kubernetes.io/version"] == "v0.1.0"
    )
    unknown = build_document_configmap("ns", "x", "a: 1\n", fmt="yaml", doc=None)
    assert unknown["metadata"]["labels"]["app.kubernetes.io/version"] == "unknown"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", unknown["data"]["timestamp"])


def test_configmap_size_limit_is_a_clear_error() -> None:
    with pytest.raises(AicrError) as err:
        build_document_configmap("ns", "big", "x" * (MAX_CONFIGMAP_BYTES + 1), fmt="yaml", doc=SNAPSHOT_DOC)
    assert err.value.code is Code.INVALID_REQUEST and "ConfigMap limit" in err.value.message


def test_reading_documents_back_from_configmap_data() -> None:
    assert document_from_configmap({"data": {"snapshot.json": "{}", "format": "json"}}, "ns", "n") == b"{}"
    assert document_from_configmap({"data": {"snapshot.yaml": "a: 1"}}, "ns", "n") == b"a: 1"
    with pytest.raises(AicrError) as missing:
        document_from_configmap({"data": {"format": "yaml"}}, "ns", "n")
    assert missing.value.code is Code.NOT_FOUND and "has no snapshot data" in missing.value.message
    with pytest.raises(AicrError, match="cannot be read back"):
        document_from_configmap({"data": {"snapshot.txt": "FIELD", "format": "table"}}, "ns", "n")
