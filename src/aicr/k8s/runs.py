"""Per-run identity and cleanup of run-owned objects (snapshot agent, validator Jobs).

`new_run_id`, `run_name` and `run_labels` are pure; `RunObjects.cleanup` deletes through an
`ApiClient`. Every object a run creates carries the run ID in its name and in the label
`aicr.run/run-id`, so two concurrent runs never touch each other's objects. Objects are recorded
BEFORE they are created, so an interrupt between the request and its reply still gets them
deleted; deletes carry a UID precondition when the UID is known. Cleanup survives an API outage
for a bounded time and then names the `kubectl delete` commands for what remains.
"""

from __future__ import annotations

import time

from aicr import logs
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from aicr.k8s.client import ApiClient

LABEL_NAME = "app.kubernetes.io/name"
LABEL_MANAGED_BY = "app.kubernetes.io/managed-by"
LABEL_COMPONENT = "app.kubernetes.io/component"
LABEL_RUN_ID = "aicr.run/run-id"
MAX_NAME = 63
CLEANUP_BUDGET_S = 60.0  # total time deletes are retried while the API is unavailable
GONE_WAIT_S = 30.0  # how long deleted Jobs/Pods are waited for
FIRST_BACKOFF_S = 0.5
MAX_BACKOFF_S = 8.0
_clock = time.monotonic  # tests substitute a fake clock and sleep
_sleep = time.sleep
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


def run_metadata(name: str, namespace: str | None, run_id: str, component: str) -> dict[str, Any]:
    """`metadata` of an object a run owns: its name, namespace (if namespaced) and run labels."""
    meta: dict[str, Any] = {"name": name, "labels": run_labels(run_id, component)}
    if namespace:
        meta["namespace"] = namespace
    return meta


def run_namespace_manifest(namespace: str, run_id: str, component: str) -> dict[str, Any]:
    """A Namespace a run creates for itself, labelled with the run."""
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": run_metadata(namespace, None, run_id, component),
    }


class RunObjects:
    """The objects one run owns, in the order they were (or were about to be) created."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self.budget = CLEANUP_BUDGET_S
        self.gone_wait = GONE_WAIT_S
        self.clock: Callable[[], float] = _clock
        self.sleep: Callable[[float], None] = _sleep

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

    def release(self, client: ApiClient, kind: str, name: str, namespace: str | None = None) -> None:
        """Delete one recorded object now (a finished step's); it stays recorded when that fails,
        so the final `cleanup` tries again."""
        for entry in [
            e for e in self.entries if (e["kind"], e["name"], e["namespace"]) == (kind, name, namespace)
        ]:
            if self._delete(client, entry) is None:
                self.entries.remove(entry)

    def describe(self) -> list[str]:
        """`Kind/namespace/name` of every recorded object."""
        return [
            f"{e['kind']}/{e['namespace'] + '/' if e['namespace'] else ''}{e['name']}" for e in self.entries
        ]

    def cleanup(self, client: ApiClient) -> list[str]:
        """Delete every recorded object (already-gone ones are fine); returns the failures.

        Transient failures (API unreachable or 503, timeouts, throttling; not a 500) are retried with backoff for
        at most `budget` seconds in all; when the API stays down, UNAVAILABLE lists the
        `kubectl delete` commands for what remains. Deleted Jobs and Pods are then waited for
        (at most `gone_wait` s) so a following run does not collide with terminating ones. A
        Ctrl-C while deleting does not stop the remaining deletes; it is re-raised at the end.
        """
        from aicr.errors import RETRYABLE

        order = {kind: i for i, kind in enumerate(_DELETE_ORDER)}
        pending = sorted(reversed(self.entries), key=lambda e: order.get(e["kind"], len(order)))
        failures: list[str] = []
        deleted: list[dict[str, Any]] = []
        interrupted: BaseException | None = None
        deadline = self.clock() + self.budget
        delay = FIRST_BACKOFF_S
        while pending:
            retry: list[dict[str, Any]] = []
            for entry in pending:
                try:
                    outcome = self._delete(client, entry)
                except KeyboardInterrupt as exc:  # finish the cleanup first
                    interrupted = exc
                    logs.warn("interrupted; finishing cleanup of run objects")
                    outcome = self._delete_quietly(client, entry)
                if outcome is None:
                    deleted.append(entry)
                elif outcome.code in RETRYABLE and outcome.details.get("status") != 500:
                    entry["error"] = outcome.message
                    retry.append(entry)
                else:
                    failures.append(f"{entry['kind']} {entry['name']}: {outcome.message}")
            pending = retry
            if not pending or self.clock() >= deadline or interrupted is not None:
                break
            logs.warn(
                "Kubernetes API unavailable during cleanup; retrying", objects=len(pending), delay=delay
            )
            self.sleep(min(delay, max(0.0, deadline - self.clock())))
            delay = min(delay * 2, MAX_BACKOFF_S)
        if failures:
            logs.warn("cleanup incomplete", failures="; ".join(failures))
        if not pending:
            self._wait_gone(client, deleted)
        if interrupted is not None:
            if pending:
                logs.error("cleanup incomplete; delete by hand", commands="; ".join(kubectl_deletes(pending)))
            raise interrupted
        if pending:
            raise AicrError(
                Code.UNAVAILABLE,
                f"cleanup incomplete: the Kubernetes API stayed unavailable for {self.budget:g}s "
                f"({pending[0].get('error', '')}); delete what remains by hand:\n  "
                + "\n  ".join(kubectl_deletes(pending)),
                {"remaining": [f"{e['kind']}/{e['name']}" for e in pending]},
            )
        return failures

    @staticmethod
    def _delete(client: ApiClient, entry: dict[str, Any]) -> AicrError | None:
        """None once the object is deleted or gone; the error otherwise."""
        try:
            client.delete(
                entry["kind"],
                entry["name"],
                entry["namespace"],
                uid=entry["uid"],
                propagation="Foreground" if entry["kind"] == "Job" else "Background",
            )
        except AicrError as exc:
            return exc
        return None

    def _delete_quietly(self, client: ApiClient, entry: dict[str, Any]) -> AicrError | None:
        """`_delete` once more after a Ctrl-C hit the first try."""
        try:
            return self._delete(client, entry)
        except KeyboardInterrupt:
            return AicrError(Code.CANCELED, "interrupted twice")

    def _wait_gone(self, client: ApiClient, deleted: list[dict[str, Any]]) -> None:
        """Wait (bounded) until deleted Jobs and Pods are gone from the API."""
        waiting = [e for e in deleted if e["kind"] in ("Job", "Pod")]
        deadline = self.clock() + self.gone_wait
        delay = FIRST_BACKOFF_S
        while waiting:
            try:
                waiting = [
                    e for e in waiting if client.find(e["kind"], e["name"], e["namespace"]) is not None
                ]
            except AicrError as exc:
                logs.debug("cannot confirm deletion", error=exc.message)
                return
            if not waiting:
                return
            if self.clock() >= deadline:
                logs.warn("run objects still terminating", objects=", ".join(e["name"] for e in waiting))
                return
            self.sleep(min(delay, max(0.0, deadline - self.clock())))
            delay = min(delay * 2, MAX_BACKOFF_S)


def kubectl_deletes(entries: list[dict[str, Any]]) -> list[str]:
    """The `kubectl delete` command for each entry."""
    out = []
    for e in entries:
        command = f"kubectl delete {e['kind'].lower()} {e['name']}"
        out.append(command + (f" -n {e['namespace']}" if e["namespace"] else ""))
    return out
