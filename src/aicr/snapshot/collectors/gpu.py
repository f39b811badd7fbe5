"""GPU collector: `nvidia-smi -q -x` parsed into the `smi` subtype.

`parse_nvidia_smi` is pure; `collect` runs the command through an injectable runner.
reference/snapshot.md §1.3, §2: driver, cuda-version, gpu-count (number of `<gpu>` elements) and
eight `gpu.*` keys from the FIRST GPU only. Beyond the reference, one item per GPU (model,
memory, driver, firmware, modes; never UUIDs or serial numbers) so mixed nodes are visible. A
missing binary, a non-zero exit, a timeout or unparsable XML all give `{gpu-count: 0}`.
"""

from __future__ import annotations

from aicr import logs
from aicr.snapshot.collectors.commands import CommandError, run_command
from aicr.snapshot.model import Item, Measurement, Subtype

TYPE_CHECKING = False
if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from aicr.snapshot.collectors.commands import CommandRunner
    from aicr.snapshot.model import Reading

COMMAND = ("nvidia-smi", "-q", "-x")
TIMEOUT_S = 10.0

# Reading key -> XML element path below <gpu>, in the reference's order (first GPU only).
FIRST_GPU_KEYS = (
    ("gpu.model", "product_name"),
    ("gpu.product-architecture", "product_architecture"),
    ("gpu.display-mode", "display_mode"),
    ("gpu.display-active", "display_active"),
    ("gpu.persistence-mode", "persistence_mode"),
    ("gpu.addressing-mode", "addressing_mode"),
    ("gpu.vbios-version", "vbios_version"),
    ("gpu.gsp-firmware-version", "gsp_firmware_version"),
)

# Per-GPU item data: an allowlist, so identifiers (uuid, serial, board ids) never leave the host.
ITEM_KEYS = (
    ("model", "product_name"),
    ("product-architecture", "product_architecture"),
    ("memory", "fb_memory_usage/total"),
    ("vbios-version", "vbios_version"),
    ("gsp-firmware-version", "gsp_firmware_version"),
    ("persistence-mode", "persistence_mode"),
    ("mig-mode", "mig_mode/current_mig"),
    ("compute-mode", "compute_mode"),
)


class SmiParseError(ValueError):
    """The nvidia-smi output is not well-formed XML."""


def _text(parent: Element, path: str) -> str:
    node = parent.find(path)
    if node is None:
        return ""
    return "".join(node.itertext())


def parse_nvidia_smi(xml: bytes | str) -> dict[str, Reading]:
    """The `smi` readings of an `nvidia-smi -q -x` document; SmiParseError when it is not XML."""
    return _parse(xml)[0]


def _parse(xml: bytes | str) -> tuple[dict[str, Reading], list[Item]]:
    from xml.etree.ElementTree import ParseError, fromstring

    try:
        root = fromstring(xml)
    except ParseError as exc:
        raise SmiParseError(f"invalid nvidia-smi XML: {exc}") from None
    driver = _text(root, "driver_version")
    data: dict[str, Reading] = {"driver": driver, "cuda-version": _text(root, "cuda_version")}
    gpus = root.findall("gpu")
    data["gpu-count"] = len(gpus)
    if gpus:
        for key, path in FIRST_GPU_KEYS:
            data[key] = _text(gpus[0], path)
    items = []
    for index, gpu in enumerate(gpus):
        values: dict[str, Reading] = {key: _text(gpu, path) for key, path in ITEM_KEYS}
        values["driver"] = driver
        context = {"index": str(index)}
        bus_id = _text(gpu, "pci/pci_bus_id") or gpu.get("id", "")
        if bus_id:
            context["pci-bus-id"] = bus_id
        items.append(Item(context, values))
    return data, items


def collect_smi(runner: CommandRunner = run_command, timeout: float = TIMEOUT_S) -> Subtype:
    """The `smi` subtype; `{gpu-count: 0}` whenever nvidia-smi cannot produce usable XML."""
    try:
        output = runner(COMMAND, timeout)
    except CommandError as exc:
        log = logs.info if "not found" in str(exc) else logs.warn
        log("nvidia-smi unavailable - no GPU data collected", error=str(exc))
        return Subtype("smi", {"gpu-count": 0})
    try:
        data, items = _parse(output)
    except SmiParseError as exc:
        logs.warn("nvidia-smi output parsing failed - no GPU data collected", error=str(exc))
        return Subtype("smi", {"gpu-count": 0})
    return Subtype("smi", data, items=items)


def collect(runner: CommandRunner = run_command, timeout: float = TIMEOUT_S) -> Measurement:
    """The GPU measurement."""
    return Measurement("GPU", [collect_smi(runner, timeout)])
