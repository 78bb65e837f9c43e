"""The messages a /learn page sends: parsed and checked here, each failure a one-sentence detail.

Plain keyword-only functions, tested without a socket: parse_message (the JSON and its shape), check_start
(the limits and the data there are) and render_drawing (strokes -> the 784 pixels the job reads, as /predict does).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from app.errors import InputError
from app.learn.ranges import SPEED, LearnRanges, SettingRange, shown
from app.limits import Limits
from app.parsing import parse_strokes
from model.constants import NUM_CLASSES, NUM_PIXELS
from model.reading.errors import NoInkError
from model.reading.strokes import render


class MessageError(ValueError):
    """A message the page sent breaks a rule; the message says which, in one sentence."""


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


Cost = Literal["quadratic", "cross-entropy"]
COSTS: tuple[str, ...] = get_args(Cost)
"""The costs a job trains with (published in GET /api/learn as `costs`)."""


class StartConfig(_Message):
    """The network and the training a page asks for; every field has the default of the article's first run.

    Only the types are checked here; the ranges (app.learn.ranges, published in GET /api/learn) in check_start.
    """

    hidden: list[int] = Field(default=[30], description="Hidden layer sizes, first hidden first.")
    cost: Cost = "quadratic"
    eta: float = Field(default=3.0, allow_inf_nan=False, description="The learning rate η.")
    batch_size: int = Field(default=10, description="The mini-batch size m.")
    train_size: int = Field(default=10_000, description="Training examples used.")
    seed: int = 0
    own_mix: float = Field(default=0.0, allow_inf_nan=False, description="Share of own digits per batch.")
    epochs: int | None = Field(default=None, description="Stop after this many; null: at the limit.")


class OwnDigit(_Message):
    strokes: Any
    label: int = Field(ge=0, le=NUM_CLASSES - 1)


Speed = Annotated[float | None, Field(ge=SPEED.minimum, le=SPEED.maximum, allow_inf_nan=False)]


class Start(_Message):
    type: Literal["start"]
    config: StartConfig = StartConfig()
    own_digits: list[OwnDigit] = []
    speed: Speed = None
    paused: bool = False


class Control(_Message):
    type: Literal["pause", "resume", "step", "download"]


class SetSpeed(_Message):
    type: Literal["speed"]
    batches_per_second: Speed


class Focus(_Message):
    type: Literal["focus"]
    layer: int = Field(ge=1)
    neuron: int = Field(ge=0)


class Ask(_Message):
    type: Literal["ask"]
    strokes: Any


Message = Start | Control | SetSpeed | Focus | Ask
_ADAPTER: TypeAdapter[Message] = TypeAdapter(Annotated[Message, Field(discriminator="type")])
TYPES = ("start", "pause", "resume", "step", "speed", "focus", "ask", "download")


def parse_message(*, text: str | bytes, max_bytes: int) -> Message:
    """Return the message in `text`; raise MessageError saying what is wrong with it."""
    size = len(text.encode()) if isinstance(text, str) else len(text)
    if size > max_bytes:
        raise MessageError(f"message too large: {size} bytes (the limit is {max_bytes})")
    try:
        return _ADAPTER.validate_json(text)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        if first["type"] in ("union_tag_invalid", "union_tag_not_found"):
            raise MessageError(f"a message is an object whose type is one of {', '.join(TYPES)}") from None
        if first["type"] in ("json_invalid", "model_type", "model_attributes_type", "dict_type") and not where:
            raise MessageError(f"a message is a JSON object: {first['msg']}") from None
        raise MessageError(f"{where}: {first['msg']}" if where else first["msg"]) from None


def _outside(name: str, value: float, allowed: SettingRange) -> MessageError:
    return MessageError(f"{name} is {shown(value)}: it must be {allowed}")


def check_start(*, start: Start, ranges: LearnRanges) -> None:
    """Return None when the start's settings are within `ranges`; raise MessageError naming the setting otherwise."""
    config = start.config
    layers, size = ranges.hidden_layers, ranges.layer_size
    if len(config.hidden) > layers.maximum:
        raise MessageError(f"network too large: {len(config.hidden)} hidden layers, at most {layers.maximum} here")
    if not layers.holds(len(config.hidden)):
        raise _outside("the number of hidden layers", len(config.hidden), layers)
    for number, width in enumerate(config.hidden, start=1):
        if width > size.maximum:
            raise MessageError(
                f"network too large: hidden layer {number} has {width} neurons, at most {size.maximum} here"
            )
        if not size.holds(width):
            raise MessageError(f"hidden layer {number} has {width} neurons, at least {size.minimum} here")
    for name in ("eta", "batch_size", "train_size", "seed", "own_mix", "epochs"):
        value = getattr(config, name)
        if value is not None and not getattr(ranges, name).holds(value):
            raise _outside(f"config.{name}", value, getattr(ranges, name))
    if config.batch_size > config.train_size:
        raise MessageError(
            f"config.batch_size is {config.batch_size}: it must be at most train_size, {config.train_size}"
        )
    if not ranges.own_digits.holds(len(start.own_digits)):
        raise MessageError(f"too many own digits: {len(start.own_digits)} (at most {ranges.own_digits.maximum})")


def check_focus(*, focus: Focus, hidden: list[int]) -> None:
    """Return None when the network with these hidden layers has the neuron; raise MessageError otherwise."""
    sizes = [*hidden, NUM_CLASSES]
    if not 1 <= focus.layer <= len(sizes) or not 0 <= focus.neuron < sizes[focus.layer - 1]:
        raise MessageError(f"no neuron {focus.neuron} in layer {focus.layer}: the layers are {sizes}")


def render_drawing(*, strokes: Any, limits: Limits) -> NDArray[np.float32]:
    """Return the drawing as the NUM_PIXELS row the network reads, prepared as POST /predict prepares strokes."""
    try:
        checked = parse_strokes(strokes, limits)
        return render(checked).reshape(NUM_PIXELS)
    except (InputError, NoInkError) as error:
        raise MessageError(str(error)) from None
