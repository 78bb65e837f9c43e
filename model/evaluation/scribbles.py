"""Random pen scribbles: drawings that are no digit, to see how often the uncertainty rule refuses them."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from model.reading.strokes import render


def scribbles(count: int, seed: int = 0) -> NDArray[np.float32]:
    """Return `count` rendered images (rows of NUM_PIXELS) of random scribbles: random walks with momentum."""
    rng = np.random.default_rng(seed)
    images = []
    for _ in range(count):
        strokes = []
        for _ in range(rng.integers(1, 4)):
            steps = rng.integers(5, 60)
            heading = np.cumsum(rng.normal(0, 0.9, steps))
            points = np.cumsum(np.stack([np.cos(heading), np.sin(heading)], axis=1) * 10, axis=0)
            strokes.append((points + rng.uniform(-40, 40, 2)).tolist())
        images.append(render(strokes).reshape(-1))
    return np.stack(images)
