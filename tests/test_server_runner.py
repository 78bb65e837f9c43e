"""The one server runner (tests/server.py): ports, commands, and a server that dies is reported with its output."""

from __future__ import annotations

import socket
import sys

import pytest

from tests.server import HOST, Server, app_command, free_port, get_status, uvicorn_command


def test_free_port_can_be_bound_and_nothing_answers_there() -> None:
    port = free_port()
    assert get_status(port) is None
    with socket.socket() as sock:
        sock.bind((HOST, port))


def test_the_port_is_appended_to_uvicorn_and_given_to_python_m_app() -> None:
    uvicorn = Server(uvicorn_command())
    assert uvicorn.command[-2:] == ["--port", str(uvicorn.port)]
    assert uvicorn.env["DIGITS_PORT"] == str(uvicorn.port)
    app = Server(app_command())
    assert app.command == [sys.executable, "-m", "app"] and app.env["DIGITS_PORT"] == str(app.port)
    bare = Server(app_command(), env={"ONLY": "1"}, inherit_env=False)
    assert bare.env == {"ONLY": "1", "DIGITS_PORT": str(bare.port)}


def test_a_server_that_exits_is_reported_with_its_output() -> None:
    command = [sys.executable, "-c", "import sys; print('no weights here'); sys.exit(3)", "--port"]
    server = Server(command)
    with pytest.raises(RuntimeError, match=r"exited with 3:\n.*no weights here"):
        server.__enter__()
    assert server.process is not None and server.process.returncode == 3
