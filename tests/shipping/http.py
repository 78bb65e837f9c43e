"""HTTP for the shipping tests, with the standard library only (what an image's own Python can run too)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request


def request(url: str, body: object | None = None, timeout: float = 10) -> tuple[int, bytes]:
    """Return the status and body of GET url, or of a JSON POST of `body`; 4xx and 5xx are returned too."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"} if body is not None else {}
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, data=data, headers=headers), timeout=timeout
        ) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
