"""Per-run identity and cleanup of run-owned objects (snapshot agent, validator Jobs).

`new_run_id`, `run_name` and `run_labels` are pure; `RunObjects.cleanup` deletes through an
`ApiClient`. Every object a run creates carries the run ID in its name and in the label
`aicr.run/run-id`, so two concurrent runs never touch each other's objects. Objects are recorded
BEFORE they are created, so an interrupt between the request and its reply still gets them
deleted; deletes carry a UID precondition when the UID is known.
"""

from __future__ import annotations

import time

from aicr import logs
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.k8s.client import ApiClient

LABEL_NAME = "app.kubernetes.io/name"
LABEL_MANAGED_BY = "app.kubernetes.io/managed-by"
LABEL_COMPONENT = "app.kubernetes.io/component"
LABEL_RUN_ID = "aicr.run/run-id"
MAX_NAME = 63
# Deletion order by kind: workloads first, then what they use, cluster-wide grants last.
_DELETE_ORDER = (
    "Job",
    "Pod",
    "ConfigMap",
    "RoleBinding",
    "Role",
    "ServiceAccount",
    "ClusterRoleBinding",
    "ClusterRole",
)


def new_run_id(now: float | None = None) -> str:
    """`<YYYYMMDD-HHMMSS>-<16 hex>` (UTC)."""
    import secrets

    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(time.time() if now is None else now))
    return f"{stamp}-{secrets.token_hex(8)}"


def run_name(prefix: str, run_id: str) -> str:
    """`<prefix>-<run_id>`, the prefix cut (deterministically) so the name is a 63-character label.

    INVALID_REQUEST when the run ID or the resulting name breaks RFC 1123 (aicr.k8s.names).
    """
    from aicr.k8s.names import check_label

    check_label(run_id, "run ID", MAX_NAME - 2)
    room = MAX_NAME - len(run_id) - 1
    head = prefix.lower()[:room].rstrip("-.") or "aicr"
    return check_label(f"{head}-{run_id}", f"object name for prefix {prefix!r}")


def run_labels(run_id: str, component: str) -> dict[str, str]:
    """The labels of every object a run owns."""
    return {
        LABEL_NAME: "aicr",
        LABEL_MANAGED_BY: "aicr",
        LABEL_COMPONENT: component,
        LABEL_RUN_ID: run_id,
    }


class RunObjects:
    """The objects one run owns, in the order they were (or were about to be) created."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    def expect(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any]:
        """Record an object before creating it; returns the entry to complete with its UID."""
        entry = {"kind": kind, "name": name, "namespace": namespace, "uid": None}
        self.entries.append(entry)
        return entry

    def create(self, client: ApiClient, manifest: dict[str, Any]) -> dict[str, Any]:
        """Record, then create `manifest`; the created object's UID is remembered."""
        meta = manifest["metadata"]
        entry = self.expect(manifest["kind"], meta["name"], meta.get("namespace"))
        try:
            created = client.create(manifest)
        except AicrError as exc:
            if exc.code is Code.CONFLICT:  # someone else's object: never delete it
                self.entries.remove(entry)
            raise
        entry["uid"] = (created.get("metadata") or {}).get("uid")
        return created

    def describe(self) -> list[str]:
        """`Kind/namespace/name` of every recorded object."""
        return [
            f"{e['kind']}/{e['namespace'] + '/' if e['namespace'] else ''}{e['name']}" for e in self.entries
        ]

    def cleanup(self, client: ApiClient) -> list[str]:
        """Delete every recorded object (already-gone ones are fine); returns the failures.

        A Ctrl-C while deleting does not stop the remaining deletes; it is re-raised at the end.
        """
        failures: list[str] = []
        interrupted: BaseException | None = None
        order = {kind: i for i, kind in enumerate(_DELETE_ORDER)}
        entries = sorted(reversed(self.entries), key=lambda e: order.get(e["kind"], len(order)))
        for entry in entries:
            while True:
                try:
                    client.delete(
                        entry["kind"],
                        entry["name"],
                        entry["namespace"],
                        uid=entry["uid"],
                        propagation="Foreground" if entry["kind"] == "Job" else "Background",
                    )
                    break
                except AicrError as exc:
                    failures.append(f"{entry['kind']} {entry['name']}: {exc.message}")
                    break
                except KeyboardInterrupt as exc:  # finish the cleanup first
                    interrupted = exc
                    logs.warn("interrupted; finishing cleanup of run objects")
        if failures:
            logs.warn("cleanup incomplete", failures="; ".join(failures))
        if interrupted is not None:
            raise interrupted
        return failures
