"""UNIPEN pen digits: writer grouping and a writer-disjoint split."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from model import pen_variants, unipen
from model.constants import NUM_PIXELS
from tests.conftest import skip_or_fail


def test_writer_groups_follow_the_dataset_caveats() -> None:
    assert unipen.writer_group("ibm/ibm0/r0112") == unipen.writer_group("ibm/ibm3/r0512") == "ibm/12"
    assert unipen.writer_group("gmd/kast") == unipen.writer_group("gmd/alek") == "gmd"
    assert unipen.writer_group("val/a/b") == "val"
    assert unipen.writer_group("apb/apb02/app0237") == "apb/apb02/app0237"
    assert not unipen.is_heldout("gmd") and not unipen.is_heldout("val")


def test_split_is_disjoint_by_writer_group() -> None:
    groups = [f"set/w{i}" for i in range(200)]
    digits = unipen.PenDigits(np.zeros((200, NUM_PIXELS), np.float32), np.zeros(200, np.uint8), groups)
    training, heldout = unipen.split(digits)
    assert not set(training.groups) & set(heldout.groups)
    assert len(training.groups) + len(heldout.groups) == 200
    assert 0.1 < len(heldout.groups) / 200 < 0.3


def test_real_file_renders_and_splits() -> None:
    path = unipen.resolve_path()
    if not Path(path).is_file():
        skip_or_fail(f"UNIPEN digits not found at {path}: set DIGITS_UNIPEN")
    digits = unipen.load(path)
    assert digits.images.shape == (15_073, NUM_PIXELS)
    training, heldout = unipen.split(digits)
    assert not set(training.groups) & set(heldout.groups)
    assert len(set(heldout.groups)) > 20 and 2_000 < len(heldout.labels) < 5_000
    assert np.bincount(heldout.labels, minlength=10).min() > 100


def test_variants_come_from_training_writers_only() -> None:
    path = unipen.resolve_path()
    if not Path(path).is_file():
        skip_or_fail(f"UNIPEN digits not found at {path}: set DIGITS_UNIPEN")
    extra = unipen.load_variants(path)
    assert extra.images.shape == (len(extra.labels), NUM_PIXELS)
    assert set(np.unique(extra.labels)) == set(pen_variants.VARIANTS) == {0, 1, 4, 7, 9} and len(extra.labels) > 1_000
    assert not any(unipen.is_heldout(group) for group in extra.groups)
