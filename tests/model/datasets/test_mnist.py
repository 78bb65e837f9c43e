"""The MNIST loader: the real files load; a wrong, short, altered or missing file gives a clear error."""

from __future__ import annotations

import gzip
import hashlib
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from model.datasets import mnist as data
from model.datasets import mnist_files
from model.datasets.mnist_files import IMAGES_MAGIC, LABELS_MAGIC, DatasetError, IdxFile, read_idx


def write_labels(
    folder: Path, name: str, labels: bytes, *, magic: int = LABELS_MAGIC, count: int | None = None
) -> bytes:
    """Write a gzipped IDX label file and return its decompressed content."""
    content = magic.to_bytes(4, "big") + (len(labels) if count is None else count).to_bytes(4, "big") + labels
    (folder / f"{name}.gz").write_bytes(gzip.compress(content))
    return content


def spec_for(content: bytes, count: int) -> IdxFile:
    """Return an IdxFile expecting exactly this content."""
    return IdxFile("tiny-labels-idx1-ubyte", count, hashlib.sha256(content).hexdigest())


def test_reads_a_valid_file(tmp_path: Path) -> None:
    content = write_labels(tmp_path, "tiny-labels-idx1-ubyte", bytes([3, 1, 4]))
    labels = read_idx(tmp_path, spec_for(content, 3))
    assert labels.tolist() == [3, 1, 4]


def test_reads_an_uncompressed_file(tmp_path: Path) -> None:
    content = LABELS_MAGIC.to_bytes(4, "big") + (2).to_bytes(4, "big") + bytes([7, 9])
    (tmp_path / "tiny-labels-idx1-ubyte").write_bytes(content)
    assert read_idx(tmp_path, spec_for(content, 2)).tolist() == [7, 9]


def test_a_label_that_is_not_a_digit_is_named(tmp_path: Path) -> None:
    content = write_labels(tmp_path, "tiny-labels-idx1-ubyte", bytes([3, 9, 10]))
    with pytest.raises(DatasetError, match=r"tiny-labels-idx1-ubyte: labels outside 0-9"):
        mnist_files.read_labels(tmp_path, spec_for(content, 3))
    content = write_labels(tmp_path, "tiny-labels-idx1-ubyte", bytes([3, 9, 0]))
    assert mnist_files.read_labels(tmp_path, spec_for(content, 3)).tolist() == [3, 9, 0]


def test_wrong_magic_is_named(tmp_path: Path) -> None:
    content = write_labels(tmp_path, "tiny-labels-idx1-ubyte", bytes([1, 2]), magic=IMAGES_MAGIC)
    with pytest.raises(
        DatasetError, match=r"tiny-labels-idx1-ubyte\.gz: wrong magic number .*model\.datasets\.mnist fetch"
    ):
        read_idx(tmp_path, spec_for(content, 2))


def test_truncated_file_is_named(tmp_path: Path) -> None:
    content = write_labels(tmp_path, "tiny-labels-idx1-ubyte", bytes([1, 2]), count=3)
    with pytest.raises(DatasetError, match=r"tiny-labels-idx1-ubyte\.gz: (truncated|holds)"):
        read_idx(tmp_path, spec_for(content, 3))


def test_truncated_gzip_is_named(tmp_path: Path) -> None:
    write_labels(tmp_path, "tiny-labels-idx1-ubyte", bytes(range(100)))
    path = tmp_path / "tiny-labels-idx1-ubyte.gz"
    path.write_bytes(path.read_bytes()[:20])
    with pytest.raises(DatasetError, match=r"tiny-labels-idx1-ubyte\.gz: cannot be read"):
        read_idx(tmp_path, IdxFile("tiny-labels-idx1-ubyte", 100, "0" * 64))


def test_checksum_mismatch_is_named(tmp_path: Path) -> None:
    original = write_labels(tmp_path, "tiny-labels-idx1-ubyte", bytes([1, 2]))
    write_labels(tmp_path, "tiny-labels-idx1-ubyte", bytes([1, 3]))
    with pytest.raises(DatasetError, match=r"tiny-labels-idx1-ubyte\.gz: SHA-256 .* differs from the official"):
        read_idx(tmp_path, spec_for(original, 2))


def test_missing_file_says_how_to_get_it(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"t10k-labels-idx1-ubyte\.gz: missing; get the official files"):
        read_idx(tmp_path, mnist_files.FILES["test_labels"])


def test_folder_comes_from_argument_then_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MNIST_DIR", str(tmp_path))
    assert mnist_files.resolve_dir() == tmp_path
    assert mnist_files.resolve_dir("elsewhere") == Path("elsewhere")
    monkeypatch.delenv("MNIST_DIR")
    assert mnist_files.resolve_dir() == mnist_files.DEFAULT_DIR


def test_command_line_reports_the_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert data.main(["check", "--data-dir", str(tmp_path)]) == 1
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "missing" in error


@pytest.mark.mnist
def test_official_files_load(mnist_dir: Path) -> None:
    mnist = data.load_mnist(mnist_dir)
    assert mnist.train_images.shape == (60_000, 784) and mnist.test_images.shape == (10_000, 784)
    assert mnist.train_images.dtype == np.float32 and mnist.train_images.min() >= 0 and mnist.train_images.max() <= 1
    assert np.bincount(mnist.test_labels).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_fetch_offline_fails_with_a_clear_message(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def refuse(url: str, timeout: float) -> None:
        raise OSError("network unreachable")

    # model.datasets.mnist looks up urllib.request.urlopen when it downloads
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    with pytest.raises(DatasetError, match=r"train-images-idx3-ubyte\.gz: download failed from every mirror"):
        data.fetch(tmp_path)
    assert not list(tmp_path.glob("*.gz"))
