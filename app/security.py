"""Security headers on every response: a strict Content-Security-Policy, nosniff, no referrer.

The same policy covers /docs: Swagger UI is served from this origin and started by a script file
(app/docs.py), and works under it (checked in Chromium, "Try it out" included; see
tests/app/test_docs_browser.py), so the docs need no looser policy.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

STRICT_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "object-src 'none'",
    ]
)
"""Only this origin's scripts, styles and connections; images also from data: and blob: URLs; no framing."""

HEADERS = (
    ("Content-Security-Policy", STRICT_CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
)


class SecurityHeadersMiddleware:
    """Add HEADERS to every HTTP response, and remove any Server header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS:
                    headers[name] = value
                # Never advertise the server software (uvicorn's own header is off: --no-server-header).
                del headers["server"]
            await send(message)

        await self.app(scope, receive, send_with_headers)
