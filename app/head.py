"""HEAD wherever GET works (RFC 9110 §9.3.2): the GET answer's status and headers, without its body.

FastAPI's routes answer only the methods they declare, so HEAD /, /healthz or /api/model got 405
while the mounted static files and /openapi.json (Starlette routes) answered it; uptime monitors
probe with HEAD. This middleware runs a HEAD request as a GET and drops the body, so every GET
route, present or future, answers it, and the OpenAPI document keeps one operation per route. The
Allow header of a 405 names HEAD wherever it names GET.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadMiddleware:
    """Answer HEAD as GET without a body, and add HEAD to a 405's Allow wherever GET is in it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method")
        if scope["type"] != "http" or method == "GET":
            await self.app(scope, receive, send)
            return
        if method == "HEAD":

            async def send_head(message: Message) -> None:
                if message["type"] == "http.response.body":
                    # The Content-Length stays that of the GET answer, as RFC 9110 allows.
                    message = {**message, "body": b""}
                await send(message)

            await self.app({**scope, "method": "GET"}, receive, send_head)
            return

        async def send_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                headers = MutableHeaders(scope=message)
                allowed = [name.strip() for name in headers.get("allow", "").split(",") if name.strip()]
                if "GET" in allowed and "HEAD" not in allowed:
                    headers["allow"] = ", ".join([*allowed, "HEAD"])
            await send(message)

        await self.app(scope, receive, send_allow)
