"""Request limits: their values, and the middleware that refuses bodies that are too large (413)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.settings import Settings


@dataclass(frozen=True)
class Limits:
    """What one request may contain; documented in the OpenAPI schema and in GET /api/model."""

    max_body_bytes: int
    max_strokes: int
    max_points: int
    max_coordinate: float

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        """Return the limits configured in `settings`."""
        return cls(
            max_body_bytes=settings.max_body_bytes,
            max_strokes=settings.max_strokes,
            max_points=settings.max_points,
            max_coordinate=settings.max_coordinate,
        )

    def as_dict(self) -> dict[str, int | float]:
        """Return the limits as a JSON-ready dict."""
        return asdict(self)


class BodyTooLargeError(Exception):
    """Raised from `receive` when the streamed body passes the limit, to stop the app reading it."""


class BodySizeLimitMiddleware:
    """Answer 413 to any HTTP request whose body is larger than `max_body_bytes`.

    The declared Content-Length is checked before the app runs; the bytes actually received are
    counted too, because a client may send no Content-Length (chunked) or lie about it. Either way
    the answer comes without reading the rest of the body.
    """

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.detail = f"request body too large: the limit is {max_body_bytes} bytes"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await self._refuse(send, 400, "invalid Content-Length header")
                    return
                if declared > self.max_body_bytes:
                    await self._refuse(send, 413, self.detail)
                    return

        received = 0
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyTooLargeError
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLargeError:
            # The app stopped mid-body; nothing has been answered yet unless it streamed early.
            if not response_started:
                await self._refuse(send, 413, self.detail)

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
