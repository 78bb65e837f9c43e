"""The /learn messages, limits and Origin rule, as plain functions (no socket); and the parser fuzzed."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.learn.limits import LearnLimits
from app.learn.messages import (
    Focus,
    MessageError,
    Start,
    check_focus,
    check_start,
    parse_message,
    render_drawing,
)
from app.learn.origin import origin_allowed
from app.learn.ranges import LearnRanges, SettingRange, learn_ranges, shown
from app.limits import Limits

LIMITS = LearnLimits()
MAX = LIMITS.learn_max_message_bytes
RANGES = learn_ranges(limits=LIMITS, train_available=10_000)


def start(**config: object) -> Start:
    message = parse_message(text=json.dumps({"type": "start", "config": config}), max_bytes=MAX)
    assert isinstance(message, Start)
    return message


def test_a_start_gets_the_articles_defaults() -> None:
    config = start().config
    assert (config.hidden, config.cost, config.eta, config.batch_size) == ([30], "quadratic", 3.0, 10)


@pytest.mark.parametrize(
    ("hidden", "detail"),
    [
        ([500], "network too large: hidden layer 1 has 500 neurons, at most 100 here"),
        ([30, 101], "network too large: hidden layer 2 has 101 neurons, at most 100 here"),
        ([30, 30, 30], "network too large: 3 hidden layers, at most 2 here"),
        ([5], "hidden layer 1 has 5 neurons, at least 10 here"),
    ],
)
def test_a_network_too_large_is_refused_with_a_clear_message(hidden: list[int], detail: str) -> None:
    with pytest.raises(MessageError) as error:
        check_start(start=start(hidden=hidden), ranges=RANGES)
    assert str(error.value) == detail


def test_the_largest_network_is_a_setting() -> None:
    check_start(start=start(hidden=[100, 100]), ranges=RANGES)
    smaller = learn_ranges(limits=LearnLimits(learn_max_layer_size=50), train_available=10_000)
    with pytest.raises(MessageError, match="at most 50 here"):
        check_start(start=start(hidden=[100]), ranges=smaller)


def test_the_data_and_the_batch_size_bound_a_start() -> None:
    with pytest.raises(MessageError, match=r"^config.train_size is 20000: it must be a whole number from 1 to 10000$"):
        check_start(start=start(train_size=20_000), ranges=RANGES)
    with pytest.raises(MessageError, match=r"^config.batch_size is 200: it must be a whole number from 1 to 100$"):
        check_start(start=start(batch_size=200), ranges=RANGES)
    with pytest.raises(MessageError, match=r"^config.batch_size is 50: it must be at most train_size, 40$"):
        check_start(start=start(batch_size=50, train_size=40), ranges=RANGES)


def outside(allowed: SettingRange) -> tuple[float, float]:
    """Return the values just below and just above `allowed` (the next whole number, or the next float)."""
    if allowed.integer:
        return allowed.minimum - 1, allowed.maximum + 1
    return math.nextafter(allowed.minimum, -math.inf), math.nextafter(allowed.maximum, math.inf)


def start_with(setting: str, value: float) -> dict[str, Any]:
    """Return a start message whose `setting` (a field of LearnRanges) is `value`, the rest within their ranges."""
    config: dict[str, Any] = {}
    message: dict[str, Any] = {"type": "start", "config": config}
    if setting == "hidden_layers":
        config["hidden"] = [30] * int(value)
    elif setting == "layer_size":
        config["hidden"] = [int(value)]
    elif setting == "own_digits":
        message["own_digits"] = [{"strokes": [[[0, 0], [5, 9]]], "label": 1}] * int(value)
    elif setting == "speed":
        message["speed"] = value
    else:
        config[setting] = value
        if setting == "train_size":
            config["batch_size"] = 1  # m is at most train_size
    return message


# What each refusal names: the setting, in the words of its message.
NAMED = {
    "hidden_layers": "hidden layers",
    "layer_size": "hidden layer 1",
    "own_digits": "own digits",
    "speed": "speed",
} | {name: f"config.{name}" for name in ("eta", "batch_size", "train_size", "seed", "own_mix", "epochs")}


@pytest.mark.parametrize("setting", list(LearnRanges.model_fields))
def test_each_published_range_is_the_one_a_start_is_checked_against(setting: str) -> None:
    """The bounds are accepted; a value just outside either is refused, naming the setting and the bound."""
    allowed: SettingRange = getattr(RANGES, setting)
    for value in (allowed.minimum, allowed.maximum):
        check_start(start=parse(start_with(setting, value)), ranges=RANGES)
    low, high = outside(allowed)
    for value, bound in ((low, allowed.minimum), (high, allowed.maximum)):
        if setting == "own_digits" and value < 0:
            continue  # no list is shorter than none
        with pytest.raises(MessageError) as error:
            check_start(start=parse(start_with(setting, value)), ranges=RANGES)
        detail = str(error.value)
        assert NAMED[setting] in detail and shown(bound) in detail, detail


def test_the_speed_message_takes_the_published_speed_range() -> None:
    low, high = outside(RANGES.speed)
    for value in (RANGES.speed.minimum, RANGES.speed.maximum, None):
        parse({"type": "speed", "batches_per_second": value})
    for value, bound in ((low, RANGES.speed.minimum), (high, RANGES.speed.maximum)):
        with pytest.raises(MessageError, match=rf"^speed.batches_per_second: Input should be .* {shown(bound)}$"):
            parse({"type": "speed", "batches_per_second": value})


def parse(message: dict[str, Any]) -> Any:
    """Return the parsed message, raising MessageError as the socket's parser does."""
    return parse_message(text=json.dumps(message), max_bytes=MAX)


def test_a_focus_is_checked_against_the_network() -> None:
    check_focus(focus=Focus(type="focus", layer=2, neuron=9), hidden=[30])
    check_focus(focus=Focus(type="focus", layer=1, neuron=29), hidden=[30])
    for layer, neuron in ((1, 30), (2, 10), (3, 0)):
        with pytest.raises(MessageError, match=rf"^no neuron {neuron} in layer {layer}: the layers are \[30, 10\]$"):
            check_focus(focus=Focus(type="focus", layer=layer, neuron=neuron), hidden=[30])


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("nonsense", "a message is a JSON object"),
        ("[1, 2]", "a message is a JSON object"),
        ('{"kind": "start"}', "type is one of start, pause"),
        ('{"type": "explode"}', "type is one of start, pause"),
        ('{"type": "start", "config": {"eta": "1"}}', "config.eta: Input should be a valid number"),
        (
            '{"type": "start", "config": {"cost": "hinge"}}',
            "config.cost: Input should be 'quadratic' or 'cross-entropy'",
        ),
        ('{"type": "start", "config": {"hidden": [true]}}', "config.hidden.0: Input should be a valid integer"),
        ('{"type": "start", "config": {"colour": 1}}', "config.colour: Extra inputs are not permitted"),
        (
            '{"type": "speed", "batches_per_second": 0}',
            "batches_per_second: Input should be greater than or equal to 0.1",
        ),
        ('{"type": "focus", "layer": 0, "neuron": 1}', "layer: Input should be greater than or equal to 1"),
        ('{"type": "pause", "now": true}', "now: Extra inputs are not permitted"),
    ],
)
def test_a_bad_message_says_what_is_wrong(text: str, detail: str) -> None:
    with pytest.raises(MessageError) as error:
        parse_message(text=text, max_bytes=MAX)
    assert detail in str(error.value)


def test_a_message_too_large_is_refused_before_it_is_parsed() -> None:
    with pytest.raises(MessageError, match="message too large: 2000 bytes"):
        parse_message(text="x" * 2000, max_bytes=1024)


def test_commands_parse() -> None:
    focus = parse_message(text='{"type": "focus", "layer": 2, "neuron": 3}', max_bytes=MAX)
    assert focus == Focus(type="focus", layer=2, neuron=3)


def test_a_drawing_is_rendered_as_predict_renders_it() -> None:
    from model.reading.strokes import render

    strokes = [[[10, 10], [10, 60]], [[5, 12], [14, 8]]]
    assert (render_drawing(strokes=strokes, limits=Limits()) == render(strokes).reshape(784)).all()
    with pytest.raises(MessageError, match="no ink"):
        render_drawing(strokes=[], limits=Limits())
    with pytest.raises(MessageError, match="too many strokes"):
        render_drawing(strokes=[[[0, 0]]] * 3, limits=Limits(max_strokes=2))


@pytest.mark.parametrize(
    ("origin", "host", "allowed", "expected"),
    [
        ("http://127.0.0.1:8000", "127.0.0.1:8000", (), True),
        ("https://digits.example.org", "digits.example.org", (), True),
        ("https://digits.example.org:443", "digits.example.org", (), True),
        ("http://127.0.0.1:8001", "127.0.0.1:8000", (), False),
        ("https://evil.example", "digits.example.org", (), False),
        ("https://digits.example.org.evil.example", "digits.example.org", (), False),
        ("null", "digits.example.org", (), False),
        ("https://blog.example.org", "digits.example.org", ("https://blog.example.org",), True),
        (None, "digits.example.org", (), True),
    ],
)
def test_origin_is_same_origin_or_allowed(
    origin: str | None, host: str, allowed: tuple[str, ...], expected: bool
) -> None:
    assert origin_allowed(origin=origin, host=host, allowed=allowed) is expected


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
messages = st.fixed_dictionaries(
    {"type": st.sampled_from(["start", "pause", "resume", "step", "speed", "focus", "ask", "download", "x"])},
    optional={
        "config": st.dictionaries(
            st.sampled_from(["hidden", "cost", "eta", "batch_size", "train_size", "seed", "own_mix", "epochs", "z"]),
            json_values,
        ),
        "layer": json_values,
        "neuron": json_values,
        "batches_per_second": json_values,
        "strokes": json_values,
        "own_digits": json_values,
    },
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(messages.map(json.dumps), st.text(max_size=200), json_values.map(json.dumps)))
def test_fuzzed_messages_parse_or_get_a_message_error(text: str) -> None:
    try:
        message = parse_message(text=text, max_bytes=MAX)
    except MessageError as error:
        assert str(error)
        return
    if isinstance(message, Start):
        try:
            check_start(start=message, ranges=RANGES)
        except MessageError as error:
            assert str(error)
