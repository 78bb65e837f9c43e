"""UNIPEN pen digits: writer grouping and a split into training, validation and test writers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from model.constants import NUM_PIXELS
from model.datasets import pen_variants, unipen
from tests.conftest import skip_or_fail


def test_writer_groups_follow_the_dataset_caveats() -> None:
    assert unipen.writer_group("ibm/ibm0/r0112") == unipen.writer_group("ibm/ibm3/r0512") == "ibm/12"
    assert unipen.writer_group("gmd/kast") == unipen.writer_group("gmd/alek") == "gmd"
    assert unipen.writer_group("val/a/b") == "val"
    assert unipen.writer_group("apb/apb02/app0237") == "apb/apb02/app0237"
    assert not unipen.is_heldout("gmd") and not unipen.is_heldout("val")


def _disjoint(parts: unipen.PenSplits) -> bool:
    """Return True when no writer group is in two of the parts."""
    sets = [set(parts.training.groups), set(parts.validation.groups), set(parts.test.groups)]
    return not (sets[0] & sets[1] or sets[0] & sets[2] or sets[1] & sets[2])


def test_split_is_disjoint_by_writer_group() -> None:
    groups = [f"set/w{i}" for i in range(400)]
    digits = unipen.PenDigits(np.zeros((400, NUM_PIXELS), np.float32), (np.arange(400) % 10).astype(np.uint8), groups)
    parts = unipen.split(digits)
    assert _disjoint(parts)
    assert len(parts.training.groups) + len(parts.validation.groups) + len(parts.test.groups) == 400
    assert 0.05 < len(parts.validation.groups) / 400 < 0.15 and 0.05 < len(parts.test.groups) / 400 < 0.15
    assert all(unipen.is_test(g) for g in parts.test.groups)
    assert all(unipen.is_heldout(g) and not unipen.is_test(g) for g in parts.validation.groups)
    assert not any(unipen.is_heldout(g) for g in parts.training.groups)
    # each part keeps its images' labels
    assert [int(label) for label in parts.test.labels] == [int(g[5:]) % 10 for g in parts.test.groups]


def test_the_sets_trained_whole_are_never_tested() -> None:
    assert not any(unipen.is_test(group) for group in unipen.ALWAYS_TRAIN)


@pytest.fixture
def unipen_path() -> Path:
    """Return the real UNIPEN file ($DIGITS_UNIPEN), or skip (fail where REQUIRE_ALL=1) without it."""
    path = Path(unipen.resolve_path())
    if not path.is_file():
        skip_or_fail(f"UNIPEN digits not found at {path}: set DIGITS_UNIPEN")
    return path


@pytest.mark.slow
def test_real_file_renders_and_splits(unipen_path: Path) -> None:
    path = unipen_path
    digits = unipen.load(path)
    assert digits.images.shape == (15_073, NUM_PIXELS)
    parts = unipen.split(digits)
    assert _disjoint(parts)
    for held in (parts.validation, parts.test):  # each about half of the 20% held out, every digit well represented
        assert len(set(held.groups)) > 40 and 1_000 < len(held.labels) < 2_500
        assert np.bincount(held.labels, minlength=10).min() > 100


@pytest.mark.slow
def test_variants_come_from_training_writers_only(unipen_path: Path) -> None:
    extra = unipen.load_variants(unipen_path)
    assert extra.images.shape == (len(extra.labels), NUM_PIXELS)
    assert set(np.unique(extra.labels)) == set(pen_variants.VARIANTS) == {0, 1, 4, 7, 9} and len(extra.labels) > 1_000
    assert not any(unipen.is_heldout(group) for group in extra.groups)
