"""Fixtures for validate against the emulated Kubernetes API (tests/support/kube_emulator.py).

Reuses the `kube`, `kubeconfig` and `api` fixtures of tests/integration/k8s and adds a scripted
validator "Job controller" (see validator_jobs.py).
"""

from __future__ import annotations

from tests.integration.k8s.conftest import api, kube, kubeconfig

__all__ = ["api", "kube", "kubeconfig"]
