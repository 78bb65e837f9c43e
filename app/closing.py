"""The transport a connection's protocol hands to uvicorn, so that uvicorn's close can be made a staged one.

uvicorn closes the transport itself once it has sent an answer with "connection: close". When a
request body is still arriving then (a 413 refused from its Content-Length), closing the socket at
once resets the connection, and the reset can wipe out the answer before the client reads it.
app/protocol.py closes such a connection in stages instead (RFC 9112 section 9.6).
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol


class Lingerer(Protocol):
    """What the transport asks of its protocol."""

    reading_body: bool
    """Whether a request's body is still arriving."""

    def linger(self) -> None:
        """Begin the staged close: the answer is written, the socket transport is still open."""


class LingeringTransport(asyncio.Transport):
    """The connection's transport as uvicorn sees it: close() lingers while a request body is still arriving.

    uvicorn closes the transport itself once a "connection: close" answer is sent; this is where that
    close is turned into the staged one (GuardedProtocol._linger). Everything else goes to the socket's transport.
    """

    def __init__(self, transport: asyncio.Transport, protocol: Lingerer) -> None:
        super().__init__()
        self.socket = transport
        self.protocol = protocol
        self.lingering = False

    def close(self) -> None:
        if self.lingering or self.socket.is_closing():
            return
        if self.protocol.reading_body:
            self.lingering = True
            self.protocol.linger()
        else:
            self.socket.close()

    def is_closing(self) -> bool:
        return self.lingering or self.socket.is_closing()

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.socket.write(data)

    def abort(self) -> None:
        self.socket.abort()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.socket.get_extra_info(name, default)

    def pause_reading(self) -> None:
        self.socket.pause_reading()

    def resume_reading(self) -> None:
        self.socket.resume_reading()

    def is_reading(self) -> bool:
        return self.socket.is_reading()

    def get_write_buffer_size(self) -> int:
        return self.socket.get_write_buffer_size()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self.socket.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self.socket.get_protocol()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self.socket.set_write_buffer_limits(high, low)
