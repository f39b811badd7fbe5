"""SystemD collector and the D-Bus client, against a fake systemd private socket.

reference/snapshot.md §2 SystemD and §7 #18: one subtype per unit, typed properties, filtered
keys, no socket → a measurement with no subtypes.
"""

from __future__ import annotations

import os
import socket
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from aicr.snapshot.collectors import dbus, systemd

UNITS: dict[str, dict[str, dbus.Variant]] = {
    systemd.unit_object_path("containerd.service"): {
        "Id": dbus.Variant("s", "containerd.service"),
        "ActiveState": dbus.Variant("s", "active"),
        "LoadState": dbus.Variant("s", "loaded"),
        "CPUAccounting": dbus.Variant("b", True),
        "MemoryMax": dbus.Variant("t", 18446744073709551615),
        "OOMScoreAdjust": dbus.Variant("i", -999),
        "MainPID": dbus.Variant("u", 1234),
        "CPUWeight": dbus.Variant("d", 1.5),
        "Names": dbus.Variant("as", ["containerd.service", "cri.service"]),
        "ExecStart": dbus.Variant("a(sasb)", [("/usr/bin/containerd", ["/usr/bin/containerd"], False)]),
        "Environment": dbus.Variant("a{ss}", {"B": "2", "A": "1"}),
        "Unit": dbus.Variant("o", "/org/freedesktop/systemd1/unit/x"),
        "LoadCredential": dbus.Variant("s", "secret"),
        "SetCredentialEncrypted": dbus.Variant("s", "secret"),
        "BusName": dbus.Variant("s", "x"),
        "AllowedCPUs": dbus.Variant("ay", [1, 2]),
    },
    systemd.unit_object_path("kubelet.service"): {
        "ActiveState": dbus.Variant("s", "inactive"),
        "LoadState": dbus.Variant("s", "not-found"),
    },
}


class FakeSystemd:
    """Speaks just enough D-Bus on a Unix socket: EXTERNAL auth and Properties.GetAll."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(4)
        self.calls: list[tuple[str, str]] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                self._session(conn)

    def _session(self, conn: socket.socket) -> None:
        buf = b""
        while b"BEGIN\r\n" not in buf:
            chunk = conn.recv(4096)
            if not chunk:
                return
            buf += chunk
            if b"AUTH EXTERNAL" in buf and b"OK" not in buf and buf.endswith(b"\r\n") and b"BEGIN" not in buf:
                assert (
                    bytes.fromhex(buf.split(b"AUTH EXTERNAL ")[1].split(b"\r\n")[0].decode())
                    == str(os.geteuid()).encode()
                )
                conn.sendall(b"OK 0123456789abcdef0123456789abcdef\r\n")
        pending = buf.split(b"BEGIN\r\n", 1)[1]
        while True:
            while len(pending) < 16:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                pending += chunk
            total = dbus.message_length(pending[:16])
            while len(pending) < total:
                pending += conn.recv(4096)
            message, pending = pending[:total], pending[total:]
            _, fields, _body = dbus.decode_message(message)
            serial = struct.unpack_from("<I", message, 8)[0]
            path, member = str(fields[1]), str(fields[3])
            self.calls.append((path, member))
            if member == "GetAll" and path in UNITS:
                reply = dbus.encode_message(
                    dbus.METHOD_RETURN, 100 + serial, {5: ("u", serial)}, "a{sv}", (UNITS[path],)
                )
            else:
                reply = dbus.encode_message(
                    dbus.ERROR,
                    100 + serial,
                    {5: ("u", serial), 4: ("s", "org.freedesktop.DBus.Error.Failed")},
                    "s",
                    ("no such unit",),
                )
            conn.sendall(reply)

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def fake_systemd(tmp_path: Path) -> Iterator[FakeSystemd]:
    server = FakeSystemd(tmp_path / "private")
    yield server
    server.close()


def test_units_become_subtypes_with_typed_filtered_properties(fake_systemd: FakeSystemd) -> None:
    m = systemd.collect(socket_path=fake_systemd.path, timeout=5)
    assert m.type == "SystemD"
    assert [s.name for s in m.subtypes] == ["containerd.service", "kubelet.service"]  # docker errored
    data = m.subtypes[0].data
    assert data["ActiveState"] == "active"
    assert data["CPUAccounting"] is True
    assert data["MemoryMax"] == 18446744073709551615
    assert data["CPUWeight"] == 1.5
    assert data["MainPID"] == "1234" and data["OOMScoreAdjust"] == "-999"  # 32-bit ints: Go %v text
    assert data["Names"] == "[containerd.service cri.service]"
    assert data["ExecStart"] == "[[/usr/bin/containerd [/usr/bin/containerd] false]]"
    assert data["Environment"] == "map[A:1 B:2]"
    assert data["Unit"] == "/org/freedesktop/systemd1/unit/x"
    for filtered in ("Id", "BusName", "AllowedCPUs", "LoadCredential", "SetCredentialEncrypted"):
        assert filtered not in data
    assert m.subtypes[1].data == {"ActiveState": "inactive", "LoadState": "not-found"}
    assert ("/org/freedesktop/systemd1/unit/docker_2eservice", "GetAll") in fake_systemd.calls


def test_no_socket_gives_the_measurement_without_subtypes(tmp_path: Path) -> None:
    m = systemd.collect(socket_path=str(tmp_path / "missing"))
    assert m.type == "SystemD" and m.subtypes == []
    assert m.to_dict() == {"type": "SystemD"}


def test_refused_connection_gives_no_subtypes(tmp_path: Path) -> None:
    path = tmp_path / "dead"
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(path))
    dead.close()  # the socket file exists but nobody listens
    assert systemd.collect(socket_path=str(path), timeout=1).subtypes == []


def test_unit_object_path_escaping() -> None:
    assert (
        systemd.unit_object_path("containerd.service")
        == "/org/freedesktop/systemd1/unit/containerd_2eservice"
    )
    assert systemd.unit_object_path("kube-let@1.service").endswith("/kube_2dlet_401_2eservice")
    assert systemd.unit_object_path("0ab") == "/org/freedesktop/systemd1/unit/_30ab"


def test_marshalling_round_trips_nested_types() -> None:
    value = {
        "a": dbus.Variant("as", ["x", "y"]),
        "b": dbus.Variant("(ib)", (-3, True)),
        "c": dbus.Variant("a{sv}", {"n": dbus.Variant("t", 7)}),
    }
    writer = dbus.Writer()
    writer.write("a{sv}", value)
    back = dbus.Reader(bytes(writer.buf)).read("a{sv}")
    assert back["a"].value == ["x", "y"] and back["b"].value == (-3, True)
    assert back["c"].value["n"].value == 7


def test_reader_decodes_hand_packed_bytes() -> None:
    # a{sv} with one entry {"k": <u 5>}, packed by hand: array length, pad to 8, the key string
    # (offsets 8-13), the variant's signature "u" (14-16), pad to 4 (17-19), the uint32 (20-23).
    entry = struct.pack("<I", 1) + b"k\0" + b"\x01u\0" + b"\0\0\0" + struct.pack("<I", 5)
    data = struct.pack("<I", len(entry)) + b"\0" * 4 + entry
    assert {k: v.value for k, v in dbus.Reader(data).read("a{sv}").items()} == {"k": 5}


def test_signature_splitting() -> None:
    assert dbus.split_signature("sa{sv}a(sasb)i") == ["s", "a{sv}", "a(sasb)", "i"]
    with pytest.raises(dbus.DBusError):
        dbus.split_signature("z")


def test_go_format_of_plain_values() -> None:
    assert systemd.go_format([True, 1.5, "x"]) == "[true 1.5 x]"
    assert systemd.to_reading(dbus.Variant("g", dbus.Signature("as"))) == "as"
    assert systemd.to_reading(dbus.Variant("y", 7)) == "7"


def test_truncated_messages_are_errors() -> None:
    with pytest.raises(dbus.DBusError):
        dbus.Reader(b"\x05\x00").read("u")
    with pytest.raises(dbus.DBusError):
        dbus.decode_message(b"x" * 20)
