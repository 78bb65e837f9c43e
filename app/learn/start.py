"""What a /learn job is started with: the first line its process reads (app/learn/session.py sends it)."""

from __future__ import annotations

from typing import Any

import orjson

from app.learn.messages import Focus, MessageError, Start, render_drawing
from app.learn.service import LearnService


def own_pixels(*, start: Start, service: LearnService) -> dict[str, list[Any]]:
    """Return the start's own digits as the job reads them: {"pixels": rows of NUM_PIXELS, "labels": ints}.

    Raises MessageError when an own digit cannot be drawn.
    """
    pixels, labels = [], []
    for number, digit in enumerate(start.own_digits, start=1):
        try:
            pixels.append(render_drawing(strokes=digit.strokes, limits=service.drawing_limits))
        except MessageError as error:
            raise MessageError(f"own digit {number}: {error}") from None
        labels.append(digit.label)
    return {"pixels": pixels, "labels": labels}


def job_start_line(*, start: Start, own: dict[str, list[Any]], focus: Focus | None, service: LearnService) -> bytes:
    """Return the job's first line: the checked config, the own digits, the data, the limits and the controls
    (speed, paused, the focused neuron) as they stand when it starts."""
    return orjson.dumps(
        {
            "type": "start",
            "config": start.config.model_dump(),
            "own": own,
            "data_dir": service.data_dir,
            "max_s": service.limits.learn_max_job_s,
            "updates_per_second": service.limits.learn_updates_per_second,
            "speed": start.speed,
            "paused": start.paused,
            "focus": None if focus is None else [focus.layer, focus.neuron],
            "limits": service.limits.model_dump(),
        },
        option=orjson.OPT_SERIALIZE_NUMPY,
    )
