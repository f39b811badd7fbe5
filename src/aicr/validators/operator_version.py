"""gpu-operator-version: the running GPU Operator satisfies `Deployment.gpu-operator.version`.

`operator_version` and `judge_version` are pure; `gpu_operator_version` is the edge that finds
the Deployment through the context's client. reference/validate.md §4.1: the Deployment is
`gpu-operator` or `nvidia-gpu-operator` in namespace gpu-operator, nvidia-gpu-operator or
kube-system (first found wins, not found → fail); its version is the label
`app.kubernetes.io/version`, else the first container's image tag cut at the first `-` with a
`v` added (`24.9.0-ubi8` → `v24.9.0`), else the annotation `nvidia.com/gpu-operator-version`;
no constraint in the recipe → pass with the version reported.
"""

from __future__ import annotations

from aicr.errors import AicrError
from aicr.validate.constraints import evaluate
from aicr.validators.recipe_facts import phase_constraint
from aicr.validators.runtime import CheckContext, CheckFailed

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

CONSTRAINT = "Deployment.gpu-operator.version"
NAMES = ("gpu-operator", "nvidia-gpu-operator")
NAMESPACES = ("gpu-operator", "nvidia-gpu-operator", "kube-system")
VERSION_LABEL = "app.kubernetes.io/version"
VERSION_ANNOTATION = "nvidia.com/gpu-operator-version"


def image_tag_version(image: str) -> str:
    """`v<tag up to the first '-'>` of an image reference, or "" without a tag."""
    ref = image.split("@", 1)[0]
    last = ref.rsplit("/", 1)[-1]
    if ":" not in last:
        return ""
    tag = last.split(":", 1)[1].split("-", 1)[0]
    if not tag:
        return ""
    return tag if tag.startswith("v") else f"v{tag}"


def operator_version(deployment: dict[str, Any]) -> str:
    """The GPU Operator version a Deployment reports ("" when none can be read)."""
    meta = deployment.get("metadata") or {}
    label = str((meta.get("labels") or {}).get(VERSION_LABEL) or "")
    if label:
        return label
    containers = (((deployment.get("spec") or {}).get("template") or {}).get("spec") or {}).get(
        "containers"
    ) or []
    if containers:
        tagged = image_tag_version(str(containers[0].get("image") or ""))
        if tagged:
            return tagged
    return str((meta.get("annotations") or {}).get(VERSION_ANNOTATION) or "")


def judge_version(version: str, constraint: str | None) -> tuple[bool, str]:
    """(passed, message) of the version against the constraint (AicrError when unparsable)."""
    if not version:
        return False, "the GPU Operator version could not be determined"
    if constraint is None:
        return True, f"GPU Operator version {version} (no {CONSTRAINT} constraint)"
    passed = evaluate(constraint, version)
    verdict = "satisfies" if passed else "does not satisfy"
    return passed, f"GPU Operator version {version} {verdict} {CONSTRAINT} {constraint}"


def find_operator(ctx: CheckContext) -> dict[str, Any] | None:
    """The first GPU Operator Deployment in the well-known places."""
    for namespace in NAMESPACES:
        for name in NAMES:
            found = ctx.client.find("Deployment", name, namespace)
            if found is not None:
                return found
    return None


def gpu_operator_version(ctx: CheckContext) -> None:
    """The deployed GPU Operator's version satisfies the recipe's constraint."""
    deployment = find_operator(ctx)
    if deployment is None:
        raise CheckFailed(
            f"GPU Operator Deployment ({' or '.join(NAMES)}) not found in namespaces {', '.join(NAMESPACES)}"
        )
    meta = deployment.get("metadata") or {}
    ctx.print(f"found Deployment {meta.get('namespace')}/{meta.get('name')}")
    version = operator_version(deployment)
    try:
        passed, message = judge_version(version, phase_constraint(ctx.recipe, "deployment", CONSTRAINT))
    except AicrError as exc:
        raise CheckFailed(f"{CONSTRAINT} cannot be evaluated against {version!r}: {exc.message}") from None
    ctx.print(message)
    ctx.result(f"gpu-operator version: {version or 'unknown'}")
    if not passed:
        raise CheckFailed(message)
