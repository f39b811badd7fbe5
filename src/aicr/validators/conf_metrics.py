"""accelerator-metrics and ai-service-metrics: GPU metrics are exported and reach Prometheus.

Pure judges (`judge_accelerator_metrics`, `prometheus_samples`, `pick_prometheus_service`) and a
thin edge through the check's client. reference/validate.md §4.3: the DCGM exporter Service
(`nvidia-dcgm-exporter:9400` in the GPU Operator namespace) must expose DCGM_FI_DEV_GPU_UTIL,
DCGM_FI_DEV_FB_USED, DCGM_FI_DEV_GPU_TEMP and DCGM_FI_DEV_POWER_USAGE; Prometheus (port 9090 in
the kube-prometheus-stack namespace) must return DCGM_FI_DEV_GPU_UTIL samples (polled every
10 s for up to 2 min) and the custom metrics API must be served. Both fetch through the API
server's service proxy, so they work from inside and outside the cluster.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code
from aicr.validators.conf_exposition import Sample, parse_exposition
from aicr.validators.conf_state import component_namespace, declared_components, name_of
from aicr.validators.conf_workloads import api_served, poll
from aicr.validators.runtime import CheckContext, CheckFailed, CheckSkipped

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

REQUIRED_DCGM = (
    "DCGM_FI_DEV_GPU_UTIL",
    "DCGM_FI_DEV_FB_USED",
    "DCGM_FI_DEV_GPU_TEMP",
    "DCGM_FI_DEV_POWER_USAGE",
)
DCGM_SERVICE = "nvidia-dcgm-exporter"
DCGM_PORT = 9400
PROMETHEUS_PORT = 9090
PROMETHEUS_QUERY = "DCGM_FI_DEV_GPU_UTIL"
CUSTOM_METRICS_API = "custom.metrics.k8s.io/v1beta1"


def judge_accelerator_metrics(samples: list[Sample]) -> tuple[list[str], list[str]]:
    """(missing required metrics, one `name: n samples (GPUs …)` line per required metric)."""
    lines, missing = [], []
    for metric in REQUIRED_DCGM:
        found = [s for s in samples if s.name == metric]
        if not found:
            missing.append(metric)
            lines.append(f"{metric}: missing")
            continue
        gpus = sorted({s.labels.get("gpu", "?") for s in found})
        lines.append(
            f"{metric}: {len(found)} sample(s), gpu {','.join(gpus)}, first value {found[0].value:g}"
        )
    return missing, lines


def accelerator_metrics(ctx: CheckContext) -> None:
    """The DCGM exporter serves the four required GPU metrics."""
    namespace = component_namespace(ctx.recipe, "gpu-operator", "gpu-operator")
    service = ctx.env.get("AICR_DCGM_EXPORTER_SERVICE") or DCGM_SERVICE
    if ctx.client.find("Service", service, namespace) is None:
        declared = declared_components(ctx.recipe)
        if declared is not None and "gpu-operator" not in declared:
            raise CheckSkipped(
                f"no DCGM exporter Service {namespace}/{service} and the recipe has no gpu-operator"
            )
        raise CheckFailed(f"DCGM exporter Service {namespace}/{service} not found")
    from aicr.k8s.proxy import proxy_text

    ctx.print(f"GET services/{namespace}/{service}:{DCGM_PORT}/metrics")
    text = proxy_text(ctx.client, namespace, service, DCGM_PORT, "metrics")
    try:
        samples = parse_exposition(text)
    except AicrError as exc:
        raise CheckFailed(f"DCGM exporter metrics are not valid exposition text: {exc.message}") from None
    missing, lines = judge_accelerator_metrics(samples)
    for line in lines:
        ctx.print(line)
    ctx.result(f"DCGM metrics present: {len(REQUIRED_DCGM) - len(missing)}/{len(REQUIRED_DCGM)}")
    ctx.extra(samples=len(samples))
    if missing:
        raise CheckFailed("DCGM exporter does not expose: " + ", ".join(missing))


def pick_prometheus_service(services: list[dict[str, Any]]) -> str | None:
    """The Prometheus server Service: a port 9090, `prometheus` in its name, not an operator or alertmanager."""
    candidates = []
    for svc in services:
        name = name_of(svc)
        ports = [p.get("port") for p in (svc.get("spec") or {}).get("ports") or [] if isinstance(p, dict)]
        if (
            PROMETHEUS_PORT in ports
            and "prometheus" in name
            and not any(x in name for x in ("operator", "alertmanager"))
        ):
            candidates.append(name)
    if not candidates:
        return None
    return sorted(candidates, key=lambda n: (not n.endswith("-prometheus"), n))[0]


def prometheus_samples(body: Any) -> int:
    """Samples in a Prometheus `/api/v1/query` answer; INVALID_REQUEST when it is not a success."""
    if not isinstance(body, dict) or body.get("status") != "success":
        error = body.get("error") if isinstance(body, dict) else None
        raise AicrError(Code.INVALID_REQUEST, f"Prometheus query failed: {error or 'unexpected answer'}")
    result = (body.get("data") or {}).get("result")
    if not isinstance(result, list):
        raise AicrError(Code.INVALID_REQUEST, "Prometheus query answer has no data.result list")
    return len(result)


def _query(ctx: CheckContext, namespace: str, service: str) -> int | None:
    path = f"/api/v1/namespaces/{namespace}/services/{service}:{PROMETHEUS_PORT}/proxy/api/v1/query"
    count = prometheus_samples(ctx.client.request("GET", path, params={"query": PROMETHEUS_QUERY}))
    return count or None


def ai_service_metrics(ctx: CheckContext) -> None:
    """Prometheus holds DCGM GPU metrics and the custom metrics API is served."""
    namespace = component_namespace(ctx.recipe, "kube-prometheus-stack", "monitoring")
    service = pick_prometheus_service(ctx.client.list("Service", namespace))
    if service is None:
        declared = declared_components(ctx.recipe)
        if declared is not None and "kube-prometheus-stack" not in declared:
            raise CheckSkipped("the recipe has no kube-prometheus-stack and no Prometheus Service was found")
        raise CheckFailed(f"no Prometheus Service with port {PROMETHEUS_PORT} in namespace {namespace}")
    ctx.print(f"Prometheus: {namespace}/{service}:{PROMETHEUS_PORT}; query {PROMETHEUS_QUERY}")
    timeout = float(ctx.env.get("AICR_METRICS_WAIT_S") or 120)
    try:
        count = poll(lambda: _query(ctx, namespace, service), timeout, 10.0)
    except AicrError as exc:
        raise CheckFailed(exc.message) from None
    ctx.print(f"{PROMETHEUS_QUERY}: {count or 0} series")
    if not count:
        raise CheckFailed(f"Prometheus returned no {PROMETHEUS_QUERY} series within {timeout:g}s")
    served = api_served(ctx.client, CUSTOM_METRICS_API)
    ctx.print(f"/apis/{CUSTOM_METRICS_API}: {'served' if served else 'not served'}")
    ctx.result(f"Prometheus GPU series: {count}; custom metrics API: {'served' if served else 'missing'}")
    if not served:
        raise CheckFailed(f"the custom metrics API ({CUSTOM_METRICS_API}) is not served")
