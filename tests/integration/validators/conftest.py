"""Fixtures for the built-in checks against the emulated Kubernetes API; `run` runs one check.

Reuses `kube`, `kubeconfig` and `api` from tests/integration/k8s; workloads the checks create
are played by tests/support/validator_workloads.py.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.integration.k8s.conftest import api, kube, kubeconfig

from aicr.k8s.client import ApiClient
from aicr.validators.runtime import CheckContext, run_check

__all__ = ["api", "kube", "kubeconfig", "run_on"]

RUN_ID = "20261204-120000-0123456789abcdef"


class Outcome:
    """Exit code, stdout and termination message of one check run."""

    def __init__(self, code: int, out: str, message: str) -> None:
        self.code, self.out, self.message = code, out, message


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
        }
        environ["AICR_SA_NAMESPACE_FILE"] = str(tmp_path / "no-such-file")
        ctx = CheckContext("check", environ={**environ, **(env or {})}, out=out, client=api, recipe=recipe)
        code = run_check(check, ctx)
        return Outcome(code, out.getvalue(), log.read_text() if log.exists() else "")

    return run
