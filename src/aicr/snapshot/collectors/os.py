"""OS collector: kernel command line, sysctls, loaded modules and os-release of this host.

Edge module: reads files below a root directory (`/` in production, a fixture tree in tests).
reference/snapshot.md §2: four subtypes read in order grub → sysctl → kmod → release; a part
that fails is skipped with a warning and the measurement is always returned.
"""

from __future__ import annotations

import os

from aicr import logs
from aicr.snapshot.collectors.files import host_path, read_lines, read_text, split_kv, split_parts
from aicr.snapshot.collectors.patterns import is_filtered
from aicr.snapshot.model import Measurement, Subtype

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from aicr.snapshot.model import Reading

# reference/snapshot.md §1.4: the complete v0.11 filter lists.
GRUB_FILTERED = ("root",)
SYSCTL_FILTERED = ("/proc/sys/dev/cdrom/*",)
SYSCTL_ROOT = "/proc/sys"
SYSCTL_SKIPPED_DIRS = ("/proc/sys/net",)
RELEASE_FILES = ("/etc/os-release", "/usr/lib/os-release")


def collect_grub(root: str = "/") -> Subtype:
    """Kernel parameters from /proc/cmdline; bare flags read as "", `root` dropped."""
    data: dict[str, Reading] = {}
    for token in read_lines(host_path(root, "/proc/cmdline"), " "):
        key, value = split_kv(token)
        if key and key not in GRUB_FILTERED:
            data[key] = value
    return Subtype("grub", data)


def collect_sysctl(root: str = "/") -> Subtype:
    """Every readable file under /proc/sys except /proc/sys/net, keyed by its /proc/sys path."""
    data: dict[str, Reading] = {}
    base = host_path(root, SYSCTL_ROOT)
    _walk_sysctl(base, SYSCTL_ROOT, data)
    return Subtype("sysctl", {k: v for k, v in data.items() if not is_filtered(k, SYSCTL_FILTERED)})


def _walk_sysctl(directory: str, logical: str, data: dict[str, Reading]) -> None:
    try:
        entries = list(os.scandir(directory))
    except OSError as exc:  # current reference: skip just this entry, never the whole subtype
        logs.debug("skipping unreadable sysctl path", path=logical, error=exc.strerror or str(exc))
        return
    for entry in entries:
        key = f"{logical}/{entry.name}"
        if key in SYSCTL_SKIPPED_DIRS:
            continue
        try:
            if entry.is_symlink():
                continue
            if entry.is_dir():
                _walk_sysctl(entry.path, key, data)
                continue
            lines = split_parts(read_text(entry.path))
        except (OSError, UnicodeDecodeError):
            continue  # write-only, restricted, oversize or binary files
        if len(lines) > 1 and _all_key_value(lines):
            for line in lines:
                fields = line.split()
                data[f"{key}/{fields[0]}"] = " ".join(fields[1:])
        else:
            data[key] = "\n".join(lines)


def _all_key_value(lines: list[str]) -> bool:
    return all(len(line.split()) >= 2 for line in lines)


def collect_kmod(root: str = "/") -> Subtype:
    """Loaded kernel modules from /proc/modules, each reading `true`."""
    data: dict[str, Reading] = {}
    for line in read_lines(host_path(root, "/proc/modules")):
        name = line.split()[0]
        data[name] = True
    return Subtype("kmod", data)


def collect_release(root: str = "/") -> Subtype:
    """/etc/os-release (or /usr/lib/os-release when the first is missing) as KEY → value."""
    primary, fallback = (host_path(root, p) for p in RELEASE_FILES)
    path = primary if os.path.exists(primary) else fallback
    return Subtype("release", parse_os_release(read_text(path)))


def parse_os_release(text: str) -> dict[str, Reading]:
    """os-release lines: quotes stripped from both ends, comments/blank/empty values dropped."""
    data: dict[str, Reading] = {}
    for line in split_parts(text):
        if "=" not in line:
            continue
        key, value = split_kv(line)
        value = value.strip("\"'")
        if value:
            data[key] = value
    return data


SUBTYPES: tuple[tuple[str, Callable[[str], Subtype]], ...] = (
    ("grub", collect_grub),
    ("sysctl", collect_sysctl),
    ("kmod", collect_kmod),
    ("release", collect_release),
)


def collect(root: str = "/") -> Measurement:
    """The OS measurement; parts that cannot be read are skipped with a warning."""
    subtypes = []
    for name, part in SUBTYPES:
        try:
            subtypes.append(part(root))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            logs.warn("skipping OS subtype", subtype=name, error=getattr(exc, "strerror", None) or str(exc))
    return Measurement("OS", subtypes)
