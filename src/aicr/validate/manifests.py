"""Manifests of one validation run: namespace, data ConfigMaps, Jobs, reports (RBAC: validate/rbac.py).

Pure: run facts in, plain manifests out. reference/validate.md §3.3-§3.4 (current): every object
carries the run ID in its name and labels, so concurrent runs never share RBAC; the validator
Job has no retries, a deadline of the catalog timeout + 3m30s, resources from the catalog, the
`validator` container with a File termination message, the snapshot and recipe mounted under
/data, and tolerations from `--toleration` (tolerate everything by default). `--node-selector`
is passed to the check as AICR_NODE_SELECTOR for the workloads it starts, not applied to the
validator pod, which prefers nodes without GPUs.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.validate.entries import CheckSpec

DEFAULT_NAMESPACE = "aicr-validation"
LABEL_NAME = "app.kubernetes.io/name"
LABEL_COMPONENT = "app.kubernetes.io/component"
LABEL_MANAGED_BY = "app.kubernetes.io/managed-by"
LABEL_RUN_ID = "aicr.nvidia.com/run-id"
LABEL_JOB_TYPE = "aicr.nvidia.com/job-type"
LABEL_VALIDATOR = "aicr.nvidia.com/validator"
LABEL_PHASE = "aicr.nvidia.com/phase"
LABEL_REPORT_TYPE = "aicr.nvidia.com/report-type"
SNAPSHOT_DIR = "/data/snapshot"
RECIPE_DIR = "/data/recipe"
SNAPSHOT_KEY = "snapshot.yaml"
RECIPE_KEY = "recipe.yaml"
REPORT_KEY = "report.json"
# reference/validate.md §2 "Timeouts" (current): the Job deadline outlives the orchestrator's
# wait so the orchestrator, not Kubernetes, normally decides a timeout.
JOB_DEADLINE_GRACE_S = 210
WAIT_GRACE_S = 150.0
TTL_AFTER_FINISHED_S = 3600
TERMINATION_GRACE_S = 30
GPU_PRESENT_LABEL = "nvidia.com/gpu.present"
MAX_NAME = 63


class RunNames:
    """Names of one run's objects (everything keyed by the run ID)."""

    def __init__(self, run_id: str, namespace: str = DEFAULT_NAMESPACE) -> None:
        self.run_id = run_id
        self.namespace = namespace
        self.service_account = f"aicr-validator-{run_id}"
        # Role, RoleBinding, ClusterRole and ClusterRoleBinding share the ServiceAccount's name.
        self.role = self.cluster_role = f"aicr-validator-{run_id}"
        self.snapshot_configmap = f"aicr-snapshot-{run_id}"
        self.recipe_configmap = f"aicr-recipe-{run_id}"

    def ctrf_configmap(self, phase: str) -> str:
        """`aicr-ctrf-<runID>-<phase>`."""
        return f"aicr-ctrf-{self.run_id}-{phase}"


def job_name(check: str, suffix: str | None = None) -> str:
    """`aicr-<check>-<8 hex>` (the check name shortened to fit 63 characters)."""
    import secrets

    tail = suffix or secrets.token_hex(4)
    room = MAX_NAME - len("aicr-") - len(tail) - 1
    head = check.lower()[:room].rstrip("-.") or "check"
    return f"aicr-{head}-{tail}"


def base_labels(run_id: str) -> dict[str, str]:
    """Labels of every object of a validation run."""
    return {
        LABEL_NAME: "aicr",
        LABEL_COMPONENT: "validation",
        LABEL_MANAGED_BY: "aicr",
        LABEL_RUN_ID: run_id,
    }


def namespace_manifest(namespace: str) -> dict[str, Any]:
    """The validation namespace (created when missing, never deleted)."""
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "name": namespace,
            "labels": {LABEL_NAME: "aicr", LABEL_COMPONENT: "validation", LABEL_MANAGED_BY: "aicr"},
        },
    }


def data_configmap(names: RunNames, name: str, key: str, text: str) -> dict[str, Any]:
    """A data ConfigMap (snapshot or recipe) mounted into every validator pod."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": names.namespace, "labels": base_labels(names.run_id)},
        "data": {key: text},
    }


def ctrf_configmap(names: RunNames, phase: str, report_json: str) -> dict[str, Any]:
    """The ConfigMap holding one phase's CTRF report."""
    labels = {**base_labels(names.run_id), LABEL_PHASE: phase, LABEL_REPORT_TYPE: "ctrf"}
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": names.ctrf_configmap(phase), "namespace": names.namespace, "labels": labels},
        "data": {REPORT_KEY: report_json},
    }


def job_labels(names: RunNames, spec: CheckSpec) -> dict[str, str]:
    """Labels of a validator Job and its pod."""
    return {
        **base_labels(names.run_id),
        LABEL_JOB_TYPE: "validation",
        LABEL_VALIDATOR: spec.name[:MAX_NAME].rstrip("-._"),
        LABEL_PHASE: spec.phase,
    }


def format_node_selector(selector: dict[str, str]) -> str:
    """`k=v,k2=v2` for AICR_NODE_SELECTOR."""
    return ",".join(f"{k}={v}" for k, v in sorted(selector.items()))


def format_tolerations(tolerations: list[dict[str, Any]]) -> str:
    """`k=v:effect,k:effect` for AICR_TOLERATIONS (`*` for tolerate-all)."""
    parts = []
    for tol in tolerations:
        key = str(tol.get("key") or "")
        if not key and tol.get("operator") == "Exists":
            parts.append("*")
            continue
        left = f"{key}={tol['value']}" if tol.get("value") else key
        parts.append(f"{left}:{tol['effect']}" if tol.get("effect") else left)
    return ",".join(parts)


class JobOptions:
    """Run-wide settings of every validator Job."""

    def __init__(
        self,
        *,
        tolerations: list[dict[str, Any]] | None = None,
        node_selector: dict[str, str] | None = None,
        image_pull_secrets: list[str] | None = None,
        version: str = "",
        registry: str = "",
        tag: str = "",
    ) -> None:
        self.tolerations = list(tolerations) if tolerations is not None else [{"operator": "Exists"}]
        self.node_selector = dict(node_selector or {})
        self.image_pull_secrets = list(image_pull_secrets or [])
        self.version = version
        self.registry = registry
        self.tag = tag


def _env(names: RunNames, spec: CheckSpec, opts: JobOptions) -> list[dict[str, Any]]:
    env: list[dict[str, Any]] = [
        {"name": "AICR_VALIDATOR_NAME", "value": spec.name},
        {"name": "AICR_VALIDATOR_PHASE", "value": spec.phase},
        {"name": "AICR_RUN_ID", "value": names.run_id},
        {"name": "AICR_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
        {"name": "AICR_CHECK_TIMEOUT", "value": f"{int(spec.timeout)}s"},
        {"name": "AICR_SNAPSHOT_PATH", "value": f"{SNAPSHOT_DIR}/{SNAPSHOT_KEY}"},
        {"name": "AICR_RECIPE_PATH", "value": f"{RECIPE_DIR}/{RECIPE_KEY}"},
    ]
    if opts.node_selector:
        env.append({"name": "AICR_NODE_SELECTOR", "value": format_node_selector(opts.node_selector)})
    if opts.tolerations:
        env.append({"name": "AICR_TOLERATIONS", "value": format_tolerations(opts.tolerations)})
    if opts.version:
        env.append({"name": "AICR_CLI_VERSION", "value": opts.version})
    if opts.registry:
        env.append({"name": "AICR_VALIDATOR_IMAGE_REGISTRY", "value": opts.registry})
    if opts.tag:
        env.append({"name": "AICR_VALIDATOR_IMAGE_TAG", "value": opts.tag})
    env.extend({"name": name, "value": value} for name, value in spec.env)
    return env


def dependency_affinity(entry: dict[str, Any], component_refs: list[dict[str, Any]]) -> dict[str, Any]:
    """Pod-affinity terms for an entry's `dependencyAffinity` (INVALID_REQUEST for a missing required ref)."""
    namespaces = {str(r.get("name")): str(r.get("namespace") or "") for r in component_refs}
    preferred: list[dict[str, Any]] = []
    required: list[dict[str, Any]] = []
    for dep in entry.get("dependencyAffinity") or []:
        ref = str(dep.get("componentRef") or "")
        mode = str(dep.get("requirement") or "preferred")
        if ref not in namespaces:
            if mode == "required":
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f'validator "{entry.get("name")}" requires component "{ref}", which the recipe does not declare',
                )
            continue
        term: dict[str, Any] = {
            "labelSelector": {"matchLabels": dict(dep.get("podLabelSelector") or {})},
            "topologyKey": str(dep.get("topologyKey") or "kubernetes.io/hostname"),
        }
        if namespaces[ref]:
            term["namespaces"] = [namespaces[ref]]
        if mode == "required":
            required.append(term)
        else:
            preferred.append({"weight": 100, "podAffinityTerm": term})
    affinity: dict[str, Any] = {}
    if preferred:
        affinity["preferredDuringSchedulingIgnoredDuringExecution"] = preferred
    if required:
        affinity["requiredDuringSchedulingIgnoredDuringExecution"] = required
    return affinity


def job_manifest(
    names: RunNames,
    spec: CheckSpec,
    name: str,
    opts: JobOptions,
    *,
    pod_affinity: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The validator Job for one check."""
    labels = job_labels(names, spec)
    affinity: dict[str, Any] = {
        "nodeAffinity": {
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {
                    "weight": 100,
                    "preference": {
                        "matchExpressions": [{"key": GPU_PRESENT_LABEL, "operator": "DoesNotExist"}]
                    },
                }
            ]
        }
    }
    if pod_affinity:
        affinity["podAffinity"] = pod_affinity
    resources = {"cpu": spec.cpu, "memory": spec.memory}
    container: dict[str, Any] = {
        "name": "validator",
        "image": spec.image,
        "imagePullPolicy": spec.pull_policy,
        "args": list(spec.args),
        "env": _env(names, spec, opts),
        "resources": {"requests": dict(resources), "limits": dict(resources)},
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        # PodSecurity baseline and most of restricted (runAsNonRoot depends on the validator image)
        "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
        "volumeMounts": [
            {"name": "snapshot", "mountPath": SNAPSHOT_DIR, "readOnly": True},
            {"name": "recipe", "mountPath": RECIPE_DIR, "readOnly": True},
        ],
    }
    pod_spec: dict[str, Any] = {
        "serviceAccountName": names.service_account,
        "restartPolicy": "Never",
        "terminationGracePeriodSeconds": TERMINATION_GRACE_S,
        "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
        "tolerations": [dict(t) for t in opts.tolerations],
        "affinity": affinity,
        "containers": [container],
        "volumes": [
            {"name": "snapshot", "configMap": {"name": names.snapshot_configmap, "optional": True}},
            {"name": "recipe", "configMap": {"name": names.recipe_configmap}},
        ],
    }
    if opts.image_pull_secrets:
        pod_spec["imagePullSecrets"] = [{"name": s} for s in opts.image_pull_secrets]
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name, "namespace": names.namespace, "labels": labels},
        "spec": {
            "backoffLimit": 0,
            "ttlSecondsAfterFinished": TTL_AFTER_FINISHED_S,
            "activeDeadlineSeconds": int(spec.timeout) + JOB_DEADLINE_GRACE_S,
            "template": {"metadata": {"labels": labels}, "spec": pod_spec},
        },
    }
