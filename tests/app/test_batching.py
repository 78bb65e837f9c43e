"""Dynamic batching (app.batching): the drawings waiting together are read in one forward pass, and no
request waits for one that has not arrived."""

from __future__ import annotations

import asyncio

import httpx
import numpy as np
import pytest
from numpy.typing import NDArray

from app.batching import ForwardBatcher
from app.dependencies import get_runtime
from app.main import create_app
from app.runtime import build_runtime
from app.settings import Settings
from model.constants import IMAGE_SIDE
from model.network import Network
from model.reading.errors import NoInkError
from model.reading.strokes import render
from model.serving.inference import Prediction, ReadingNetwork, predict
from model.serving.weights import DEFAULT_WEIGHTS, LoadedModel, load
from tests.app.answers import assert_answers_agree


@pytest.fixture(scope="module")
def reader() -> ReadingNetwork:
    """Return the shipped network, as the server reads with it."""
    return ReadingNetwork(load(DEFAULT_WEIGHTS).network)


def images(count: int, seed: int = 0) -> list[NDArray[np.float32]]:
    """Return `count` mostly blank float32 images, each with a different blot of ink."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        image = np.zeros((IMAGE_SIDE, IMAGE_SIDE), dtype=np.float32)
        row, col = rng.integers(4, 16, 2)
        image[row : row + 10, col : col + 4] = rng.random((10, 4), dtype=np.float32)
        out.append(image)
    return out


def test_requests_waiting_together_are_read_in_one_batch(reader: ReadingNetwork) -> None:
    batcher = ForwardBatcher(reader)
    drawings = images(12)

    async def all_at_once() -> list[Prediction]:
        return await asyncio.gather(*(batcher.predict(image) for image in drawings))

    predictions = asyncio.run(all_at_once())
    assert list(batcher.batch_sizes) == [12]
    for got, image in zip(predictions, drawings, strict=True):
        alone = predict(network=reader, image=image)
        assert got.digit == alone.digit
        np.testing.assert_allclose(got.probabilities, alone.probabilities, rtol=0, atol=1e-6)
        for mine, theirs in zip(got.activations, alone.activations, strict=True):
            np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-6)


def test_one_request_is_read_at_the_next_loop_turn_without_a_timer(reader: ReadingNetwork) -> None:
    batcher = ForwardBatcher(reader)

    async def alone() -> None:
        loop = asyncio.get_running_loop()
        task = loop.create_task(batcher.predict(images(1)[0]))
        # Loop turns take microseconds here: a timer, even of a millisecond, would not have fired.
        await asyncio.sleep(0)  # the task runs up to the batcher, which asks for the next turn
        assert not task.done()
        await asyncio.sleep(0)  # the batch runs, and sets the answer
        await asyncio.sleep(0)  # the task takes it
        assert task.done()
        await task

    asyncio.run(alone())
    assert list(batcher.batch_sizes) == [1]


def test_requests_one_after_another_are_read_one_by_one(reader: ReadingNetwork) -> None:
    batcher = ForwardBatcher(reader)

    async def in_turn() -> None:
        for image in images(3):
            await batcher.predict(image)

    asyncio.run(in_turn())
    assert list(batcher.batch_sizes) == [1, 1, 1]


def test_a_cancelled_request_is_left_out_and_the_others_are_answered(reader: ReadingNetwork) -> None:
    batcher = ForwardBatcher(reader)

    async def one_gives_up() -> list[Prediction | BaseException]:
        tasks = [asyncio.create_task(batcher.predict(image)) for image in images(3)]
        await asyncio.sleep(0)
        tasks[1].cancel()
        return await asyncio.gather(*tasks, return_exceptions=True)

    results = asyncio.run(one_gives_up())
    assert isinstance(results[1], asyncio.CancelledError)
    assert all(not isinstance(result, BaseException) for result in (results[0], results[2]))
    assert list(batcher.batch_sizes) == [2]


def test_an_error_reaches_every_request_of_the_batch() -> None:
    batcher = ForwardBatcher(Network.initialise([IMAGE_SIDE * IMAGE_SIDE, 4, 10], np.random.default_rng(0)))

    async def broken() -> list[Prediction | BaseException]:
        wrong = np.zeros((3, 3), dtype=np.float32)  # not 28x28: the forward pass refuses it
        return await asyncio.gather(*(batcher.predict(wrong) for _ in range(2)), return_exceptions=True)

    assert all(isinstance(result, ValueError) for result in asyncio.run(broken()))


def test_concurrent_http_requests_are_batched_and_agree_with_one_at_a_time(
    settings: Settings, tiny_model: LoadedModel
) -> None:
    runtime = build_runtime(tiny_model, settings)
    app = create_app(settings)
    app.dependency_overrides[get_runtime] = lambda: runtime
    bodies = [
        {"strokes": [[[10 + k, 10], [60, 10 + 3 * k], [35, 90]]], "explain": k % 2 == 0, "layers": k % 3 != 0}
        for k in range(10)
    ]

    async def post_all() -> tuple[list[bytes], list[bytes]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            alone = [(await client.post("/predict", json=body)).content for body in bodies]
            together = await asyncio.gather(*(client.post("/predict", json=body) for body in bodies))
        return alone, [response.content for response in together]

    alone, together = asyncio.run(post_all())
    assert max(runtime.batcher.batch_sizes) > 1, list(runtime.batcher.batch_sizes)
    for got, expected in zip(together, alone, strict=True):
        assert_answers_agree(got, expected)


def test_strokes_are_rendered_together_and_a_drawing_without_ink_fails_alone(reader: ReadingNetwork) -> None:
    batcher = ForwardBatcher(reader)
    drawings = [[[[10, 10], [60, 10 + k], [35, 90]]] for k in range(4)]

    async def together() -> list[tuple[NDArray[np.float32], Prediction] | BaseException]:
        reads = [batcher.read(strokes=strokes) for strokes in drawings]
        reads.insert(2, batcher.read(strokes=[[]]))  # no point: refused, alone
        return await asyncio.gather(*reads, return_exceptions=True)

    results = asyncio.run(together())
    assert isinstance(results.pop(2), NoInkError)
    assert list(batcher.batch_sizes) == [5]
    for result, strokes in zip(results, drawings, strict=True):
        assert not isinstance(result, BaseException), result
        image, prediction = result
        np.testing.assert_array_equal(image, render(strokes))
        np.testing.assert_allclose(
            prediction.probabilities, predict(network=reader, image=image).probabilities, atol=1e-6
        )
