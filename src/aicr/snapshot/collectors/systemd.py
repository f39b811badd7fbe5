"""SystemD collector: every D-Bus property of a few units (containerd, docker, kubelet).

Edge module (talks to systemd's private D-Bus socket); `to_reading` is pure.
reference/snapshot.md §2: one subtype per unit named after it, properties from
`org.freedesktop.DBus.Properties.GetAll`; strings, bools, 64-bit integers and doubles keep their
type, every other value becomes its Go `%v` text (`"[a b]"`). No socket or no permission → the
measurement with no subtypes; a unit that errors is skipped.
"""

from __future__ import annotations

from aicr import logs
from aicr.snapshot.collectors.patterns import is_filtered
from aicr.snapshot.model import Measurement, Subtype

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from aicr.snapshot.model import Reading

SOCKET = "/run/systemd/private"
DEFAULT_UNITS = ("containerd.service", "docker.service", "kubelet.service")
TIMEOUT_S = 10.0
# reference/snapshot.md §1.4.
FILTERED = ("AllowedCPUs", "AllowedMemoryNodes", "Asserts", "BPFProgram", "BusName", "Id", "*Credential*")
_DESTINATION = "org.freedesktop.systemd1"


def unit_object_path(unit: str) -> str:
    """systemd's object path for a unit: bytes other than [A-Za-z0-9] (and a leading digit) → `_xx`."""
    if not unit:
        return "/org/freedesktop/systemd1/unit/_"
    out = []
    for i, byte in enumerate(unit.encode()):
        ch = chr(byte)
        if (ch.isascii() and ch.isalpha()) or (ch.isdigit() and i > 0):
            out.append(ch)
        else:
            out.append(f"_{byte:x}")
    return "/org/freedesktop/systemd1/unit/" + "".join(out)


def to_reading(value: Any) -> Reading:
    """A D-Bus property value as a reading (reference/snapshot.md §2 SystemD)."""
    from aicr.snapshot.collectors.dbus import ObjectPath, Signature, Variant

    if isinstance(value, Variant):
        signature, inner = value.signature, value.value
        if signature in ("s", "b", "t", "x", "d") and not isinstance(inner, ObjectPath | Signature):
            return inner  # type: ignore[no-any-return]
        return go_format(inner)
    return go_format(value)


def go_format(value: Any) -> str:
    """Go's `%v` text of a decoded D-Bus value."""
    from aicr.snapshot.collectors.dbus import Variant
    from aicr.validate.constraints import format_reading

    if isinstance(value, Variant):
        return go_format(value.value)
    if isinstance(value, dict):
        return "map[" + " ".join(f"{go_format(k)}:{go_format(v)}" for k, v in sorted(value.items())) + "]"
    if isinstance(value, list | tuple):
        return "[" + " ".join(go_format(v) for v in value) + "]"
    return format_reading(value)


def unit_properties(conn: Any, unit: str) -> dict[str, Reading]:
    """The filtered properties of `unit` over an open D-Bus connection."""
    (props,) = conn.call(
        _DESTINATION, unit_object_path(unit), "org.freedesktop.DBus.Properties", "GetAll", "s", ""
    )
    return {str(k): to_reading(v) for k, v in props.items() if not is_filtered(str(k), FILTERED)}


def collect(
    units: Sequence[str] = DEFAULT_UNITS, socket_path: str = SOCKET, timeout: float = TIMEOUT_S
) -> Measurement:
    """The SystemD measurement (no subtypes when systemd cannot be reached)."""
    import os

    if not os.path.exists(socket_path):
        logs.debug("systemd private socket not found - no SystemD data collected", socket=socket_path)
        return Measurement("SystemD")
    from aicr.snapshot.collectors.dbus import Connection, DBusError

    try:
        conn = Connection(socket_path, timeout)
    except (OSError, DBusError) as exc:
        logs.warn("cannot connect to systemd - no SystemD data collected", error=str(exc))
        return Measurement("SystemD")
    subtypes = []
    with conn:
        for unit in units or ("containerd.service",):
            try:
                subtypes.append(Subtype(unit, unit_properties(conn, unit)))
            except (OSError, DBusError) as exc:
                logs.warn("skipping systemd unit", unit=unit, error=str(exc))
    return Measurement("SystemD", subtypes)
