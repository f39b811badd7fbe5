"""The validators image: `python -m aicr.validators <check>` against emulated cluster states.

Each case is a cluster state (objects preloaded into the emulator), a recipe, a check name, and
what the orchestrator must see: the exit code (0 passed, 1 failed, 2 skipped), a line of the
evidence on stdout and the reason in the termination message. Add a case per new check.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.images.podman import podman
from tests.images.podman_kubelet import podman_kubelet
from tests.support.kube_emulator import KubeEmulator

AICR = shutil.which("aicr", path=os.path.dirname(sys.executable)) or "aicr"


def _namespace(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def _operator_pod(name: str, phase: str) -> dict[str, Any]:
    meta = {"name": name, "namespace": "gpu-operator", "labels": {"app": "gpu-operator"}}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "status": {"phase": phase}}


def _deployment(name: str, available: int) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "gpu-operator"},
        "spec": {"replicas": 1},
        "status": {"availableReplicas": available},
    }


def _recipe(*resources: tuple[str, str]) -> dict[str, Any]:
    ref: dict[str, Any] = {"name": "gpu-operator", "namespace": "gpu-operator", "type": "Helm"}
    if resources:
        ref["expectedResources"] = [{"kind": kind, "name": name} for kind, name in resources]
    return {"kind": "RecipeResult", "apiVersion": "aicr.nvidia.com/v1alpha1", "componentRefs": [ref]}


@dataclass
class Case:
    check: str
    objects: dict[str, list[dict[str, Any]]]
    recipe: dict[str, Any]
    exit_code: int
    stdout: str
    termination: str = ""
    extra_args: list[str] = field(default_factory=list)


CASES = {
    "operator-health passes": Case(
        "operator-health",
        {
            "v1/namespaces": [_namespace("gpu-operator")],
            "v1/pods": [_operator_pod("gpu-operator-1", "Running")],
        },
        _recipe(),
        0,
        "RESULT: GPU Operator pods running: 1/1",
    ),
    "operator-health fails without pods": Case(
        "operator-health", {}, _recipe(), 1, "Running: 0/0", "no GPU Operator pods"
    ),
    "operator-health fails when none runs": Case(
        "operator-health",
        {
            "v1/namespaces": [_namespace("gpu-operator")],
            "v1/pods": [_operator_pod("gpu-operator-1", "Pending")],
        },
        _recipe(),
        1,
        "gpu-operator-1: Pending",
        "no GPU Operator pod is Running",
    ),
    "expected-resources passes": Case(
        "expected-resources",
        {
            "v1/namespaces": [_namespace("gpu-operator")],
            "apps/v1/deployments": [_deployment("gpu-operator", 1)],
        },
        _recipe(("Deployment", "gpu-operator")),
        0,
        "RESULT: expected resources healthy: 1/1",
    ),
    "expected-resources fails on a missing resource": Case(
        "expected-resources",
        {"v1/namespaces": [_namespace("gpu-operator")]},
        _recipe(("Deployment", "gpu-operator")),
        1,
        "Deployment gpu-operator/gpu-operator: not found",
        "1 expected resource problem(s)",
    ),
    "expected-resources skips without declared resources": Case(
        "expected-resources", {}, _recipe(), 2, "", "no component of the recipe declares expectedResources"
    ),
    "an unknown check fails": Case("no-such-check", {}, _recipe(), 1, "", 'unknown check "no-such-check"'),
}


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_check_verdict_in_the_image(
    images: dict[str, str], kube: KubeEmulator, kubeconfig: Path, tmp_path: Path, case: Case
) -> None:
    for resource, objects in case.objects.items():
        kube.add(resource, *objects)
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(json.dumps(case.recipe))
    recipe.chmod(0o644)
    termination = tmp_path / "termination-log"
    termination.write_text("")
    termination.chmod(0o666)
    done = podman(
        "run", "--rm", "--network", "host", "--read-only",
        "-v", f"{kubeconfig}:/kube/config:ro", "-e", "KUBECONFIG=/kube/config",
        "-v", f"{recipe}:/data/recipe/recipe.yaml:ro",
        "-v", f"{termination}:/dev/termination-log",
        "-e", "AICR_VALIDATOR_PHASE=deployment", "-e", "AICR_NAMESPACE=aicr-validation",
        images["validators"], case.check, *case.extra_args,
        check=False,
    )  # fmt: skip
    assert done.returncode == case.exit_code, done.stderr
    assert case.stdout in done.stdout
    message = termination.read_text()
    assert (case.termination in message) if case.termination else message == ""


SNAPSHOT = (
    Path(__file__).resolve().parents[1] / "fixtures" / "snapshot" / "eks-h100-ubuntu.yaml"
).read_text()


def test_aicr_validate_runs_the_checks_in_the_image_named_by_the_registry_override(
    images: dict[str, str], kube: KubeEmulator, kubeconfig: Path, tmp_path: Path
) -> None:
    env = dict(os.environ, KUBECONFIG=str(kubeconfig), HOME=str(tmp_path), NO_COLOR="1")
    recipe = subprocess.run(
        [AICR, "recipe", "--service", "eks", "--accelerator", "h100", "--intent", "training", "--os", "ubuntu"],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    doc = yaml.safe_load(recipe)
    doc["validation"] = {"deployment": {"checks": ["operator-health", "expected-resources"]}}
    (tmp_path / "recipe.yaml").write_text(yaml.safe_dump(doc))
    (tmp_path / "snapshot.yaml").write_text(SNAPSHOT)
    kube.add("v1/namespaces", _namespace("gpu-operator"))
    kube.add("v1/pods", _operator_pod("gpu-operator-1", "Running"))
    runs: list[list[str]] = []
    kube.call(
        lambda emu: emu.on_create.__setitem__(
            "jobs", podman_kubelet(kube, kubeconfig, tmp_path / "kubelet", runs)
        )
    )
    registry = images["validators"].split("/aicr-validators:")[0]
    env.update(
        {
            "AICR_VALIDATOR_IMAGE_REGISTRY": registry,
            "AICR_VALIDATOR_IMAGE_TAG": images["validators"].rsplit(":", 1)[1],
        }
    )
    done = subprocess.run(
        [AICR, "validate", "-r", str(tmp_path / "recipe.yaml"), "-s", str(tmp_path / "snapshot.yaml")],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.stdout.startswith("{"), done.stderr
    tests = {t["name"]: t for t in json.loads(done.stdout)["results"]["tests"]}
    assert all("--entrypoint" not in argv for argv in runs)  # the image's own entry point
    assert (
        all(f"{registry}/aicr-validators/deployment:" in " ".join(argv) for argv in runs) and len(runs) == 2
    )
    assert tests["operator-health"]["status"] == "passed"
    assert tests["expected-resources"]["status"] == "failed"
    assert "expected resource problem(s)" in tests["expected-resources"]["message"]
    assert done.returncode == 8, done.stderr
