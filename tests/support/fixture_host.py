"""A stand-in GPU host for CLI tests: an Ubuntu 24.04 root tree (AICR_HOST_ROOT) and an
`nvidia-smi` that prints the 8×H100 fixture, so `aicr snapshot --local` measures the same
machine everywhere."""

from __future__ import annotations

from pathlib import Path

NVIDIA_SMI_XML = Path(__file__).resolve().parents[1] / "fixtures" / "snapshot" / "nvidia-smi-8xh100.xml"


def host_tree(root: Path) -> Path:
    """Write the host's /etc and /proc readings under `root`; returns `root`."""
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "os-release").write_text('NAME="Ubuntu"\nID=ubuntu\nVERSION_ID="24.04"\n')
    (root / "proc" / "sys" / "kernel").mkdir(parents=True)
    (root / "proc" / "sys" / "kernel" / "osrelease").write_text("6.8.0-1021-aws\n")
    (root / "proc" / "cmdline").write_text("BOOT_IMAGE=/boot/vmlinuz ro quiet\n")
    (root / "proc" / "modules").write_text("nvidia 54001664 12 - Live 0x0\n")
    return root


def fake_nvidia_smi(bin_dir: Path) -> Path:
    """A directory holding an `nvidia-smi` that prints the fixture; put it first on PATH."""
    bin_dir.mkdir()
    script = bin_dir / "nvidia-smi"
    script.write_text(f'#!/bin/sh\ncat "{NVIDIA_SMI_XML}"\n')
    script.chmod(0o755)
    return bin_dir
