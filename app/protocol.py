"""uvicorn's HTTP protocol with deadlines for slow and silent clients, and a cap on open connections.

uvicorn times out only an idle kept-alive connection, after a response; a client that opens a
connection and sends nothing, or half a request head and then a byte now and then, or stops in
the middle of a body, would hold its connection (and its memory) for ever (Slowloris). An ASGI
middleware cannot help: it runs only once the head has been parsed. So `python -m app` serves
with GuardedProtocol, uvicorn's httptools protocol plus:

- a head deadline (Settings.header_timeout_s): the request line and headers must be complete
  within it, counted from the opening of the connection, or on a kept-alive connection from the
  first byte of the next request (the idle wait before that byte is uvicorn's keep-alive timeout,
  unchanged). Past it the client gets 408 and the connection is closed; one that sent nothing is
  simply closed. A head larger than MAX_HEAD_BYTES gets 431 (httptools itself buffers any size);
- a body read timeout (Settings.body_timeout_s): while a body is being received, at most that long
  may pass without a byte arriving (408 and close). There is no total deadline, so a slow but
  steady upload always gets through. The client gets a whole timeout again after the server itself
  held the body back (reading paused, or "100 Continue" not sent yet);
- a request that cannot be parsed is answered with a JSON 400, not uvicorn's plain text;
- a closing in stages (RFC 9112 section 9.6) when the server answers and closes while a request
  body is still arriving (the 413 of app/body_limit.py): the answer is sent, then the server stops
  sending (a FIN), reads and throws away what still comes for at most LINGER_S seconds and
  LINGER_BYTES bytes, and only then closes. Closing at once would reset the connection while the
  client is still writing, and a client that writes the whole body before it reads (Python's
  urllib) would lose the answer with it;
- a cap on open connections per worker (Settings.max_connections). A connection opened beyond it
  may ask GET /healthz, so a load balancer still gets its answer; anything else gets 503 at once,
  and one that says nothing is closed after OVER_CAP_HEADER_TIMEOUT_S.

The deadlines cost no timer per request: one watchdog timer per connection wakes up at the
earliest pending deadline, and the clock is read only when a chunk leaves a head or a body
unfinished (benchmarks/protocol_overhead.py: about 1 us per request over uvicorn's protocol).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from typing import Any, ClassVar

import orjson
from uvicorn._types import ASGI3Application, ASGIReceiveCallable, ASGISendCallable, ASGISendEvent, Scope
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from app.api import HEALTH_PATH
from app.closing import LingeringTransport
from app.settings import Settings

MAX_HEAD_BYTES = 32 * 1024
"""Largest request line plus headers. Without a limit one client could make a worker buffer a
100 MB header within the head deadline (measured: +135 MB of RSS); nginx accepts 32 KiB by default."""

OVER_CAP_HEADER_TIMEOUT_S = 1.0
"""Head deadline of a connection beyond the cap: a load balancer's probe arrives at once, and a
silent connection there must not keep memory the cap is meant to bound."""

LINGER_S = 5.0
"""Longest time the rest of a refused body is read and thrown away before the connection is closed..."""

LINGER_BYTES = 64 * 1024 * 1024
"""...and most bytes: enough for any upload a client would still be writing, bounded so none can hold a worker."""

logger = logging.getLogger("uvicorn.error")


def _error(status: bytes, detail: str, default_headers: list[tuple[bytes, bytes]]) -> bytes:
    """Return a complete HTTP/1.1 response `status` with the JSON body {"detail": detail}, closing the connection."""
    body = orjson.dumps({"detail": detail})
    head = [b"HTTP/1.1 " + status]
    head += [name + b": " + value for name, value in default_headers]
    head += [b"content-type: application/json", b"content-length: %d" % len(body), b"connection: close"]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


@functools.cache
def _environment_settings() -> Settings:
    """Return the settings read from the environment, once per worker process."""
    return Settings()


class _BeyondCap:
    """The app as seen by a connection opened beyond the cap: GET /healthz, or 503 at once; then close."""

    BUSY = orjson.dumps({"detail": "the server has too many open connections; retry shortly"})

    def __init__(self, app: ASGI3Application) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
        if scope["type"] == "http" and scope["path"] == HEALTH_PATH and scope["method"] in ("GET", "HEAD"):

            async def closing_send(message: ASGISendEvent) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = [*message.get("headers", []), (b"connection", b"close")]
                await send(message)

            await self.app(scope, receive, closing_send)
            return
        headers = [(b"content-type", b"application/json"), (b"retry-after", b"1"), (b"connection", b"close")]
        headers.append((b"content-length", b"%d" % len(self.BUSY)))
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": self.BUSY, "more_body": False})


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a head deadline, a body read timeout and a connection cap."""

    settings: ClassVar[Settings | None] = None
    """The settings to apply; None reads them from the environment (DIGITS_*), as `python -m app` does."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        settings = self.settings or _environment_settings()
        self.header_timeout_s = settings.header_timeout_s
        self.body_timeout_s = settings.body_timeout_s
        self.max_connections = settings.max_connections
        self.head_since: float | None = None
        """When the clock of the request head now awaited started; None while no head is awaited."""
        self.head_bytes = 0
        self.reading_body = False
        """Whether a request's head has been read and its body has not ended yet."""
        self.body_since = 0.0
        """When that body last made progress: a byte arrived, or the server held it back (see _check_deadlines)."""
        self.body_held = False
        self.watchdog: asyncio.TimerHandle | None = None
        self.watchdog_at = 0.0
        self.upgraded = False
        """Whether the connection was handed to the WebSocket protocol (no HTTP deadline applies any more)."""
        self.lingered = 0
        """Bytes thrown away since the connection began to close in stages."""
        self.linger_timer: asyncio.TimerHandle | None = None

    # --- the connection -----------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        beyond_cap = len(self.connections) >= self.max_connections
        super().connection_made(transport)
        self.transport = LingeringTransport(transport, self)
        if beyond_cap:
            self.app = _BeyondCap(self.app)
            self.header_timeout_s = min(self.header_timeout_s, OVER_CAP_HEADER_TIMEOUT_S)
            logger.debug("%d open connections: connection beyond the cap", len(self.connections))
        self.head_since = self.loop.time()
        self._watch_until(self.head_since + self.header_timeout_s)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.watchdog is not None:
            self.watchdog.cancel()
            self.watchdog = None
        if self.linger_timer is not None:
            self.linger_timer.cancel()
            self.linger_timer = None
        self.reading_body = False  # nothing more arrives: uvicorn's own close must not linger
        super().connection_lost(exc)

    def linger(self) -> None:
        """Close in stages: the answer is already written; stop sending, then read and discard, bounded."""
        assert isinstance(self.transport, LingeringTransport)
        socket = self.transport.socket
        logger.debug("%s - closing in stages: the rest of the body is read and discarded", self._peer())
        with contextlib.suppress(NotImplementedError, OSError, RuntimeError):  # a transport that cannot half-close
            socket.write_eof()  # after what is buffered, so the answer goes out whole, then a FIN
        socket.resume_reading()  # the flow control may have paused it while the app read the body
        self.linger_timer = self.loop.call_later(LINGER_S, socket.close)

    def data_received(self, data: bytes) -> None:
        # The clocks are read here, once per chunk, and only when a head or a body is left unfinished:
        # a request that arrives whole in one chunk costs no clock reading and no timer.
        if isinstance(self.transport, LingeringTransport) and self.transport.lingering:
            self.lingered += len(data)  # the rest of a refused body: thrown away, unparsed
            if self.lingered > LINGER_BYTES:
                self.transport.socket.close()
            return
        head_awaited = self.head_since is not None
        super().data_received(data)
        if self.upgraded:
            return
        if self.reading_body:  # bytes of an unfinished body arrived
            self.body_since = self.loop.time()
            self._watch_until(self.body_since + self.body_timeout_s)
        elif self.head_since is not None:
            # A chunk fed while a head was already awaited, after which it is still awaited, is all head.
            if head_awaited:
                self.head_bytes += len(data)
                if self.head_bytes > MAX_HEAD_BYTES and not self.transport.is_closing():
                    detail = f"request line and headers over {MAX_HEAD_BYTES} bytes"
                    self._refuse(b"431 Request Header Fields Too Large", detail)
        elif self._head_begun():  # the next request on a kept-alive connection began, unfinished
            self.head_since = self.loop.time()
            self._watch_until(self.head_since + self.header_timeout_s)

    def handle_websocket_upgrade(self) -> None:
        # The connection now belongs to the WebSocket protocol (its own pings watch for a silent peer): the
        # deadlines of HTTP must not close it. Without this the watchdog, armed for the upgrade request's
        # "body", closed every /learn socket after body_timeout_s.
        self.upgraded = True
        self.reading_body = False
        self.head_since = None
        if self.watchdog is not None:
            self.watchdog.cancel()
            self.watchdog = None
        if isinstance(self.transport, LingeringTransport):
            self.transport = self.transport.socket  # the WebSocket protocol takes the socket's own transport
        super().handle_websocket_upgrade()

    def _head_begun(self) -> bool:
        """Return whether a request head has begun to arrive and is not complete yet."""
        scope, cycle = self.scope, self.cycle
        return scope is not None and (cycle is None or cycle.scope is not scope)

    # --- parser callbacks: they only note the state ---------------------------------------------

    def on_headers_complete(self) -> None:
        self.head_since = None
        self.head_bytes = 0
        self.reading_body = True
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self.reading_body = False
        super().on_message_complete()

    # --- the watchdog ---------------------------------------------------------------------------

    def _watch_until(self, deadline: float) -> None:
        """Make sure the watchdog wakes up by `deadline`."""
        if self.watchdog is None or self.watchdog_at > deadline:
            if self.watchdog is not None:
                self.watchdog.cancel()
            self.watchdog_at = deadline
            self.watchdog = self.loop.call_at(deadline, self._check_deadlines)

    def _check_deadlines(self) -> None:
        """Close the connection if a deadline has passed; otherwise sleep until the next one, if any."""
        self.watchdog = None
        if self.transport.is_closing() or self.upgraded:
            return
        now = self.loop.time()
        # While the server holds a body back (reading paused until the app takes what it has, or no
        # "100 Continue" sent yet), the client cannot be late: its clock restarts now, and once more at
        # the first check after the hold, so it gets a whole timeout from then.
        cycle = self.cycle
        held = self.reading_body and (self.flow.read_paused or (cycle is not None and cycle.waiting_for_100_continue))
        if held or self.body_held:
            self.body_since = now
        self.body_held = held
        pending = []
        if self.head_since is not None:
            deadline = self.head_since + self.header_timeout_s
            if now >= deadline:
                self._head_timed_out()
                return
            pending.append(deadline)
        if self.reading_body:
            deadline = self.body_since + self.body_timeout_s
            if now >= deadline:
                self._body_timed_out()
                return
            pending.append(deadline)
        if pending:
            self._watch_until(min(pending))

    def _head_timed_out(self) -> None:
        """Answer 408 to a head that began but did not end in time (if no response is under way); close."""
        previous = self.cycle
        if self._head_begun() and (previous is None or previous.response_complete):
            self._refuse(b"408 Request Timeout", f"the request head did not arrive within {self.header_timeout_s:g} s")
        else:
            self._close_now()

    def _body_timed_out(self) -> None:
        """Answer 408 to a body that stopped arriving (unless the app already answered); close."""
        cycle = self.cycle
        if cycle is not None and not cycle.response_started:
            detail = f"no byte of the request body arrived for {self.body_timeout_s:g} s"
            self._refuse(b"408 Request Timeout", detail)
            # The app sees the client gone at once, and nothing it sends may follow the 408.
            cycle.disconnected = True
            cycle.message_event.set()
        else:
            self._close_now()

    def send_400_response(self, msg: str) -> None:
        """Answer a request that cannot be parsed (a malformed Content-Length, say) with JSON, as every error is."""
        # uvicorn's own answer is text/plain "Invalid HTTP request received."; the message stays the same.
        self._refuse(b"400 Bad Request", msg)

    def _refuse(self, status: bytes, detail: str) -> None:
        """Send the error `status` with `detail` and close the connection."""
        logger.debug("%s - %s: %s", self._peer(), status.decode(), detail)
        self.transport.write(_error(status, detail, self.server_state.default_headers))
        self._close_now()

    def _close_now(self) -> None:
        """Close the connection without lingering: a client past a deadline is not sending anything to read."""
        transport = self.transport
        (transport.socket if isinstance(transport, LingeringTransport) else transport).close()

    def _peer(self) -> str:
        """Return the client's address as host:port, for the log."""
        return f"{self.client[0]}:{self.client[1]}" if self.client else "-"
