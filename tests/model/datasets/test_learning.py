"""The digits /learn trains on: the shipped subset, rebuilt byte for byte from MNIST, and MNIST in full."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from model.datasets import learning


def test_the_shipped_subset_loads_without_mnist() -> None:
    data = learning.load(None)
    assert data.source == "subset"
    assert data.train_x.shape == (learning.TRAIN_SIZE, 784) and data.validation_x.shape == (
        learning.VALIDATION_SIZE,
        784,
    )
    assert data.train_x.dtype == np.uint8 and data.train_x.max() == 255
    unit = learning.unit(data.train_x[:3])
    assert unit.dtype == np.float32 and unit.max() == 1.0 and (unit * 255 == data.train_x[:3]).all()
    for labels in (data.train_y, data.validation_y):
        counts = np.bincount(labels, minlength=10)
        assert counts.min() > 0.07 * len(labels)  # every digit, roughly as often as in MNIST
    assert learning.train_available(None) == learning.TRAIN_SIZE
    with np.load(learning.SUBSET) as stored:
        assert "CC BY-SA 3.0" in str(stored["credit"])
        assert len(set(stored["indices"].tolist())) == learning.TRAIN_SIZE + learning.VALIDATION_SIZE


def test_the_build_script_makes_the_shipped_file_again(mnist_dir: Path) -> None:
    assert learning.build(mnist_dir) == learning.SUBSET.read_bytes()


def test_with_mnist_the_validation_digits_are_the_same_and_the_subset_comes_first(mnist_dir: Path) -> None:
    subset, full = learning.load(None), learning.load(mnist_dir)
    assert full.source == "mnist" and len(full.train_y) == learning.train_available(mnist_dir) == 58_000
    np.testing.assert_array_equal(full.validation_x, subset.validation_x)
    np.testing.assert_array_equal(full.train_x[: learning.TRAIN_SIZE], subset.train_x)
    np.testing.assert_array_equal(full.train_y[: learning.TRAIN_SIZE], subset.train_y)
