"""GuardedProtocol without sockets: bytes fed by hand to the protocol, on a real event loop with short deadlines.

The same behaviour is checked on real sockets against `python -m app` in tests/app/test_slow_clients.py.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.config import Config
from uvicorn.server import ServerState

from app import protocol as protocol_module
from app.protocol import LINGER_BYTES, MAX_HEAD_BYTES, GuardedProtocol
from app.settings import Settings

HEAD_S = 0.3
BODY_S = 0.3
KEEP_ALIVE_S = 2  # uvicorn's keep-alive timeout is whole seconds
LATE_S = 0.2
"""How late a timer may fire on a busy machine; none may fire early."""


class Transport(asyncio.Transport):
    """What the protocol wrote, whether it closed, and whether reading is paused."""

    def __init__(self, protocol: GuardedProtocol) -> None:
        super().__init__()
        self.protocol = protocol
        self.written = bytearray()
        self.closed_at: float | None = None
        self.paused = False

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8000)}.get(name, default)

    def write(self, data: bytes | bytearray | memoryview) -> None:
        assert self.closed_at is None, "written after close"
        self.written += data

    def close(self) -> None:
        if self.closed_at is None:
            self.closed_at = asyncio.get_running_loop().time()
            asyncio.get_running_loop().call_soon(self.protocol.connection_lost, None)

    def is_closing(self) -> bool:
        return self.closed_at is not None

    def pause_reading(self) -> None:
        self.paused = True

    def resume_reading(self) -> None:
        self.paused = False

    def responses(self) -> list[int]:
        """Return the status codes written so far, in order."""
        return [int(status) for status in re.findall(rb"HTTP/1\.1 (\d{3}) ", bytes(self.written))]


seen: list[dict[str, Any]] = []


async def body_length_app(scope: Scope, receive: Receive, send: Send) -> None:
    """Answer 200 with {"bytes": n}, n the length of the body; note what the app saw in `seen`."""
    if scope["type"] != "http":
        return
    received = 0
    last: Message = {}
    while True:
        last = await receive()
        received += len(last.get("body", b""))
        if last["type"] == "http.disconnect" or not last.get("more_body"):
            break
    seen.append({"path": scope["path"], "bytes": received, "last": last["type"]})
    body = json.dumps({"bytes": received}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def connect(
    *, app: ASGIApp = body_length_app, state: ServerState | None = None, max_connections: int = 100
) -> tuple[GuardedProtocol, Transport]:
    """Return a protocol with short deadlines, connected to a fake transport."""
    config = Config(app=app, lifespan="off", timeout_keep_alive=KEEP_ALIVE_S, log_level="warning")
    settings = Settings(header_timeout_s=HEAD_S, body_timeout_s=BODY_S, max_connections=max_connections)
    protocol_class = type("TestProtocol", (GuardedProtocol,), {"settings": settings})
    protocol = protocol_class(config=config, server_state=state or ServerState(), app_state={})
    transport = Transport(protocol)
    protocol.connection_made(transport)
    return protocol, transport


def on_time(elapsed: float, deadline: float) -> bool:
    """Return whether `elapsed` seconds is `deadline`, or at most LATE_S later."""
    return deadline - 0.001 <= elapsed <= deadline + LATE_S


def post_head(length: int, path: str = "/upload") -> bytes:
    """Return the head of a POST whose body of `length` bytes is still to come."""
    return f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n".encode()


def run(test: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run `test` on a fresh event loop."""
    seen.clear()
    asyncio.run(test())


def test_a_silent_connection_is_closed_at_the_head_deadline_without_an_answer() -> None:
    async def test() -> None:
        _, transport = connect()
        opened = asyncio.get_running_loop().time()
        await asyncio.sleep(HEAD_S * 1.3)
        assert transport.closed_at is not None
        assert on_time(transport.closed_at - opened, HEAD_S)
        assert transport.written == b""

    run(test)


def test_a_trickled_head_gets_408_at_the_deadline_counted_from_the_opening() -> None:
    async def test() -> None:
        protocol, transport = connect()
        opened = asyncio.get_running_loop().time()
        for byte in b"GET /healthz HTTP/1.1\r\nHost: x\r\n":
            if transport.is_closing():
                break
            protocol.data_received(bytes([byte]))
            await asyncio.sleep(HEAD_S / 10)
        assert transport.closed_at is not None
        assert on_time(transport.closed_at - opened, HEAD_S)
        assert transport.responses() == [408]
        assert b'"the request head did not arrive within 0.3 s"' in transport.written
        assert seen == []

    run(test)


def test_a_head_over_the_size_limit_gets_431() -> None:
    async def test() -> None:
        protocol, transport = connect()
        protocol.data_received(b"GET / HTTP/1.1\r\nX-Big: ")
        chunk = b"a" * 4096
        for _ in range(MAX_HEAD_BYTES // len(chunk) + 2):
            if transport.is_closing():
                break
            protocol.data_received(chunk)
        assert transport.responses() == [431]
        assert transport.is_closing()

    run(test)


def test_a_stalled_body_gets_408_and_the_app_sees_the_client_gone() -> None:
    async def test() -> None:
        protocol, transport = connect()
        protocol.data_received(post_head(100) + b"x" * 40)
        stalled = asyncio.get_running_loop().time()
        await asyncio.sleep(BODY_S * 1.5)
        assert transport.responses() == [408]
        assert transport.closed_at is not None
        assert on_time(transport.closed_at - stalled, BODY_S)
        assert b"no byte of the request body arrived for 0.3 s" in transport.written
        assert seen == [{"path": "/upload", "bytes": 40, "last": "http.disconnect"}]

    run(test)


def test_a_slow_body_is_never_cut_off_while_bytes_keep_coming() -> None:
    async def test() -> None:
        protocol, transport = connect()
        protocol.data_received(post_head(12))
        for _ in range(12):  # gaps of a third of the timeout, 4 timeouts in all: there is no total deadline
            await asyncio.sleep(BODY_S / 3)
            protocol.data_received(b"x")
        await asyncio.sleep(0.05)
        assert transport.responses() == [200]
        assert b'{"bytes": 12}' in transport.written
        assert not transport.is_closing()

    run(test)


def test_the_time_the_server_keeps_a_body_waiting_is_not_counted() -> None:
    release = asyncio.Event()

    async def slow_reader(scope: Scope, receive: Receive, send: Send) -> None:
        await release.wait()  # the app takes its time before reading
        await body_length_app(scope, receive, send)

    async def test() -> None:
        protocol, transport = connect(app=slow_reader)
        size = 200 * 1024
        protocol.data_received(post_head(size) + b"x" * (size // 2))
        assert transport.paused  # uvicorn stops reading past 64 KiB the app has not taken
        await asyncio.sleep(BODY_S * 3)
        assert transport.responses() == []
        release.set()  # the app reads: the server resumes reading and the clock restarts, at 3x the timeout
        await asyncio.sleep(0.05)
        protocol.data_received(b"x" * (size // 2))
        await asyncio.sleep(0.05)
        assert transport.responses() == [200]
        assert f'{{"bytes": {size}}}'.encode() in transport.written

    run(test)


def test_a_body_held_back_by_expect_100_continue_is_not_timed_out_until_the_server_asks() -> None:
    release = asyncio.Event()

    async def slow_reader(scope: Scope, receive: Receive, send: Send) -> None:
        await release.wait()  # the app calls receive() late: only then is "100 Continue" sent
        await body_length_app(scope, receive, send)

    async def test() -> None:
        protocol, transport = connect(app=slow_reader)
        protocol.data_received(b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        await asyncio.sleep(BODY_S * 3)
        assert transport.written == b"" and not transport.is_closing()
        release.set()
        await asyncio.sleep(0.05)
        assert transport.written.startswith(b"HTTP/1.1 100 Continue"), bytes(transport.written)
        assert not transport.is_closing(), (bytes(transport.written), transport.closed_at)
        protocol.data_received(b"hello")
        await asyncio.sleep(0.05)
        assert transport.responses() == [100, 200]

    run(test)


def test_a_kept_alive_connection_idles_until_the_keep_alive_timeout_not_the_head_deadline() -> None:
    async def test() -> None:
        protocol, transport = connect()
        loop = asyncio.get_running_loop()
        protocol.data_received(b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
        await asyncio.sleep(HEAD_S * 2)
        assert not transport.is_closing()  # idle, past the head deadline: keep-alive's business
        protocol.data_received(b"GET /b HTTP/1.1\r\nHost: x\r\n\r\n")  # reused
        asked = loop.time()  # the answer comes after this
        await asyncio.sleep(0.05)
        assert transport.responses() == [200, 200]
        await asyncio.sleep(KEEP_ALIVE_S + 0.2)
        assert transport.closed_at is not None
        assert on_time(transport.closed_at - asked, KEEP_ALIVE_S)

    run(test)


def test_the_next_head_on_a_kept_alive_connection_has_the_deadline_from_its_first_byte() -> None:
    async def test() -> None:
        protocol, transport = connect()
        protocol.data_received(b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
        await asyncio.sleep(HEAD_S * 1.5)
        protocol.data_received(b"GET /b HTTP/1.1\r\n")
        began = asyncio.get_running_loop().time()
        await asyncio.sleep(HEAD_S * 1.5)
        assert transport.responses() == [200, 408]
        assert transport.closed_at is not None
        assert on_time(transport.closed_at - began, HEAD_S)

    run(test)


def test_beyond_the_cap_healthz_is_answered_and_anything_else_gets_503() -> None:
    async def test() -> None:
        state = ServerState()
        held = [connect(state=state, max_connections=2) for _ in range(2)]
        assert all(not transport.is_closing() for _, transport in held)
        health, health_transport = connect(state=state, max_connections=2)
        health.data_received(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        other, other_transport = connect(state=state, max_connections=2)
        other.data_received(b"GET /api/model HTTP/1.1\r\nHost: x\r\n\r\n")
        _, silent_transport = connect(state=state, max_connections=2)
        await asyncio.sleep(0.05)
        assert health_transport.responses() == [200]
        assert b"connection: close" in health_transport.written
        assert other_transport.responses() == [503]
        assert b"retry-after: 1" in other_transport.written
        assert seen == [{"path": "/healthz", "bytes": 0, "last": "http.request"}]
        assert health_transport.is_closing() and other_transport.is_closing()
        await asyncio.sleep(HEAD_S)
        assert silent_transport.is_closing() and silent_transport.written == b""

    run(test)


def test_a_request_that_cannot_be_parsed_gets_a_json_400() -> None:
    """uvicorn's own answer is plain text; every error of this server is JSON."""

    async def test() -> None:
        protocol, transport = connect()
        protocol.data_received(b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 12abc\r\n\r\n{}")
        await asyncio.sleep(0)
        head, _, body = bytes(transport.written).partition(b"\r\n\r\n")
        assert transport.responses() == [400] and b"content-type: application/json" in head
        assert json.loads(body) == {"detail": "Invalid HTTP request received."}
        assert transport.closed_at is not None and seen == []

    run(test)


async def refusing_app(scope: Scope, receive: Receive, send: Send) -> None:
    """Answer 413 with "connection: close" at once, reading none of the body (as app/body_limit.py does)."""
    if scope["type"] != "http":
        return
    headers = [(b"content-length", b"2"), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": b"{}"})


def test_an_answer_before_the_body_ends_closes_in_stages_reading_the_rest_up_to_a_bound() -> None:
    async def test() -> None:
        protocol, transport = connect(app=refusing_app)
        chunk = b"x" * (1024 * 1024)
        protocol.data_received(post_head(2 * LINGER_BYTES) + chunk)
        await asyncio.sleep(0.05)
        assert transport.responses() == [413]
        # The answer is out, and the connection stays open while the body still arrives: no reset.
        for _ in range(LINGER_BYTES // len(chunk)):
            protocol.data_received(chunk)
        assert transport.closed_at is None
        assert seen == []
        # Past the bound of bytes thrown away, it is closed.
        protocol.data_received(chunk)
        protocol.data_received(chunk)
        assert transport.closed_at is not None
        assert transport.responses() == [413]

    run(test)


def test_a_staged_close_ends_at_its_time_bound_when_the_client_neither_sends_nor_closes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(protocol_module, "LINGER_S", 0.3)

    async def test() -> None:
        protocol, transport = connect(app=refusing_app)
        protocol.data_received(post_head(10_000) + b"x" * 100)
        answered = asyncio.get_running_loop().time()
        await asyncio.sleep(0.05)
        assert transport.responses() == [413] and transport.closed_at is None
        await asyncio.sleep(0.5)
        assert transport.closed_at is not None
        assert on_time(transport.closed_at - answered, 0.3)

    run(test)
