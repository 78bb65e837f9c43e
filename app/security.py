"""Security headers on every response: a strict Content-Security-Policy, and a looser one for /docs only."""

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
"""For the pages and the API: only this origin's scripts, styles and connections; no framing."""

DOCS_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # Swagger UI (served from this origin, not a CDN) sets inline style attributes and <style> blocks.
        "style-src 'self' 'unsafe-inline'",
        # Its icons and the schema's example images are data: URIs.
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "object-src 'none'",
    ]
)
"""For /docs: the strict policy plus inline styles and data: images, which Swagger UI needs."""

DOCS_PREFIX = "/docs"


class SecurityHeadersMiddleware:
    """Add Content-Security-Policy, X-Content-Type-Options and Referrer-Policy to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        common = [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer")]
        self.strict = [("Content-Security-Policy", STRICT_CSP), *common]
        self.docs = [("Content-Security-Policy", DOCS_CSP), *common]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        is_docs = path == DOCS_PREFIX or path.startswith(DOCS_PREFIX + "/")
        extra = self.docs if is_docs else self.strict

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra:
                    headers[name] = value
                # Never advertise the server software (uvicorn's own header is off: --no-server-header).
                del headers["server"]
            await send(message)

        await self.app(scope, receive, send_with_headers)
