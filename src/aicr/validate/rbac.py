"""Least-privilege RBAC of a validation run: exactly the union of the running checks' catalog rules.

Pure: catalog entries and run names in, manifests out (nothing talks to a cluster). Each catalog
entry declares `rbac:` rules with a scope (docs/decisions.md D11):
`namespace` rules go into one Role bound in the validation namespace; `cluster` and
`run-namespaces` rules go into one ClusterRole bound cluster-wide, created only when some rule
needs it (a check's own namespaces do not exist when the run starts, so no Role can be bound in
them beforehand; such checks also get create/delete on namespaces). The runtime's own need —
reading the run's data ConfigMaps — is always granted. Nothing is ever bound to cluster-admin.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code
from aicr.k8s.access import Access, Permission, namespace_access
from aicr.validate import manifests

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any

    from aicr.validate.manifests import RunNames

SCOPE_NAMESPACE = "namespace"
SCOPE_RUN_NAMESPACES = "run-namespaces"
SCOPE_CLUSTER = "cluster"
SCOPES = (SCOPE_NAMESPACE, SCOPE_RUN_NAMESPACES, SCOPE_CLUSTER)
RBAC_GROUP = "rbac.authorization.k8s.io"
RBAC_API = f"{RBAC_GROUP}/v1"
# What a check that creates its own namespaces needs on the namespaces themselves.
RUN_NAMESPACE_RULE: dict[str, Any] = {
    "apiGroups": [""],
    "resources": ["namespaces"],
    "verbs": ["create", "delete", "get"],
}

_RuleKey = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def merge_rules(rules: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rules with the same groups, resources and names merged (verbs united), in a stable order."""
    merged: dict[_RuleKey, set[str]] = {}
    for rule in rules:
        key = (
            tuple(sorted(set(rule.get("apiGroups") or [""]))),
            tuple(sorted(set(rule.get("resources") or []))),
            tuple(sorted(set(rule.get("resourceNames") or []))),
        )
        merged.setdefault(key, set()).update(rule.get("verbs") or [])
    out: list[dict[str, Any]] = []
    for (groups, resources, names), verbs in sorted(merged.items()):
        merged_rule: dict[str, Any] = {"apiGroups": list(groups), "resources": list(resources)}
        if names:
            merged_rule["resourceNames"] = list(names)
        merged_rule["verbs"] = sorted(verbs)
        out.append(merged_rule)
    return out


def _scoped_rules(entries: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    by_scope: dict[str, list[dict[str, Any]]] = {scope: [] for scope in SCOPES}
    for entry in entries:
        for rule in entry.get("rbac") or []:
            scope = str(rule.get("scope") or SCOPE_NAMESPACE)
            if scope not in by_scope:  # the catalog loader rejects these too; never grant by guess
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f'validator "{entry.get("name")}": rbac scope "{scope}" is invalid '
                    f"(valid: {', '.join(SCOPES)})",
                )
            by_scope[scope].append({k: v for k, v in rule.items() if k != "scope"})
    return by_scope


class RbacPlan:
    """The RBAC objects of one run, each a plain manifest (None when not needed)."""

    def __init__(
        self,
        service_account: dict[str, Any],
        role: dict[str, Any],
        role_binding: dict[str, Any],
        cluster_role: dict[str, Any] | None,
        cluster_role_binding: dict[str, Any] | None,
    ) -> None:
        self.service_account = service_account
        self.role = role
        self.role_binding = role_binding
        self.cluster_role = cluster_role
        self.cluster_role_binding = cluster_role_binding

    def manifests(self) -> list[dict[str, Any]]:
        """Every object in dependency (creation) order: SA, Role, RoleBinding, ClusterRole(Binding)."""
        found = [
            self.service_account,
            self.role,
            self.role_binding,
            self.cluster_role,
            self.cluster_role_binding,
        ]
        return [m for m in found if m is not None]

    def roles(self) -> list[dict[str, Any]]:
        """The Role and, when present, the ClusterRole."""
        return [m for m in (self.role, self.cluster_role) if m is not None]


def runtime_rules(names: RunNames) -> list[dict[str, Any]]:
    """What every validator pod needs itself: reading the run's data ConfigMaps."""
    return [
        {
            "apiGroups": [""],
            "resources": ["configmaps"],
            "resourceNames": sorted([names.recipe_configmap, names.snapshot_configmap]),
            "verbs": ["get"],
        }
    ]


def _labels(names: RunNames) -> dict[str, str]:
    return {**manifests.base_labels(names.run_id), manifests.LABEL_NAME: "aicr-validator"}


def _binding(names: RunNames, kind: str, role_kind: str, name: str) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "labels": _labels(names)}
    if kind == "RoleBinding":
        meta = {"name": name, "namespace": names.namespace, "labels": _labels(names)}
    return {
        "apiVersion": RBAC_API,
        "kind": kind,
        "metadata": meta,
        "roleRef": {"apiGroup": RBAC_GROUP, "kind": role_kind, "name": name},
        "subjects": [{"kind": "ServiceAccount", "name": names.service_account, "namespace": names.namespace}],
    }


def rbac_plan(entries: Sequence[dict[str, Any]], names: RunNames) -> RbacPlan:
    """The ServiceAccount, Role(Binding) and, when some rule needs it, ClusterRole(Binding) of a run.

    `entries` are the catalog entries of the checks that will run (skipped ones left out).
    """
    scoped = _scoped_rules(entries)
    labels = _labels(names)
    service_account = {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": names.service_account, "namespace": names.namespace, "labels": labels},
    }
    role = {
        "apiVersion": RBAC_API,
        "kind": "Role",
        "metadata": {"name": names.role, "namespace": names.namespace, "labels": labels},
        "rules": merge_rules([*runtime_rules(names), *scoped[SCOPE_NAMESPACE]]),
    }
    cluster_rules = list(scoped[SCOPE_CLUSTER])
    if scoped[SCOPE_RUN_NAMESPACES]:
        cluster_rules += [RUN_NAMESPACE_RULE, *scoped[SCOPE_RUN_NAMESPACES]]
    cluster_role = cluster_binding = None
    if cluster_rules:
        cluster_role = {
            "apiVersion": RBAC_API,
            "kind": "ClusterRole",
            "metadata": {"name": names.cluster_role, "labels": labels},
            "rules": merge_rules(cluster_rules),
        }
        cluster_binding = _binding(names, "ClusterRoleBinding", "ClusterRole", names.cluster_role)
    return RbacPlan(
        service_account,
        role,
        _binding(names, "RoleBinding", "Role", names.role),
        cluster_role,
        cluster_binding,
    )


def run_access(plan: RbacPlan, names: RunNames, phases: Sequence[str], *, create_namespace: bool) -> Access:
    """Every request a validation run makes, from its RBAC plan (the pre-flight's list).

    Creating the namespace when it is missing, create+delete of each RBAC object with the
    escalation checks of the roles and bindings, the data and report ConfigMaps (report updates
    are server-side applies), the validator Jobs, their pods and logs.
    """
    from aicr.k8s.access import object_access, role_grants

    ns = names.namespace
    needs = [p for m in plan.manifests() for p in object_access(m)]
    grants = role_grants(plan.role, plan.role_binding)
    if plan.cluster_role is not None and plan.cluster_role_binding is not None:
        grants += role_grants(plan.cluster_role, plan.cluster_role_binding)
    reports = [names.ctrf_configmap(phase) for phase in phases]
    needs.append(Permission("create", "configmaps", namespace=ns))
    for name in sorted([names.snapshot_configmap, names.recipe_configmap, *reports]):
        needs.append(Permission("delete", "configmaps", namespace=ns, name=name))
    needs += [Permission("patch", "configmaps", namespace=ns, name=name) for name in reports]
    needs += [Permission(verb, "jobs", "batch", namespace=ns) for verb in ("create", "get", "delete")]
    needs += [Permission(verb, "pods", namespace=ns) for verb in ("list", "delete")]
    needs.append(Permission("get", "pods", namespace=ns, subresource="log"))
    return namespace_access(create=create_namespace) + Access(needs, grants)
