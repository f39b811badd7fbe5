"""Pre-flight permission checks with SelfSubjectAccessReviews.

Edge module (`check_access` asks the API; `Permission`, `Grant`, `rule_permissions` and
`missing_permissions` are pure). Every review is asked (concurrently) and every denial is
reported in ONE UNAUTHORIZED error before anything is created, so a user fixes their RBAC in one
round; an unreachable API server is UNAVAILABLE (reference/snapshot.md §4.1 step 3). Creating a
Role or a binding is checked like the API server's escalation rule: the caller holds every
permission it grants, or holds `escalate` (roles) / `bind` (bindings) on it.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from typing import Any

    from aicr.k8s.client import ApiClient

RBAC_GROUP = "rbac.authorization.k8s.io"
_REVIEW_PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"


class Permission:
    """One verb on one resource: in a namespace (or cluster-wide when None), optionally one name."""

    __slots__ = ("group", "name", "namespace", "resource", "subresource", "verb")

    def __init__(
        self,
        verb: str,
        resource: str,
        group: str = "",
        *,
        namespace: str | None = None,
        subresource: str = "",
        name: str = "",
    ) -> None:
        self.verb = verb
        self.resource = resource
        self.group = group
        self.namespace = namespace
        self.subresource = subresource
        self.name = name

    def key(self) -> tuple[str, str, str, str, str, str]:
        """Identity of the review (equal keys are asked once)."""
        return (self.verb, self.group, self.resource, self.subresource, self.namespace or "", self.name)

    def __repr__(self) -> str:
        return f"Permission({self.describe()})"

    def attributes(self) -> dict[str, Any]:
        """The review's `resourceAttributes`."""
        attrs: dict[str, Any] = {"verb": self.verb, "group": self.group, "resource": self.resource}
        for field, value in (("subresource", self.subresource), ("namespace", self.namespace)):
            if value:
                attrs[field] = value
        if self.name:
            attrs["name"] = self.name
        return attrs

    def describe(self) -> str:
        """`verb resource[/sub][.group] ["name"] in namespace "ns"` (or `cluster-wide`)."""
        what = f"{self.resource}/{self.subresource}" if self.subresource else self.resource
        if self.group:
            what = f"{what}.{self.group}"
        if self.name:
            what = f'{what} "{self.name}"'
        scope = f'in namespace "{self.namespace}"' if self.namespace else "cluster-wide"
        return f"{self.verb} {what} {scope}"


class Grant:
    """Creating an object that grants `held` (a Role's rules): hold them all, or hold `instead`."""

    __slots__ = ("held", "instead", "what")

    def __init__(self, what: str, held: Sequence[Permission], instead: Permission) -> None:
        self.what = what
        self.held = list(held)
        self.instead = instead


def rule_permissions(rule: dict[str, Any], namespace: str | None) -> list[Permission]:
    """Every (group, resource, verb, name) a PolicyRule grants, as permissions."""
    out = []
    for group in rule.get("apiGroups") or [""]:
        for resource in rule.get("resources") or []:
            plural, _, sub = str(resource).partition("/")
            for verb in rule.get("verbs") or []:
                for name in rule.get("resourceNames") or [""]:
                    out.append(
                        Permission(verb, plural, group, namespace=namespace, subresource=sub, name=name)
                    )
    return out


def role_grants(role: dict[str, Any], binding: dict[str, Any]) -> list[Grant]:
    """The escalation checks of creating `role` and `binding` (Role or ClusterRole)."""
    meta = role["metadata"]
    namespace = meta.get("namespace")
    plural = "roles" if role["kind"] == "Role" else "clusterroles"
    held = [p for rule in role.get("rules") or [] for p in rule_permissions(rule, namespace)]
    where = f' in namespace "{namespace}"' if namespace else ""
    return [
        Grant(
            f'create {role["kind"]} "{meta["name"]}"{where}',
            held,
            Permission("escalate", plural, RBAC_GROUP, namespace=namespace, name=meta["name"]),
        ),
        Grant(
            f'create {binding["kind"]} "{binding["metadata"]["name"]}"{where}',
            held,
            Permission("bind", plural, RBAC_GROUP, namespace=namespace, name=meta["name"]),
        ),
    ]


def object_access(manifest: dict[str, Any]) -> list[Permission]:
    """Creating the object (no name: RBAC cannot restrict creates by name) and deleting it by name."""
    from aicr.k8s.resources import resource_of

    res = resource_of(manifest)
    group = res.api_version.rpartition("/")[0]
    meta = manifest["metadata"]
    ns = meta.get("namespace") if res.namespaced else None
    return [
        Permission("create", res.plural, group, namespace=ns),
        Permission("delete", res.plural, group, namespace=ns, name=meta["name"]),
    ]


def unique(permissions: Iterable[Permission]) -> list[Permission]:
    """Permissions with duplicates removed (first occurrence kept)."""
    seen: dict[tuple[str, ...], Permission] = {}
    for p in permissions:
        seen.setdefault(p.key(), p)
    return list(seen.values())


def missing_permissions(
    permissions: Sequence[Permission], grants: Sequence[Grant], allowed: Callable[[Permission], bool]
) -> list[str]:
    """What the caller lacks, one line each (pure: `allowed` answers the reviews)."""
    denied = [p.describe() for p in permissions if not allowed(p)]
    for grant in grants:
        if allowed(grant.instead):
            continue
        lacking = [p.describe() for p in grant.held if not allowed(p)]
        if lacking:
            denied.append(f"{grant.what}: {grant.instead.describe()}, or else {'; '.join(lacking)}")
    return denied


def review(client: ApiClient, permission: Permission) -> bool:
    """Whether the current user may do `permission` (one SelfSubjectAccessReview)."""
    body = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "spec": {"resourceAttributes": permission.attributes()},
    }
    result = client.request("POST", _REVIEW_PATH, body=body) or {}
    return bool((result.get("status") or {}).get("allowed"))


def check_access(client: ApiClient, access: Access) -> None:
    """Raise UNAUTHORIZED listing everything missing (UNAVAILABLE when the API is unreachable)."""
    from concurrent.futures import ThreadPoolExecutor

    permissions, grants = access.permissions, access.grants
    asked = unique([*permissions, *(g.instead for g in grants), *(p for g in grants for p in g.held)])
    try:
        with ThreadPoolExecutor(max_workers=min(8, len(asked) or 1)) as pool:
            verdicts = list(pool.map(lambda p: review(client, p), asked))
    except AicrError as exc:
        if exc.code is Code.UNAUTHORIZED:
            raise AicrError(
                Code.UNAUTHORIZED, f"cannot check permissions (SelfSubjectAccessReview denied): {exc.message}"
            ) from None
        if exc.code is Code.UNAVAILABLE:
            raise
        raise exc.wrap("permission pre-flight failed") from None
    answers = {p.key(): ok for p, ok in zip(asked, verdicts, strict=True)}
    denied = missing_permissions(permissions, grants, lambda p: answers[p.key()])
    if denied:
        raise AicrError(
            Code.UNAUTHORIZED,
            f"missing {len(denied)} permission(s): " + "; ".join(denied),
            {"denied": denied},
        )


class Access:
    """What a run needs from its caller: plain permissions plus the escalation checks of its grants."""

    def __init__(self, permissions: Sequence[Permission] = (), grants: Sequence[Grant] = ()) -> None:
        self.permissions = list(permissions)
        self.grants = list(grants)

    def __add__(self, other: Access) -> Access:
        return Access([*self.permissions, *other.permissions], [*self.grants, *other.grants])


def namespace_access(*, create: bool) -> Access:
    """Creating the namespace when the lookup found it missing.

    The lookup itself is a read that may be forbidden (users with rights only inside their
    namespace): then the namespace is assumed to exist and nothing is asked about it.
    """
    return Access([Permission("create", "namespaces")] if create else [])


def configmap_access(output: str | None, inputs: Sequence[str | None] = ()) -> Access:
    """Writing the `-o cm://` target (server-side apply: create + patch) and reading `cm://` inputs."""
    from aicr.io.uris import parse_configmap_uri

    needs: list[Permission] = []
    for uri in inputs:
        if uri and uri.startswith("cm://"):
            ns, name = parse_configmap_uri(uri)
            needs.append(Permission("get", "configmaps", namespace=ns, name=name))
    if output and output.startswith("cm://"):
        ns, name = parse_configmap_uri(output)
        needs += [
            Permission("create", "configmaps", namespace=ns),
            Permission("patch", "configmaps", namespace=ns, name=name),
        ]
    return Access(needs)


def namespace_state(client: ApiClient, namespace: str) -> bool | None:
    """Whether the namespace exists (None when the caller may not read it: assumed to exist)."""
    try:
        return client.find("Namespace", namespace) is not None
    except AicrError as exc:
        if exc.code is Code.UNAUTHORIZED:
            return None
        raise
