"""Connected pieces: `label` gives the labels the earlier, slower labelling gave, on random and real masks."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from model.reading.pictures import pieces, thickness
from model.reading.pictures.paper import cell_grid
from model.reading.pictures.pipeline import read_picture
from tests.pictures import SEVEN, drawn, encoded, lit


def reference_label(mask: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Return the labels as the labelling that shipped before the run-based one gave them (kept here to compare).

    Each cell takes the smallest label among itself and its 8 neighbours, then its label's label,
    until nothing changes: every cell ends with the flat index of its piece's first cell.
    """
    rows, columns = mask.shape
    none = mask.size
    labels = np.where(mask, np.arange(mask.size).reshape(mask.shape), none).astype(np.int64)
    while True:
        padded = np.pad(labels, 1, constant_values=none)
        lowest = labels.copy()
        for i in range(3):
            for j in range(3):
                np.minimum(lowest, padded[i : i + rows, j : j + columns], out=lowest)
        lowest = np.where(mask, lowest, none)
        flat = lowest.reshape(-1)
        jumped = np.where(mask, np.append(flat, none)[flat].reshape(mask.shape), none)
        if np.array_equal(jumped, labels):
            return np.where(mask, labels, -1)
        labels = jumped


def spiral(side: int) -> NDArray[np.bool_]:
    """Return a square spiral one cell wide with one-cell gaps: one long piece whose two ends are far apart."""
    mask = np.zeros((side, side), dtype=bool)
    top, left, bottom, right = 0, 0, side - 1, side - 1
    while top <= bottom and left <= right:
        mask[top, left : right + 1] = True
        mask[top : bottom + 1, right] = True
        if top + 2 <= bottom:
            mask[bottom, left : right + 1] = True
        if left + 2 <= right and top + 2 <= bottom:
            mask[top + 2 : bottom + 1, left] = True
        top, left, bottom, right = top + 2, left + 2, bottom - 2, right - 2
        if top <= bottom:
            mask[top - 1, left] = True  # the step in, from the left side onto the next turn
    return mask


@pytest.mark.parametrize(
    "mask",
    [
        np.zeros((0, 5), dtype=bool),
        np.zeros((4, 0), dtype=bool),
        np.zeros((3, 4), dtype=bool),
        np.ones((3, 4), dtype=bool),
        np.ones((1, 1), dtype=bool),
        np.array([[True, False, True, False, True]]),
        np.array([[True], [False], [True]]),
        np.eye(6, dtype=bool),  # corners only
        np.eye(6, dtype=bool)[::-1],  # the other diagonal
        np.kron(np.eye(4, dtype=bool), np.ones((1, 3), dtype=bool)),  # runs that meet corner to corner
        spiral(41),
        ~spiral(41),
    ],
)
def test_label_matches_the_reference_on_edge_cases(mask: NDArray[np.bool_]) -> None:
    assert np.array_equal(pieces.label(mask), reference_label(mask))


def test_label_matches_the_reference_on_random_masks() -> None:
    rng = np.random.default_rng(23)
    for _ in range(400):
        rows, columns = rng.integers(1, 48, size=2)
        mask = rng.random((rows, columns)) < rng.random()
        assert np.array_equal(pieces.label(mask), reference_label(mask))


def test_label_finds_a_spiral_one_piece_and_its_gaps_another() -> None:
    mask = spiral(41)
    assert np.unique(pieces.label(mask)[mask]).tolist() == [0]
    assert np.unique(pieces.label(~mask)[~mask]).size == 1


def test_label_matches_the_reference_on_the_masks_of_real_pictures(monkeypatch: pytest.MonkeyPatch) -> None:
    # The masks the pipeline labels (grid cells of ink, then ink and paper while strokes are thinned or
    # grown), recorded while it reads photos of a thin, a thick and a shaded pen's seven.
    masks: list[NDArray[np.bool_]] = []
    label, piece_sizes = pieces.label, pieces.piece_sizes

    def recording(mask: NDArray[np.bool_]) -> NDArray[np.int64]:
        masks.append(mask.copy())
        return label(mask)

    def recording_sizes(mask: NDArray[np.bool_]) -> NDArray[np.int64]:
        masks.append(mask.copy())
        return piece_sizes(mask)

    monkeypatch.setattr(pieces, "label", recording)
    monkeypatch.setattr(thickness, "piece_sizes", recording_sizes)
    for picture in (
        drawn(SEVEN, width=3),
        drawn(SEVEN, width=40),
        lit(drawn(SEVEN, width=6, paper=200), gradient=0.4, shadow=0.3, noise=5),
    ):
        read_picture(encoded(picture.convert("RGB"), "JPEG", quality=70))
    monkeypatch.undo()
    assert len(masks) >= 5 and any(mask.shape[0] > 60 for mask in masks)
    for mask in masks:
        reference = reference_label(mask)
        assert np.array_equal(pieces.label(mask), reference)
        sizes = np.bincount(reference[mask]) if mask.any() else np.zeros(0, dtype=np.int64)
        assert np.array_equal(pieces.piece_sizes(mask), sizes[sizes > 0])


def test_piece_sizes_are_the_cells_of_each_labelled_piece() -> None:
    rng = np.random.default_rng(13)
    for shape in ((1, 1), (1, 9), (9, 1), (30, 40)):
        for share in (0.0, 0.3, 0.6, 1.0):
            mask = rng.random(shape) < share
            labels = pieces.label(mask)
            sizes = np.bincount(labels[mask]) if mask.any() else np.zeros(0, dtype=np.int64)
            found = pieces.piece_sizes(mask)
            assert found.dtype == np.int64 and np.array_equal(found, sizes[sizes > 0]), (shape, share)
    assert pieces.piece_sizes(spiral(41)).tolist() == [int(spiral(41).sum())]


def test_cell_maxima_and_sums_are_numpys_for_every_cell_size() -> None:
    rng = np.random.default_rng(11)
    for cell in range(1, 11):
        for height, width in ((300, 400), (37, 23), (cell, cell), (3 * cell, cell), (cell, 3 * cell)):
            picture = rng.random((height, width), dtype=np.float32) * np.float32(rng.random())
            picture[rng.random((height, width)) < 0.5] = 0  # ink is sparse: many cells blank
            grid = cell_grid(picture, cell)
            assert np.array_equal(pieces.cell_maxima(grid), grid.max(axis=(1, 3))), cell
            sums = pieces.cell_sums(grid)
            assert sums.dtype == np.float32 and np.array_equal(sums, grid.sum(axis=(1, 3))), cell
