"""The images `aicr validate` runs for a recipe: validator Jobs and the workloads they start.

Pure over the recipe document and the validator catalog entries. For every check the recipe
declares (`validation.<phase>.checks`) the catalog entry's image is resolved as `aicr validate`
resolves it (aicr.validate.images: the release pin of `:latest`, AICR_VALIDATOR_IMAGE_REGISTRY
and AICR_VALIDATOR_IMAGE_TAG), and every catalog `env` value whose name ends in `_IMAGE`
(e.g. AICR_CUDA_IMAGE, AICR_NCCL_RUNTIME_IMAGE) is listed as the workload image it names.
"""

from __future__ import annotations

from aicr.validate.images import resolve_image
from aicr.validate.phases import PHASE_ORDER, select_entries

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

COMPONENT = "aicr-validators"
TYPE = "validator"


def validator_images(
    doc: dict[str, Any],
    validators: Sequence[dict[str, Any]],
    *,
    version: str,
    commit: str = "",
    registry: str = "",
    tag: str = "",
) -> list[str]:
    """Raw image references of the checks the recipe declares (catalog order, duplicates kept)."""
    found: list[str] = []
    for phase in PHASE_ORDER:
        for entry in select_entries(validators, phase, doc):
            image = str(entry.get("image") or "").strip()
            if image:
                found.append(resolve_image(image, version=version, commit=commit, registry=registry, tag=tag))
            for env in entry.get("env") or []:
                name, value = str(env.get("name") or ""), str(env.get("value") or "").strip()
                if name.endswith("_IMAGE") and value:
                    found.append(value)
    return found
