"""Slow and silent clients against a real `python -m app` process, on real sockets (app/protocol.py).

The deadlines are shortened (SLOW_TEST_TIMEOUT_S, 2 s by default) and the slow upload is 1 MiB at
256 KiB/s, so the module takes about 20 s; the full case of issue 16, an 8 MiB picture at 256 KiB/s
under the default 10 s timeouts, is the same test with
    SLOW_TEST_TIMEOUT_S=10 SLOW_TEST_UPLOAD_BYTES=8388608 pytest tests/app/test_slow_clients.py -k upload
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from tests.server import HOST, Server, app_command

pytestmark = pytest.mark.slow

TIMEOUT_S = float(os.environ.get("SLOW_TEST_TIMEOUT_S", "2"))
"""The head deadline and the body read timeout of the server under test."""
UPLOAD_BYTES = int(os.environ.get("SLOW_TEST_UPLOAD_BYTES", str(1024 * 1024)))
UPLOAD_RATE = 256 * 1024
"""Bytes per second of the slow upload: a phone on a slow link."""
LATE_S = 1.0
"""How much later than its deadline the server may close a connection (issue 16: within deadline + 1 s)."""


def server(weights: Path, **settings: str) -> Server:
    """Return a (not started) `python -m app` with the short timeouts and `settings` as DIGITS_* variables."""
    env = {
        "DIGITS_WEIGHTS_PATH": str(weights),
        "DIGITS_HEADER_TIMEOUT_S": str(TIMEOUT_S),
        "DIGITS_BODY_TIMEOUT_S": str(TIMEOUT_S),
        "DIGITS_MAX_BODY_BYTES": str(UPLOAD_BYTES + 4096),
    }
    env.update({"DIGITS_" + name.upper(): value for name, value in settings.items()})
    return Server(app_command(), env=env)


@pytest.fixture(scope="module")
def guarded(weights_file: Path) -> Iterator[Server]:
    """Return a running server with the short timeouts."""
    with server(weights_file) as running:
        yield running


def connect(port: int) -> socket.socket:
    """Return a fresh connection to the server on `port`."""
    return socket.create_connection((HOST, port), timeout=TIMEOUT_S + 30)


def until_closed(sock: socket.socket) -> tuple[bytes, float]:
    """Return everything the server sends until it closes the connection, and when it closed (perf_counter)."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data, time.perf_counter()


def one_response(sock: socket.socket) -> bytes:
    """Return the next response on a kept-alive connection (head and Content-Length body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(line for line in head.lower().split(b"\r\n") if line.startswith(b"content-length:"))[15:])
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


def status_of(response: bytes) -> int:
    """Return the status code of the (first) HTTP/1.1 response in `response`."""
    assert response.startswith(b"HTTP/1.1 "), response[:100]
    return int(response[9:12])


def predict_request(padding: int = 0) -> bytes:
    """Return a POST /predict of a small drawing, its JSON body followed by `padding` spaces."""
    body = json.dumps({"strokes": [[[10, 10], [20, 40], [30, 10]]]}).encode() + b" " * padding
    head = f"POST /predict HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


def test_a_silent_connection_is_closed_within_the_deadline(guarded: Server) -> None:
    with connect(guarded.port) as sock:
        opened = time.perf_counter()
        answer, closed = until_closed(sock)
    assert answer == b""  # nothing was asked, so nothing is answered
    assert TIMEOUT_S - 0.05 <= closed - opened <= TIMEOUT_S + LATE_S


def test_a_head_trickled_a_byte_a_second_gets_408_at_the_deadline(guarded: Server) -> None:
    head = f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\nUser-Agent: slow\r\n\r\n".encode()
    with connect(guarded.port) as sock:
        opened = time.perf_counter()
        for byte in head:
            try:
                sock.sendall(bytes([byte]))
            except OSError:  # the server has closed it
                break
            sock.settimeout(1.0)
            try:
                if sock.recv(1, socket.MSG_PEEK):
                    break  # the answer has come
            except TimeoutError:
                continue
        sock.settimeout(TIMEOUT_S + 30)
        answer, closed = until_closed(sock)
    assert status_of(answer) == 408
    assert b"the request head did not arrive within" in answer
    assert TIMEOUT_S - 0.05 <= closed - opened <= TIMEOUT_S + LATE_S


def test_a_body_that_stalls_gets_408_and_no_error_is_logged(guarded: Server) -> None:
    request = predict_request()
    with connect(guarded.port) as sock:
        sock.sendall(request[:-10])
        stalled = time.perf_counter()
        answer, closed = until_closed(sock)
    assert status_of(answer) == 408
    assert b"no byte of the request body arrived for" in answer
    assert TIMEOUT_S - 0.05 <= closed - stalled <= TIMEOUT_S + LATE_S
    assert "Traceback" not in guarded.log()


def test_a_slow_but_steady_upload_gets_through(guarded: Server) -> None:
    request = predict_request(padding=UPLOAD_BYTES)
    chunk = UPLOAD_RATE // 16
    with connect(guarded.port) as sock:
        started = time.perf_counter()
        for index, offset in enumerate(range(0, len(request), chunk)):
            time.sleep(max(0.0, started + index / 16 - time.perf_counter()))
            sock.sendall(request[offset : offset + chunk])
        sent = time.perf_counter()
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer, _ = until_closed(sock)
    print(f"{len(request)} bytes at {UPLOAD_RATE} B/s took {sent - started:.1f} s, answered {status_of(answer)}")
    assert sent - started > TIMEOUT_S  # longer than the timeout: there is no total deadline
    assert status_of(answer) == 200
    _, _, rest = answer.partition(b"\r\n\r\n")
    assert json.loads(rest[: rest.index(b"HTTP/1.1 ")])["digit"] in range(10)


def test_a_kept_alive_connection_is_reused_and_idles_for_the_usual_keep_alive_timeout(guarded: Server) -> None:
    keep_alive_s = uvicorn.Config("app.main:app").timeout_keep_alive  # uvicorn's, unchanged by the protocol
    with connect(guarded.port) as sock:
        for _ in range(3):
            sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
            answer = one_response(sock)
            assert status_of(answer) == 200 and answer.endswith(b'{"status":"ok"}')
            answered = time.perf_counter()
        rest, closed = until_closed(sock)
    assert rest == b""
    # 5 s, longer than the 2 s head deadline of this server: idling is not sending a head too slowly.
    assert keep_alive_s - 0.05 <= closed - answered <= keep_alive_s + LATE_S


def test_beyond_the_connection_cap_healthz_is_answered_and_predict_gets_503(weights_file: Path) -> None:
    with server(weights_file, max_connections="3") as capped:
        held = [connect(capped.port) for _ in range(3)]
        try:
            time.sleep(0.2)  # the server has accepted all three
            with connect(capped.port) as sock:
                sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
                health, _ = until_closed(sock)
            with connect(capped.port) as sock:
                sock.sendall(predict_request())
                busy, _ = until_closed(sock)
        finally:
            for sock in held:
                sock.close()
    assert status_of(health) == 200
    assert status_of(busy) == 503
    assert b"retry-after: 1" in busy


def test_a_client_that_writes_a_whole_oversized_upload_before_reading_gets_the_413(guarded: Server) -> None:
    # Like Python's urllib: the whole 27 MB body is written first, then the answer is read. A server that
    # closed while the body was still arriving would reset the connection and wipe out its 413.
    body = b"\0" * (27 * 1024 * 1024)
    head = (
        f"POST /predict HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: multipart/form-data; boundary=x\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    with connect(guarded.port) as sock:
        sock.sendall(head + body)
        response, _ = until_closed(sock)
    assert status_of(response) == 413
    assert b"upload too large" in response
