"""A real `python -m uvicorn app.main:app` process: startup faults, headers on the wire, graceful shutdown."""

from __future__ import annotations

import json
import resource
import select
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest

from app.__main__ import FILES_PER_PROCESS, raise_open_files_limit
from app.settings import Settings
from model.network import Network
from model.serving.weights import save
from tests.server import READY_TIMEOUT_S, Server, app_command, uvicorn_command

pytestmark = pytest.mark.slow


LAUNCHERS = {"uvicorn": uvicorn_command, "python -m app": app_command}


def server_for(weights: Path, launcher: str) -> Server:
    """Return a (not started) server of `weights`, launched by the uvicorn command or by `python -m app`."""
    return Server(LAUNCHERS[launcher](), env={"DIGITS_WEIGHTS_PATH": str(weights), "OPENBLAS_NUM_THREADS": "1"})


@pytest.fixture(params=list(LAUNCHERS))
def running(weights_file: Path, request: pytest.FixtureRequest) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """Return (process, port) of a ready server; the process is ended after the test if still alive."""
    with server_for(weights_file, request.param) as server:
        assert server.process is not None
        yield server.process, server.port


def bad_weights(kind: str, folder: Path, good: Path) -> tuple[Path, str]:
    """Return a broken weights file of `kind` and the words its one-line error must contain."""
    path = folder / f"{kind}.npz"
    if kind == "missing":
        return path, "weights file not found"
    if kind == "corrupt":
        path.write_bytes(b"this is not a zip file" * 10)
        return path, "not a readable weights file"
    if kind == "sha256-mismatch":
        path.write_bytes(good.read_bytes())
        path.with_name(path.name + ".sha256").write_text("0" * 64 + "\n")
        return path, "does not match the expected"
    if kind == "wrong-shapes":
        save(Network.initialise([784, 16, 9], np.random.default_rng(0)), path, {})
        return path, "wrong shapes"
    if kind == "bad-thresholds":
        save(Network.initialise([784, 8, 10], np.random.default_rng(0)), path, {"uncertainty": {"unsure_below": 7}})
        return path, "unsure_below"
    raise ValueError(kind)


@pytest.mark.parametrize("kind", ["missing", "corrupt", "sha256-mismatch", "wrong-shapes", "bad-thresholds"])
def test_bad_weights_stop_the_server_with_one_line(kind: str, tmp_path: Path, weights_file: Path) -> None:
    path, words = bad_weights(kind, tmp_path, weights_file)
    server = server_for(path, "uvicorn" if kind != "missing" else "python -m app").start()
    try:
        returncode = server.wait(READY_TIMEOUT_S)
        stderr = server.log()
    finally:
        server.__exit__()
    assert returncode != 0
    error_lines = [line for line in stderr.splitlines() if str(path) in line]
    assert len(error_lines) == 1, stderr
    assert words in error_lines[0]
    assert "Traceback" not in stderr


def test_wire_headers_have_no_server_and_the_security_headers(running: tuple[subprocess.Popen[bytes], int]) -> None:
    _, port = running
    response = httpx.get(f"http://127.0.0.1:{port}/api/model")
    assert response.status_code == 200
    assert "server" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in response.headers["content-security-policy"]


def send_request_head(port: int, body_length: int) -> socket.socket:
    """Return a socket that has sent the head of a POST /predict whose body is still to come."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    head = (
        f"POST /predict HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {body_length}\r\n\r\n"
    )
    sock.sendall(head.encode())
    return sock


def read_response(sock: socket.socket) -> tuple[int, bytes]:
    """Return the status and body of the HTTP/1.1 response on `sock` (read until the server closes)."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_sigterm_lets_the_request_in_flight_finish_then_exits_cleanly(
    running: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = running
    launcher = process.args[2]  # type: ignore[index]
    body = json.dumps({"strokes": [[[x, (x * 7) % 50] for x in range(200)]], "explain": True}).encode()
    sock = send_request_head(port, len(body))
    half = len(body) // 2
    sock.sendall(body[:half])
    time.sleep(0.3)  # the server has accepted the request and is reading its body
    process.send_signal(signal.SIGTERM)
    time.sleep(0.3)  # the server is shutting down, with this request in flight
    assert process.poll() is None, "the server must wait for the request in flight"
    sock.sendall(body[half:])
    status, answer = read_response(sock)
    sock.close()
    assert status == 200
    assert len(json.loads(answer)["saliency"]) == 28
    # `python -m app` exits 0; the uvicorn command re-raises the SIGTERM it handled, so it dies of it.
    expected = 0 if launcher == "app" else -signal.SIGTERM
    assert process.wait(timeout=15) == expected
    # No new connection is accepted once shutdown has begun.
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)


def test_a_streamed_body_is_refused_before_it_is_all_sent(running: tuple[subprocess.Popen[bytes], int]) -> None:
    _, port = running
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    head = "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    sock.sendall(head.encode())
    chunk = b" " * 65536
    framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    # A 6.4 MB body without Content-Length, sent slowly; stop as soon as the server answers.
    sent = 0
    for _ in range(100):
        sock.sendall(framed)
        sent += len(chunk)
        readable, _, _ = select.select([sock], [], [], 0.05)
        if readable:
            break
    status, answer = read_response(sock)
    sock.close()
    assert status == 413
    assert b"request body too large" in answer
    assert sent <= 256 * 1024 + 2 * len(chunk)


def test_the_open_files_limit_is_raised_to_fit_the_connection_cap(settings: Settings) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(soft + 1000, hard) if hard != resource.RLIM_INFINITY else soft + 1000
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted - 500, hard))
        capped = settings.model_copy(update={"max_connections": wanted - FILES_PER_PROCESS, "workers": 1})
        assert raise_open_files_limit(capped) == wanted
        assert resource.getrlimit(resource.RLIMIT_NOFILE) == (wanted, hard)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
