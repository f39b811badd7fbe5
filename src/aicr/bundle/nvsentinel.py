"""Registry checks on NVSentinel: driver label, RuntimeClass and tracing endpoint.

Pure. Each check reads nvsentinel's final values and, where the verdict depends on who owns the
driver or the RuntimeClass, the GPU operator's. A check is silent when the GPU operator is not in
the bundle (nothing to compare against). Facts follow the reference's registry checks (NVIDIA/aicr
CheckNVSentinel*); the code is this project's.
"""

from __future__ import annotations

from aicr.bundle import paths as vpaths
from aicr.bundle.checkvalues import dynamic_hits, helm_truthy, string_at, subchart_disabled, toggle
from aicr.bundle.ownership import GPU_OPERATORS
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from aicr.bundle.checkvalues import CheckContext
    from aicr.bundle.components import Component

REMEDY_PATH = "labeler.assumeDriverInstalled"
CONSUMER_PATHS = ("global.metadataCollector.enabled", "global.syslogHealthMonitor.enabled")
COLLECTOR_CLASS_PATH = "metadata-collector.runtimeClassName"
DEFAULT_RUNTIME_CLASS = "nvidia"  # both charts' default


def _deferred(comp: Component, hits: list[str], why: str) -> list[str]:
    return [f"{comp.name}: --dynamic on {', '.join(hits)} is not allowed here: {why}"]


def _labeler_sees_driver_pod(ctx: CheckContext) -> bool:
    """GKE COS with gpuStack=bundle-installer ships a driver-installer pod the labeler observes."""
    crit = ctx.criteria
    profile = ctx.metadata.get("selectedProfile")
    return (
        str(crit.get("service") or "").lower() == "gke"
        and str(crit.get("os") or "").lower() == "cos"
        and isinstance(profile, dict)
        and profile.get("name") == "gpuStack"
        and profile.get("value") == "bundle-installer"
    )


def driver_label_detectable(comp: Component, ctx: CheckContext) -> list[str]:
    """CheckNVSentinelDriverLabelDetectable: a host-installed driver needs the labeler's assume flag."""
    gpu = ctx.first(GPU_OPERATORS)
    if gpu is None:
        return []
    driver, problem = toggle(gpu.values, "driver")
    # An unreadable toggle is reported by the operator's own ownership check (it is bundled).
    if problem or driver is not False or _labeler_sees_driver_pod(ctx):
        return []
    remedy = helm_truthy(vpaths.get_path(comp.values, REMEDY_PATH)[0])
    remedy_dynamic = dynamic_hits(comp, (REMEDY_PATH,))
    if all(subchart_disabled(comp.values, key) for key in ("metadataCollector", "syslogHealthMonitor")):
        hits = dynamic_hits(comp, CONSUMER_PATHS)
        if hits and not (remedy and not remedy_dynamic):
            return _deferred(comp, hits, "re-enabling a label consumer at install time would find no remedy")
        return []
    if remedy_dynamic:
        return _deferred(
            comp, remedy_dynamic, "stripping the remedy at install time recreates 0-desired pods"
        )
    if remedy:
        return []
    affected = []
    if not subchart_disabled(comp.values, "metadataCollector"):
        affected.append("metadata-collector")
    if not subchart_disabled(comp.values, "syslogHealthMonitor"):
        affected += ["syslog-health-monitor-regular", "syslog-health-monitor-kata"]
    return [
        f"{comp.name}: the values leave the NVIDIA driver to the node image ({gpu.name} driver.enabled=false) "
        f"and no driver pod the NVSentinel labeler can observe is deployed, but {REMEDY_PATH} is not set; "
        f"the driver.installed node label is never applied and {', '.join(affected)} come up with 0 "
        f"desired pods. Set --set nv-sentinel:{REMEDY_PATH}=true"
    ]


def runtime_class_coherence(comp: Component, ctx: CheckContext) -> list[str]:
    """CheckNVSentinelRuntimeClassCoherence: the collector's RuntimeClass must be the operator's."""
    gpu = ctx.first(GPU_OPERATORS)
    if gpu is None:
        return []
    operator_class, valid = string_at(gpu.values, "operator.runtimeClass")
    if not valid:
        return []
    operator_class = operator_class or DEFAULT_RUNTIME_CLASS
    collector, collector_valid = string_at(comp.values, COLLECTOR_CLASS_PATH)
    collector = DEFAULT_RUNTIME_CLASS if collector is None else collector
    class_dynamic = dynamic_hits(comp, (COLLECTOR_CLASS_PATH,))
    if collector != "":
        class_dynamic += dynamic_hits(gpu, ("operator.runtimeClass",))
    if subchart_disabled(comp.values, "metadataCollector"):
        coherent = collector_valid and collector in ("", operator_class)
        hits = dynamic_hits(comp, ("global.metadataCollector.enabled",))
        if hits and not (coherent and not class_dynamic):
            return _deferred(comp, hits, "a re-enabled metadata-collector may not be admitted")
        return []
    if not collector_valid:
        return []
    if class_dynamic:
        return _deferred(comp, class_dynamic, "an install-time edit can desynchronize the RuntimeClass names")
    if collector in ("", operator_class):
        return []
    return [
        f'{comp.name}: metadata-collector sets runtimeClassName="{collector}" but {gpu.name} creates its '
        f'RuntimeClass as "{operator_class}" (operator.runtimeClass); every metadata-collector pod is '
        f'rejected at admission (RuntimeClass "{collector}" not found). Set --set '
        f"nv-sentinel:{COLLECTOR_CLASS_PATH}={operator_class}"
    ]


def tracing_endpoint_required(comp: Component, ctx: CheckContext) -> list[str]:
    """CheckNVSentinelTracingEndpointRequired: tracing on needs an OTLP endpoint."""
    enabled = helm_truthy(vpaths.get_path(comp.values, "global.tracing.enabled")[0])
    endpoint, valid = string_at(comp.values, "global.tracing.endpoint")
    enabled_dynamic = dynamic_hits(comp, ("global.tracing.enabled",))
    endpoint_dynamic = dynamic_hits(comp, ("global.tracing.endpoint",))
    endpoint_set = valid and bool((endpoint or "").strip()) and not endpoint_dynamic
    if (enabled_dynamic and not endpoint_set) or (endpoint_dynamic and (enabled or enabled_dynamic)):
        return _deferred(
            comp,
            enabled_dynamic + endpoint_dynamic,
            "an install-time edit can enable tracing with no endpoint",
        )
    if not enabled:
        return []
    if not valid:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'component "{comp.name}": global.tracing.endpoint must be a string',
            {"component": comp.name},
        )
    if endpoint_set:
        return []
    raise AicrError(
        Code.INVALID_REQUEST,
        f'component "{comp.name}": global.tracing.enabled=true but global.tracing.endpoint is empty; the '
        "OTLP exporter would have no destination. Set --set nv-sentinel:global.tracing.endpoint=<host:port>",
        {"component": comp.name},
    )
