"""Audit of the emulator's request log: was every write pre-checked by an allowed SSAR before it?

`writes_without_review(kube)` walks `kube.requests()` in order. Each `POST …/selfsubjectaccessreviews`
is paired with the next entry of `emulator.access_reviews` (both are appended, in the same
order, on the emulator's single event loop) and its answer re-computed with
`emulator.authorize`. Every other POST/PUT/PATCH/DELETE becomes (verb, group, resource,
subresource, namespace, name) from its path and must be covered by an earlier allowed review:
same verb, group, resource and subresource; the review's namespace equal or absent
(cluster-wide); its name equal or absent. Creates carry no name (RBAC cannot restrict them).
"""

from __future__ import annotations

from typing import Any

VERBS = {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}


class Request:
    """One API request as authorization attributes."""

    def __init__(self, verb: str, group: str, resource: str, namespace: str, name: str, sub: str) -> None:
        self.verb = verb
        self.group = group
        self.resource = resource
        self.namespace = namespace
        self.name = name
        self.subresource = sub

    def __repr__(self) -> str:
        where = f" in {self.namespace}" if self.namespace else ""
        sub = f"/{self.subresource}" if self.subresource else ""
        return f"{self.verb} {self.resource}{sub}.{self.group} {self.name!r}{where}"


def parse_request(method: str, path: str) -> Request:
    """Authorization attributes of a resource request path."""
    parts = [p for p in path.split("/") if p]
    if parts[0] == "api":
        group, rest = "", parts[2:]
    else:
        group, rest = parts[1], parts[3:]
    namespace = ""
    if rest[0] == "namespaces" and len(rest) >= 3:
        namespace, rest = rest[1], rest[2:]
    resource = rest[0]
    name = rest[1] if len(rest) > 1 else ""
    sub = rest[2] if len(rest) > 2 else ""
    return Request(VERBS.get(method, method.lower()), group, resource, namespace, name, sub)


def covers(review: dict[str, Any], req: Request) -> bool:
    """Whether an allowed review with these attributes covers the request."""
    return (
        review.get("verb") == req.verb
        and (review.get("group") or "") == req.group
        and review.get("resource") == req.resource
        and (review.get("subresource") or "") == req.subresource
        and (not review.get("namespace") or review.get("namespace") == req.namespace)
        and (not review.get("name") or review.get("name") == req.name)
    )


def audit(kube: Any) -> tuple[list[Request], list[Request], list[dict[str, Any]]]:
    """(writes in order, writes not covered by an earlier allowed review, every review)."""

    def snapshot(emu: Any) -> tuple[list[Any], list[dict[str, Any]], list[bool]]:
        reviews = [dict(r) for r in emu.access_reviews]
        return list(emu.request_log), reviews, [bool(emu.authorize(r)) for r in reviews]

    log, reviews, answers = kube.call(snapshot)
    allowed: list[dict[str, Any]] = []
    writes: list[Request] = []
    uncovered: list[Request] = []
    asked = iter(zip(reviews, answers, strict=True))
    for method, path, _query in log:
        if path.endswith("/selfsubjectaccessreviews") and method == "POST":
            review, ok = next(asked)
            if ok:
                allowed.append(review)
            continue
        if method not in VERBS:
            continue
        req = parse_request(method, path)
        writes.append(req)
        if not any(covers(r, req) for r in allowed):
            uncovered.append(req)
    return writes, uncovered, reviews
