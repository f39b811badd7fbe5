"""Image references collected from rendered manifests: where they are found and how they are normalised."""

from __future__ import annotations

import pytest

from aicr.bundle.images import collect, images_in, normalize
from aicr.errors import AicrError, Code

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      initContainers:
        - {name: init, image: busybox}
      containers:
        - {name: app, image: "nvcr.io/nvidia/gpu-operator:v25.3.3"}
        - {name: side, image: "quay.io/org/side@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - {name: job, image: "bitnami/kubectl:1.30"}
"""


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("busybox", "docker.io/library/busybox:latest"),
        ("nginx:1.27", "docker.io/library/nginx:1.27"),
        ("bitnami/kubectl:1.30", "docker.io/bitnami/kubectl:1.30"),
        ("index.docker.io/nginx:1", "docker.io/library/nginx:1"),
        ("docker.io/library/nginx", "docker.io/library/nginx:latest"),
        ("localhost:5000/team/app:dev", "localhost:5000/team/app:dev"),
        ("registry.k8s.io/pause:3.10", "registry.k8s.io/pause:3.10"),
        ("nvcr.io/nvidia/driver:580.1-ubuntu24.04", "nvcr.io/nvidia/driver:580.1-ubuntu24.04"),
    ],
)
def test_references_are_normalised(ref: str, expected: str) -> None:
    assert normalize(ref) == expected


def test_tag_and_digest_are_both_kept_and_a_digest_gets_no_latest() -> None:
    digest = "sha256:" + "ab" * 32
    assert normalize(f"nvcr.io/nvidia/x:v1@{digest}") == f"nvcr.io/nvidia/x:v1@{digest}"
    assert normalize(f"nvcr.io/nvidia/x@{digest}") == f"nvcr.io/nvidia/x@{digest}"


@pytest.mark.parametrize("ref", ["Nginx:1", "nvcr.io/nvidia/x:", "a b", "x@sha256:short", "nvcr.io//x"])
def test_malformed_references_are_invalid_requests(ref: str) -> None:
    with pytest.raises(AicrError) as err:
        normalize(ref)
    assert err.value.code is Code.INVALID_REQUEST
    assert ref in err.value.message


def test_containers_init_containers_and_nested_templates_are_found_sorted_and_distinct() -> None:
    assert images_in(DEPLOYMENT + "---\n" + DEPLOYMENT) == [
        "docker.io/bitnami/kubectl:1.30",
        "docker.io/library/busybox:latest",
        "nvcr.io/nvidia/gpu-operator:v25.3.3",
        "quay.io/org/side@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    ]


def test_ephemeral_containers_and_custom_resources_embedding_a_pod_spec_count() -> None:
    text = (
        "kind: Pod\nspec:\n  ephemeralContainers: [{name: dbg, image: 'busybox:1.36'}]\n---\n"
        "kind: NodePool\nspec:\n  workers:\n    podSpec:\n      containers: [{name: w, image: 'ghcr.io/o/w:2'}]\n"
    )
    assert images_in(text) == ["docker.io/library/busybox:1.36", "ghcr.io/o/w:2"]


def test_an_image_field_outside_a_container_list_is_ignored() -> None:
    assert images_in("kind: ConfigMap\ndata:\n  image: nginx:1\n") == []


def test_empty_documents_and_streams_give_no_images() -> None:
    assert collect(["", "---\n---\n", "# only a comment\n"]) == []


def test_a_container_whose_image_is_not_a_string_is_an_error_naming_the_container() -> None:
    with pytest.raises(AicrError) as err:
        images_in("kind: Pod\nspec:\n  containers: [{name: app, image: 42}]\n", "chart demo")
    assert err.value.code is Code.INVALID_REQUEST
    assert 'chart demo: container "app"' in err.value.message


def test_unparseable_yaml_is_an_invalid_request_naming_the_source() -> None:
    with pytest.raises(AicrError) as err:
        images_in("kind: [unclosed\n", "chart demo")
    assert err.value.code is Code.INVALID_REQUEST and "chart demo" in err.value.message
