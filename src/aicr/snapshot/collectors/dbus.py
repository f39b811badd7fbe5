"""A minimal D-Bus peer client: EXTERNAL auth, method calls, and the wire (un)marshalling.

Edge module (talks to a Unix socket); the marshalling functions are pure. Just enough of the
D-Bus specification to ask systemd's private socket for every property of a unit
(`org.freedesktop.DBus.Properties.GetAll`), which is what the reference's SystemD collector
does; no bus daemon, no signals, no file descriptors.
"""

from __future__ import annotations

import os
import socket
import struct
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_FIXED = {"y": "B", "n": "h", "q": "H", "i": "i", "u": "I", "x": "q", "t": "Q", "d": "d", "h": "I", "b": "I"}
_ALIGN = {
    "y": 1,
    "n": 2,
    "q": 2,
    "i": 4,
    "u": 4,
    "x": 8,
    "t": 8,
    "d": 8,
    "h": 4,
    "b": 4,
    "s": 4,
    "o": 4,
    "g": 1,
    "a": 4,
    "(": 8,
    "{": 8,
    "v": 1,
}

METHOD_CALL, METHOD_RETURN, ERROR = 1, 2, 3
_FIELD_PATH, _FIELD_INTERFACE, _FIELD_MEMBER, _FIELD_ERROR_NAME = 1, 2, 3, 4
_FIELD_REPLY_SERIAL, _FIELD_DESTINATION, _FIELD_SIGNATURE = 5, 6, 8
MAX_MESSAGE = 128 * 1024 * 1024


class DBusError(Exception):
    """A protocol, transport or remote error."""


class Variant:
    """A D-Bus variant: its signature and its decoded value."""

    __slots__ = ("signature", "value")

    def __init__(self, signature: str, value: Any) -> None:
        self.signature = signature
        self.value = value

    def __repr__(self) -> str:
        return f"Variant({self.signature!r}, {self.value!r})"


class ObjectPath(str):
    """A string marshalled with the `o` type."""


class Signature(str):
    """A string marshalled with the `g` type."""


def split_signature(sig: str) -> list[str]:
    """The complete types of a signature, e.g. `sa{sv}i` → [`s`, `a{sv}`, `i`]."""
    out, i = [], 0
    while i < len(sig):
        end = _type_end(sig, i)
        out.append(sig[i:end])
        i = end
    return out


def _type_end(sig: str, i: int) -> int:
    c = sig[i]
    if c == "a":
        return _type_end(sig, i + 1)
    if c in "({":
        close = ")" if c == "(" else "}"
        j = i + 1
        while sig[j] != close:
            j = _type_end(sig, j)
        return j + 1
    if c in _ALIGN:
        return i + 1
    raise DBusError(f"invalid signature {sig!r}")


class Writer:
    """Marshals values (little-endian) into a buffer whose offset 0 is the message start."""

    def __init__(self, start: int = 0) -> None:
        self.buf = bytearray()
        self.start = start

    def align(self, n: int) -> None:
        """Pad with zero bytes to the next multiple of `n` (counted from the message start)."""
        pad = (-(self.start + len(self.buf))) % n
        self.buf.extend(b"\0" * pad)

    def write(self, sig: str, value: Any) -> None:
        """Append `value` marshalled as the single complete type `sig`."""
        c = sig[0]
        if c in _FIXED:
            self.align(_ALIGN[c])
            self.buf.extend(struct.pack("<" + _FIXED[c], int(bool(value)) if c == "b" else value))
        elif c in "so":
            data = str(value).encode()
            self.write("u", len(data))
            self.buf.extend(data + b"\0")
        elif c == "g":
            data = str(value).encode()
            self.buf.extend(bytes([len(data)]) + data + b"\0")
        elif c == "v":
            inner = value.signature if isinstance(value, Variant) else _guess_signature(value)
            self.write("g", inner)
            self.write(inner, value.value if isinstance(value, Variant) else value)
        elif c == "a":
            self._write_array(sig[1:], value)
        elif c in "({":
            self.align(8)
            for field_sig, field in zip(split_signature(sig[1:-1]), value, strict=True):
                self.write(field_sig, field)
        else:  # pragma: no cover - split_signature rejects the rest
            raise DBusError(f"cannot marshal type {c!r}")

    def _write_array(self, elem: str, value: Any) -> None:
        self.write("u", 0)
        length_at = len(self.buf) - 4
        self.align(_ALIGN[elem[0]])
        begin = len(self.buf)
        entries = value.items() if elem[0] == "{" else value
        for entry in entries:
            self.write(elem, entry)
        struct.pack_into("<I", self.buf, length_at, len(self.buf) - begin)


def _guess_signature(value: Any) -> str:
    if isinstance(value, bool):
        return "b"
    if isinstance(value, int):
        return "t" if value >= 0 else "x"
    if isinstance(value, float):
        return "d"
    if isinstance(value, ObjectPath):
        return "o"
    if isinstance(value, str):
        return "s"
    raise DBusError(f"cannot infer a D-Bus type for {type(value).__name__}")


class Reader:
    """Unmarshals values from `data`, where offset 0 is the message start."""

    def __init__(self, data: bytes, pos: int = 0, little: bool = True) -> None:
        self.data = data
        self.pos = pos
        self.order = "<" if little else ">"

    def align(self, n: int) -> None:
        """Skip padding to the next multiple of `n`."""
        self.pos += (-self.pos) % n

    def _unpack(self, fmt: str, size: int) -> Any:
        if self.pos + size > len(self.data):
            raise DBusError("truncated D-Bus message")
        value = struct.unpack_from(self.order + fmt, self.data, self.pos)[0]
        self.pos += size
        return value

    def read(self, sig: str) -> Any:
        """The next value of the single complete type `sig`; DBusError when truncated."""
        c = sig[0]
        if c in _FIXED:
            self.align(_ALIGN[c])
            value = self._unpack(_FIXED[c], struct.calcsize(_FIXED[c]))
            return bool(value) if c == "b" else value
        if c in "so":
            n = self.read("u")
            text = self.data[self.pos : self.pos + n].decode("utf-8", "replace")
            self.pos += n + 1
            return ObjectPath(text) if c == "o" else text
        if c == "g":
            n = self._unpack("B", 1)
            text = self.data[self.pos : self.pos + n].decode("ascii", "replace")
            self.pos += n + 1
            return Signature(text)
        if c == "v":
            inner = self.read("g")
            return Variant(inner, self.read(inner))
        if c == "a":
            return self._read_array(sig[1:])
        if c in "({":
            self.align(8)
            return tuple(self.read(s) for s in split_signature(sig[1:-1]))
        raise DBusError(f"cannot unmarshal type {c!r}")

    def _read_array(self, elem: str) -> Any:
        n = self.read("u")
        if n > MAX_MESSAGE:
            raise DBusError("D-Bus array too long")
        self.align(_ALIGN[elem[0]])
        end = self.pos + n
        items = []
        while self.pos < end:
            items.append(self.read(elem))
        if elem[0] == "{":
            return dict(items)
        return items


def encode_message(
    mtype: int,
    serial: int,
    fields: dict[int, tuple[str, Any]],
    body_sig: str = "",
    body: tuple[Any, ...] = (),
) -> bytes:
    """A complete little-endian message."""
    payload = Writer(0)
    for sig, value in zip(split_signature(body_sig), body, strict=True):
        payload.write(sig, value)
    all_fields = dict(fields)
    if body_sig:
        all_fields[_FIELD_SIGNATURE] = ("g", body_sig)
    head = Writer(0)
    head.buf.extend(b"l" + bytes([mtype, 0, 1]))
    head.write("u", len(payload.buf))
    head.write("u", serial)
    head.write("a(yv)", [(code, Variant(sig, value)) for code, (sig, value) in sorted(all_fields.items())])
    head.align(8)
    return bytes(head.buf) + bytes(payload.buf)


def decode_message(data: bytes) -> tuple[int, dict[int, Any], list[Any]]:
    """(type, header fields, body values) of one complete message."""
    if len(data) < 16 or data[0:1] not in (b"l", b"B"):
        raise DBusError("malformed D-Bus message header")
    reader = Reader(data, 4, little=data[0:1] == b"l")
    body_len = reader.read("u")
    reader.read("u")  # serial
    fields = {code: variant.value for code, variant in reader.read("a(yv)")}
    reader.align(8)
    body_reader = Reader(data[reader.pos : reader.pos + body_len], 0, little=reader.order == "<")
    sig = str(fields.get(_FIELD_SIGNATURE, ""))
    body = [body_reader.read(s) for s in split_signature(sig)]
    return data[1], fields, body


def message_length(head: bytes) -> int:
    """Total length of the message whose first 16 bytes are `head`."""
    order = "<" if head[0:1] == b"l" else ">"
    body_len, _, fields_len = struct.unpack_from(order + "III", head, 4)
    header = 16 + int(fields_len)
    return header + (-header) % 8 + int(body_len)


class Connection:
    """A peer connection to a D-Bus Unix socket (e.g. systemd's /run/systemd/private)."""

    def __init__(self, path: str, timeout: float) -> None:
        self.deadline = time.monotonic() + timeout
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.serial = 0
        try:
            self.sock.settimeout(timeout)
            self.sock.connect(path)
            self._authenticate()
        except (OSError, DBusError):
            self.sock.close()
            raise

    def close(self) -> None:
        """Close the socket."""
        self.sock.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _authenticate(self) -> None:
        uid = str(os.geteuid()).encode().hex()
        self.sock.sendall(b"\0AUTH EXTERNAL " + uid.encode() + b"\r\n")
        line = self._read_line()
        if not line.startswith(b"OK"):
            raise DBusError(f"D-Bus authentication rejected: {line.decode(errors='replace').strip()}")
        self.sock.sendall(b"BEGIN\r\n")

    def _read_line(self) -> bytes:
        buf = b""
        while not buf.endswith(b"\r\n"):
            chunk = self.sock.recv(1)
            if not chunk:
                raise DBusError("D-Bus connection closed during authentication")
            buf += chunk
            if len(buf) > 4096:
                raise DBusError("D-Bus authentication line too long")
        return buf

    def _recv_exact(self, n: int) -> bytes:
        chunks, remaining = [], n
        while remaining:
            self.sock.settimeout(max(0.001, self.deadline - time.monotonic()))
            chunk = self.sock.recv(min(remaining, 1 << 16))
            if not chunk:
                raise DBusError("D-Bus connection closed")
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def call(
        self, destination: str, path: str, interface: str, member: str, sig: str = "", *args: Any
    ) -> list[Any]:
        """Call a method and return the reply body; DBusError on an error reply."""
        self.serial += 1
        serial = self.serial
        fields: dict[int, tuple[str, Any]] = {
            _FIELD_PATH: ("o", path),
            _FIELD_INTERFACE: ("s", interface),
            _FIELD_MEMBER: ("s", member),
            _FIELD_DESTINATION: ("s", destination),
        }
        self.sock.sendall(encode_message(METHOD_CALL, serial, fields, sig, args))
        while True:
            head = self._recv_exact(16)
            total = message_length(head)
            if total > MAX_MESSAGE:
                raise DBusError("D-Bus message too large")
            mtype, reply_fields, body = decode_message(head + self._recv_exact(total - 16))
            if reply_fields.get(_FIELD_REPLY_SERIAL) != serial:
                continue  # a signal or an unrelated message
            if mtype == ERROR:
                name = reply_fields.get(_FIELD_ERROR_NAME, "error")
                detail = body[0] if body and isinstance(body[0], str) else ""
                raise DBusError(f"{name}: {detail}" if detail else str(name))
            return body
