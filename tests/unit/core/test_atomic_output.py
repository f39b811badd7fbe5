"""`-o FILE` outputs: atomic replace for regular files, write-through for special files (issue 10 item 11)."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from aicr.errors import AicrError, Code
from aicr.io.atomic import output_kind, write_atomic


def test_regular_file_is_replaced_atomically(tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    target.write_text("old")
    inode = target.stat().st_ino
    write_atomic(str(target), "new")
    assert target.read_text() == "new"
    assert target.stat().st_ino != inode


def test_missing_file_and_parents_are_created(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "out.yaml"
    write_atomic(str(target), "x")
    assert target.read_text() == "x"


def test_symlink_to_file_keeps_the_link_and_replaces_its_target(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text("old")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    write_atomic(str(link), "new")
    assert link.is_symlink()
    assert real.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.yaml", "real.yaml"]


def test_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.yaml"
    link.symlink_to(tmp_path / "later.yaml")
    write_atomic(str(link), "x")
    assert link.is_symlink()
    assert (tmp_path / "later.yaml").read_text() == "x"


def test_fifo_is_written_through(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def reader() -> None:
        with open(fifo, "rb") as fh:
            received.append(fh.read())

    thread = threading.Thread(target=reader)
    thread.start()
    write_atomic(str(fifo), "through the pipe")
    thread.join()
    assert received == [b"through the pipe"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def _char_device(tmp_path: Path, name: str, minor: int) -> Path:
    node = tmp_path / name
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except PermissionError:
        pytest.skip("creating a device node needs root")
    return node


def test_full_device_reports_the_write_error_and_stays_a_device(tmp_path: Path) -> None:
    full = _char_device(tmp_path, "full", 7)
    with pytest.raises(OSError) as err:
        write_atomic(str(full), "x")
    assert err.value.errno == 28  # ENOSPC
    assert stat.S_ISCHR(os.lstat(full).st_mode)
    assert os.listdir(tmp_path) == ["full"]


def test_null_device_is_written_through_and_not_replaced(tmp_path: Path) -> None:
    null = _char_device(tmp_path, "null", 3)
    write_atomic(str(null), "x")
    assert stat.S_ISCHR(os.lstat(null).st_mode)


def test_symlink_to_device_is_written_through(tmp_path: Path) -> None:
    null = _char_device(tmp_path, "null", 3)
    link = tmp_path / "out"
    link.symlink_to(null)
    write_atomic(str(link), "x")
    assert link.is_symlink()
    assert stat.S_ISCHR(os.lstat(null).st_mode)


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AicrError, match="is a directory") as err:
        write_atomic(str(tmp_path), "x")
    assert err.value.code == Code.INVALID_REQUEST


def test_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        assert output_kind(str(path)) == "refuse:is a socket"
    finally:
        server.close()


WRITE_STDOUT = "from aicr.io.atomic import write_atomic; write_atomic('/dev/stdout', 'doc\\n')"


def test_dev_stdout_redirected_to_a_file_writes_into_that_file(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    out.write_text("kept\n")
    with open(out, "a") as fh:
        subprocess.run([sys.executable, "-c", WRITE_STDOUT], stdout=fh, check=True, env=os.environ.copy())
    assert out.read_text() == "kept\ndoc\n"
    assert sorted(os.listdir(tmp_path)) == ["out.txt"]


def test_dev_stdout_to_a_pipe_is_written_through() -> None:
    proc = subprocess.run([sys.executable, "-c", WRITE_STDOUT], capture_output=True, check=True)
    assert proc.stdout == b"doc\n"
