"""HTTP for the shipping tests: a GET or JSON POST with the standard library, a picture upload with httpx."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import httpx


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


def post_picture(url: str, picture: bytes, *, filename: str = "picture.png", timeout: float = 60) -> httpx.Response:
    """Return the response to POST url with `picture` as the multipart file field `image` (the upload path)."""
    return httpx.post(url, files={"image": (filename, picture, "application/octet-stream")}, timeout=timeout)
