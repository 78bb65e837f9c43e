"""The serving benchmarks' helpers and scripts work: tiny durations, no timed assertions.

The figures themselves are printed by `make bench` (benchmarks/serve.py) and benchmarks/load.py;
a test here only checks that the tools measure what they claim (answers counted, statuses
recorded, the server started and stopped), never how fast anything is.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def common() -> Iterator[ModuleType]:
    """Return benchmarks/common.py as a module (benchmarks/ is a folder of scripts)."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import common as module

        yield module
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_percentile_interpolates_between_ranks(common: ModuleType) -> None:
    assert common.percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
    assert common.percentile([1.0, 2.0], 50) == 1.5
    assert common.percentile([7.0], 99) == 7.0
    assert common.percentile([0.0, 10.0], 99) == pytest.approx(9.9)
    assert common.percentile([], 50) != common.percentile([], 50)  # NaN


def test_requests_are_encoded_once_with_their_length(common: ModuleType) -> None:
    request = common.post_json("x", {"strokes": [[[1, 2]]]}, expected=(422,))
    head, _, body = request.head.partition(b"\r\n\r\n")
    assert head.startswith(b"POST /predict HTTP/1.1\r\n")
    assert f"Content-Length: {len(body)}".encode() in head
    assert json.loads(body) == {"strokes": [[[1, 2]]]}
    assert request.expected == frozenset({422})
    held = common.http_request("big", "POST", "/predict", b"x" * 10, expect_continue=True)
    assert held.head.endswith(b"Expect: 100-continue\r\n\r\n") and held.body == b"x" * 10


def test_the_typical_drawing_has_3_strokes_and_150_points(common: ModuleType) -> None:
    strokes = common.drawing(4)
    assert len(strokes) == 3
    assert sum(map(len, strokes)) == 150
    assert all(0 < v < 400 for stroke in strokes for point in stroke for v in point)
    pixels = common.pixels_of(strokes)
    assert len(pixels) == 28 and all(len(row) == 28 for row in pixels)
    assert all(0 <= v <= 1 for row in pixels for v in row) and max(map(max, pixels)) > 0.5


def test_rss_and_cpu_of_a_pid_come_from_proc(common: ModuleType) -> None:
    assert common.rss_kib(os.getpid()) > 1000
    assert common.peak_rss_kib(os.getpid()) >= common.rss_kib(os.getpid())
    assert common.cpu_seconds(os.getpid()) > 0


class _StubServer:
    """A tiny HTTP/1.1 server on a thread: 200 with a body for GET /, chunked for /chunked, 503 and close for /down."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.port = 0
        ready = threading.Event()
        self.thread = threading.Thread(target=self._serve, args=(ready,), daemon=True)
        self.thread.start()
        ready.wait(10)

    def _serve(self, ready: threading.Event) -> None:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                while True:
                    head = await reader.readuntil(b"\r\n\r\n")
                    path = head.split(b" ")[1]
                    if path == b"/chunked":
                        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
                    elif path == b"/down":
                        writer.write(b"HTTP/1.1 503 Unavailable\r\ncontent-length: 2\r\nconnection: close\r\n\r\nno")
                        await writer.drain()
                        writer.close()
                        return
                    else:
                        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
                    await writer.drain()
            except (asyncio.IncompleteReadError, ConnectionError):
                writer.close()

        async def main() -> None:
            server = await asyncio.start_server(handle, "127.0.0.1", 0)
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            await asyncio.Event().wait()

        asyncio.set_event_loop(self.loop)
        with contextlib.suppress(RuntimeError):  # raised when close() stops the loop
            self.loop.run_until_complete(main())

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.fixture
def stub() -> Iterator[_StubServer]:
    server = _StubServer()
    yield server
    server.close()


def test_the_load_generator_counts_answers_statuses_and_unexpected_ones(common: ModuleType, stub: _StubServer) -> None:
    ok = common.http_request("ok", "GET", "/")
    chunked = common.http_request("chunked", "GET", "/chunked")
    down = common.http_request("down", "GET", "/down", expected=(200,))
    result = common.run_load(
        stub.port, [ok, chunked, down], connections=3, duration_s=0.3, warmup_s=0.0, max_requests=300
    )
    assert result.count > 0
    assert result.statuses[200] > 0 and result.statuses[503] > 0
    assert result.server_errors == result.statuses[503]
    assert set(result.unexpected) == {("down", 503)}
    assert result.connection_errors == 0  # a server that closes after "connection: close" is no error
    assert result.sent <= 300
    summary = result.summary()
    assert summary["requests"] == result.count and summary["latency_ms"]["p50"] is not None


def test_refused_connections_are_counted(common: ModuleType) -> None:
    port = common.free_port()  # nothing listens there
    result = common.run_load(port, [common.http_request("ok", "GET", "/")], connections=2, duration_s=0.2, warmup_s=0.0)
    assert result.count == 0
    assert result.errors["refused"] > 0


@pytest.mark.slow
def test_serve_and_load_scripts_run_against_a_real_server(common: ModuleType, tmp_path: Path) -> None:
    import load
    import serve

    serve_json, load_json = tmp_path / "serve.json", tmp_path / "load.json"
    assert serve.main(["--duration", "0.2", "--warmup", "0.1", "--cold-starts", "1", "--json", str(serve_json)]) == 0
    report = json.loads(serve_json.read_text())
    assert set(report["results"]) == {"healthz", "pixels", "strokes"}
    assert all(report["results"][name]["32"]["requests"] > 0 for name in report["results"])
    assert report["failed_requests"] == 0 and len(report["cold_start_s"]) == 1

    assert load.main(["--duration", "0.5", "--warmup", "0.2", "--connections", "8", "--json", str(load_json)]) == 0
    report = json.loads(load_json.read_text())
    assert report["server_errors"] == 0 and report["connection_errors_total"] == 0
    assert report["unexpected_statuses"] == 0
    assert report["requests"] > 0 and report["rss_kib"]["end"] > 0


def test_stage_routes_do_part_of_predict_and_answer_like_it(common: ModuleType) -> None:
    import stages
    from fastapi.testclient import TestClient

    from app.parsing import InputError

    body = {"strokes": common.drawing(4)}
    with TestClient(stages.app) as client:
        real = client.post("/predict", json=body)
        assert real.status_code == 200
        for name in stages.STAGES:
            staged = client.post(f"/stage/{name}", json=body)
            assert staged.status_code == 200, name
            assert staged.content == real.content, name  # the stored answer is the real one
        with pytest.raises(InputError, match="no ink"):  # the staged route really parses (and has no 4xx handling)
            client.post("/stage/render", json={"strokes": []})


def test_stages_script_runs_against_a_real_server(common: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    import stages

    assert stages.main(["--duration", "0.2", "--connections", "4"]) == 0
    printed = capsys.readouterr().out
    for name in (*stages.STAGES, "GET /healthz", "POST /predict"):
        assert f"\n{name} " in printed
