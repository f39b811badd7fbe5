"""Validator images of a recipe: declared checks only, pinned like `aicr validate` pins them."""

from __future__ import annotations

from typing import Any

from aicr.mirror.collect import criteria_summary
from aicr.mirror.validators import validator_images

CATALOG: list[dict[str, Any]] = [
    {
        "name": "gpu-smoke",
        "phase": "deployment",
        "image": "ghcr.io/nvidia/aicr-validators/deployment:latest",
        "env": [{"name": "AICR_CUDA_IMAGE", "value": "nvcr.io/nvidia/cuda:13.0.0-base-ubuntu22.04"}],
    },
    {"name": "nccl", "phase": "performance", "image": "ghcr.io/nvidia/aicr-validators/performance:latest"},
    {"name": "unused", "phase": "conformance", "image": "ghcr.io/nvidia/aicr-validators/conformance:latest"},
]
RECIPE: dict[str, Any] = {
    "validation": {"deployment": {"checks": ["gpu-smoke"]}, "performance": {"checks": ["nccl"]}}
}


def test_declared_checks_give_their_image_and_workload_images() -> None:
    assert validator_images(RECIPE, CATALOG, version="0.1.0") == [
        "ghcr.io/nvidia/aicr-validators/deployment:v0.1.0",
        "nvcr.io/nvidia/cuda:13.0.0-base-ubuntu22.04",
        "ghcr.io/nvidia/aicr-validators/performance:v0.1.0",
    ]


def test_registry_and_tag_overrides_apply_to_validator_images_only() -> None:
    images = validator_images(RECIPE, CATALOG, version="0.1.0", registry="mirror.local/aicr", tag="t1")
    assert images[:2] == [
        "mirror.local/aicr/aicr-validators/deployment:t1",
        "nvcr.io/nvidia/cuda:13.0.0-base-ubuntu22.04",
    ]


def test_recipe_without_validation_has_no_validator_images() -> None:
    assert validator_images({}, CATALOG, version="0.1.0") == []


def test_criteria_summary_skips_any_and_names_nodes() -> None:
    assert criteria_summary({"service": "eks", "accelerator": "any", "intent": "training", "nodes": 8}) == (
        "criteria(service=eks, intent=training, nodes=8)"
    )
    assert criteria_summary({"service": "any"}) == "criteria(any)"
