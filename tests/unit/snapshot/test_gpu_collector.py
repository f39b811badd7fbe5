"""GPU collector: nvidia-smi XML parsing (reference/snapshot.md §7 #1-#4) and the command runner."""

from __future__ import annotations

import os
import select
import stat
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from aicr.snapshot.collectors import gpu
from aicr.snapshot.collectors.commands import CommandError, CommandTimeout, run_command, which
from aicr.snapshot.model import Measurement

if TYPE_CHECKING:
    from aicr.snapshot.collectors.commands import CommandRunner
    from aicr.snapshot.model import Reading

GUARD_S = 20.0  # a hang guard, far below the children's hour-long sleeps; not a timing assertion

FIXTURE = Path(__file__).parents[2] / "fixtures" / "snapshot" / "nvidia-smi-8xh100.xml"


def runner_returning(output: bytes) -> CommandRunner:
    def run(argv: Sequence[str], timeout: float) -> bytes:
        assert list(argv) == ["nvidia-smi", "-q", "-x"]
        return output

    return run


def failing_runner(exc: Exception) -> CommandRunner:
    def run(argv: Sequence[str], timeout: float) -> bytes:
        raise exc

    return run


def smi_data(output: bytes) -> dict[str, Reading]:
    return gpu.collect(runner_returning(output)).subtypes[0].data


def test_eight_gpu_fixture_gives_exactly_the_reference_keys() -> None:
    data = smi_data(FIXTURE.read_bytes())
    assert data == {
        "driver": "570.86.15",
        "cuda-version": "12.8",
        "gpu-count": 8,
        "gpu.model": "NVIDIA H100 80GB HBM3",
        "gpu.product-architecture": "Hopper",
        "gpu.display-mode": "Enabled",
        "gpu.display-active": "Disabled",
        "gpu.persistence-mode": "Disabled",
        "gpu.addressing-mode": "None",
        "gpu.vbios-version": "96.00.A5.00.01",
        "gpu.gsp-firmware-version": "570.86.15",
    }
    assert type(data["gpu-count"]) is int


def test_one_item_per_gpu_without_identifiers() -> None:
    sub = gpu.collect(runner_returning(FIXTURE.read_bytes())).subtypes[0]
    assert [item.context["index"] for item in sub.items] == [str(i) for i in range(8)]
    assert sub.items[3].context["pci-bus-id"] == "00000000:5D:00.0"
    first = sub.items[0].data
    assert first["model"] == "NVIDIA H100 80GB HBM3"
    assert first["memory"] == "81559 MiB"
    assert first["driver"] == "570.86.15"
    assert first["mig-mode"] == "Disabled"
    text = repr([(i.context, i.data) for i in sub.items])
    assert "GPU-7c1d" not in text and "1652223004410" not in text  # no UUIDs, no serials


def test_mixed_models_are_visible_in_items() -> None:
    xml = (
        b"<nvidia_smi_log><driver_version>570.1</driver_version><cuda_version>12.8</cuda_version>"
        b"<gpu id='a'><product_name>NVIDIA H100 80GB HBM3</product_name></gpu>"
        b"<gpu id='b'><product_name>NVIDIA H200</product_name></gpu></nvidia_smi_log>"
    )
    sub = gpu.collect(runner_returning(xml)).subtypes[0]
    assert sub.data["gpu.model"] == "NVIDIA H100 80GB HBM3"  # first GPU only, as the reference
    assert [i.data["model"] for i in sub.items] == ["NVIDIA H100 80GB HBM3", "NVIDIA H200"]
    assert sub.items[1].context == {"index": "1", "pci-bus-id": "b"}


def test_no_gpu_elements_gives_driver_cuda_and_zero() -> None:
    xml = b"<nvidia_smi_log><driver_version>570.86.15</driver_version><cuda_version>12.8</cuda_version></nvidia_smi_log>"
    assert smi_data(xml) == {"driver": "570.86.15", "cuda-version": "12.8", "gpu-count": 0}


@pytest.mark.parametrize("output", [b"", b"not xml at all", b"<nvidia_smi_log><unclosed>"])
def test_malformed_xml_gives_gpu_count_zero_only(output: bytes) -> None:
    assert smi_data(output) == {"gpu-count": 0}


def test_wrong_root_element_is_not_an_error() -> None:
    assert smi_data(b"<other_element></other_element>") == {"driver": "", "cuda-version": "", "gpu-count": 0}


@pytest.mark.parametrize(
    "exc", [CommandError("nvidia-smi not found on PATH"), CommandError("exit 9"), CommandTimeout("timed out")]
)
def test_runner_failures_give_gpu_count_zero(exc: Exception) -> None:
    m = gpu.collect(failing_runner(exc))
    assert m.type == "GPU"
    assert [(s.name, s.data) for s in m.subtypes] == [("smi", {"gpu-count": 0})]


def _script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_missing_binary_is_reported_by_the_runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert which("nvidia-smi") is None
    with pytest.raises(CommandError, match="not found"):
        run_command(["nvidia-smi", "-q", "-x"], 5)
    assert gpu.collect().subtypes[0].data == {"gpu-count": 0}


def test_fake_nvidia_smi_on_path_is_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _script(tmp_path / "nvidia-smi", f'cat "{FIXTURE}"\n')
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}/usr/bin{os.pathsep}/bin")
    assert gpu.collect().subtypes[0].data["gpu-count"] == 8


def test_non_zero_exit_gives_gpu_count_zero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _script(tmp_path / "nvidia-smi", "echo 'NVIDIA-SMI has failed' >&2\nexit 9\n")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CommandError, match="status 9: NVIDIA-SMI has failed"):
        run_command(["nvidia-smi"], 5)
    assert gpu.collect().subtypes[0].data == {"gpu-count": 0}


def test_timeout_kills_the_whole_process_group_in_bounded_time(tmp_path: Path) -> None:
    # A wrapper whose grandchild keeps stdout open: killing only the direct child would block
    # the read until the grandchild exits (reference/snapshot.md §2: v0.11 took 15 s for 10 s).
    # The grandchild sleeps an hour: returning at all (within the guard) means it was killed.
    pidfile = tmp_path / "grandchild.pid"
    wrapper = _script(tmp_path / "nvidia-smi", f"sh -c 'echo $$ > \"{pidfile}\"; exec sleep 3600' &\nwait\n")
    outcome = _in_thread(lambda: run_command([str(wrapper)], 0.5))
    assert isinstance(outcome, CommandTimeout)
    assert _exited(int(pidfile.read_text())), "the grandchild holding the pipe survived the timeout"


def _in_thread(call: Callable[[], object]) -> object:
    """What `call` returned or raised; fails when it is still blocked after GUARD_S (a hang)."""
    result: list[object] = []
    done = threading.Event()

    def target() -> None:
        try:
            result.append(call())
        except Exception as exc:
            result.append(exc)
        done.set()

    threading.Thread(target=target, daemon=True).start()
    assert done.wait(GUARD_S), "blocked until the hour-long child exits"
    return result[0]


def _exited(pid: int) -> bool:
    """Whether `pid` has exited (or exits within GUARD_S), watched through a pidfd, not polled."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], GUARD_S)[0])
    finally:
        os.close(fd)


def test_hanging_nvidia_smi_gives_gpu_count_zero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _script(tmp_path / "nvidia-smi", "exec sleep 3600\n")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}/usr/bin{os.pathsep}/bin")
    m = _in_thread(lambda: gpu.collect(timeout=0.3))
    assert isinstance(m, Measurement) and m.subtypes[0].data == {"gpu-count": 0}
