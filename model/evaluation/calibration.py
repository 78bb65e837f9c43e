"""Calibrating the uncertainty rule's z floor (model/serving/uncertainty.py) on the training images of a network."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from model.evaluation.scoring import outputs
from model.network import Network
from model.serving.uncertainty import UncertaintyThresholds

Z_FLOOR_PERCENTILE = 0.5
"""min_top_z is set so that this percentage of MNIST training images would be called "not a digit"."""


def calibrate(network: Network, mnist_train: NDArray[np.float32]) -> UncertaintyThresholds:
    """Return thresholds whose z floor flags Z_FLOOR_PERCENTILE % of MNIST training images (never test ones)."""
    z, _ = outputs(network, mnist_train)
    floor = float(np.percentile(z.max(axis=1), Z_FLOOR_PERCENTILE))
    return UncertaintyThresholds(min_top_z=round(floor, 3))
