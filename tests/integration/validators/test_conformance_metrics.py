"""accelerator-metrics and ai-service-metrics through the emulated API server's service proxy."""

from __future__ import annotations

from pathlib import Path

from tests.integration.validators.conftest import Runner, recipe_with
from tests.support.conformance_cluster import serve_proxy, service
from tests.support.kube_emulator import KubeEmulator

from aicr.validators.runtime import EXIT_FAILED, EXIT_PASSED, EXIT_SKIPPED

FIXTURES = Path(__file__).parents[2] / "fixtures" / "validators" / "conformance"
DCGM_PATH = "/api/v1/namespaces/gpu-operator/services/nvidia-dcgm-exporter:9400/proxy/metrics"
PROM_PATH = "/api/v1/namespaces/monitoring/services/kube-prometheus-prometheus:9090/proxy/api/v1/query"
PROM_ANSWER = {
    "status": "success",
    "data": {
        "resultType": "vector",
        "result": [{"metric": {"__name__": "DCGM_FI_DEV_GPU_UTIL", "gpu": "0"}, "value": [1764842400, "0"]}],
    },
}


def test_dcgm_exporter_with_all_metrics_passes(kube: KubeEmulator, run_conformance: Runner) -> None:
    kube.add("v1/services", service("nvidia-dcgm-exporter", "gpu-operator", 9400))
    asked = serve_proxy(kube, {DCGM_PATH: (FIXTURES / "dcgm-exporter.txt").read_text()})
    outcome = run_conformance("accelerator-metrics", recipe_with("gpu-operator"))
    assert outcome.code == EXIT_PASSED, outcome.message
    assert asked == [DCGM_PATH]
    assert "RESULT: DCGM metrics present: 4/4" in outcome.stdout


def test_dcgm_exporter_missing_metrics_fails(kube: KubeEmulator, run_conformance: Runner) -> None:
    kube.add("v1/services", service("nvidia-dcgm-exporter", "gpu-operator", 9400))
    serve_proxy(kube, {DCGM_PATH: (FIXTURES / "dcgm-exporter-no-power-fb.txt").read_text()})
    outcome = run_conformance("accelerator-metrics", recipe_with("gpu-operator"))
    assert outcome.code == EXIT_FAILED
    assert outcome.message == "DCGM exporter does not expose: DCGM_FI_DEV_FB_USED, DCGM_FI_DEV_POWER_USAGE"


def test_dcgm_exporter_garbage_output_fails(kube: KubeEmulator, run_conformance: Runner) -> None:
    kube.add("v1/services", service("nvidia-dcgm-exporter", "gpu-operator", 9400))
    serve_proxy(kube, {DCGM_PATH: "<html>502 Bad Gateway</html>\n"})
    outcome = run_conformance("accelerator-metrics", recipe_with("gpu-operator"))
    assert outcome.code == EXIT_FAILED and "not valid exposition text" in outcome.message


def test_declared_gpu_operator_without_exporter_fails(kube: KubeEmulator, run_conformance: Runner) -> None:
    outcome = run_conformance("accelerator-metrics", recipe_with("gpu-operator"))
    assert outcome.code == EXIT_FAILED and "not found" in outcome.message


def test_accelerator_metrics_skip_without_gpu_operator(kube: KubeEmulator, run_conformance: Runner) -> None:
    outcome = run_conformance("accelerator-metrics", recipe_with("cert-manager"))
    assert outcome.code == EXIT_SKIPPED


def test_prometheus_with_gpu_series_and_custom_metrics_passes(
    kube: KubeEmulator, run_conformance: Runner
) -> None:
    kube.add(
        "v1/services",
        service("kube-prometheus-prometheus", "monitoring", 9090),
        service("kube-prometheus-alertmanager", "monitoring", 9093),
    )
    asked = serve_proxy(kube, {PROM_PATH: PROM_ANSWER})
    outcome = run_conformance(
        "ai-service-metrics", recipe_with("kube-prometheus-stack", kube_prometheus_stack="monitoring")
    )
    assert outcome.code == EXIT_PASSED, outcome.message
    assert asked == [PROM_PATH]


def test_prometheus_without_gpu_series_fails(kube: KubeEmulator, run_conformance: Runner) -> None:
    kube.add("v1/services", service("kube-prometheus-prometheus", "monitoring", 9090))
    serve_proxy(kube, {PROM_PATH: {"status": "success", "data": {"resultType": "vector", "result": []}}})
    outcome = run_conformance(
        "ai-service-metrics", recipe_with("kube-prometheus-stack", kube_prometheus_stack="monitoring")
    )
    assert outcome.code == EXIT_FAILED and "no DCGM_FI_DEV_GPU_UTIL series" in outcome.message


def test_missing_custom_metrics_api_fails(kube: KubeEmulator, run_conformance: Runner) -> None:
    kube.add("v1/services", service("kube-prometheus-prometheus", "monitoring", 9090))
    serve_proxy(kube, {PROM_PATH: PROM_ANSWER})
    kube.call(lambda emu: [emu.resources.pop(r) for r in list(emu.resources) if "custom.metrics" in str(r)])
    outcome = run_conformance(
        "ai-service-metrics", recipe_with("kube-prometheus-stack", kube_prometheus_stack="monitoring")
    )
    assert outcome.code == EXIT_FAILED and "custom metrics API" in outcome.message


def test_ai_service_metrics_skip_without_prometheus(kube: KubeEmulator, run_conformance: Runner) -> None:
    outcome = run_conformance("ai-service-metrics", recipe_with("gpu-operator"))
    assert outcome.code == EXIT_SKIPPED
