"""`aicr validate --cncf-submission` through the CLI against the emulated API: files, verdicts, exits."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.integration.validators.test_conformance_controller import trainer
from tests.integration.validators.test_conformance_metrics import DCGM_PATH, FIXTURES
from tests.support.conformance_cluster import register, serve_proxy, service
from tests.support.kube_emulator import KubeEmulator

AICR = shutil.which("aicr", path=os.path.dirname(sys.executable)) or "aicr"


def aicr(kubeconfig: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [AICR, "validate", "--kubeconfig", str(kubeconfig), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )


def metrics_cluster(kube: KubeEmulator) -> None:
    register(kube)
    kube.add("v1/services", service("nvidia-dcgm-exporter", "gpu-operator", 9400))
    serve_proxy(kube, {DCGM_PATH: (FIXTURES / "dcgm-exporter.txt").read_text()})


def test_passing_and_skipped_features_exit_zero_with_evidence(
    kube: KubeEmulator, kubeconfig: Path, tmp_path: Path
) -> None:
    metrics_cluster(kube)
    out = tmp_path / "evidence"
    result = aicr(
        kubeconfig,
        "--cncf-submission",
        "--evidence-dir",
        str(out),
        "--feature",
        "metrics",
        "--feature",
        "dra",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert sorted(p.name for p in out.iterdir()) == ["accelerator-metrics.md", "dra-support.md", "index.md"]
    index = (out / "index.md").read_text()
    assert "| [Dynamic Resource Allocation (DRA)](dra-support.md) | SKIP | dra-support |" in index
    assert "| [Accelerator metrics](accelerator-metrics.md) | PASS | accelerator-metrics |" in index
    evidence = (out / "accelerator-metrics.md").read_text()
    assert "**Result: PASS**" in evidence and "DCGM_FI_DEV_GPU_TEMP: 2 sample(s), gpu 0,1" in evidence


def test_failing_feature_exits_eight_after_writing_evidence(
    kube: KubeEmulator, kubeconfig: Path, tmp_path: Path
) -> None:
    register(kube)
    trainer(kube)
    out = tmp_path / "evidence"
    result = aicr(kubeconfig, "--cncf-submission", "--evidence-dir", str(out), "--feature", "operator")
    assert result.returncode == 8, result.stderr
    assert "CNCF conformance feature(s) failed: robust-operator" in result.stderr
    assert "**Result: FAIL**" in (out / "robust-operator.md").read_text()
    assert "**Overall: FAIL** (failed: robust-operator)" in (out / "index.md").read_text()
    posts = [(p, q) for m, p, q in kube.requests() if m == "POST" and p.endswith("/trainjobs")]
    assert posts == [("/apis/trainer.kubeflow.org/v1alpha1/namespaces/default/trainjobs", {"dryRun": "All"})]


def test_unknown_feature_exits_two_before_touching_the_cluster(
    kube: KubeEmulator, kubeconfig: Path, tmp_path: Path
) -> None:
    result = aicr(kubeconfig, "--cncf-submission", "--evidence-dir", str(tmp_path / "e"), "--feature", "nope")
    assert result.returncode == 2
    assert 'invalid feature "nope"' in result.stderr
    assert kube.requests() == []
    assert not (tmp_path / "e").exists()


def test_ai_service_metrics_is_a_feature(kube: KubeEmulator, kubeconfig: Path, tmp_path: Path) -> None:
    register(kube)
    out = tmp_path / "evidence"
    result = aicr(
        kubeconfig, "--cncf-submission", "--evidence-dir", str(out), "--feature", "ai-service-metrics"
    )
    assert result.returncode == 8, result.stderr
    assert "no Prometheus Service with port 9090" in (out / "ai-service-metrics.md").read_text()


def test_recipe_scopes_the_features(kube: KubeEmulator, kubeconfig: Path, tmp_path: Path) -> None:
    register(kube)
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(
        "kind: RecipeResult\napiVersion: aicr.nvidia.com/v1alpha1\ncomponentRefs:\n  - name: gpu-operator\n    namespace: gpu-operator\n"
    )
    out = tmp_path / "evidence"
    result = aicr(
        kubeconfig,
        "--cncf-submission",
        "--evidence-dir",
        str(out),
        "--recipe",
        str(recipe),
        "-f",
        "gateway",
        "-f",
        "operator",
    )
    assert result.returncode == 0, result.stderr
    index = (out / "index.md").read_text()
    assert "| [Inference gateway](inference-gateway.md) | SKIP | inference-gateway |" in index
    assert "| [Robust AI operator](robust-operator.md) | SKIP | robust-controller |" in index
    assert "the recipe has no inference gateway" in (out / "inference-gateway.md").read_text()
