"""predict() and saliency() without HTTP: shapes, agreement with the network, and the gradient's meaning."""

from __future__ import annotations

import numpy as np
import pytest

from model.constants import IMAGE_SIDE, NUM_CLASSES, NUM_PIXELS
from model.network import Network
from model.serving.inference import ROWS_ONE_BY_ONE, ReadingNetwork, predict, predict_many, saliency
from model.serving.weights import DEFAULT_WEIGHTS, load


@pytest.fixture(scope="module")
def network() -> Network:
    """Return a small random network in float64, so finite differences are exact enough to compare."""
    return Network.initialise([NUM_PIXELS, 12, 8, NUM_CLASSES], np.random.default_rng(7), dtype=np.float64)


@pytest.fixture(scope="module")
def image() -> np.ndarray:
    """Return a random 28x28 image in [0, 1]."""
    return np.random.default_rng(8).random((IMAGE_SIDE, IMAGE_SIDE))


def test_prediction_has_every_layer_and_agrees_with_feedforward(network: Network, image: np.ndarray) -> None:
    prediction = predict(network=network, image=image)
    expected = network.feedforward(image.reshape(1, NUM_PIXELS))[0]
    np.testing.assert_allclose(prediction.probabilities, expected, rtol=1e-6)
    assert prediction.digit == int(np.argmax(expected))
    assert prediction.probabilities.sum() == pytest.approx(1, abs=1e-6)
    assert [z.shape[0] for z in prediction.zs] == network.sizes[1:]
    assert [a.shape[0] for a in prediction.activations] == network.sizes
    np.testing.assert_array_equal(prediction.activations[0], image.reshape(-1))


def test_hidden_activations_are_the_sigmoid_of_z(network: Network, image: np.ndarray) -> None:
    prediction = predict(network=network, image=image)
    for z, a in zip(prediction.zs[:-1], prediction.activations[1:-1], strict=True):
        np.testing.assert_allclose(a, 1 / (1 + np.exp(-z)), rtol=1e-6)


def test_prediction_rejects_a_wrong_shape(network: Network) -> None:
    with pytest.raises(ValueError, match="28x28"):
        predict(network=network, image=np.zeros((NUM_PIXELS,)))


def test_saliency_is_the_gradient_of_the_target_z(network: Network, image: np.ndarray) -> None:
    target = 3
    gradient = saliency(network=network, prediction=predict(network=network, image=image), target=target)
    assert gradient.shape == (IMAGE_SIDE, IMAGE_SIDE)
    rng = np.random.default_rng(9)
    eps = 1e-5
    for _ in range(5):
        row, col = (int(v) for v in rng.integers(0, IMAGE_SIDE, 2))
        up, down = image.copy(), image.copy()
        up[row, col] += eps
        down[row, col] -= eps
        z_up = predict(network=network, image=up).zs[-1][target]
        z_down = predict(network=network, image=down).zs[-1][target]
        assert gradient[row, col] == pytest.approx((z_up - z_down) / (2 * eps), rel=1e-3, abs=1e-6)


def test_saliency_differs_between_targets(network: Network, image: np.ndarray) -> None:
    assert not np.allclose(
        saliency(network=network, prediction=predict(network=network, image=image), target=0),
        saliency(network=network, prediction=predict(network=network, image=image), target=1),
    )


@pytest.mark.parametrize("target", [-1, NUM_CLASSES, True])
def test_saliency_rejects_a_target_that_is_not_a_digit(network: Network, image: np.ndarray, target: int) -> None:
    with pytest.raises(ValueError, match="target"):
        saliency(network=network, prediction=predict(network=network, image=image), target=target)


def sparse_image(rng: np.random.Generator, inked: int) -> np.ndarray:
    """Return a 28x28 image with `inked` random pixels in (0, 1] and the rest blank."""
    image = np.zeros(NUM_PIXELS)
    image[rng.choice(NUM_PIXELS, inked, replace=False)] = rng.random(inked) + 1e-3
    return image.reshape(IMAGE_SIDE, IMAGE_SIDE)


@pytest.mark.parametrize("inked", [1, 130, 392, 700])
def test_reading_network_agrees_with_the_network(network: Network, inked: int) -> None:
    reader = ReadingNetwork(network)
    image = sparse_image(np.random.default_rng(inked), inked)
    fast, plain = predict(network=reader, image=image), predict(network=network, image=image)
    for got, expected in zip(fast.zs + fast.activations, plain.zs + plain.activations, strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(
        reader.weighted_input(0, image.reshape(1, NUM_PIXELS)), network.weighted_input(0, image.reshape(1, NUM_PIXELS))
    )


@pytest.mark.parametrize("size", [2, ROWS_ONE_BY_ONE, ROWS_ONE_BY_ONE + 1, 9])
def test_reading_network_reads_batches_like_the_network(network: Network, size: int) -> None:
    rng = np.random.default_rng(3)
    batch = np.stack([sparse_image(rng, 100).reshape(-1) for _ in range(size)])
    np.testing.assert_allclose(ReadingNetwork(network).feedforward(batch), network.feedforward(batch), rtol=1e-12)


@pytest.mark.parametrize("size", range(2, ROWS_ONE_BY_ONE + 1))
def test_a_few_images_of_the_shipped_network_get_exactly_their_numbers_alone(size: int) -> None:
    """Up to ROWS_ONE_BY_ONE images are read row by row: the same products as alone, so the same bits."""
    reader = ReadingNetwork(load(DEFAULT_WEIGHTS).network)
    rng = np.random.default_rng(size)
    images = [sparse_image(rng, int(inked)).astype(np.float32) for inked in rng.integers(40, 200, size)]
    for got, image in zip(predict_many(network=reader, images=images), images, strict=True):
        alone = predict(network=reader, image=image)
        for mine, theirs in zip(got.zs + got.activations, alone.zs + alone.activations, strict=True):
            np.testing.assert_array_equal(mine, theirs)


def test_predict_many_gives_each_image_its_own_prediction(network: Network) -> None:
    rng = np.random.default_rng(11)
    images = [sparse_image(rng, inked) for inked in (1, 60, 130, 200, 700)]
    for reader in (network, ReadingNetwork(network)):
        many = predict_many(network=reader, images=images)
        assert len(many) == len(images)
        for got, image in zip(many, images, strict=True):
            alone = predict(network=network, image=image)
            assert got.digit == alone.digit
            for mine, theirs in zip(got.zs + got.activations, alone.zs + alone.activations, strict=True):
                np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-12)


def test_predict_many_of_the_shipped_network_agrees_with_one_at_a_time_within_1e_6() -> None:
    """The float32 network the server reads: a batch sums the same terms in another order."""
    reader = ReadingNetwork(load(DEFAULT_WEIGHTS).network)
    rng = np.random.default_rng(12)
    images = [sparse_image(rng, int(inked)).astype(np.float32) for inked in rng.integers(40, 200, 16)]
    for got, image in zip(predict_many(network=reader, images=images), images, strict=True):
        alone = predict(network=reader, image=image)
        np.testing.assert_allclose(got.probabilities, alone.probabilities, rtol=0, atol=1e-6)
        for mine, theirs in zip(got.activations, alone.activations, strict=True):
            np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-6)
        for mine, theirs in zip(got.zs, alone.zs, strict=True):
            assert np.all(np.abs(mine - theirs) <= 1e-5 * np.maximum(1, np.abs(theirs)))


def test_predict_many_refuses_no_image(network: Network) -> None:
    with pytest.raises(ValueError, match="no image"):
        predict_many(network=network, images=[])
