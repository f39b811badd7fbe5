"""The objects one check run creates (any kind, custom resources included) and their cleanup.

Edge: creates and deletes through the context's `ApiClient` (`aicr.k8s` stays the only module
that speaks HTTP). Each object is recorded BEFORE it is created, so an error or an interrupt
between the request and its answer still gets it deleted; cleanup deletes in reverse order of
creation, namespaces last, ignores objects already gone and reports what it could not delete.
"""

from __future__ import annotations

from aicr import logs
from aicr.errors import AicrError, Code
from aicr.k8s.resources import Resource, resource_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.k8s.client import ApiClient


class OwnedObjects:
    """Objects created by one run, deleted together by `cleanup`."""

    def __init__(self, client: ApiClient) -> None:
        self.client = client
        self.entries: list[tuple[Resource, str, str | None]] = []

    def create(self, obj: dict[str, Any], resource: Resource | None = None) -> dict[str, Any]:
        """Record, then create `obj` (`resource` is required for custom kinds)."""
        res = resource or resource_of(obj)
        meta = obj["metadata"]
        namespace = meta.get("namespace") if res.namespaced else None
        entry = (res, str(meta["name"]), namespace)
        self.entries.append(entry)
        try:
            created: dict[str, Any] = self.client.request("POST", res.path(namespace), body=obj) or {}
        except AicrError as exc:
            if exc.code is Code.CONFLICT:  # not ours: never delete it
                self.entries.remove(entry)
            raise
        return created

    def cleanup(self) -> list[str]:
        """Delete everything recorded; returns the failures (also logged)."""
        failures: list[str] = []
        ordered = sorted(reversed(self.entries), key=lambda e: e[0].kind == "Namespace")
        for res, name, namespace in ordered:
            try:
                self.client.delete(res, name, namespace)
            except AicrError as exc:
                failures.append(f"{res.kind} {name}: {exc.message}")
        self.entries.clear()
        if failures:
            logs.warn("cleanup incomplete", failures="; ".join(failures))
        return failures
