"""Fixtures for the built-in checks against the emulated Kubernetes API.

Reuses `kube`, `kubeconfig` and `api` from tests/integration/k8s. `run_on` runs one check function
with a recipe (workloads the deployment/performance checks create are played by
tests/support/validator_workloads.py); `run_conformance` runs one registered check by name
in-process with the real runtime (exit code, stdout, termination message), with the conformance
emulator extensions of tests/support/conformance_cluster.py registered.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.integration.k8s.conftest import api, kube, kubeconfig
from tests.support.conformance_cluster import register

from aicr.k8s.client import ApiClient
from aicr.validators.checks import CHECKS
from aicr.validators.runtime import CheckContext, run_check

__all__ = ["api", "kube", "kubeconfig", "run_on"]

RUN_ID = "20261204-120000-0123456789abcdef"
CONFORMANCE_RUN_ID = "20261204-100000-0123456789abcdef"


class Outcome:
    """Exit code, stdout (also as `.out`) and termination message of one check run."""

    def __init__(self, code: int, stdout: str, message: str) -> None:
        self.code = code
        self.stdout = self.out = stdout
        self.message = message


Runner = Callable[..., Outcome]


@pytest.fixture
def run_on(api: ApiClient, tmp_path: Path) -> Callable[..., Outcome]:
    def run(
        check: Callable[[CheckContext], None], recipe: dict[str, Any], env: dict[str, str] | None = None
    ) -> Outcome:
        out = io.StringIO()
        log = tmp_path / "termination-log"
        log.unlink(missing_ok=True)
        environ = {
            "AICR_TERMINATION_LOG": str(log),
            "AICR_RUN_ID": RUN_ID,
            "AICR_NAMESPACE": "aicr-validation",
            "AICR_SA_NAMESPACE_FILE": str(tmp_path / "no-such-file"),
        }
        ctx = CheckContext("check", environ={**environ, **(env or {})}, out=out, client=api, recipe=recipe)
        code = run_check(check, ctx)
        return Outcome(code, out.getvalue(), log.read_text() if log.exists() else "")

    return run


@pytest.fixture
def run_conformance(api: ApiClient, kube: Any, tmp_path: Path) -> Runner:
    register(kube)

    def run(name: str, recipe: dict[str, Any], **env: str) -> Outcome:
        term = tmp_path / f"{name}.term"
        environ = {
            "AICR_RUN_ID": CONFORMANCE_RUN_ID,
            "AICR_NAMESPACE": "aicr-validation",
            "AICR_SA_NAMESPACE_FILE": str(tmp_path / "no-sa-file"),
            "AICR_TERMINATION_LOG": str(term),
            "AICR_CUDA_IMAGE": "nvcr.io/nvidia/cuda:13.0.0-base-ubuntu22.04",
            "AICR_GANG_IMAGE": "busybox:1.37",
            "AICR_AUTOSCALE_IMAGE": "busybox:1.37",
            "AICR_METRICS_WAIT_S": "0",
            "AICR_POD_TIMEOUT_S": "0",
            "AICR_SCALE_TIMEOUT_S": "0",
            "AICR_SLURM_TIMEOUT_S": "0",
            **env,
        }
        out = io.StringIO()
        ctx = CheckContext(name, environ=environ, out=out, client=api, recipe=recipe)
        code = run_check(CHECKS[name], ctx)
        return Outcome(code, out.getvalue(), term.read_text() if term.exists() else "")

    return run


def recipe_with(*components: str, **namespaces: str) -> dict[str, Any]:
    """A recipe whose componentRefs are `components` (namespace from `namespaces[name]` if given)."""
    refs = [
        {
            "name": c,
            **({"namespace": namespaces[c.replace("-", "_")]} if c.replace("-", "_") in namespaces else {}),
        }
        for c in components
    ]
    return {"kind": "RecipeResult", "apiVersion": "aicr.nvidia.com/v1alpha1", "componentRefs": refs}
