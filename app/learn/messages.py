"""The messages a /learn page sends: parsed and checked here, each failure a one-sentence detail.

Plain keyword-only functions, tested without a socket: parse_message (the JSON and its shape), check_start
(the limits and the data there are) and render_drawing (strokes -> the 784 pixels the job reads, as /predict does).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from app.errors import InputError
from app.learn.limits import LearnLimits
from app.limits import Limits
from app.parsing import parse_strokes
from model.constants import NUM_CLASSES, NUM_PIXELS
from model.reading.errors import NoInkError
from model.reading.strokes import render


class MessageError(ValueError):
    """A message the page sent breaks a rule; the message says which, in one sentence."""


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class StartConfig(_Message):
    """The network and the training a page asks for; every field has the default of the article's first run."""

    hidden: list[int] = Field(default=[30], min_length=1, description="Hidden layer sizes, first hidden first.")
    cost: Literal["quadratic", "cross-entropy"] = "quadratic"
    eta: float = Field(default=3.0, gt=0, le=100, allow_inf_nan=False, description="The learning rate η.")
    batch_size: int = Field(default=10, ge=1, description="The mini-batch size m.")
    train_size: int = Field(default=10_000, ge=1, description="Training examples used.")
    seed: int = Field(default=0, ge=0, le=2**32 - 1)
    own_mix: float = Field(default=0.0, ge=0, le=1, allow_inf_nan=False, description="Share of own digits per batch.")
    epochs: int | None = Field(default=None, ge=1, le=100_000, description="Stop after this many; null: at the limit.")


class OwnDigit(_Message):
    strokes: Any
    label: int = Field(ge=0, le=NUM_CLASSES - 1)


Speed = Annotated[float | None, Field(ge=0.1, le=1000, allow_inf_nan=False)]


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


def check_start(*, start: Start, limits: LearnLimits, train_available: int) -> None:
    """Return None when the start is within the limits and the data; raise MessageError naming the limit otherwise."""
    config = start.config
    if len(config.hidden) > limits.learn_max_hidden_layers:
        raise MessageError(
            f"network too large: {len(config.hidden)} hidden layers, at most {limits.learn_max_hidden_layers} here"
        )
    for number, size in enumerate(config.hidden, start=1):
        if size > limits.learn_max_layer_size:
            raise MessageError(
                f"network too large: hidden layer {number} has {size} neurons, at most {limits.learn_max_layer_size} here"
            )
        if size < limits.learn_min_layer_size:
            raise MessageError(f"hidden layer {number} has {size} neurons, at least {limits.learn_min_layer_size} here")
    if config.train_size > train_available:
        raise MessageError(f"train_size {config.train_size}: only {train_available} training digits are here")
    if config.batch_size > min(limits.learn_max_batch_size, config.train_size):
        raise MessageError(
            f"batch_size {config.batch_size}: at most {limits.learn_max_batch_size} and at most train_size"
        )
    if len(start.own_digits) > limits.learn_max_own_digits:
        raise MessageError(f"too many own digits: {len(start.own_digits)} (at most {limits.learn_max_own_digits})")


def render_drawing(*, strokes: Any, limits: Limits) -> NDArray[np.float32]:
    """Return the drawing as the NUM_PIXELS row the network reads, prepared as POST /predict prepares strokes."""
    try:
        checked = parse_strokes(strokes, limits)
        return render(checked).reshape(NUM_PIXELS)
    except (InputError, NoInkError) as error:
        raise MessageError(str(error)) from None
