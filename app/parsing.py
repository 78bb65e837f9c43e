"""Parse and check a POST /predict body: orjson for the JSON, numpy for the numbers.

Pydantic would do the same checks, but building a model of up to 20,000 floats costs more than the
forward pass itself; here every rule of the request schema (app.schemas.PredictRequest) is checked
directly, and each failure says, in one sentence, what was wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
import orjson
from numpy.typing import NDArray

from app.errors import InputError, InputTooLargeError
from app.limits import Limits
from model.constants import IMAGE_SIDE, NUM_CLASSES
from model.reading.strokes import Points

_NUMBER_TYPES = frozenset({int, float})
"""JSON numbers as orjson returns them; bool is a subclass of int and must not count as one."""

_KEYS = frozenset({"strokes", "pixels", "explain", "target", "layers", "display"})


@dataclass(frozen=True)
class PredictInput:
    """A checked request: exactly one of `strokes` (the drawing's points) and `pixels` (28x28 float32)."""

    strokes: Points | None
    pixels: NDArray[np.float32] | None
    explain: bool
    target: int | None
    layers: bool = True
    """Whether the answer carries every layer's z and a (`"layers": false` leaves them out)."""
    display: bool = False
    """Whether the answer is the compact one a page draws (app.display)."""

    @property
    def num_points(self) -> int:
        """Return the number of points in the drawing (0 for pixels)."""
        return self.strokes.count if self.strokes is not None else 0


def parse_strokes(strokes: Any, limits: Limits) -> Points:
    """Return the points of the strokes, after checking their shape, count and coordinates."""
    if type(strokes) is not list:
        raise InputError("strokes must be a list of strokes, each a list of [x, y] points")
    if len(strokes) > limits.max_strokes:
        raise InputTooLargeError(f"too many strokes: {len(strokes)} (the limit is {limits.max_strokes})")
    if not set(map(type, strokes)) <= {list}:
        raise InputError("each stroke must be a list of [x, y] points")
    points = list(chain.from_iterable(strokes))
    if len(points) > limits.max_points:
        raise InputTooLargeError(f"too many points: {len(points)} (the limit is {limits.max_points})")
    if not points:
        raise InputError("no ink: the drawing has no points")
    # Whole-list passes with set/map run in C: a few microseconds for a usual drawing.
    if not set(map(type, points)) <= {list} or set(map(len, points)) != {2}:
        raise InputError("each point must be a list of two numbers [x, y]")
    coordinates = list(chain.from_iterable(points))
    if not set(map(type, coordinates)) <= _NUMBER_TYPES:
        raise InputError("point coordinates must be numbers")
    # The numbers are checked, so they go into the array the rendering reads (model.reading.strokes.Points) now:
    # the only other walk over them in Python. orjson refuses NaN, Infinity and overflowing literals, so every
    # number is finite.
    flat = np.array(coordinates, dtype=np.float64)
    if np.abs(flat).max() > limits.max_coordinate:
        raise InputError(f"point coordinates must be within ±{limits.max_coordinate:g}")
    return Points.from_flat(flat, map(len, strokes))


def _parse_pixels(pixels: Any) -> NDArray[np.float32]:
    """Return the pixels as a 28x28 float32 image after checking shape and range."""
    shape_error = f"pixels must be {IMAGE_SIDE} rows of {IMAGE_SIDE} numbers in [0, 1]"
    if type(pixels) is not list or len(pixels) != IMAGE_SIDE or not set(map(type, pixels)) <= {list}:
        raise InputError(shape_error)
    if not set(map(len, pixels)) <= {IMAGE_SIDE}:
        raise InputError(shape_error)
    if not set(map(type, chain.from_iterable(pixels))) <= _NUMBER_TYPES:
        raise InputError("pixels must be numbers")
    array = np.array(pixels, dtype=np.float64)
    # Also catches NaN, which fails every comparison.
    if not np.all((array >= 0) & (array <= 1)):
        raise InputError("pixels must be in [0, 1]")
    if not array.any():
        raise InputError("no ink: every pixel is 0")
    return array.astype(np.float32)


def check_target(*, explain: bool, target: int | None) -> None:
    """Raise InputError for a `target` sent without `explain`: it would be ignored, and the client should know."""
    if target is not None and not explain:
        raise InputError("target is used only with explain: true (it picks the digit the saliency map explains)")


def parse_predict_body(body: bytes, limits: Limits) -> PredictInput:
    """Return the checked request in `body`; raise InputError saying what is wrong otherwise."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        if b"NaN" in body or b"Infinity" in body:
            raise InputError("numbers must be finite: NaN and Infinity are not JSON") from None
        # orjson's message is about the JSON text, never about the server; keep only its first line.
        raise InputError(f"malformed JSON: {str(error).splitlines()[0]}") from None
    if type(data) is not dict:
        raise InputError("the body must be a JSON object")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise InputError(
            f"unknown fields {unknown}: expected strokes or pixels, and optionally explain, target, layers and display"
        )
    # app.schemas.NULL_IS_ABSENT: a field sent as null counts as not sent.
    strokes, pixels = data.get("strokes"), data.get("pixels")
    if (strokes is None) == (pixels is None):
        raise InputError("send exactly one of strokes and pixels")

    explain, layers, display = (_flag(data, name, default) for name, default in _FLAGS)
    target = data.get("target")
    if target is not None and (type(target) is not int or not 0 <= target < NUM_CLASSES):
        raise InputError(f"target must be an integer digit 0-{NUM_CLASSES - 1}")
    check_target(explain=explain, target=target)

    if strokes is not None:
        checked = parse_strokes(strokes, limits)
        return PredictInput(checked, None, explain, target, layers=layers, display=display)
    return PredictInput(None, _parse_pixels(pixels), explain, target, layers=layers, display=display)


_FLAGS = (("explain", False), ("layers", True), ("display", False))
"""The request's true/false fields and their defaults, in the order parse_predict_body reads them."""


def _flag(data: dict[str, Any], name: str, default: bool) -> bool:
    """Return the true/false field `name` of the body (`default` when absent or null); raise InputError otherwise."""
    value = data.get(name)
    if value is None:
        return default
    if type(value) is not bool:
        raise InputError(f"{name} must be true or false")
    return value
