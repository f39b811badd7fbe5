"""Running the five collectors concurrently, each under its own deadline, into one Snapshot.

Orchestration only: the collectors do the reading. reference/snapshot.md §2: a collector that
fails or runs past its timeout is logged and its measurement omitted; the run itself never
fails because of a collector. The Kubernetes client is created once, lazily, and only when a
configuration exists, so a host without a cluster never imports a Kubernetes client.
"""

from __future__ import annotations

import _thread
import os
import sys
import time

from aicr import logs
from aicr.errors import AicrError
from aicr.snapshot.collectors import gpu, k8s, systemd, topology
from aicr.snapshot.collectors import os as os_collector
from aicr.snapshot.collectors.files import host_path
from aicr.snapshot.model import Snapshot, new_metadata

TYPE_CHECKING = False
if TYPE_CHECKING:
    from _thread import LockType
    from collections.abc import Callable, Sequence

    from aicr.k8s.client import ApiClient
    from aicr.snapshot.collectors.commands import CommandRunner
    from aicr.snapshot.model import Measurement

COLLECTORS = ("gpu", "k8s", "os", "systemd", "topology")
TIMEOUTS = {"gpu": 10.0, "k8s": 60.0, "os": 10.0, "systemd": 10.0, "topology": 90.0}
NODE_NAME_VARS = ("NODE_NAME", "KUBERNETES_NODE_NAME", "HOSTNAME")
SWITCH_INTERVAL_S = 0.0005


def node_name() -> str:
    """NODE_NAME → KUBERNETES_NODE_NAME → HOSTNAME (first non-empty), else ""."""
    for var in NODE_NAME_VARS:
        value = os.environ.get(var, "")
        if value:
            return value
    return ""


class Sources:
    """What the collectors read: a root directory, a command runner, a (lazy) Kubernetes client."""

    def __init__(
        self,
        *,
        root: str = "/",
        runner: CommandRunner | None = None,
        client: ApiClient | None = None,
        kubeconfig: str | None = None,
        use_cluster: bool = True,
        systemd_socket: str | None = None,
        max_nodes_per_entry: int = 0,
        source_node: str | None = None,
    ) -> None:
        self.root = root
        self.runner = runner
        self.kubeconfig = kubeconfig
        self.use_cluster = use_cluster
        self.systemd_socket = systemd_socket
        self.max_nodes_per_entry = max_nodes_per_entry
        self.source_node = node_name() if source_node is None else source_node
        self._client = client
        self._client_ready = client is not None or not use_cluster
        self._owns_client = False
        self._lock = _thread.allocate_lock()

    def close(self) -> None:
        """Close the Kubernetes client when this object created it."""
        with self._lock:
            if self._owns_client and self._client is not None:
                self._client.close()
                self._client = None

    def client(self) -> ApiClient | None:
        """The shared Kubernetes client, created on first use; None without a configuration."""
        with self._lock:
            if not self._client_ready:
                self._client_ready = True
                from aicr.k8s.config import find_config

                source = find_config(self.kubeconfig)
                if source is not None:
                    from aicr.k8s.client import ApiClient

                    self._client = ApiClient.from_source(source)
                    self._owns_client = True
                else:
                    logs.debug("no Kubernetes configuration - K8s and NodeTopology left empty")
            return self._client


def _run_gpu(src: Sources) -> Measurement:
    return gpu.collect(src.runner) if src.runner is not None else gpu.collect()


def _run_os(src: Sources) -> Measurement:
    return os_collector.collect(src.root)


def _run_systemd(src: Sources) -> Measurement:
    socket_path = src.systemd_socket
    if socket_path is None:
        socket_path = host_path(src.root, systemd.SOCKET)
    return systemd.collect(socket_path=socket_path)


def _run_k8s(src: Sources) -> Measurement:
    return k8s.collect(src.client(), src.source_node)


def _run_topology(src: Sources) -> Measurement:
    return topology.collect(src.client(), src.max_nodes_per_entry)


def _worker(work: Callable[[str], None], name: str, lock: LockType) -> None:
    try:
        work(name)
    finally:
        lock.release()


RUNNERS: dict[str, Callable[[Sources], Measurement]] = {
    "gpu": _run_gpu,
    "k8s": _run_k8s,
    "os": _run_os,
    "systemd": _run_systemd,
    "topology": _run_topology,
}


def collect_measurements(
    sources: Sources,
    collectors: Sequence[str] = COLLECTORS,
    timeouts: dict[str, float] | None = None,
    runners: dict[str, Callable[[Sources], Measurement]] | None = None,
) -> list[Measurement]:
    """Run `collectors` in threads; failures and timeouts are logged and omitted."""
    table = runners or RUNNERS
    limits = {**TIMEOUTS, **(timeouts or {})}
    results: dict[str, Measurement] = {}

    def work(name: str) -> None:
        try:
            results[name] = table[name](sources)
        except AicrError as exc:
            logs.warn("collector failed - measurement omitted", collector=name, error=exc.message)
        except Exception as exc:
            logs.warn(
                "collector failed - measurement omitted", collector=name, error=f"{type(exc).__name__}: {exc}"
            )

    start = time.monotonic()
    done: list[tuple[str, LockType]] = []
    # The collectors are mostly short syscalls; a short GIL switch interval keeps a thread that
    # returns from one from waiting the default 5 ms for a busy sibling. Plain `_thread` workers:
    # `threading.Thread.start` costs ~2 ms per thread here and `threading` ~5 ms to import.
    previous = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    try:
        for name in collectors:
            lock = _thread.allocate_lock()
            lock.acquire()
            _thread.start_new_thread(_worker, (work, name, lock))
            done.append((name, lock))
        finished: set[str] = set()
        for name, lock in done:
            if lock.acquire(timeout=max(0.0, start + limits[name] - time.monotonic())):
                finished.add(name)
            else:
                logs.warn(
                    "collector timed out - measurement omitted", collector=name, timeout=f"{limits[name]:g}s"
                )
    finally:
        sys.setswitchinterval(previous)
    return [results[name] for name, _ in done if name in finished and name in results]


def take(
    sources: Sources,
    *,
    version: str,
    collectors: Sequence[str] = COLLECTORS,
    timeouts: dict[str, float] | None = None,
) -> Snapshot:
    """A Snapshot of this host (and, when configured, its cluster)."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    metadata = new_metadata(stamp, version, sources.source_node)
    measurements = collect_measurements(sources, collectors, timeouts)
    return Snapshot(measurements, metadata=metadata)
