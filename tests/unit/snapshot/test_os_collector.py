"""OS collector on fixture trees (reference/snapshot.md §2, §7 #5-#9)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from aicr.snapshot.collectors import os as os_collector
from aicr.snapshot.collectors.files import MAX_FILE_BYTES, FileTooLarge, read_text, split_parts

if TYPE_CHECKING:
    from aicr.snapshot.model import Reading


def write(root: Path, rel: str, content: str | bytes) -> Path:
    path = root / rel.lstrip("/")
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def subtypes(root: Path) -> dict[str, dict[str, Reading]]:
    m = os_collector.collect(str(root))
    assert m.type == "OS"
    return {s.name: s.data for s in m.subtypes}


# -- grub -----------------------------------------------------------------------------------------


def test_cmdline_flags_values_and_root_filter(tmp_path: Path) -> None:
    write(tmp_path, "/proc/cmdline", "BOOT_IMAGE=/boot/vmlinuz ro quiet splash root=/dev/sda1 panic=-1\n")
    assert os_collector.collect_grub(str(tmp_path)).data == {
        "BOOT_IMAGE": "/boot/vmlinuz",
        "ro": "",
        "quiet": "",
        "splash": "",
        "panic": "-1",
    }


def test_cmdline_drops_every_root_occurrence(tmp_path: Path) -> None:
    write(tmp_path, "/proc/cmdline", "ro root=/dev/sda1 quiet root=UUID=1234-5678")
    assert os_collector.collect_grub(str(tmp_path)).data == {"ro": "", "quiet": ""}


def test_cmdline_value_keeps_later_equals_and_later_duplicates_win(tmp_path: Path) -> None:
    write(tmp_path, "/proc/cmdline", 'a=b=c hugepagesz=1G hugepagesz=2M nokaslr opt="x y"')
    data = os_collector.collect_grub(str(tmp_path)).data
    assert data["a"] == "b=c"
    assert data["hugepagesz"] == "2M"
    assert data["nokaslr"] == ""
    assert data["opt"] == '"x'  # single-space tokens, values not unquoted (reference behaviour)
    assert data['y"'] == ""


def test_cmdline_skips_blank_tokens_and_comments(tmp_path: Path) -> None:
    write(tmp_path, "/proc/cmdline", "  ro   #comment  quiet\n")
    assert os_collector.collect_grub(str(tmp_path)).data == {"ro": "", "quiet": ""}


# -- sysctl ---------------------------------------------------------------------------------------


def test_sysctl_skips_net_and_cdrom(tmp_path: Path) -> None:
    write(tmp_path, "/proc/sys/kernel/hostname", "node-1\n")
    write(tmp_path, "/proc/sys/net/ipv4/ip_forward", "1\n")
    write(tmp_path, "/proc/sys/vm/swappiness", "60\n")
    write(tmp_path, "/proc/sys/dev/cdrom/info", "CD-ROM information\n")
    assert os_collector.collect_sysctl(str(tmp_path)).data == {
        "/proc/sys/kernel/hostname": "node-1",
        "/proc/sys/vm/swappiness": "60",
    }


def test_sysctl_multiline_key_value_files_split_into_subkeys(tmp_path: Path) -> None:
    write(tmp_path, "/proc/sys/sunrpc/transports", "tcp 1048576\nudp 32768\n")
    data = os_collector.collect_sysctl(str(tmp_path)).data
    assert data == {"/proc/sys/sunrpc/transports/tcp": "1048576", "/proc/sys/sunrpc/transports/udp": "32768"}


def test_sysctl_multiline_value_lines_are_joined(tmp_path: Path) -> None:
    write(tmp_path, "/proc/sys/kernel/sched_features", "A\nB\nC\n")
    write(tmp_path, "/proc/sys/kernel/mixed", "one two\nthree\n")
    data = os_collector.collect_sysctl(str(tmp_path)).data
    assert data["/proc/sys/kernel/sched_features"] == "A\nB\nC"
    assert data["/proc/sys/kernel/mixed"] == "one two\nthree"


def test_sysctl_single_lines_keep_inner_whitespace_and_empty_files_are_empty(tmp_path: Path) -> None:
    write(tmp_path, "/proc/sys/kernel/printk", "4    4    1    7\n")
    write(tmp_path, "/proc/sys/fs/file-nr", "653\t0\t2466170\n")
    write(tmp_path, "/proc/sys/vm/empty", "")
    data = os_collector.collect_sysctl(str(tmp_path)).data
    assert data["/proc/sys/kernel/printk"] == "4    4    1    7"
    assert data["/proc/sys/fs/file-nr"] == "653\t0\t2466170"
    assert data["/proc/sys/vm/empty"] == ""


def test_sysctl_skips_symlinks_binary_oversize_and_unreadable(tmp_path: Path) -> None:
    write(tmp_path, "/proc/sys/kernel/ok", "1\n")
    (tmp_path / "proc/sys/kernel/link").symlink_to(tmp_path / "proc/sys/kernel/ok")
    write(tmp_path, "/proc/sys/kernel/binary", b"\xff\xfe\x00")
    write(tmp_path, "/proc/sys/kernel/huge", "x" * (MAX_FILE_BYTES + 1))
    (tmp_path / "proc/sys/kernel/dir-link").symlink_to(tmp_path / "proc/sys/kernel", target_is_directory=True)
    assert os_collector.collect_sysctl(str(tmp_path)).data == {"/proc/sys/kernel/ok": "1"}


def test_sysctl_on_this_host_reads_real_values() -> None:
    data = os_collector.collect_sysctl("/").data
    assert data, "expected some sysctls on a Linux host"
    assert all(k.startswith("/proc/sys/") and not k.startswith("/proc/sys/net") for k in data)


# -- kmod -----------------------------------------------------------------------------------------


def test_kmod_first_field_is_true(tmp_path: Path) -> None:
    write(tmp_path, "/proc/modules", "nvidia 54001664 12 - Live 0x0\nnvidia_uvm 1437696 0 - Live 0x0\n")
    assert os_collector.collect_kmod(str(tmp_path)).data == {"nvidia": True, "nvidia_uvm": True}


def test_missing_modules_file_omits_kmod_only(tmp_path: Path) -> None:
    write(tmp_path, "/proc/cmdline", "ro")
    write(tmp_path, "/etc/os-release", "ID=ubuntu\n")
    assert set(subtypes(tmp_path)) == {"grub", "sysctl", "release"}


# -- release --------------------------------------------------------------------------------------


def test_os_release_quotes_comments_and_empty_values(tmp_path: Path) -> None:
    write(
        tmp_path,
        "/etc/os-release",
        "\n".join(
            [
                "# comment",
                'NAME="Ubuntu"',
                "VERSION_ID='22.04'",
                'PRETTY_NAME="Ubuntu 22.04.3 LTS"',
                "",
                "LINE WITHOUT EQUALS",
                "KEY=",
                'QUOTED_EMPTY=""',
                "ID=ubuntu",
                "ID_LIKE=debian",
                "  SPACED=value  ",
                "MIXED=\"'both'\"",
            ]
        ),
    )
    assert os_collector.collect_release(str(tmp_path)).data == {
        "NAME": "Ubuntu",
        "VERSION_ID": "22.04",
        "PRETTY_NAME": "Ubuntu 22.04.3 LTS",
        "ID": "ubuntu",
        "ID_LIKE": "debian",
        "SPACED": "value",
        "MIXED": "both",
    }


def test_os_release_types_stay_strings(tmp_path: Path) -> None:
    write(tmp_path, "/etc/os-release", 'VERSION_ID="12"\n')
    assert os_collector.collect_release(str(tmp_path)).data == {"VERSION_ID": "12"}


def test_empty_os_release_gives_empty_data(tmp_path: Path) -> None:
    write(tmp_path, "/etc/os-release", "")
    assert subtypes(tmp_path)["release"] == {}


def test_os_release_falls_back_to_usr_lib_only_when_missing(tmp_path: Path) -> None:
    write(tmp_path, "/usr/lib/os-release", "ID=rhel\n")
    assert os_collector.collect_release(str(tmp_path)).data == {"ID": "rhel"}
    write(tmp_path, "/etc/os-release", "ID=ubuntu\n")
    assert os_collector.collect_release(str(tmp_path)).data == {"ID": "ubuntu"}


def test_both_os_release_files_missing_omits_release_but_keeps_os(tmp_path: Path) -> None:
    write(tmp_path, "/proc/cmdline", "ro")
    assert set(subtypes(tmp_path)) == {"grub", "sysctl"}


def test_empty_root_still_returns_the_os_measurement(tmp_path: Path) -> None:
    m = os_collector.collect(str(tmp_path))
    assert m.type == "OS"
    assert [s.name for s in m.subtypes] == ["sysctl"]
    assert m.subtypes[0].data == {}


# -- file parser ----------------------------------------------------------------------------------


def test_file_parser_rejects_oversize_and_non_utf8(tmp_path: Path) -> None:
    big = write(tmp_path, "big", "a" * (MAX_FILE_BYTES + 1))
    with pytest.raises(FileTooLarge):
        read_text(str(big))
    exact = write(tmp_path, "exact", "a" * MAX_FILE_BYTES)
    assert len(read_text(str(exact))) == MAX_FILE_BYTES
    bad = write(tmp_path, "bad", b"\xc3\x28")
    with pytest.raises(UnicodeDecodeError):
        read_text(str(bad))


def test_split_parts_trims_and_drops_blank_and_comment_parts() -> None:
    assert split_parts(" a \n\n# c\n b\t\n") == ["a", "b"]
    assert split_parts("x y  z", " ") == ["x", "y", "z"]
