"""The middleware that refuses request bodies over the limit (413), before the app reads them.

The limit is `Limits.max_upload_bytes` for a picture upload (a multipart/form-data body) and
`Limits.max_body_bytes` for anything else (JSON strokes or pixels).

Starlette (1.10) and FastAPI (0.165) have their own limit (`FastAPI(max_body_size=...)`), measured
against this one with a real uvicorn (docs/web-layer.md): for a declared Content-Length over the
limit, theirs runs the route first, answers plain text "Content Too Large" from outside the app's
middleware (so without the JSON error format and the security headers) and keeps the connection
open while the client goes on sending the body. It does not behave the same, so this one stays.
"""

from __future__ import annotations

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import MULTIPART, media_type


class BodyTooLargeError(Exception):
    """Raised from `receive` when the streamed body passes the limit, to stop the app reading it."""


class BodySizeLimitMiddleware:
    """Answer 413 to any HTTP request whose body is larger than its limit (by its declared content type).

    The declared Content-Length is checked when the app first asks for the body, so an answer that does
    not need it comes first: 404, 405, or 415 for a content type the route does not take. The bytes actually
    received are counted too, because a client may send no Content-Length (chunked) or lie about it.
    Either way the answer comes without the app reading the rest of the body, and closes the connection;
    under `python -m app`, app/protocol.py closes it in stages (RFC 9112 section 9.6), reading and
    throwing away what the client is still sending, so that a client that writes the whole body before
    it reads still gets the 413.
    """

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.limits = {False: max_body_bytes, True: max_upload_bytes}
        self.details = {
            False: f"request body too large: the limit is {max_body_bytes} bytes",
            True: f"upload too large: the limit is {max_upload_bytes} bytes",
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        # The route's own rule, so "multipart/form-dataX" is not an upload here and a 415 there.
        upload = media_type(headers.get(b"content-type", b"").decode("latin-1")) == MULTIPART
        limit, detail = self.limits[upload], self.details[upload]
        declared_too_large = False
        if b"content-length" in headers:
            try:
                declared = int(headers[b"content-length"])
            except ValueError:
                await self._refuse(send, 400, "invalid Content-Length header")
                return
            declared_too_large = declared > limit

        received = 0
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received
            if declared_too_large:
                raise BodyTooLargeError  # before reading a byte of it
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
                if declared_too_large:
                    # Answered without the body (404, 405, 415): do not read the rest of it to keep the connection.
                    message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLargeError:
            # The app stopped mid-body; nothing has been answered yet unless it streamed early.
            if not response_started:
                await self._refuse(send, 413, detail)

    @staticmethod
    async def _refuse(send: Send, status: int, detail: str) -> None:
        """Send a complete JSON error response with `status` and `detail`."""
        body = orjson.dumps({"detail": detail})
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
