"""Cross-site WebSocket hijacking: browsers apply no CORS to WebSockets, so the server checks Origin itself."""

from __future__ import annotations

from urllib.parse import urlsplit


def origin_allowed(*, origin: str | None, host: str | None, allowed: tuple[str, ...]) -> bool:
    """Return True for a request the page's own origin made, an allowed origin's, or a non-browser client's.

    Same origin is judged by host and port (the Origin's against the Host header), not by scheme: behind a
    proxy that ends TLS the server sees ws:// for a page on https://. A request without Origin does not come
    from a browser page, so no visitor's browser can be made to send it; such a client meets the same limits.
    """
    if origin is None:
        return True
    origin = origin.rstrip("/")
    if origin in allowed:
        return True
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc or host is None:
        return False
    default = {"http": ":80", "https": ":443"}[parts.scheme]
    return parts.netloc.lower().removesuffix(default) == host.lower().removesuffix(default)
