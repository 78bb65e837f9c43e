"""Security headers on every response: a strict Content-Security-Policy, nosniff, no referrer.

No page may be shown in a frame (frame-ancestors 'none'), except the figure pages, which the
origins in DIGITS_FRAME_ANCESTORS may frame (the article embeds them); without that setting they
are refused too.

The same policy covers /docs: Swagger UI is served from this origin and started by a script file
(app/docs.py), and works under it (checked in Chromium, "Try it out" included; see
tests/app/test_docs_browser.py), so the docs need no looser policy.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def content_security_policy(frame_ancestors: Sequence[str] = ()) -> str:
    """Return the policy: only this origin's scripts, styles and connections; images also from data: and
    blob: URLs; framing only by `frame_ancestors` (none when empty)."""
    ancestors = " ".join(frame_ancestors) or "'none'"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            "connect-src 'self'",
            f"frame-ancestors {ancestors}",
            "base-uri 'none'",
            "form-action 'self'",
            "object-src 'none'",
        ]
    )


STRICT_CSP = content_security_policy()
"""The policy of every page that may not be framed."""


def _headers(csp: str) -> tuple[tuple[str, str], ...]:
    """Return the headers set on a response whose policy is `csp`."""
    return (("Content-Security-Policy", csp), ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"))


class SecurityHeadersMiddleware:
    """Add the security headers to every HTTP response, and remove any Server header.

    Responses to `framable_paths` get a policy that lets `frame_ancestors` frame them; all others the strict one.
    """

    def __init__(
        self, app: ASGIApp, *, framable_paths: Collection[str] = (), frame_ancestors: Sequence[str] = ()
    ) -> None:
        self.app = app
        self.framable_paths = frozenset(framable_paths)
        self.strict = _headers(STRICT_CSP)
        self.framable = _headers(content_security_policy(frame_ancestors))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chosen = self.framable if scope["path"] in self.framable_paths else self.strict

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in chosen:
                    headers[name] = value
                # Never advertise the server software (uvicorn's own header is off: --no-server-header).
                del headers["server"]
            await send(message)

        await self.app(scope, receive, send_with_headers)
