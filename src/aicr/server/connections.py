"""Connection bounds for aicrd: a header timeout, a header size cap and a connection cap.

Edge: wraps uvicorn's HTTP protocol classes (httptools, and h11 where httptools is missing).
uvicorn bounds idle keep-alive time (`timeout_keep_alive`) but has no header timeout and no cap
on open connections, so a client holding thousands of idle or byte-by-byte connections could
exhaust file handles and lock everyone else out. The wrapper adds, per connection:
- a header deadline: from the first byte of a request (or from accept, for the first one) the
  request line and headers must arrive within `header_timeout`, else the connection is closed;
- a header size cap: more than `max_header_bytes` without complete headers answers 431;
- admission under a cap: at `max_connections` open connections, a new one evicts the oldest
  connection that is waiting for request headers (idle or slow); when every connection is busy
  with a request, the new one gets a 503 and is closed. Normal clients therefore always get in.
Request handling itself is untouched.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass

TYPE_CHECKING = False
if TYPE_CHECKING:
    import asyncio
    from typing import Any

_BUSY = b"HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"
_TOO_LARGE = b"HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    """The bounds one server applies to every connection."""

    header_timeout: float
    max_header_bytes: int
    max_connections: int


class _Guard:
    """Mixin over a uvicorn HTTP protocol; `limits` is set on the concrete subclass."""

    limits: ConnectionLimits
    # provided by the uvicorn protocol this mixes into
    cycle: Any
    server_state: Any
    transport: asyncio.Transport
    loop: asyncio.AbstractEventLoop

    _aicr_refused = False
    _aicr_idle_cycle: Any = None  # the cycle that was current when this connection became idle
    _aicr_timer: asyncio.TimerHandle | None = None
    _aicr_header_bytes = 0

    def connection_made(self, transport: asyncio.Transport) -> None:
        waiting = _waiting(self.server_state)
        if len(self.server_state.connections) >= self.limits.max_connections and not _evict_oldest(waiting):
            self._aicr_refused = True
            transport.write(_BUSY)
            transport.close()
            return
        super().connection_made(transport)  # type: ignore[misc]
        waiting[self] = time.monotonic()
        self._aicr_start_timer()

    def data_received(self, data: bytes) -> None:
        if self._aicr_refused:
            return
        was_waiting = self._aicr_is_waiting()
        if was_waiting:
            self._aicr_header_bytes += len(data)
            if self._aicr_timer is None:
                self._aicr_start_timer()
        super().data_received(data)  # type: ignore[misc]
        if not was_waiting or self.transport.is_closing():
            return
        if not self._aicr_is_waiting():  # the headers are complete: a request is in progress
            self._aicr_stop_waiting()
        elif self._aicr_header_bytes > self.limits.max_header_bytes:
            self.transport.write(_TOO_LARGE)
            self.transport.close()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        if self.cycle is not None and self.cycle.response_complete and not self.transport.is_closing():
            # idle between requests: uvicorn's keep-alive timer runs; ours starts at the next byte
            self._aicr_idle_cycle = self.cycle
            self._aicr_header_bytes = 0
            _waiting(self.server_state)[self] = time.monotonic()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._aicr_refused:
            return
        self._aicr_stop_waiting()
        super().connection_lost(exc)  # type: ignore[misc]

    def _aicr_is_waiting(self) -> bool:
        return bool(self.cycle is self._aicr_idle_cycle)

    def _aicr_start_timer(self) -> None:
        self._aicr_timer = self.loop.call_later(self.limits.header_timeout, self._aicr_header_deadline)

    def _aicr_stop_waiting(self) -> None:
        if self._aicr_timer is not None:
            self._aicr_timer.cancel()
            self._aicr_timer = None
        self._aicr_header_bytes = 0
        _waiting(self.server_state).pop(self, None)

    def _aicr_header_deadline(self) -> None:
        self._aicr_timer = None
        if self._aicr_is_waiting() and not self.transport.is_closing():
            self.transport.close()


def _waiting(server_state: Any) -> OrderedDict[Any, float]:
    """The server's connections waiting for request headers, oldest first."""
    table: OrderedDict[Any, float] | None = getattr(server_state, "aicr_waiting", None)
    if table is None:
        table = server_state.aicr_waiting = OrderedDict()
    return table


def _evict_oldest(waiting: OrderedDict[Any, float]) -> bool:
    """Close the connection that has waited longest for headers; False when none waits."""
    while waiting:
        protocol, _since = waiting.popitem(last=False)
        if not protocol.transport.is_closing():
            protocol.transport.close()
            return True
    return False


def guarded_protocol(limits: ConnectionLimits) -> type[Any]:
    """uvicorn's HTTP protocol class (httptools, else h11) with `limits` applied."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as base
    except ImportError:  # pragma: no cover - uvicorn[standard] brings httptools
        from uvicorn.protocols.http.h11_impl import H11Protocol as base  # type: ignore[assignment]
    return type(f"Guarded{base.__name__}", (_Guard, base), {"limits": limits})
