"""Calibration: the z floor flags Z_FLOOR_PERCENTILE % of the images it is measured on."""

from __future__ import annotations

import numpy as np
import pytest

from model.constants import NUM_CLASSES, NUM_PIXELS
from model.evaluation.calibration import Z_FLOOR_PERCENTILE, calibrate
from model.evaluation.scoring import outputs
from model.network import Network


def test_the_floor_flags_the_chosen_share_of_images() -> None:
    network = Network.initialise([NUM_PIXELS, 8, NUM_CLASSES], np.random.default_rng(0))
    images = np.random.default_rng(1).random((2_000, NUM_PIXELS), dtype=np.float32)
    thresholds = calibrate(network, images)
    assert thresholds.min_top_z is not None
    z, _ = outputs(network, images)
    below = (z.max(axis=1) < thresholds.min_top_z).mean() * 100
    assert below == pytest.approx(Z_FLOOR_PERCENTILE, abs=0.1)
