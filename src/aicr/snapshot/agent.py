"""Deploying the snapshot agent Job into a cluster and collecting its result.

Edge module: every API call goes through `aicr.k8s`. reference/snapshot.md §4: pre-flight
permission checks of every request the run makes (agent_spec.agent_access; all denials in one
UNAUTHORIZED error, before anything is created), then ServiceAccount, RBAC and Job named with a
per-run ID, a wait for the Job (progress on a TTY, pod logs streamed to stderr and
dumped on failure), the staging ConfigMap read back, and cleanup of every run-owned object on
success, failure, timeout and Ctrl-C/SIGTERM unless `cleanup` is off.
"""

from __future__ import annotations

import sys

from aicr import logs
from aicr.errors import AicrError, Code
from aicr.k8s.access import check_access, namespace_state
from aicr.k8s.jobs import JobFailed, LogFollower, read_pod_logs, wait_for_job
from aicr.k8s.runs import LABEL_RUN_ID, RunObjects, new_run_id
from aicr.snapshot.agent_spec import AgentOptions, RunNames, agent_access, job_manifest, rbac_manifests

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TextIO

    from aicr.k8s.client import ApiClient

LOG_DRAIN_S = 5.0


def ensure_namespace(client: ApiClient, namespace: str) -> None:
    """Create the namespace (never deleted afterwards); a concurrent creation is fine."""
    manifest = {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": namespace, "labels": {"app.kubernetes.io/managed-by": "aicr"}},
    }
    try:
        client.create(manifest)
    except AicrError as exc:
        if exc.code is not Code.CONFLICT:
            raise


def preflight(client: ApiClient, opts: AgentOptions, names: RunNames) -> bool:
    """Check every permission the run needs (UNAUTHORIZED listing all that are missing).

    Returns whether the namespace must be created. Users with rights only inside their namespace
    may not read namespaces; then it is assumed to exist (the first create names it if not).
    """
    missing = namespace_state(client, opts.namespace) is False
    if opts.check_access:
        check_access(client, agent_access(opts, names, create_namespace=missing))
    return missing


def check_runtime_class(client: ApiClient, name: str) -> None:
    """NOT_FOUND (with a hint) when the RuntimeClass does not exist."""
    if client.find("RuntimeClass", name) is None:
        raise AicrError(
            Code.NOT_FOUND,
            f'RuntimeClass "{name}" not found; it is usually installed by the NVIDIA GPU Operator',
        )


def _dump_logs(text: str, err: TextIO) -> None:
    err.write("--- agent logs ---\n")
    if text:
        err.write(text if text.endswith("\n") else text + "\n")
    err.write("--- end logs ---\n")
    err.flush()


def run_agent(
    client: ApiClient,
    opts: AgentOptions,
    *,
    on_progress: Callable[[str, float], None] | None = None,
    err: TextIO | None = None,
    run_id: str | None = None,
) -> bytes:
    """Run one agent Job and return the snapshot text it stored (YAML)."""
    from aicr.k8s.configmaps import read_document_configmap

    stream = err or sys.stderr
    names = RunNames(opts, run_id or opts.run_id or new_run_id())
    ns = opts.namespace
    pod_labels = {LABEL_RUN_ID: names.run_id}
    logs.info("deploying snapshot agent", namespace=ns, job=names.job, image=opts.image)
    create_namespace = preflight(client, opts, names)
    if opts.runtime_class:
        check_runtime_class(client, opts.runtime_class)
    objects = RunObjects()
    follower: LogFollower | None = None
    try:
        if create_namespace:
            ensure_namespace(client, ns)
        objects.expect("ConfigMap", names.configmap, ns)  # written by the agent pod
        for manifest in rbac_manifests(opts, names):
            objects.create(client, manifest)
        objects.create(client, job_manifest(opts, names))
        if opts.stream_logs:
            follower = LogFollower(client, names.job, ns, pod_labels, stream, poll=opts.poll_interval).start()
        try:
            wait_for_job(
                client,
                names.job,
                ns,
                timeout=opts.timeout,
                pod_labels=pod_labels,
                poll=opts.poll_interval,
                on_progress=on_progress,
            )
        except AicrError as exc:
            if isinstance(exc, JobFailed) or exc.code is Code.TIMEOUT:
                _dump_logs(read_pod_logs(client, None, names.job, ns, pod_labels), stream)
            raise
        if follower is not None:
            follower.finish(LOG_DRAIN_S)
        try:
            return read_document_configmap(ns, names.configmap, client=client)
        except AicrError as exc:
            if exc.code is Code.NOT_FOUND:
                raise AicrError(
                    Code.NOT_FOUND, f"agent finished but left no snapshot: {exc.message}", exc.details
                ) from None
            raise
    finally:
        if follower is not None:
            follower.stop()
        if opts.cleanup:
            objects.cleanup(client)
        else:
            logs.info("--no-cleanup: keeping run objects", objects=", ".join(objects.describe()))
