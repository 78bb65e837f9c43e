"""HTTP caching: ETags and 304 for the answers that change only with the weights, and revalidated static files.

GET /api/model and /api/neurons/... are the same for as long as the same weights are served, so
they carry an ETag and answer 304 to a client that already has them. Every one of these answers,
and every static file, says `Cache-Control: no-cache`: a browser may keep it but asks again (a 304
costs a few bytes), so after a deploy it never runs old scripts. The static URLs carry no version
(the ES modules import each other by plain names), which is why their files are not cached for long.

The ETags are weak (W/"..."): app.main's gzip changes the bytes but not the meaning of an answer.
"""

from __future__ import annotations

import os

from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.types import Scope

from app.errors import JSON

REVALIDATE = "no-cache"
"""The Cache-Control of every answer that may be kept but must be checked again before each use."""


def weak_etag(digest: str) -> str:
    """Return the weak ETag for a hex digest (the weights' SHA-256, say): W/"<first 32 hex digits>"."""
    return f'W/"{digest[:32]}"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """Return whether an If-None-Match header names `etag` (weak comparison, as RFC 9110 wants for it) or is *."""
    if if_none_match is None:
        return False
    wanted = etag.removeprefix("W/")
    return any(tag == "*" or tag.removeprefix("W/") == wanted for tag in map(str.strip, if_none_match.split(",")))


def not_modified(etag: str) -> Response:
    """Return 304 with `etag` and no body."""
    return Response(status_code=304, headers={"ETag": etag, "Cache-Control": REVALIDATE})


def cached(body: bytes, *, etag: str, if_none_match: str | None) -> Response:
    """Return the JSON `body` with `etag`, or 304 when If-None-Match names it already."""
    if matches(if_none_match, etag):
        return not_modified(etag)
    return Response(body, media_type=JSON, headers={"ETag": etag, "Cache-Control": REVALIDATE})


class RevalidatedStaticFiles(StaticFiles):
    """Starlette's StaticFiles (ETag, Last-Modified, 304) with `Cache-Control: no-cache` on every file."""

    def file_response(
        self, full_path: str | os.PathLike[str], stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = REVALIDATE
        return response
