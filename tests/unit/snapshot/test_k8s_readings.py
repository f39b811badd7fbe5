"""K8s collector readings (pure parts) and node-name resolution (reference/snapshot.md §7 #10-#14)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from aicr.snapshot.collect import node_name
from aicr.snapshot.collectors import k8s


def test_no_client_gives_four_empty_subtypes() -> None:
    m = k8s.collect(None)
    assert m.type == "K8s"
    assert [(s.name, s.data) for s in m.subtypes] == [
        ("server", {}),
        ("image", {}),
        ("policy", {}),
        ("node", {}),
    ]


def test_images_are_normalised_across_container_kinds() -> None:
    pods: list[dict[str, Any]] = [
        {
            "spec": {
                "containers": [{"image": "registry.k8s.io/node-role-controller:v0.5.0@sha256:abc"}],
                "initContainers": [{"image": "repo/init:latest"}],
            }
        },
        {"spec": {"containers": [{"image": "nginx:1.21"}], "ephemeralContainers": [{"image": "busybox"}]}},
        {"spec": {"containers": [{"image": "nginx:1.21"}]}},
        {"spec": {}},
    ]
    assert k8s.image_readings(pods) == {
        "node-role-controller": "v0.5.0",
        "nginx": "1.21",
        "init": "latest",
        "busybox": "latest",
    }


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("localhost:5000/team/app", ("app", "latest")),
        ("nvcr.io/nvidia/gpu-operator:v24.9.0", ("gpu-operator", "v24.9.0")),
        ("app@sha256:0123", ("app", "latest")),
    ],
)
def test_normalize_image(image: str, expected: tuple[str, str]) -> None:
    assert k8s.normalize_image(image) == expected


def test_cluster_policy_spec_is_flattened_to_strings() -> None:
    spec = {
        "operator": {"defaultRuntime": "containerd"},
        "driver": {"enabled": True, "version": "550.54.15"},
        "items": ["a", "b", "c"],
        "empty": [],
        "ratio": 3.14,
        "count": 42,
        "nothing": None,
    }
    assert k8s.flatten_policy(spec) == {
        "operator.defaultRuntime": "containerd",
        "driver.enabled": "true",
        "driver.version": "550.54.15",
        "items": '["a","b","c"]',
        "ratio": "3.14",
        "count": "42",
        "nothing": "<nil>",
    }


def test_policy_secrets_and_env_values_are_redacted() -> None:
    spec = {
        "driver": {
            "env": [{"name": "NGC_API_KEY", "value": "nvapi-secret"}, {"name": "X", "valueFrom": {"a": 1}}],
            "licensingConfig": {"secretName": "licensing", "password": "hunter2"},
            "repoConfig": {"configMapName": "repo"},
        },
        "toolkit": {"env": [{"name": "CONTAINERD_CONFIG", "value": "/etc/containerd/config.toml"}]},
        "validator": {"plugin": {"env": []}},
        "dcgm": {"token": "abc", "imagePullSecrets": ["ngc-secret"], "clientSecret": "xyz"},
    }
    flat = k8s.flatten_policy(k8s.redact(spec))
    env = json.loads(str(flat["driver.env"]))
    assert env == [{"name": "NGC_API_KEY", "value": k8s.REDACTED}, {"name": "X", "valueFrom": {"a": 1}}]
    assert json.loads(str(flat["toolkit.env"]))[0]["value"] == k8s.REDACTED
    assert flat["driver.licensingConfig.password"] == k8s.REDACTED
    assert flat["driver.licensingConfig.secretName"] == "licensing"  # a name, not a secret
    assert flat["dcgm.token"] == k8s.REDACTED and flat["dcgm.clientSecret"] == k8s.REDACTED
    assert flat["dcgm.imagePullSecrets"] == '["ngc-secret"]'
    assert "nvapi-secret" not in json.dumps(flat) and "hunter2" not in json.dumps(flat)


NODE = {
    "spec": {"providerID": "gce://p/z/n"},
    "status": {
        "nodeInfo": {
            "containerRuntimeVersion": "containerd://1.7.2",
            "kubeletVersion": "v1.28.0",
            "kernelVersion": "5.15.0",
            "operatingSystem": "linux",
            "osImage": "Ubuntu 22.04.3 LTS",
        }
    },
}


def test_node_readings_have_ten_keys() -> None:
    assert k8s.node_readings(NODE, "node-a") == {
        "source-node": "node-a",
        "provider": "gke",
        "provider-id": "gce://p/z/n",
        "container-runtime-id": "containerd://1.7.2",
        "container-runtime-name": "containerd",
        "container-runtime-version": "1.7.2",
        "kubelet-version": "v1.28.0",
        "kernel-version": "5.15.0",
        "operating-system": "linux",
        "os-image": "Ubuntu 22.04.3 LTS",
    }


def test_node_without_provider_id_has_no_provider_keys() -> None:
    data = k8s.node_readings({"spec": {}, "status": {}}, "n")
    assert data == {"source-node": "n"}


@pytest.mark.parametrize(
    ("provider_id", "expected"),
    [
        ("aws:///us-west-2a/i-1", "eks"),
        ("gce://p/z/n", "gke"),
        ("azure:///sub/x", "aks"),
        ("oci://x", "oke"),
        ("AWS://x", "eks"),
        (" gce ://x", "gke"),
        ("custom-provider://x", "custom-provider"),
        ("just-a-string", "just-a-string"),
        ("ocid1.instance.oc1.x", "oke"),
    ],
)
def test_provider_mapping(provider_id: str, expected: str) -> None:
    assert k8s.parse_provider(provider_id) == expected


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"NODE_NAME": "a", "KUBERNETES_NODE_NAME": "b", "HOSTNAME": "c"}, "a"),
        ({"NODE_NAME": "", "KUBERNETES_NODE_NAME": "b", "HOSTNAME": "c"}, "b"),
        ({"HOSTNAME": "c"}, "c"),
        ({}, ""),
    ],
)
def test_node_name_resolution(env: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("NODE_NAME", "KUBERNETES_NODE_NAME", "HOSTNAME"):
        monkeypatch.delenv(var, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert node_name() == expected
