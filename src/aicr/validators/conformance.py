"""Conformance-phase checks: the CNCF AI conformance requirements, by check name.

A registry only: each check lives in its own `conf_*` module (pure judges + a thin edge through
the check's `ApiClient`); reference/validate.md §4.3 and §4.4 give their semantics.
"""

from __future__ import annotations

from aicr.validators import (
    conf_autoscaling,
    conf_controller,
    conf_dra,
    conf_gang,
    conf_gateway,
    conf_metrics,
    conf_platform,
    conf_slurm,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from aicr.validators.runtime import CheckContext

CHECKS: dict[str, Callable[[CheckContext], None]] = {
    "dra-support": conf_dra.dra_support,
    "gang-scheduling": conf_gang.gang_scheduling,
    "accelerator-metrics": conf_metrics.accelerator_metrics,
    "ai-service-metrics": conf_metrics.ai_service_metrics,
    "inference-gateway": conf_gateway.inference_gateway,
    "pod-autoscaling": conf_autoscaling.pod_autoscaling,
    "cluster-autoscaling": conf_autoscaling.cluster_autoscaling,
    "robust-controller": conf_controller.robust_controller,
    "secure-accelerator-access": conf_dra.secure_accelerator_access,
    "gpu-operator-health": conf_platform.gpu_operator_health,
    "platform-health": conf_platform.platform_health,
    "slinky-slurm-health": conf_slurm.slinky_slurm_health,
    "slinky-slurm-imex-channel": conf_slurm.slinky_slurm_imex_channel,
}
