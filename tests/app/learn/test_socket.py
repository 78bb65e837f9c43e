"""/learn over its WebSocket (Starlette's test client): a job's whole life, the queue, the limits, bad messages."""

from __future__ import annotations

import base64
import json
import math
import os
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from app.learn.ranges import shown
from app.main import create_app
from app.settings import Settings
from model.serving.weights import load
from model.training.live.yielding import stat_fields
from tests.app.learn.conftest import job_pids, receive, wait_until
from tests.conftest import skip_or_fail

SMALL = {"hidden": [12], "cost": "cross-entropy", "eta": 0.5, "batch_size": 7, "train_size": 700}


@pytest.fixture
def learn_client(settings: Settings, serving: Callable[[Settings], FastAPI]) -> Callable[..., TestClient]:
    """Return a function giving a test client of the app with some /learn settings changed."""

    def make(**changes: Any) -> TestClient:
        return TestClient(serving(settings.model_copy(update=changes)))

    return make


@pytest.fixture
def client(learn_client: Callable[..., TestClient]) -> Iterator[TestClient]:
    with learn_client() as test_client:
        yield test_client


def until(ws: WebSocketTestSession, kind: str, limit: int = 500, **fields: Any) -> dict[str, Any]:
    """Return the next message of type `kind` (with `fields`), failing on an error message or after `limit` messages."""
    for _ in range(limit):
        message: dict[str, Any] = receive(ws, f"a {kind} message" + (f" with {fields}" if fields else ""))
        if message["type"] == kind and fields.items() <= message.items():
            return message
        assert message["type"] != "error", message
    raise AssertionError(f"no {kind} in {limit} messages")


def test_a_reply_that_never_comes_fails_the_test_saying_what_it_waited_for(client: TestClient) -> None:
    """receive, the tests' one wait for a message, fails instead of hanging: the socket sends nothing until a start,
    so a wait for a reply to nothing must end in a test failure that names what it waited for, and the session must
    still close (its receive thread ends then). The wait runs in a thread here so that a receive that hangs fails this test too."""
    outcome: list[BaseException] = []

    def wait(ws: WebSocketTestSession) -> None:
        try:
            receive(ws, "the reply to nothing", seconds=0.2)
        except BaseException as error:  # the failure the test sees, kept to look at
            outcome.append(error)

    with client.websocket_connect("/api/learn/ws") as ws:
        waiting = threading.Thread(target=wait, args=(ws,), daemon=True)
        waiting.start()
        waiting.join(timeout=30)
        assert not waiting.is_alive(), "receive waited 30 s for a reply that never comes instead of failing in 0.2 s"
    (failure,) = outcome
    assert isinstance(failure, pytest.fail.Exception), failure
    assert str(failure) == "no message from the socket in 0.2 s: waiting for the reply to nothing"


def test_api_learn_shows_the_limits_defaults_and_data(learn_client: Callable[..., TestClient]) -> None:
    with learn_client(learn_max_layer_size=64) as client:
        info = client.get("/api/learn").json()
        assert info["ws_path"] == "/api/learn/ws"
        assert info["limits"]["learn_max_layer_size"] == 64 and info["limits"]["learn_jobs_per_worker"] == 1
        assert info["limits"]["learn_max_job_s"] == 600
        assert info["defaults"]["hidden"] == [30] and info["costs"] == ["quadratic", "cross-entropy"]
        assert info["data"]["validation_size"] == 2000
        ranges = info["ranges"]
        assert ranges["layer_size"] == {"minimum": 10, "maximum": 64, "integer": True}
        assert ranges["train_size"]["maximum"] == info["data"]["train_available"]
        assert ranges["eta"] == {"minimum": 0.001, "maximum": 100.0, "integer": False}
        document = client.get("/openapi.json").json()
        described = document["paths"]["/api/learn"]["get"]["description"]
        assert "10-64 neurons" in described and "η a number from 0.001 to 100" in described and "$" not in described
        schemas = document["components"]["schemas"]
        assert schemas["LearnInfo"]["properties"]["ranges"]["$ref"] == "#/components/schemas/LearnRanges"
        assert "config.own_mix" in schemas["LearnRanges"]["properties"]["own_mix"]["description"]


def test_the_pages_form_takes_its_bounds_from_the_published_ranges(learn_client: Callable[..., TestClient]) -> None:
    with learn_client(learn_max_layer_size=64, learn_max_batch_size=50, learn_max_hidden_layers=3) as client:
        ranges = client.get("/api/learn").json()["ranges"]
        page = client.get("/learn").text
    for name, setting in {
        "width1": "layer_size",
        "width3": "layer_size",
        "eta": "eta",
        "batch_size": "batch_size",
        "train_size": "train_size",
        "seed": "seed",
        "own_mix": "own_mix",
    }.items():
        found = re.search(rf'name="{name}"[^>]*?min="([^"]+)"\s+max="([^"]+)"', page, re.S)
        assert found, name
        assert tuple(map(float, found.groups())) == (ranges[setting]["minimum"], ranges[setting]["maximum"]), name
    layers = re.findall(r'name="layers" value="(\d)"', page)
    assert layers == [str(n) for n in range(ranges["hidden_layers"]["minimum"], ranges["hidden_layers"]["maximum"] + 1)]
    assert f'data-max-own="{ranges["own_digits"]["maximum"]}"' in page
    # The speed slider's positions are rates within the published speed range (static/js/learn/speed.js).
    slider = re.search(r'<input type="range" id="speed"[^>]*?data-minimum="([^"]+)"\s+data-maximum="([^"]+)"', page)
    assert slider, "the speed slider carries no range"
    assert tuple(map(float, slider.groups())) == (ranges["speed"]["minimum"], ranges["speed"]["maximum"])


def test_a_start_just_outside_each_published_range_is_refused_over_the_socket(client: TestClient) -> None:
    """What GET /api/learn publishes is what the socket refuses: one step past each bound, each refusal naming the
    setting and the bound it crossed."""
    ranges = client.get("/api/learn").json()["ranges"]

    def past(setting: str) -> list[tuple[float, float]]:
        low, high = ranges[setting]["minimum"], ranges[setting]["maximum"]
        if ranges[setting]["integer"]:
            return [(low - 1, low), (high + 1, high)]
        return [(math.nextafter(low, -math.inf), low), (math.nextafter(high, math.inf), high)]

    starts: list[tuple[dict[str, Any], str, float]] = [
        ({"hidden": [30] * int(value)}, "hidden layers", bound) for value, bound in past("hidden_layers")
    ]
    starts += [({"hidden": [int(value)]}, "hidden layer 1", bound) for value, bound in past("layer_size")]
    for setting in ("eta", "batch_size", "train_size", "seed", "own_mix", "epochs"):
        small = {"batch_size": 1} if setting == "train_size" else {}  # m is at most train_size
        starts += [({setting: value} | small, f"config.{setting}", bound) for value, bound in past(setting)]
    with client.websocket_connect("/api/learn/ws") as ws:
        for config, named, bound in starts:
            ws.send_json({"type": "start", "config": config})
            reply = receive(ws, f"the error for a start with config {config}")
            assert reply["type"] == "error" and named in reply["detail"] and shown(bound) in reply["detail"], reply
        for value, bound in past("speed"):
            ws.send_json({"type": "start", "speed": value})
            detail = receive(ws, f"the error for a start at speed {value}")["detail"]
            assert "speed" in detail and shown(bound) in detail, detail
        assert not job_pids(os.getpid())


def test_a_job_trains_steps_answers_and_downloads(client: TestClient, tmp_path: Path) -> None:
    with client.websocket_connect("/api/learn/ws") as ws:
        ws.send_json({"type": "start", "config": SMALL})
        started = until(ws, "started")
        assert started["sizes"] == [784, 12, 10] and started["limits"]["learn_jobs_per_worker"] == 1
        until(ws, "snapshot")
        ws.send_json({"type": "pause"})
        paused = until(ws, "progress", paused=True)
        ws.send_json({"type": "step"})
        step = until(ws, "step")
        assert step["examples_seen"] == paused["examples_seen"] + 7
        assert until(ws, "progress")["examples_seen"] == paused["examples_seen"] + 7
        ws.send_json({"type": "ask", "strokes": [[[10, 10], [10, 60]]]})
        assert 0 <= until(ws, "answer")["digit"] <= 9
        ws.send_json({"type": "start"})
        assert "open a new socket" in receive(ws, "the error for a second start")["detail"]
        ws.send_json({"type": "download"})
        weights = until(ws, "weights")
    path = tmp_path / weights["filename"]
    path.write_bytes(base64.b64decode(weights["data"]))
    loaded = load(path)
    assert loaded.network.sizes == [784, 12, 10] and loaded.network.output == "sigmoid"
    assert loaded.metadata["cost"] == "cross-entropy"
    # Served as the download says: DIGITS_WEIGHTS_PATH=learned-784-12-10.npz
    with TestClient(create_app(Settings(weights_path=path))) as served:
        answer = served.post("/predict", json={"strokes": [[[10, 10], [10, 60]]]}).json()
        assert answer["layers"][-1]["activation"] == "sigmoid"
        assert sum(answer["probabilities"]) == pytest.approx(1, abs=1e-5)
        assert served.get("/api/model").json()["metadata"]["cost"] == "cross-entropy"


def test_closing_the_socket_ends_the_job_within_two_seconds(client: TestClient) -> None:
    with client.websocket_connect("/api/learn/ws") as ws:
        ws.send_json({"type": "start", "config": SMALL})
        until(ws, "progress")
        (pid,) = job_pids(os.getpid())
    assert wait_until(lambda: pid not in job_pids(os.getpid()), 2.0) is not None


def test_a_second_visitor_queues_and_is_shown_its_position(client: TestClient) -> None:
    with client.websocket_connect("/api/learn/ws") as first:
        first.send_json({"type": "start", "config": SMALL})
        until(first, "started")
        with client.websocket_connect("/api/learn/ws") as second:
            second.send_json({"type": "start", "config": SMALL})
            assert {"type": "queued", "position": 1}.items() <= receive(second, "the queued message").items()
            first.close()
            assert until(second, "started")["sizes"] == [784, 12, 10]


def test_every_message_of_a_queued_page_is_answered_and_its_controls_kept(client: TestClient) -> None:
    """While queued: pause, speed and focus are kept for the start (each answered with the "queued" message that
    shows them), a bad focus is refused; step, ask, download and a second start get an error saying it is queued."""
    with client.websocket_connect("/api/learn/ws") as first:
        first.send_json({"type": "start", "config": SMALL})
        until(first, "started")
        with client.websocket_connect("/api/learn/ws") as second:
            second.send_json({"type": "start", "config": SMALL, "speed": 3.0})
            kept = {"type": "queued", "position": 1, "paused": False, "speed": 3.0, "focus": None}
            assert receive(second, "the queued message") == kept
            second.send_json({"type": "pause"})
            assert receive(second, "the queued answer to pause") == kept | {"paused": True}
            second.send_json({"type": "speed", "batches_per_second": None})
            assert receive(second, "the queued answer to speed") == kept | {"paused": True, "speed": None}
            second.send_json({"type": "focus", "layer": 1, "neuron": 11})
            kept |= {"paused": True, "speed": None, "focus": {"layer": 1, "neuron": 11}}
            assert receive(second, "the queued answer to focus") == kept
            second.send_json({"type": "focus", "layer": 1, "neuron": 12})
            assert receive(second, "the error for a focus on no neuron") == {
                "type": "error",
                "detail": "no neuron 12 in layer 1: the layers are [12, 10]",
            }
            for kind in ("step", "ask", "download", "start"):
                second.send_json({"type": kind} | ({"strokes": [[[0, 0], [9, 9]]]} if kind == "ask" else {}))
                reply = receive(second, f"the error for {kind} while queued")
                assert reply["type"] == "error" and reply["detail"].startswith(
                    f"{kind}: the job is queued (number 1 in line)"
                )
            second.send_json({"type": "resume"})
            assert receive(second, "the queued answer to resume") == kept | {"paused": False}
            second.send_json({"type": "pause"})
            assert receive(second, "the queued answer to pause") == kept
            assert len(job_pids(os.getpid())) == 1
            first.close()
            started = until(second, "started")
            assert (started["paused"], started["speed"], started["focus"]) == (True, None, {"layer": 1, "neuron": 11})
            assert until(second, "progress")["examples_seen"] == 0  # it started paused: no mini-batch yet
            second.send_json({"type": "step"})
            assert until(second, "step")["neuron"] == {"layer": 1, "index": 11, "inputs": 784}


def test_a_full_queue_is_said(learn_client: Callable[..., TestClient]) -> None:
    with learn_client(learn_queue_length=0) as client, client.websocket_connect("/api/learn/ws") as first:
        first.send_json({"type": "start", "config": SMALL})
        until(first, "started")
        with client.websocket_connect("/api/learn/ws") as second:
            second.send_json({"type": "start", "config": SMALL})
            assert "queue is full" in receive(second, "the error for a full queue")["detail"]


def test_at_the_time_limit_the_job_stops_keeps_its_network_and_frees_its_slot(
    learn_client: Callable[..., TestClient],
) -> None:
    with learn_client(learn_max_job_s=1.0) as client, client.websocket_connect("/api/learn/ws") as first:
        first.send_json({"type": "start", "config": SMALL})
        with client.websocket_connect("/api/learn/ws") as second:
            second.send_json({"type": "start", "config": SMALL})
            assert receive(second, "the queued message")["type"] == "queued"
            assert until(first, "stopped")["reason"] == "time-limit"
            assert until(second, "started")
            first.send_json({"type": "download"})
            assert until(first, "weights")["filename"] == "learned-784-12-10.npz"
            first.send_json({"type": "ask", "strokes": [[[0, 0], [5, 5]]]})
            assert "has stopped" in receive(first, "the error for ask after the stop")["detail"]


def test_a_network_too_large_is_refused_and_the_socket_stays_open(client: TestClient) -> None:
    with client.websocket_connect("/api/learn/ws") as ws:
        ws.send_json({"type": "start", "config": {"hidden": [800]}})
        assert receive(ws, "the error for a network too large") == {
            "type": "error",
            "detail": "network too large: hidden layer 1 has 800 neurons, at most 100 here",
        }
        ws.send_json({"type": "start", "config": SMALL})
        assert until(ws, "started")


def test_another_sites_page_is_refused_at_the_handshake(learn_client: Callable[..., TestClient]) -> None:
    with learn_client() as client:
        evil = {"origin": "https://evil.example"}
        with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/api/learn/ws", headers=evil):
            pass
        assert refused.value.code == 1008
        with client.websocket_connect("/api/learn/ws", headers={"origin": "http://testserver"}) as ws:
            ws.send_json({"type": "pause"})
            assert receive(ws, "the error for pause before start") == {"type": "error", "detail": "send start first"}
    blog = {"origin": "https://blog.example.org"}
    with (
        learn_client(learn_origins=("https://blog.example.org",)) as client,
        client.websocket_connect("/api/learn/ws", headers=blog) as ws,
    ):
        ws.send_json({"type": "pause"})
        assert receive(ws, "the error for pause before start")["type"] == "error"


def test_too_many_messages_are_answered_with_an_error(learn_client: Callable[..., TestClient]) -> None:
    with learn_client(learn_max_messages_per_second=3) as client, client.websocket_connect("/api/learn/ws") as ws:
        for _ in range(5):
            ws.send_json({"type": "pause"})
        details = [receive(ws, f"the answer to pause {n + 1} of 5")["detail"] for n in range(5)]
        assert details.count("send start first") == 3
        assert details[3:] == ["too many messages: at most 3 a second"] * 2


frames = st.one_of(
    st.text(max_size=300),
    st.binary(max_size=50),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["type", "config", "x"]), inner),
        max_leaves=10,
    ).map(lambda value: json.dumps(value)),
    st.sampled_from(["pause", "resume", "step", "speed", "focus", "ask", "download"]).map(
        lambda kind: json.dumps({"type": kind, "strokes": [[["a"]]], "layer": -1})
    ),
)


@pytest.fixture(scope="module")
def fuzz_socket(settings: Settings, serving: Callable[[Settings], FastAPI]) -> Iterator[tuple[TestClient, Any]]:
    app = serving(settings.model_copy(update={"learn_max_messages_per_second": 1e9}))
    with TestClient(app) as client, client.websocket_connect("/api/learn/ws") as ws:
        yield client, ws


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frame=frames)
def test_fuzzed_frames_get_an_error_never_a_dead_socket(
    fuzz_socket: tuple[TestClient, Any], frame: str | bytes
) -> None:
    client, ws = fuzz_socket
    if isinstance(frame, bytes):
        ws.send_bytes(frame)
    else:
        ws.send_text(frame)
    reply = receive(ws, f"the error for the frame {frame!r}")
    assert reply["type"] == "error" and reply["detail"]
    assert client.get("/healthz").status_code == 200


def test_learn_can_be_turned_off(learn_client: Callable[..., TestClient]) -> None:
    with learn_client(learn_jobs_per_worker=0) as client, client.websocket_connect("/api/learn/ws") as ws:
        assert "turned off" in receive(ws, "the message that /learn is turned off")["detail"]
        with pytest.raises(WebSocketDisconnect):
            receive(ws, "the close after it")


def test_own_digits_are_drawn_and_scored(client: TestClient) -> None:
    own = [{"strokes": [[[10, 10], [10, 60]]], "label": 1}, {"strokes": [[[0, 0], [30, 0], [0, 40]]], "label": 7}]
    with client.websocket_connect("/api/learn/ws") as ws:
        ws.send_json(
            {"type": "start", "config": SMALL | {"own_mix": 0.5}, "own_digits": [*own, {"strokes": [], "label": 2}]}
        )
        no_ink = receive(ws, "the error for an own digit with no ink")
        assert no_ink["detail"] == "own digit 3: no ink: the drawing has no points"
        ws.send_json({"type": "start", "config": SMALL | {"own_mix": 0.5}, "own_digits": own})
        progress = until(ws, "progress")
        assert progress["own_accuracy"] in (0.0, 0.5, 1.0)


def test_the_jobs_priority_is_a_setting(learn_client: Callable[..., TestClient]) -> None:
    """The nice value, and Linux's SCHED_IDLE policy (on by default; off, the job keeps the normal policy)."""
    if not hasattr(os, "SCHED_IDLE"):
        skip_or_fail("no SCHED_IDLE scheduling policy on this platform (Linux has it)")
    for niceness, idle in ((19, True), (7, False)):
        changes = {"learn_niceness": niceness, "learn_idle_policy": idle}
        with learn_client(**changes) as client, client.websocket_connect("/api/learn/ws") as ws:
            ws.send_json({"type": "start", "config": SMALL})
            until(ws, "progress")
            (pid,) = job_pids(os.getpid())
            assert int(stat_fields(pid)[16]) == niceness
            assert os.sched_getscheduler(pid) == (os.SCHED_IDLE if idle else os.SCHED_OTHER)
