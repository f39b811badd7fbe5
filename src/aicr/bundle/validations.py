"""Registry validations: bundle-time checks a component's registry entry asks for.

Pure. Each registry `validations[]` item names a check function, a severity and optional
criteria conditions (reference/bundle.md §2 step 5): a `warning` becomes a deployment note, an
`info` is only logged, an `error` aborts the bundle (the first one wins). A function name the
reference does not define fails closed, so a typo can never skip a safety check; the reference's
component-specific coherence checks that are not implemented here yet (NOT_IMPLEMENTED) are
skipped with a debug log.
"""

from __future__ import annotations

from aicr import logs
from aicr.errors import AicrError, Code
from aicr.recipe.criteria import FIELDS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from aicr.bundle.components import Component
    from aicr.bundle.options import BundleOptions

    Check = Callable[[Component, dict[str, Any], BundleOptions], "str | None"]


def _workload_selector_missing(comp: Component, criteria: dict[str, Any], opts: BundleOptions) -> str | None:
    if opts.workload_selector:
        return None
    return f"{comp.name} is enabled but --workload-selector is not set"


def _accelerated_selector_missing(
    comp: Component, criteria: dict[str, Any], opts: BundleOptions
) -> str | None:
    if opts.accelerated_selector:
        return None
    return f"{comp.name} is enabled but --accelerated-node-selector is not set"


def _wildcard_accelerated_toleration(
    comp: Component, criteria: dict[str, Any], opts: BundleOptions
) -> str | None:
    tolerations = opts.accelerated_tolerations
    if tolerations and all(t.get("key") for t in tolerations):
        return None
    return f"{comp.name} renders a wildcard (keyless) accelerated-node toleration"


def _host_mofed_without_network_operator(
    comp: Component, criteria: dict[str, Any], opts: BundleOptions
) -> str | None:
    if (opts.set_values.get("networkoperator") or {}).get("enabled") != "false":
        return None
    if (opts.set_values.get("gpuoperator") or {}).get("driver.rdma.useHostMofed") == "false":
        return None
    return (
        f"{comp.name}: network-operator is disabled but driver.rdma.useHostMofed is not set to false"
        " — add --set gpuoperator:driver.rdma.useHostMofed=false to avoid MOFED-related errors"
    )


CHECKS: dict[str, Check] = {
    "CheckWorkloadSelectorMissing": _workload_selector_missing,
    "CheckAcceleratedSelectorMissing": _accelerated_selector_missing,
    "CheckWildcardAcceleratedToleration": _wildcard_accelerated_toleration,
    "CheckHostMofedWithoutNetworkOperator": _host_mofed_without_network_operator,
}


# Reference check functions whose component-specific logic is not implemented yet.
NOT_IMPLEMENTED = frozenset(
    {
        "CheckDriverOwnershipCoherence",
        "CheckMariaDBOperatorOwnershipCoherence",
        "CheckGKETCPXOInterfacesCoherence",
        "CheckNVSentinelDriverLabelDetectable",
        "CheckNVSentinelRuntimeClassCoherence",
        "CheckNVSentinelTracingEndpointRequired",
        "CheckNVSentinelPreflightDCGMReachable",
        "CheckNVSentinelPreflightGangSchedulerRequired",
    }
)


def conditions_match(criteria: dict[str, Any], conditions: dict[str, list[str]] | None) -> bool:
    """Every condition field's actual criteria value is one of the listed values (or `any`)."""
    for field, allowed in (conditions or {}).items():
        if field not in FIELDS:
            continue
        actual = str(criteria.get(field) or "any").lower()
        if not any(str(v).lower() in (actual, "any", "") for v in allowed):
            return False
    return True


def run(components: list[Component], criteria: dict[str, Any], opts: BundleOptions) -> list[str]:
    """Warnings to show as deployment notes; raises INVALID_REQUEST on the first error."""
    warnings: list[str] = []
    for comp in components:
        for validation in (comp.entry or {}).get("validations") or []:
            function = validation.get("function", "")
            check = CHECKS.get(function)
            if check is None and function in NOT_IMPLEMENTED:
                logs.debug(
                    "registry validation not implemented; skipped", component=comp.name, function=function
                )
                continue
            if check is None:
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f'component validation failed: unknown validation function "{function}" for component '
                    f'"{comp.name}"',
                    {"component": comp.name, "function": function},
                )
            if not conditions_match(criteria, validation.get("conditions")):
                continue
            finding = check(comp, criteria, opts)
            if finding is None:
                continue
            message = validation.get("message") or ""
            text = f"{finding}. {message}" if message else finding
            severity = (validation.get("severity") or "warning").lower()
            if severity == "error":
                raise AicrError(
                    Code.INVALID_REQUEST, f"component validation failed: {text}", {"component": comp.name}
                )
            if severity == "info":
                logs.info(text, component=comp.name)
                continue
            logs.warn(text, component=comp.name)
            warnings.append(text)
    return warnings
