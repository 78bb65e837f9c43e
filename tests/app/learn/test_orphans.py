"""No orphans, with a real server (python -m app) and a real client process: whatever dies, the job ends within 2 s."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from model.training.live.yielding import running
from tests.app.learn.conftest import job_pids, wait_until
from tests.pipes import Lines
from tests.server import REPO, Server, app_command, get_status

CLIENT = """
import json, sys, time
from websockets.sync.client import connect
ws = connect(sys.argv[1])
ws.send(json.dumps({"type": "start", "config": {"hidden": [30], "train_size": 2000}}))
while json.loads(ws.recv(timeout=60))["type"] != "progress":  # no progress in 60 s: TimeoutError, and the test fails
    pass
print("training", flush=True)
time.sleep(60)
"""


def start_client(server: Server) -> subprocess.Popen[str]:
    """Return a client process whose job is training (it has printed "training")."""
    client = subprocess.Popen(
        [sys.executable, "-c", CLIENT, f"ws://127.0.0.1:{server.port}/api/learn/ws"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:  # its recv gives up after 60 s; 90 covers its start and connection too
        said = Lines(client.stdout, "the client").next("its word that the job is training", seconds=90)
        assert said.strip() == "training", "the client ended without a progress message (see its error)"
    except BaseException:  # no test holds the client yet to kill it
        kill(client)
        raise
    return client


def kill(client: subprocess.Popen[str]) -> None:
    """Kill `client` with SIGKILL, which it cannot catch, unless it has ended already, and reap it (returns nothing)."""
    client.kill()
    client.wait()


@contextmanager
def training_job(server: Server) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """Yield a training client of `server` and its job's pid; kill the client on the way out."""
    client = start_client(server)
    try:
        (pid,) = job_pids(server.pid)
        yield client, pid
    finally:
        kill(client)


def test_killing_the_client_ends_the_job_within_two_seconds() -> None:
    with Server(app_command()) as server, training_job(server) as (client, pid):
        kill(client)
        took = wait_until(lambda: pid not in job_pids(server.pid), 2.0)
        assert took is not None, "the job outlived its client by more than 2 s"
        assert get_status(server.port) == 200  # and the worker lives on
        kill(start_client(server))  # the slot is free again


def test_killing_the_server_ends_the_job_within_two_seconds() -> None:
    with Server(app_command()) as server, training_job(server) as (_client, pid):
        os.kill(server.pid, signal.SIGKILL)  # the server process alone, as a crash would (stop() signals its session)
        server.wait()
        assert wait_until(lambda: not running(pid), 2.0) is not None, "the job outlived its server"


def test_a_socket_outlives_the_slow_client_deadlines() -> None:
    """python -m app's protocol times out slow HTTP clients; an upgraded WebSocket is not one (it closed at 10 s)."""
    env = {"DIGITS_HEADER_TIMEOUT_S": "1", "DIGITS_BODY_TIMEOUT_S": "1"}
    with Server(app_command(), env=env) as server, training_job(server) as (_client, pid):
        time.sleep(3)
        assert job_pids(server.pid) == [pid], "the socket, and so its job, ended at the HTTP deadlines"
