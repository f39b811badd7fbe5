"""Registry validations: bundle-time checks a component's registry entry asks for.

Pure. Each registry `validations[]` item names a check function, a severity and optional
criteria conditions (reference/bundle.md §2 step 5): a `warning` becomes a deployment note, an
`info` is only logged, an `error` aborts the bundle (the first one wins). Every function the
catalog may name is implemented here; the catalog loader refuses any other name
(`aicr.catalog.models.REGISTRY_CHECKS`, kept equal to `CHECKS` by a test), so a typo can never
skip a safety check. A check may also raise an AicrError itself for a state no severity can
soften (a conflicting database, an unreadable tracing endpoint).
"""

from __future__ import annotations

from aicr import logs
from aicr.bundle import nvsentinel, ownership
from aicr.bundle.checkvalues import CheckContext
from aicr.bundle.sentences import sentence
from aicr.errors import AicrError, Code
from aicr.recipe.criteria import FIELDS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from aicr.bundle.components import Component
    from aicr.bundle.options import BundleOptions

    Check = Callable[[Component, CheckContext], list[str]]


def _workload_selector_missing(comp: Component, ctx: CheckContext) -> list[str]:
    if ctx.opts.workload_selector:
        return []
    return [f"{comp.name} is enabled but --workload-selector is not set"]


def _accelerated_selector_missing(comp: Component, ctx: CheckContext) -> list[str]:
    if ctx.opts.accelerated_selector:
        return []
    return [f"{comp.name} is enabled but --accelerated-node-selector is not set"]


def _wildcard_accelerated_toleration(comp: Component, ctx: CheckContext) -> list[str]:
    tolerations = ctx.opts.accelerated_tolerations
    if tolerations and all(t.get("key") for t in tolerations):
        return []
    return [f"{comp.name} renders a wildcard (keyless) accelerated-node toleration"]


def _host_mofed_without_network_operator(comp: Component, ctx: CheckContext) -> list[str]:
    set_values = ctx.opts.set_values
    if (set_values.get("networkoperator") or {}).get("enabled") != "false":
        return []
    if (set_values.get("gpuoperator") or {}).get("driver.rdma.useHostMofed") == "false":
        return []
    return [
        f"{comp.name}: network-operator is disabled but driver.rdma.useHostMofed is not set to false"
        " — add --set gpuoperator:driver.rdma.useHostMofed=false to avoid MOFED-related errors"
    ]


CHECKS: dict[str, Check] = {
    "CheckWorkloadSelectorMissing": _workload_selector_missing,
    "CheckAcceleratedSelectorMissing": _accelerated_selector_missing,
    "CheckWildcardAcceleratedToleration": _wildcard_accelerated_toleration,
    "CheckHostMofedWithoutNetworkOperator": _host_mofed_without_network_operator,
    "CheckDriverOwnershipCoherence": ownership.driver_ownership,
    "CheckMariaDBOperatorOwnershipCoherence": ownership.mariadb_ownership,
    "CheckNVSentinelDriverLabelDetectable": nvsentinel.driver_label_detectable,
    "CheckNVSentinelRuntimeClassCoherence": nvsentinel.runtime_class_coherence,
    "CheckNVSentinelTracingEndpointRequired": nvsentinel.tracing_endpoint_required,
}


def conditions_match(criteria: dict[str, Any], conditions: dict[str, list[str]] | None) -> bool:
    """Every condition field's actual criteria value is one of the listed values (or `any`)."""
    for field, allowed in (conditions or {}).items():
        if field not in FIELDS:
            raise AicrError(
                Code.INVALID_REQUEST, f'registry validation condition names unknown criteria field "{field}"'
            )
        actual = str(criteria.get(field) or "any").lower()
        if not any(str(v).lower() in (actual, "any", "") for v in allowed):
            return False
    return True


def run(
    components: list[Component],
    criteria: dict[str, Any],
    opts: BundleOptions,
    recipe: dict[str, Any] | None = None,
) -> list[str]:
    """Warnings to show as deployment notes; raises INVALID_REQUEST on the first error."""
    doc = recipe or {}
    ctx = CheckContext(components, criteria, opts, doc.get("metadata"), doc.get("configuration"))
    warnings: list[str] = []
    for comp in components:
        for validation in (comp.entry or {}).get("validations") or []:
            function = validation.get("function", "")
            check = CHECKS.get(function)
            if check is None:
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f'component validation failed: unknown validation function "{function}" for component '
                    f'"{comp.name}"',
                    {"component": comp.name, "function": function},
                )
            if not conditions_match(criteria, validation.get("conditions")):
                continue
            for finding in check(comp, ctx):
                warnings += _report(comp, validation, finding)
    return warnings


def _report(comp: Component, validation: dict[str, Any], finding: str) -> list[str]:
    """Apply the validation's severity to one finding: raise, log, or return it as a note."""
    message = validation.get("message") or ""
    text = f"{sentence(finding)} {sentence(message)}" if message else sentence(finding)
    severity = (validation.get("severity") or "warning").lower()
    if severity == "error":
        raise AicrError(
            Code.INVALID_REQUEST, f"component validation failed: {text}", {"component": comp.name}
        )
    if severity == "info":
        logs.info(text, component=comp.name)
        return []
    logs.warn(text, component=comp.name)
    return [text]
