"""Dynamic batching: the forward passes of the drawings waiting at the same moment, as one matrix product.

Under load, several requests are at the same point at once: their bytes arrived in the same turn
of the event loop, and each has parsed and rendered its drawing. Reading them one at a time reads
every layer's weights once per drawing (3.8 MB for 784-1200-400-10, more than a core's cache);
reading them as the rows of one matrix reads the weights once for the batch
(model.serving.inference.predict_many).

No timer: the first drawing to arrive asks the event loop to run the batch as soon as the requests
already on their way have had their turn (loop.call_soon), and the batch is whatever is waiting by
then. Nothing waits for a request that has not arrived, so at one connection a batch is one drawing,
read one loop turn later (a few microseconds; benchmarks/serve.py measures the latency).
The batch runs on the event loop, as the single forward pass did before it.
"""

from __future__ import annotations

import asyncio
from collections import deque

import numpy as np
from numpy.typing import NDArray

from model.network import Network
from model.serving.inference import Prediction, predict_many


class ForwardBatcher:
    """Run the forward passes of the drawings waiting in the same event-loop turn together."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self.waiting: list[tuple[NDArray[np.floating], asyncio.Future[Prediction]]] = []
        self.batch_sizes: deque[int] = deque(maxlen=1000)
        """How many drawings each of the last 1,000 batches read, most recent last (for tests and benchmarks)."""

    async def predict(self, image: NDArray[np.floating]) -> Prediction:
        """Return the network's Prediction for `image`, read with the other images waiting now."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Prediction] = loop.create_future()
        if not self.waiting:
            loop.call_soon(self._run)
        self.waiting.append((image, future))
        return await future

    def _run(self) -> None:
        """Read the waiting images in one forward pass and hand each request its own Prediction."""
        waiting, self.waiting = self.waiting, []
        # A request whose client went away was cancelled: its image is not read.
        waiting = [(image, future) for image, future in waiting if not future.done()]
        if not waiting:
            return
        self.batch_sizes.append(len(waiting))
        try:
            predictions = predict_many(network=self.network, images=[image for image, _ in waiting])
        except Exception as error:  # every request of the batch gets the error, as it would have alone
            for _, future in waiting:
                future.set_exception(error)
            return
        for (_, future), prediction in zip(waiting, predictions, strict=True):
            future.set_result(prediction)
