"""Pre-flight permission checks with SelfSubjectAccessReviews.

Edge module. Every check is asked (concurrently) and every denial is reported in ONE
UNAUTHORIZED error, so a user fixes their RBAC in one round; an unreachable API server is
UNAVAILABLE (reference/snapshot.md §4.1 step 3).
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from aicr.k8s.client import ApiClient


class Permission:
    """One verb on one resource, namespaced (in the run's namespace) or cluster-wide."""

    __slots__ = ("group", "namespaced", "resource", "subresource", "verb")

    def __init__(
        self, verb: str, resource: str, group: str = "", *, namespaced: bool = True, subresource: str = ""
    ) -> None:
        self.verb = verb
        self.resource = resource
        self.group = group
        self.namespaced = namespaced
        self.subresource = subresource

    def describe(self, namespace: str) -> str:
        """`verb resource[/sub][.group] in namespace "ns"` (or `cluster-wide`), for error messages."""
        what = f"{self.resource}/{self.subresource}" if self.subresource else self.resource
        if self.group:
            what = f"{what}.{self.group}"
        scope = f'in namespace "{namespace}"' if self.namespaced else "cluster-wide"
        return f"{self.verb} {what} {scope}"


def check_permissions(client: ApiClient, permissions: Sequence[Permission], namespace: str) -> None:
    """Raise UNAUTHORIZED listing every denied permission (UNAVAILABLE when unreachable)."""
    from concurrent.futures import ThreadPoolExecutor

    def ask(p: Permission) -> tuple[bool, str]:
        return client.access_review(
            p.verb,
            p.resource,
            group=p.group,
            namespace=namespace if p.namespaced else None,
            subresource=p.subresource,
        )

    try:
        with ThreadPoolExecutor(max_workers=min(8, len(permissions) or 1)) as pool:
            answers = list(pool.map(ask, permissions))
    except AicrError as exc:
        if exc.code is Code.UNAUTHORIZED:
            raise AicrError(
                Code.UNAUTHORIZED, f"cannot check permissions (SelfSubjectAccessReview denied): {exc.message}"
            ) from None
        if exc.code is Code.UNAVAILABLE:
            raise
        raise exc.wrap("permission pre-flight failed") from None
    denied = [
        p.describe(namespace) for p, (allowed, _) in zip(permissions, answers, strict=True) if not allowed
    ]
    if denied:
        raise AicrError(
            Code.UNAUTHORIZED,
            f"missing {len(denied)} permission(s): " + "; ".join(denied),
            {"denied": denied},
        )
