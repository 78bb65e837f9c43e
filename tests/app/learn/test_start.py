"""The first line a /learn job reads (app/learn/start.py); the job reading it: tests/model/training/live/."""

from __future__ import annotations

import orjson
import pytest

from app.learn.messages import Focus, MessageError, Start
from app.learn.service import build_service
from app.learn.start import job_start_line, own_pixels
from app.settings import Settings
from model.constants import NUM_PIXELS

SEVEN = [[[10.0, 10.0], [60.0, 10.0], [30.0, 80.0]]]


def test_own_digits_are_drawn_as_predict_draws_them_and_a_bad_one_is_named(settings: Settings) -> None:
    service = build_service(settings)
    start = Start.model_validate({"type": "start", "own_digits": [{"strokes": SEVEN, "label": 7}]})
    own = own_pixels(start=start, service=service)
    assert own["labels"] == [7] and len(own["pixels"][0]) == NUM_PIXELS and max(own["pixels"][0]) > 0.5
    bad = Start.model_validate(
        {"type": "start", "own_digits": [{"strokes": SEVEN, "label": 7}, {"strokes": [[]], "label": 1}]}
    )
    with pytest.raises(MessageError, match="own digit 2: no ink"):
        own_pixels(start=bad, service=service)


def test_the_start_line_carries_the_config_the_limits_and_the_controls(settings: Settings) -> None:
    service = build_service(settings)
    start = Start.model_validate({"type": "start", "config": {"hidden": [20], "eta": 0.5}, "speed": 2, "paused": True})
    line = orjson.loads(
        job_start_line(
            start=start, own={"pixels": [], "labels": []}, focus=Focus(type="focus", layer=2, neuron=3), service=service
        )
    )
    assert line["type"] == "start" and line["config"]["hidden"] == [20] and line["config"]["eta"] == 0.5
    assert (line["speed"], line["paused"], line["focus"]) == (2, True, [2, 3])
    assert line["max_s"] == service.limits.learn_max_job_s and line["limits"] == service.limits.model_dump()
