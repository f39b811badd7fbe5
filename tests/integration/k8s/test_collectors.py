"""K8s and NodeTopology collectors against the emulated API (reference/snapshot.md §2, §7 #14, #16)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from tests.support.kube_emulator import KubeEmulator, make_nodes

from aicr.errors import AicrError, Code
from aicr.k8s.client import ApiClient
from aicr.snapshot.api import take_snapshot
from aicr.snapshot.collectors import k8s, topology

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "gpu-operator-0", "namespace": "gpu-operator"},
    "spec": {
        "containers": [{"name": "op", "image": "nvcr.io/nvidia/gpu-operator:v24.9.0"}],
        "initContainers": [{"name": "init", "image": "busybox"}],
    },
}
POLICY = {
    "apiVersion": "nvidia.com/v1",
    "kind": "ClusterPolicy",
    "metadata": {"name": "cluster-policy"},
    "spec": {
        "driver": {"enabled": True, "version": "570.86.15", "env": [{"name": "TOKEN", "value": "s3cret"}]},
        "operator": {"defaultRuntime": "containerd"},
    },
}


def test_k8s_collector_reads_server_images_policy_and_node(kube: KubeEmulator, api: ApiClient) -> None:
    kube.add("v1/pods", POD)
    kube.add("nvidia.com/v1/clusterpolicies", POLICY)
    kube.add("v1/nodes", *make_nodes(1, prefix="gpu"))
    m = k8s.collect(api, "gpu-00000")
    data = {s.name: s.data for s in m.subtypes}
    assert data["server"] == {"version": "v1.31.4", "platform": "linux/amd64", "goVersion": "go1.22.10"}
    assert data["image"] == {"gpu-operator": "v24.9.0", "busybox": "latest"}
    assert data["policy"]["driver.version"] == "570.86.15" and data["policy"]["driver.enabled"] == "true"
    assert "s3cret" not in str(data["policy"]["driver.env"])
    assert data["node"]["provider"] == "eks" and data["node"]["source-node"] == "gpu-00000"
    assert data["node"]["container-runtime-version"] == "1.7.24"


def test_missing_node_leaves_node_empty_but_keeps_the_rest(kube: KubeEmulator, api: ApiClient) -> None:
    m = k8s.collect(api, "no-such-node")
    data = {s.name: s.data for s in m.subtypes}
    assert data["node"] == {} and data["server"]["version"] == "v1.31.4"


def test_topology_pages_through_1500_nodes(kube: KubeEmulator, api: ApiClient) -> None:
    kube.add("v1/nodes", *make_nodes(1500))
    m = topology.collect(api)
    subs = {s.name: s for s in m.subtypes}
    assert subs["summary"].data["node-count"] == 1500
    gpu_taint = subs["taint"].data["nvidia.com/gpu"]
    assert str(gpu_taint).startswith("NoSchedule|present|node-00000,node-00002,")
    assert subs["taint"].items[0].data["node-count"] == 750
    node_lists = [r for r in kube.requests() if r[0] == "GET" and r[1] == "/api/v1/nodes"]
    assert [q.get("limit") for _, _, q in node_lists] == ["500", "500", "500"]
    assert "continue" not in node_lists[0][2] and all("continue" in q for _, _, q in node_lists[1:])


def test_topology_list_error_propagates(kube: KubeEmulator, api: ApiClient) -> None:
    kube.call(lambda emu: emu.fail("GET", "nodes", 403, "nodes is forbidden"))
    with pytest.raises(AicrError) as err:
        topology.collect(api)
    assert err.value.code is Code.UNAUTHORIZED


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_api_server_local_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kubeconfig = tmp_path / "kc.yaml"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: dead\n"
        f"clusters: [{{name: dead, cluster: {{server: 'http://127.0.0.1:{_closed_port()}'}}}}]\n"
        "users: [{name: u, user: {token: t}}]\n"
        "contexts: [{name: dead, context: {cluster: dead, user: u}}]\n"
    )
    snap = take_snapshot(kubeconfig=str(kubeconfig), collectors=["k8s", "topology"])
    k8s_m = snap.measurement("K8s")
    assert k8s_m is not None and [(s.name, s.data) for s in k8s_m.subtypes] == [
        ("server", {}),
        ("image", {}),
        ("policy", {}),
        ("node", {}),
    ]
    assert snap.measurement("NodeTopology") is None  # list error: measurement omitted


def test_collectors_use_the_kubeconfig_from_the_environment(kube: KubeEmulator, kubeconfig: Path) -> None:
    kube.add("v1/nodes", *make_nodes(3))
    snap = take_snapshot(collectors=["topology", "k8s"])
    assert snap.reading("NodeTopology", "summary", "node-count") == 3
    assert snap.reading("K8s", "server", "version") == "v1.31.4"


def test_in_cluster_configuration_is_found(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import aicr.k8s.config as config

    account = tmp_path / "sa"
    account.mkdir()
    (account / "token").write_text("t")
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "10.0.0.1")
    monkeypatch.setattr(config, "SERVICE_ACCOUNT_DIR", str(account))
    source = config.find_config()
    assert source is not None and source.kind == "in-cluster"
    kube_dir = tmp_path / ".kube"
    kube_dir.mkdir()
    (kube_dir / "config").write_text("{}")
    found = config.find_config()
    assert found is not None and (found.kind, found.path) == ("file", str(kube_dir / "config"))
