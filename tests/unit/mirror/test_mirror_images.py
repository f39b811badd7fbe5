"""Image references found in rendered documents, and their normalised form."""

from __future__ import annotations

import pytest

from aicr.errors import AicrError, Code
from aicr.mirror.images import ImageError, document_images, normalize, normalized_set

DIGEST = "sha256:" + "a" * 64


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("busybox", "docker.io/library/busybox:latest"),
        ("busybox:1.37", "docker.io/library/busybox:1.37"),
        ("bitnami/redis:7", "docker.io/bitnami/redis:7"),
        ("index.docker.io/library/nginx:1", "docker.io/library/nginx:1"),
        ("docker.io/nginx:1", "docker.io/library/nginx:1"),
        ("nvcr.io/nvidia/driver:580.95.05", "nvcr.io/nvidia/driver:580.95.05"),
        ("localhost:5000/team/app:v1", "localhost:5000/team/app:v1"),
        ("registry.local/app", "registry.local/app:latest"),
        (f"ghcr.io/org/app@{DIGEST}", f"ghcr.io/org/app@{DIGEST}"),
        (f"ghcr.io/org/app:v2@{DIGEST}", f"ghcr.io/org/app:v2@{DIGEST}"),
        ("  quay.io/x/y:1  ", "quay.io/x/y:1"),
    ],
)
def test_normalize_makes_registry_repository_and_tag_explicit(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "Nginx:1", "repo:bad tag", "app@sha256:short", "a/{{ .Values.image }}", "repo:-x"]
)
def test_normalize_rejects_what_is_not_an_image_reference(raw: str) -> None:
    with pytest.raises(ImageError):
        normalize(raw)


def test_normalized_set_dedupes_sorts_and_reports_bad_references() -> None:
    images, problems = normalized_set(["nginx", "docker.io/library/nginx:latest", "a.io/b:1", "B A D"])
    assert images == ["a.io/b:1", "docker.io/library/nginx:latest"]
    assert problems == ['invalid image reference "B A D"']


def _pod(**spec: object) -> dict[str, object]:
    return {"spec": spec}


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (
            {"kind": "Pod", **_pod(containers=[{"image": "a"}], ephemeralContainers=[{"image": "e"}])},
            ["a", "e"],
        ),
        (
            {
                "kind": "Deployment",
                "spec": {"template": _pod(initContainers=[{"image": "i"}], containers=[{"image": "c"}])},
            },
            ["i", "c"],
        ),
        (
            {
                "kind": "CronJob",
                "spec": {"jobTemplate": {"spec": {"template": _pod(containers=[{"image": "j"}])}}},
            },
            ["j"],
        ),
        ({"kind": "ConfigMap", "data": {"image": "not-a-pod-field"}}, []),
    ],
)
def test_pod_spec_images_are_found_at_any_depth(doc: dict[str, object], expected: list[str]) -> None:
    assert document_images(doc) == expected


def _cluster_policy(**spec: object) -> dict[str, object]:
    return {"apiVersion": "nvidia.com/v1", "kind": "ClusterPolicy", "metadata": {"name": "cp"}, "spec": spec}


def test_cluster_policy_descriptors_name_repository_image_version() -> None:
    doc = _cluster_policy(
        driver={"repository": "nvcr.io/nvidia", "image": "driver", "version": "580.95.05"},
        toolkit={"repository": "nvcr.io/nvidia/k8s/", "image": "container-toolkit", "version": DIGEST},
        dcgm={"image": "nvcr.io/nvidia/cloud-native/dcgm:4.1"},
    )
    assert document_images(doc) == [
        "nvcr.io/nvidia/driver:580.95.05",
        f"nvcr.io/nvidia/k8s/container-toolkit@{DIGEST}",
        "nvcr.io/nvidia/cloud-native/dcgm:4.1",
    ]


def test_disabled_descriptor_is_not_listed() -> None:
    doc = _cluster_policy(
        driver={"enabled": False, "repository": "nvcr.io/nvidia", "image": "driver", "version": "1"}
    )
    assert document_images(doc) == []


def test_descriptor_with_a_non_string_field_is_invalid_request() -> None:
    doc = _cluster_policy(driver={"repository": "nvcr.io/nvidia", "image": "driver", "version": 580.95})
    with pytest.raises(AicrError) as err:
        document_images(doc)
    assert err.value.code is Code.INVALID_REQUEST
    assert "ClusterPolicy/cp.spec.driver" in err.value.message and "version" in err.value.message


def test_skyhook_packages_and_nic_cluster_policy_are_known_kinds() -> None:
    skyhook = {
        "apiVersion": "skyhook.nvidia.com/v1alpha1",
        "kind": "Skyhook",
        "spec": {"packages": {"tuning": {"image": "ghcr.io/nvidia/pkg", "version": "1.1.1"}}},
    }
    nic = {
        "apiVersion": "mellanox.com/v1alpha1",
        "kind": "NicClusterPolicy",
        "spec": {
            "ofedDriver": {"repository": "nvcr.io/nvidia/mellanox", "image": "doca-driver", "version": "3"}
        },
    }
    assert document_images(skyhook) == ["ghcr.io/nvidia/pkg:1.1.1"]
    assert document_images(nic) == ["nvcr.io/nvidia/mellanox/doca-driver:3"]


def test_unknown_custom_resource_image_fields_are_not_guessed() -> None:
    doc = {"apiVersion": "example.com/v1", "kind": "Thing", "spec": {"x": {"image": "a", "version": "1"}}}
    assert document_images(doc) == []
