"""Registry checks on who owns the GPU driver and the Slurm accounting database.

Pure. `driver_ownership` (CheckDriverOwnershipCoherence, on gpu-operator and gpu-operator-ocp)
reads the final values of the GPU operator and of the DRA driver; `mariadb_ownership`
(CheckMariaDBOperatorOwnershipCoherence) reads the recipe's snapshot evidence. Facts follow the
reference's registry checks (NVIDIA/aicr pkg/recipe validations); the code is this project's.
"""

from __future__ import annotations

import posixpath

from aicr.bundle import paths as vpaths
from aicr.bundle.checkvalues import dynamic_hits, string_at, toggle
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from aicr.bundle.checkvalues import CheckContext
    from aicr.bundle.components import Component

GPU_OPERATORS = ("gpu-operator", "gpu-operator-ocp")
DRA_DRIVERS = ("nvidia-dra-driver-gpu", "nvidia-dra-driver-gpu-ocp")
# The operator's container driver root; also the chart default of hostPaths.driverInstallDir.
OPERATOR_DRIVER_ROOT = "/run/nvidia/driver"
DRIVER_STATES = ("preinstalled", "absent")
OWNERSHIP_PATHS = ("driver.enabled", "toolkit.enabled", "hostPaths.driverInstallDir")


def driver_ownership(comp: Component, ctx: CheckContext) -> list[str]:
    """Findings when the final values render an incoherent GPU driver-ownership profile."""
    hits = dynamic_hits(comp, OWNERSHIP_PATHS)
    if hits:
        return [
            f"{comp.name}: --dynamic on {', '.join(hits)} defers driver ownership to install time, where "
            "no bundle-time check runs; set these paths with --set instead"
        ]
    msgs: list[str] = []
    state = ctx.metadata.get("gpuDriverState") or ""
    if state not in ("", *DRIVER_STATES):
        msgs.append(
            f'{comp.name}: metadata.gpuDriverState="{state}" is not a recognized value (expected '
            '"preinstalled", "absent" or empty); fix the field or regenerate the recipe'
        )
    driver, driver_problem = toggle(comp.values, "driver")
    toolkit, toolkit_problem = toggle(comp.values, "toolkit")
    problems = [p for p in (driver_problem, toolkit_problem) if p]
    if problems:
        return msgs + [
            f"{comp.name}: {p}; the chart writes it unquoted into the ClusterPolicy, so driver ownership "
            "cannot be verified. Set a bare boolean, e.g. --set gpuoperator:driver.enabled=false"
            for p in problems
        ]
    driver_enabled = driver is not False
    if state == "absent" and (not driver_enabled or toolkit is False) and not _bundle_installs_driver(ctx):
        msgs.append(
            f"{comp.name}: the values assume a preinstalled NVIDIA driver and toolkit (driver.enabled=false "
            "and/or toolkit.enabled=false) but the snapshot behind this recipe saw no NVIDIA kernel driver "
            "on the GPU node; the bundle would leave GPU nodes driverless. Let the operator install the "
            "driver (--set gpuoperator:driver.enabled=true) or install one on the nodes and re-snapshot"
        )
    install_dir, trusted, dir_msgs = _install_dir(comp)
    return msgs + dir_msgs + _dra_lockstep(comp, ctx, driver_enabled, install_dir, trusted)


def _bundle_installs_driver(ctx: CheckContext) -> bool:
    installer = ctx.components.get("gcp-driver-installer")
    if installer is None:
        return False
    value, _found = vpaths.get_path(installer.values, "installer.enabled")
    return value is True or value == "true"


def _install_dir(comp: Component) -> tuple[str, bool, list[str]]:
    """(install dir, trusted, findings) for hostPaths.driverInstallDir."""
    declared, valid = string_at(comp.values, "hostPaths.driverInstallDir")
    if not valid:
        return OPERATOR_DRIVER_ROOT, False, [f"{comp.name}: hostPaths.driverInstallDir is not a string"]
    if not declared:
        return OPERATOR_DRIVER_ROOT, True, []
    cleaned = posixpath.normpath(declared)
    if cleaned in ("/", "//"):
        return (
            cleaned,
            False,
            [
                f"{comp.name}: hostPaths.driverInstallDir={declared} is invalid: the operator validator "
                "bind-mounts it as a container mount destination and runc rejects a mount on /. Point it at "
                f"a dedicated host directory such as {OPERATOR_DRIVER_ROOT}"
            ],
        )
    return cleaned, True, []


def _dra_lockstep(
    comp: Component, ctx: CheckContext, driver_enabled: bool, install_dir: str, trusted: bool
) -> list[str]:
    """The DRA driver's nvidiaDriverRoot must track whoever owns the driver."""
    dra = ctx.first(DRA_DRIVERS)
    if dra is None:
        return []
    key = dra.keys[-1] if dra.keys else dra.name
    if dynamic_hits(dra, ("nvidiaDriverRoot",)):
        return [
            f"{comp.name}: --dynamic on {dra.name} nvidiaDriverRoot defers the DRA driver root to install "
            "time, where no bundle-time check keeps it in step with the driver owner"
        ]
    root, valid = string_at(dra.values, "nvidiaDriverRoot")
    if not valid:
        return [f"{comp.name}: {dra.name} nvidiaDriverRoot is not a string"]
    if not trusted:
        return []
    if driver_enabled and root is None:
        return [
            f"{comp.name}: nvidiaDriverRoot is not set for {dra.name}, so it falls to the chart default (/) "
            f"which cannot match the operator-managed driver. Set --set {key}:nvidiaDriverRoot={install_dir}"
        ]
    if driver_enabled and root is not None and posixpath.normpath(root) != install_dir:
        return [
            f"{comp.name}: the operator-managed driver installs to hostPaths.driverInstallDir={install_dir} "
            f"but {dra.name} reads nvidiaDriverRoot={root}; CDI spec generation will fail and DRA pods "
            f"stall in ContainerCreating. Set --set {key}:nvidiaDriverRoot={install_dir}"
        ]
    if not driver_enabled and root is not None and posixpath.normpath(root) == OPERATOR_DRIVER_ROOT:
        return [
            f"{comp.name}: driver.enabled=false but {dra.name} still reads nvidiaDriverRoot="
            f"{OPERATOR_DRIVER_ROOT}, which nothing populates when the operator does not manage the driver "
            "(a recipe made before the preinstalled-driver default?). Regenerate the recipe or set "
            f"--set {key}:nvidiaDriverRoot=/"
        ]
    return []


MARIADB_STATES = ("absent", "api-detected", "crs-detected", "unknown")


def mariadb_ownership(comp: Component, ctx: CheckContext) -> list[str]:
    """AICR-provided Slurm accounting must not compete with an existing MariaDB operator."""
    slurm = ctx.configuration.get("slurm")
    accounting = slurm.get("accounting") if isinstance(slurm, dict) else None
    mode = accounting.get("mode") if isinstance(accounting, dict) else None
    if mode != "aicr-provided":
        return []
    state = ctx.metadata.get("mariaDBOperatorState") or ""
    if state == "absent":
        return []
    if state == "":
        return [
            f"{comp.name}: no metadata.mariaDBOperatorState snapshot evidence was recorded, so MariaDB "
            "operator conflicts were not evaluated; regenerate the recipe from a current snapshot"
        ]
    if state == "api-detected":
        return [
            f"{comp.name}: the snapshot found the MariaDB operator API but no MariaDB resources; make sure "
            "a second operator will not conflict, or use --slurm-accounting-mode customer-managed"
        ]
    if state == "crs-detected":
        raise AicrError(
            Code.CONFLICT,
            f"{comp.name}: the snapshot found existing MariaDB resources; AICR-provided accounting would "
            "install a competing database stack. Regenerate with --slurm-accounting-mode customer-managed",
            {"component": comp.name},
        )
    if state == "unknown":
        raise AicrError(
            Code.CONFLICT,
            f"{comp.name}: MariaDB operator evidence is inconclusive, so AICR-provided accounting cannot be "
            "installed safely; snapshot with discovery permissions or use customer-managed accounting",
            {"component": comp.name},
        )
    raise AicrError(
        Code.INVALID_REQUEST,
        f'{comp.name}: metadata.mariaDBOperatorState="{state}" is not recognized (expected one of '
        f"{', '.join(MARIADB_STATES)}); regenerate the recipe",
        {"component": comp.name},
    )
