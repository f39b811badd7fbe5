"""The pure side of gpu-operator-version: where the version comes from and how it is judged."""

from __future__ import annotations

from typing import Any

import pytest

from aicr.errors import AicrError
from aicr.validators.operator_version import image_tag_version, judge_version, operator_version


def deployment(
    labels: dict[str, str] | None = None, image: str = "", annotations: Any = None
) -> dict[str, Any]:
    return {
        "metadata": {"labels": labels or {}, "annotations": annotations or {}},
        "spec": {"template": {"spec": {"containers": [{"image": image}]}}},
    }


def test_version_label_wins() -> None:
    dep = deployment({"app.kubernetes.io/version": "v25.3.1"}, "nvcr.io/nvidia/gpu-operator:v24.9.0")
    assert operator_version(dep) == "v25.3.1"


def test_image_tag_is_cut_at_the_first_dash_and_prefixed() -> None:
    assert operator_version(deployment(image="nvcr.io/nvidia/gpu-operator:24.9.0-ubi8")) == "v24.9.0"


def test_registry_port_is_not_taken_for_a_tag() -> None:
    assert image_tag_version("localhost:5000/gpu-operator") == ""


def test_annotation_is_the_last_resort() -> None:
    dep = deployment(image="gpu-operator", annotations={"nvidia.com/gpu-operator-version": "v24.6.0"})
    assert operator_version(dep) == "v24.6.0"


def test_no_constraint_passes_and_reports() -> None:
    assert judge_version("v25.3.1", None) == (
        True,
        "GPU Operator version v25.3.1 (no Deployment.gpu-operator.version constraint)",
    )


def test_older_version_fails_the_floor() -> None:
    assert judge_version("v24.3.0", ">= v24.6.0")[0] is False


def test_unknown_version_fails() -> None:
    assert judge_version("", ">= v24.6.0")[0] is False


def test_unparsable_version_is_an_error() -> None:
    with pytest.raises(AicrError):
        judge_version("latest", ">= v24.6.0")
