"""Scoring: batched outputs equal one pass, the confusion matrix counts, score's rates follow the rule."""

from __future__ import annotations

import numpy as np
import pytest

from model.constants import NUM_CLASSES, NUM_PIXELS
from model.evaluation.scoring import confusion, outputs, score, top_confusions
from model.network import Network
from model.serving.uncertainty import UncertaintyThresholds


@pytest.fixture(scope="module")
def network() -> Network:
    return Network.initialise([NUM_PIXELS, 8, NUM_CLASSES], np.random.default_rng(0))


@pytest.fixture(scope="module")
def images() -> np.ndarray:
    return np.random.default_rng(1).random((25, NUM_PIXELS), dtype=np.float32)


def test_outputs_in_small_batches_equal_one_forward_pass(network: Network, images: np.ndarray) -> None:
    zs, activations = network.forward(images)
    z, a = outputs(network, images, batch=7)
    assert z.shape == a.shape == (25, NUM_CLASSES)
    np.testing.assert_allclose(z, zs[-1], rtol=1e-6, atol=1e-6)  # float32: batch size changes BLAS rounding
    np.testing.assert_allclose(a, activations[-1], rtol=1e-6)


def test_confusion_counts_true_rows_against_answered_columns() -> None:
    labels = np.array([0, 0, 3, 9, 9, 9])
    predicted = np.array([0, 5, 3, 9, 9, 1])
    matrix = confusion(labels, predicted)
    assert matrix.shape == (NUM_CLASSES, NUM_CLASSES)
    assert (matrix[0, 0], matrix[0, 5], matrix[3, 3], matrix[9, 9], matrix[9, 1]) == (1, 1, 1, 2, 1)
    assert matrix.sum() == len(labels)


def test_score_matches_the_predictions_and_the_uncertainty_rule(network: Network, images: np.ndarray) -> None:
    _, a = outputs(network, images)
    predicted = a.argmax(axis=1)
    labels = predicted.copy()
    labels[:5] = (labels[:5] + 1) % NUM_CLASSES  # five wrong on purpose
    everything_unsure = UncertaintyThresholds(unsure_below=1.0, not_a_digit_below=0.0)
    result = score(network, images, labels, everything_unsure)
    assert result["count"] == 25
    assert result["accuracy"] == pytest.approx(20 / 25)
    assert np.array_equal(result["predicted"], predicted)
    assert np.array_equal(np.array(result["confusion"]), confusion(labels, predicted))
    assert result["unsure_rate"] == 1.0 and result["not_a_digit_rate"] == 0.0
    assert np.isnan(result["accuracy_when_sure"])  # no answer is sure

    nothing_unsure = score(network, images, labels, UncertaintyThresholds(unsure_below=0.0, not_a_digit_below=0.0))
    assert nothing_unsure["unsure_rate"] == 0.0
    assert nothing_unsure["accuracy_when_sure"] == pytest.approx(20 / 25)


def test_top_confusions_are_the_largest_off_diagonal_counts() -> None:
    matrix = np.diag(np.full(NUM_CLASSES, 50))
    matrix[4, 9], matrix[0, 6], matrix[7, 1] = 6, 2, 3
    assert top_confusions(matrix, count=2) == [(4, 9, 6), (7, 1, 3)]
    assert top_confusions(matrix) == [(4, 9, 6), (7, 1, 3), (0, 6, 2)]
    assert top_confusions(np.diag(np.ones(NUM_CLASSES, int))) == []
