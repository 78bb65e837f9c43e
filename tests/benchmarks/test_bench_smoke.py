"""The serving benchmarks' own parts work: the drawings, the requests, wrk's counts; tiny durations, no timed assertions.

The figures themselves are printed by `make bench` (benchmarks/serve.py, stages.py) and
benchmarks/load.py; a test here only checks that the tools measure what they claim (answers
counted per request and status, a wrong expectation flagged, the server started and stopped),
never how fast anything is.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import driver  # benchmarks/ is a folder of scripts, not a package
import proc
from drawings import drawing, pixels_of


@pytest.fixture(scope="module")
def server(wrk: str) -> Iterator[driver.Server]:
    """Return a quiet uvicorn serving the shipped model."""
    with driver.quiet_server() as running:
        yield running


def test_the_typical_drawing_has_3_strokes_and_150_points() -> None:
    strokes = drawing(4)
    assert len(strokes) == 3
    assert sum(map(len, strokes)) == 150
    assert all(0 < v < 400 for stroke in strokes for point in stroke for v in point)
    pixels = pixels_of(strokes)
    assert len(pixels) == 28 and all(len(row) == 28 for row in pixels)
    assert all(0 <= v <= 1 for row in pixels for v in row) and max(map(max, pixels)) > 0.5


def test_requests_are_encoded_once_with_their_length() -> None:
    request = driver.post_json("x", {"strokes": [[[1, 2]]]}, expected=422)
    head, _, body = request.raw().partition(b"\r\n\r\n")
    assert head.startswith(b"POST /predict HTTP/1.1\r\n")
    assert f"Content-Length: {len(body)}".encode() in head
    assert json.loads(body) == {"strokes": [[[1, 2]]]} and request.expected == 422
    held = driver.http_request("big", "POST", "/predict", declared_length=300_000, expected=413)
    assert held.raw().endswith(b"Content-Length: 300000\r\nExpect: 100-continue\r\n\r\n")


def test_rss_and_cpu_of_a_pid_come_from_proc() -> None:
    assert proc.rss_kib(os.getpid()) > 1000
    assert proc.peak_rss_kib(os.getpid()) >= proc.rss_kib(os.getpid())
    assert proc.cpu_seconds(os.getpid()) > 0


def test_wrk_counts_each_request_s_statuses_and_flags_the_unexpected(server: driver.Server) -> None:
    mix = [
        driver.http_request("health", "GET", "/healthz"),
        driver.http_request("missing", "GET", "/nope", expected=404),
        driver.http_request("wrongly expected", "GET", "/predict", expected=200),  # gets 405
        driver.http_request("too big", "POST", "/predict", declared_length=300 * 1024, expected=413),
    ]
    result = driver.run_wrk(server.port, mix, connections=4, duration_s=1)
    assert result.requests > 0 and result.seconds > 0.5
    assert set(result.statuses) == {"health", "missing", "wrongly expected", "too big"}
    assert set(result.statuses["health"]) == {200} and set(result.statuses["missing"]) == {404}
    assert set(result.statuses["too big"]) == {413}  # refused unread, and the answer still arrived
    assert result.unexpected == {"wrongly expected": {405: result.statuses["wrongly expected"][405]}}
    assert result.failed == result.statuses["wrongly expected"][405] > 0
    assert sum(result.sent.values()) >= result.requests
    assert sum(n for kind, n in result.errors.items() if kind != "status") == 0


def test_a_single_request_is_not_parsed_and_failures_still_count(server: driver.Server) -> None:
    ok = driver.run_wrk(server.port, [driver.http_request("health", "GET", "/healthz")], connections=2, duration_s=1)
    assert ok.requests > 0 and ok.failed == 0 and ok.statuses == {}
    assert ok.latency_ms["p50"] > 0 and ok.latency_ms["p99"] >= ok.latency_ms["p50"]
    missing = driver.http_request("missing", "GET", "/nope", expected=404)
    refused = driver.run_wrk(server.port, [missing], connections=2, duration_s=1)
    assert refused.failed == refused.requests > 0  # one request: every answer > 399 counts


def test_stage_routes_do_part_of_predict_and_answer_like_it() -> None:
    import stages

    body = {"strokes": drawing(4)}
    with TestClient(stages.app) as client:
        real = client.post("/predict", json=body)
        assert real.status_code == 200
        for name in stages.STAGES:
            staged = client.post(f"/stage/{name}", json=body)
            assert staged.status_code == 200, name
            assert staged.content == real.content, name  # the stored answer is the real one
        refused = client.post("/stage/render", json={"strokes": []})  # the staged route really parses
        assert refused.status_code == 422 and "no ink" in refused.json()["detail"]


@pytest.mark.slow
def test_the_scripts_run_against_a_real_server(wrk: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import load
    import serve
    import stages

    serve_json, load_json = tmp_path / "serve.json", tmp_path / "load.json"
    serve_args = ["--duration", "1", "--rounds", "1", "--warmup", "0", "--cold-starts", "1", "--json", str(serve_json)]
    assert serve.main(serve_args) == 0
    report = json.loads(serve_json.read_text())
    assert set(report["results"]) == {"healthz", "pixels", "strokes", "no layers", "display"}
    assert all(report["results"][name]["32"][0]["requests"] > 0 for name in report["results"])
    assert report["failed_requests"] == 0 and len(report["cold_start_s"]) == 1

    assert load.main(["--duration", "1", "--warmup", "1", "--connections", "8", "--json", str(load_json)]) == 0
    report = json.loads(load_json.read_text())
    assert report["server_errors"] == 0 and report["connection_errors_total"] == 0
    assert report["unexpected_statuses"] == 0
    assert report["requests"] > 0 and report["rss_kib"]["end"] > 0

    assert stages.main(["--duration", "1", "--connections", "4"]) == 0
    printed = capsys.readouterr().out
    for name in (*stages.STAGES, "GET /healthz", "POST /predict"):
        assert f"\n{name} " in printed


def test_the_picture_benchmark_sends_a_1_megapixel_jpeg_the_server_reads(server: driver.Server) -> None:
    import io

    import pictures
    from PIL import Image

    data = pictures.jpeg(1.0)
    width, height = Image.open(io.BytesIO(data)).size
    assert abs(width * height - 1_000_000) < 20_000
    status, body = pictures.upload("1 MP JPEG", data).fetch(server.port)
    assert status == 200 and "digit" in json.loads(body)


def test_the_training_benchmark_prices_a_network_without_pytorch() -> None:
    import subprocess

    script = Path(__file__).resolve().parents[2] / "benchmarks" / "train_speed.py"
    argv = [sys.executable, str(script), "--no-torch", "--hidden", "30", "20", "--seconds", "0.2", "--rounds", "1"]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=True)
    assert "network [784, 30, 20, 10] (24,380 parameters)" in result.stdout
    assert "ms per batch" in result.stdout and "pytorch" not in result.stdout


def test_env_pairs_split_at_the_first_equals_sign() -> None:
    assert driver.server_env(["A=1", "B=x=y"]) == {"A": "1", "B": "x=y"}
