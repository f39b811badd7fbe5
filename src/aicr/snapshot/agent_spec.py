"""Manifests of one agent run: ServiceAccount, Role(Binding), ClusterRole(Binding) and the Job.

Pure: options in, plain manifests out. reference/snapshot.md §4.2-4.3 (pod specs, resources,
RBAC rules) with the current reference's isolation: every name carries the run ID and every
object the run labels (`aicr.run/run-id`).
"""

from __future__ import annotations

from aicr.errors import AicrError, Code
from aicr.k8s.runs import run_labels, run_name
from aicr.snapshot import DEFAULT_AGENT_IMAGE

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.k8s.access import Access

COMPONENT = "snapshot-agent"
DEFAULT_IMAGE = DEFAULT_AGENT_IMAGE
TOLERATION_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
TOLERATE_ALL: list[dict[str, Any]] = [{"operator": "Exists"}]
TERMINATION_GRACE_S = 30  # bounded pod shutdown, so cleanup's wait for deletion is short


class AgentOptions:
    """Everything `aicr snapshot` passes to the agent deployer."""

    def __init__(
        self,
        *,
        namespace: str = "default",
        image: str = DEFAULT_IMAGE,
        image_pull_secrets: list[str] | None = None,
        job_name: str = "aicr",
        service_account: str = "aicr",
        node_selector: dict[str, str] | None = None,
        tolerations: list[dict[str, Any]] | None = None,
        timeout: float = 300.0,
        cleanup: bool = True,
        privileged: bool = True,
        require_gpu: bool = False,
        runtime_class: str = "",
        max_nodes_per_entry: int = 0,
        debug: bool = False,
        poll_interval: float = 0.5,
        stream_logs: bool = True,
        output: str | None = None,
        check_access: bool = True,
        run_id: str | None = None,
    ) -> None:
        self.namespace = namespace
        self.image = image
        self.image_pull_secrets = list(image_pull_secrets or [])
        self.job_name = job_name
        self.service_account = service_account
        self.node_selector = dict(node_selector or {})
        self.tolerations = list(tolerations) if tolerations is not None else [dict(t) for t in TOLERATE_ALL]
        self.timeout = timeout
        self.cleanup = cleanup
        self.privileged = privileged
        self.require_gpu = require_gpu
        self.runtime_class = runtime_class
        self.max_nodes_per_entry = max_nodes_per_entry
        self.debug = debug
        self.poll_interval = poll_interval
        self.stream_logs = stream_logs
        self.output = output  # `-o cm://…` of `aicr snapshot`: part of the pre-flight
        self.check_access = check_access
        self.run_id = run_id


class RunNames:
    """Names of one run's objects."""

    def __init__(self, opts: AgentOptions, run_id: str) -> None:
        self.run_id = run_id
        self.job = run_name(opts.job_name, run_id)
        self.service_account = run_name(opts.service_account, run_id)
        self.cluster_role = run_name("aicr-node-reader", run_id)
        self.configmap = run_name("aicr-agent-snapshot", run_id)


def parse_node_selector(values: list[str]) -> dict[str, str]:
    """`key=value` pairs (split at the first `=`; `key=` allowed)."""
    out: dict[str, str] = {}
    for raw in values:
        key, sep, value = raw.partition("=")
        if not sep or not key.strip():
            raise AicrError(Code.INVALID_REQUEST, f'invalid node selector "{raw}": expected key=value')
        out[key.strip()] = value.strip()
    return out


def parse_toleration(raw: str) -> dict[str, Any]:
    """`key=value:Effect` (operator Equal) or `key:Effect` (operator Exists)."""
    if raw.count(":") != 1:
        raise AicrError(
            Code.INVALID_REQUEST, f'invalid toleration "{raw}": expected key=value:effect or key:effect'
        )
    left, effect = raw.split(":")
    if effect not in TOLERATION_EFFECTS:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'invalid toleration "{raw}": effect must be one of {", ".join(TOLERATION_EFFECTS)}',
        )
    key, sep, value = left.partition("=")
    if not key:
        raise AicrError(Code.INVALID_REQUEST, f'invalid toleration "{raw}": empty key')
    if sep:
        return {"key": key, "operator": "Equal", "value": value, "effect": effect}
    return {"key": key, "operator": "Exists", "effect": effect}


def _meta(name: str, run_id: str, namespace: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "labels": run_labels(run_id, COMPONENT)}
    if namespace:
        meta["namespace"] = namespace
    return meta


def rbac_manifests(opts: AgentOptions, names: RunNames) -> list[dict[str, Any]]:
    """ServiceAccount, Role, RoleBinding, ClusterRole, ClusterRoleBinding (creation order)."""
    ns, rid, sa = opts.namespace, names.run_id, names.service_account
    rbac = "rbac.authorization.k8s.io/v1"
    subject = [{"kind": "ServiceAccount", "name": sa, "namespace": ns}]
    return [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": _meta(sa, rid, ns)},
        {
            "apiVersion": rbac,
            "kind": "Role",
            "metadata": _meta(sa, rid, ns),
            "rules": [
                {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["create"]},
                {
                    "apiGroups": [""],
                    "resources": ["configmaps"],
                    "resourceNames": [names.configmap],
                    "verbs": ["get", "update", "patch"],
                },
                {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]},
            ],
        },
        {
            "apiVersion": rbac,
            "kind": "RoleBinding",
            "metadata": _meta(sa, rid, ns),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": sa},
            "subjects": subject,
        },
        {
            "apiVersion": rbac,
            "kind": "ClusterRole",
            "metadata": _meta(names.cluster_role, rid),
            "rules": [
                {"apiGroups": [""], "resources": ["nodes"], "verbs": ["get", "list"]},
                {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]},
                {"apiGroups": ["nvidia.com"], "resources": ["clusterpolicies"], "verbs": ["get", "list"]},
            ],
        },
        {
            "apiVersion": rbac,
            "kind": "ClusterRoleBinding",
            "metadata": _meta(names.cluster_role, rid),
            "roleRef": {
                "apiGroup": "rbac.authorization.k8s.io",
                "kind": "ClusterRole",
                "name": names.cluster_role,
            },
            "subjects": subject,
        },
    ]


def agent_access(opts: AgentOptions, names: RunNames, *, create_namespace: bool) -> Access:
    """Every request an agent run makes, for the pre-flight (pure).

    The namespace (created when missing), create+delete of each RBAC object and the Job, the
    escalation checks of the Role and ClusterRole it grants, reading and deleting the staging
    ConfigMap the agent pod writes, the pods and logs it reads, and the `-o cm://` target.
    """
    from aicr.k8s.access import (
        Access,
        Permission,
        configmap_access,
        namespace_access,
        object_access,
        role_grants,
    )

    ns = opts.namespace
    created = [*rbac_manifests(opts, names), job_manifest(opts, names)]
    needs = [p for manifest in created for p in object_access(manifest)]
    needs.append(Permission("get", "jobs", "batch", namespace=ns, name=names.job))
    needs += [
        Permission(verb, "configmaps", namespace=ns, name=names.configmap) for verb in ("get", "delete")
    ]
    needs += [
        Permission("list", "pods", namespace=ns),
        Permission("get", "pods", namespace=ns, subresource="log"),
    ]
    _sa, role, role_binding, cluster_role, cluster_binding = created[:5]
    grants = role_grants(role, role_binding) + role_grants(cluster_role, cluster_binding)
    return namespace_access(create=create_namespace) + Access(needs, grants) + configmap_access(opts.output)


def _container_security(opts: AgentOptions) -> dict[str, Any]:
    if opts.privileged:
        return {
            "privileged": True,
            "allowPrivilegeEscalation": True,
            "capabilities": {"add": ["SYS_ADMIN", "SYS_CHROOT"]},
        }
    return {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
    }


def _resources(opts: AgentOptions) -> dict[str, Any]:
    if opts.privileged:
        requests = {"cpu": "1", "memory": "4Gi", "ephemeral-storage": "2Gi"}
        limits = {"cpu": "2", "memory": "8Gi", "ephemeral-storage": "4Gi"}
    else:
        requests = {"cpu": "100m", "memory": "256Mi", "ephemeral-storage": "256Mi"}
        limits = {"cpu": "500m", "memory": "512Mi", "ephemeral-storage": "512Mi"}
    if opts.require_gpu:
        limits["nvidia.com/gpu"] = "1"
    return {"requests": requests, "limits": limits}


def _env(opts: AgentOptions) -> list[dict[str, Any]]:
    env: list[dict[str, Any]] = [
        {"name": "AICR_AGENT_MODE", "value": "true"},
        {"name": "AICR_LOG_PREFIX", "value": "agent"},
        {"name": "NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
    ]
    if opts.max_nodes_per_entry > 0:
        env.append({"name": "AICR_MAX_NODES_PER_ENTRY", "value": str(opts.max_nodes_per_entry)})
    if opts.runtime_class:
        env.append({"name": "NVIDIA_VISIBLE_DEVICES", "value": "all"})
    return env


def job_manifest(opts: AgentOptions, names: RunNames) -> dict[str, Any]:
    """The agent Job: runs `aicr snapshot --local -o cm://<ns>/<staging ConfigMap>` once."""
    ns, rid = opts.namespace, names.run_id
    labels = run_labels(rid, COMPONENT)
    args = ["snapshot", "--local", "-o", f"cm://{ns}/{names.configmap}"]
    if opts.max_nodes_per_entry > 0:
        args += ["--max-nodes-per-entry", str(opts.max_nodes_per_entry)]
    if opts.debug:
        args += ["--debug", "--log-json"]
    mounts: list[dict[str, Any]] = [{"name": "tmp", "mountPath": "/tmp"}]
    volumes: list[dict[str, Any]] = [{"name": "tmp", "emptyDir": {}}]
    pod_security: dict[str, Any]
    if opts.privileged:
        mounts += [
            {"name": "run-systemd", "mountPath": "/run/systemd", "readOnly": True},
            {"name": "os-release", "mountPath": "/etc/os-release", "readOnly": True},
        ]
        volumes += [
            {"name": "run-systemd", "hostPath": {"path": "/run/systemd", "type": "Directory"}},
            {"name": "os-release", "hostPath": {"path": "/etc/os-release", "type": "File"}},
        ]
        pod_security = {
            "runAsUser": 0,
            "runAsGroup": 0,
            "fsGroup": 0,
            "fsGroupChangePolicy": "OnRootMismatch",
        }
    else:
        pod_security = {
            "runAsUser": 65534,
            "runAsGroup": 65534,
            "fsGroup": 65534,
            "runAsNonRoot": True,
            "seccompProfile": {"type": "RuntimeDefault"},
        }
    pod_spec: dict[str, Any] = {
        "serviceAccountName": names.service_account,
        "restartPolicy": "Never",
        "terminationGracePeriodSeconds": TERMINATION_GRACE_S,
        "securityContext": pod_security,
        "tolerations": [dict(t) for t in opts.tolerations],
        "containers": [
            {
                "name": "aicr",
                "image": opts.image,
                "imagePullPolicy": "IfNotPresent",
                "command": ["aicr"],
                "args": args,
                "env": _env(opts),
                "resources": _resources(opts),
                "securityContext": _container_security(opts),
                "volumeMounts": mounts,
            }
        ],
        "volumes": volumes,
    }
    if opts.privileged:
        pod_spec.update(
            {"hostPID": True, "hostNetwork": True, "hostIPC": True, "dnsPolicy": "ClusterFirstWithHostNet"}
        )
    if opts.node_selector:
        pod_spec["nodeSelector"] = dict(opts.node_selector)
    if opts.image_pull_secrets:
        pod_spec["imagePullSecrets"] = [{"name": s} for s in opts.image_pull_secrets]
    if opts.runtime_class:
        pod_spec["runtimeClassName"] = opts.runtime_class
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": _meta(names.job, rid, ns),
        "spec": {
            "completions": 1,
            "parallelism": 1,
            "completionMode": "NonIndexed",
            "backoffLimit": 0,
            "ttlSecondsAfterFinished": 3600,
            "activeDeadlineSeconds": 18000,
            "template": {"metadata": {"labels": labels}, "spec": pod_spec},
        },
    }
