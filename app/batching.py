"""Dynamic batching: the drawings waiting at the same moment, rendered and read as one batch.

Under load, several requests are at the same point at once: their bytes arrived in the same turn of
the event loop, and each has parsed its body. Rendering and reading them one at a time pays numpy's
per-call cost once per drawing for every small array operation of the rendering, and reads every
layer's weights once per drawing (3.8 MB for 784-1200-400-10, more than a core's cache). Together,
the pen discs of all the drawings go down in one operation (model.reading.strokes.render_many) and
the images go through the network as the rows of one matrix (model.serving.inference.predict_many).

No timer: the first drawing to arrive asks the event loop to run the batch as soon as the requests
already on their way have had their turn (loop.call_soon), and the batch is whatever is waiting by
then. Nothing waits for a request that has not arrived, so at one connection a batch is one drawing,
read one loop turn later (a few microseconds). The batch runs on the event loop, as a single
drawing's work did before.
"""

from __future__ import annotations

import asyncio
from collections import deque

import numpy as np
from numpy.typing import NDArray

from model.network import Network
from model.reading.errors import NoInkError
from model.reading.strokes import Drawing, render, render_many
from model.serving.inference import Prediction, predict_many

Image = NDArray[np.float32]


class ForwardBatcher:
    """Render and read the drawings waiting in the same event-loop turn together."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self.waiting: list[tuple[Drawing | None, Image | None, asyncio.Future[tuple[Image, Prediction]]]] = []
        self.batch_sizes: deque[int] = deque(maxlen=1000)
        """How many drawings each of the last 1,000 batches read, most recent last (for tests and benchmarks)."""

    async def read(self, *, strokes: Drawing | None = None, image: Image | None = None) -> tuple[Image, Prediction]:
        """Return the 28x28 image of `strokes` (rendered), or `image`, and the network's Prediction for it.

        Read with the other drawings waiting now. Raises NoInkError for strokes without a point.
        """
        if (strokes is None) == (image is None):
            raise ValueError("give exactly one of strokes and image")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[tuple[Image, Prediction]] = loop.create_future()
        if not self.waiting:
            loop.call_soon(self._run)
        self.waiting.append((strokes, image, future))
        return await future

    async def predict(self, image: Image) -> Prediction:
        """Return the network's Prediction for `image`, read with the other drawings waiting now."""
        return (await self.read(image=image))[1]

    def _run(self) -> None:
        """Render and read the waiting drawings in one batch and hand each request its own answer."""
        waiting, self.waiting = self.waiting, []
        # A request whose client went away was cancelled: its drawing is not read.
        waiting = [entry for entry in waiting if not entry[2].done()]
        if not waiting:
            return
        self.batch_sizes.append(len(waiting))
        images = self._images(waiting)
        ready = [(image, future) for image, (_, _, future) in zip(images, waiting, strict=True) if image is not None]
        if not ready:
            return
        try:
            predictions = predict_many(network=self.network, images=[image for image, _ in ready])
        except Exception as error:  # every request of the batch gets the error, as it would have alone
            for _, future in ready:
                future.set_exception(error)
            return
        for (image, future), prediction in zip(ready, predictions, strict=True):
            future.set_result((image, prediction))

    @staticmethod
    def _images(
        waiting: list[tuple[Drawing | None, Image | None, asyncio.Future[tuple[Image, Prediction]]]],
    ) -> list[Image | None]:
        """Return each waiting drawing's image, None for one whose rendering failed (its request got the error)."""
        drawings = [strokes for strokes, _, _ in waiting if strokes is not None]
        try:
            rendered = iter(render_many(drawings)) if drawings else iter(())
        except NoInkError:  # one drawing has no ink: render them one by one, so only its request gets the error
            rendered = iter(_render_or_none(strokes, future) for strokes, _, future in waiting if strokes is not None)
        images: list[Image | None] = []
        for strokes, image, _ in waiting:
            images.append(next(rendered) if strokes is not None else image)
        return images


def _render_or_none(strokes: Drawing, future: asyncio.Future[tuple[Image, Prediction]]) -> Image | None:
    """Return the image of `strokes`, or None after giving `future` the NoInkError."""
    try:
        return render(strokes)
    except NoInkError as error:
        future.set_exception(error)
        return None
