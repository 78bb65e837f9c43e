"""Training: a small network learns MNIST from 2,000 images; runs are reproducible; the CLI writes its outputs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from model.datasets.mnist import load_mnist
from model.network import Network
from model.serving.weights import WeightsError, save
from model.training import train
from model.training.augment import AugmentConfig, augment
from model.training.config import TrainConfig, parse_args
from model.training.train import Datasets, Split

SMALL = TrainConfig(
    hidden=(30,),
    epochs=8,
    batch_size=16,
    learning_rate=0.1,
    final_learning_rate=0.01,
    use_unipen=False,
    augment=AugmentConfig(clean_fraction=1.0),
)


def small_datasets(mnist_dir: Path) -> Datasets:
    """Return 2,000 training images and 1,000 other images to score on."""
    mnist = load_mnist(mnist_dir)
    x, y = mnist.train_images, mnist.train_labels.astype(np.int64)
    empty = Split(np.zeros((0, 784), np.float32), np.zeros(0, np.int64))
    return Datasets(
        train=Split(x[:2000], y[:2000]),
        validation=Split(x[2000:3000], y[2000:3000]),
        pen_validation=empty,
        test=empty,
        pen_test=empty,
        checksums={},
    )


@pytest.mark.mnist
def test_a_few_epochs_on_2000_images_reach_85_percent(mnist_dir: Path) -> None:
    datasets = small_datasets(mnist_dir)
    network, history = train.train(SMALL, datasets, progress=False)
    assert len(history) == SMALL.epochs
    assert train.accuracy(network, datasets.validation) > 0.85
    assert history[-1]["train_loss"] < history[0]["train_loss"]


@pytest.mark.mnist
def test_training_is_reproducible(mnist_dir: Path) -> None:
    datasets = small_datasets(mnist_dir)
    config = dataclasses.replace(SMALL, epochs=1, augment=AugmentConfig())
    first, _ = train.train(config, datasets, progress=False)
    second, _ = train.train(config, datasets, progress=False)
    for a, b in zip(first.weights, second.weights, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.mnist
def test_a_run_can_start_from_saved_weights_of_the_same_shape(mnist_dir: Path, tmp_path: Path) -> None:
    datasets = small_datasets(mnist_dir)
    trained, _ = train.train(SMALL, datasets, progress=False)
    save(trained, tmp_path / "start.npz", {})
    # A learning rate of ~0: the warm start's one epoch leaves the saved network as it was.
    still = dataclasses.replace(
        SMALL, epochs=1, learning_rate=1e-12, final_learning_rate=1e-12, init=str(tmp_path / "start.npz")
    )
    resumed, history = train.train(still, datasets, progress=False)
    for a, b in zip(trained.weights, resumed.weights, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)
    assert history[0]["validation_accuracy"] == train.accuracy(trained, datasets.validation) > 0.85
    with pytest.raises(WeightsError, match=r"layers \[784, 30, 10\], but this run trains \[784, 20, 10\]"):
        train.train(dataclasses.replace(still, hidden=(20,)), datasets, progress=False)


def test_learning_rate_schedule_runs_from_first_to_final() -> None:
    config = TrainConfig(learning_rate=0.1, final_learning_rate=0.001)
    assert train.learning_rate(config, 0.0) == pytest.approx(0.1)
    assert train.learning_rate(config, 1.0) == pytest.approx(0.001)
    assert 0.001 < train.learning_rate(config, 0.5) < 0.1


def test_each_cycle_restarts_the_cosine_and_ends_at_the_final_rate() -> None:
    config = TrainConfig(epochs=4, cycles=2, learning_rate=0.1, final_learning_rate=0.001)
    assert train.learning_rate(config, 0.0) == pytest.approx(0.1)
    assert train.learning_rate(config, 0.4999) == pytest.approx(0.001, abs=1e-5)
    assert train.learning_rate(config, 0.5) == pytest.approx(0.1)
    assert train.learning_rate(config, 0.75) == pytest.approx(0.0505)  # half way down the second cosine
    assert train.learning_rate(config, 1.0) == pytest.approx(0.001)


def test_epochs_must_fill_whole_cycles() -> None:
    with pytest.raises(ValueError, match="multiple of --cycles 2"):
        TrainConfig(epochs=5, cycles=2)
    with pytest.raises(SystemExit):
        parse_args(["--epochs", "5", "--cycles", "2"])


def test_a_missing_init_file_is_refused_before_any_data_loads(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--init", "no/such/weights.npz"])
    assert "--init no/such/weights.npz: no such weights file" in capsys.readouterr().err


def test_init_weights_of_another_shape_or_broken_are_refused_before_any_data_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start, broken = tmp_path / "start.npz", tmp_path / "broken.npz"
    save(Network.initialise([784, 30, 10], np.random.default_rng(0)), start, {})
    broken.write_bytes(b"not a weights file")
    with pytest.raises(SystemExit):
        parse_args(["--init", str(start), "--hidden", "20"])
    assert "layers [784, 30, 10], but this run trains [784, 20, 10]" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parse_args(["--init", str(broken)])
    assert f"--init {broken}" in capsys.readouterr().err
    config, _ = parse_args(["--init", str(start), "--hidden", "30"])
    assert config.init == str(start)


@pytest.mark.mnist
def test_with_cycles_the_network_kept_is_the_mean_of_the_cycle_ends(mnist_dir: Path) -> None:
    datasets = small_datasets(mnist_dir)
    ends: list[list[np.ndarray]] = []

    def keep(network: Network, history: list[dict[str, float]]) -> None:
        if len(history) % 2 == 0:  # 4 epochs in 2 cycles: epochs 2 and 4 end a cycle
            ends.append([w.copy() for w in network.weights])

    config = dataclasses.replace(SMALL, epochs=4, cycles=2)
    averaged, _ = train.train(config, datasets, progress=False, on_epoch=keep)
    assert len(ends) == 2 and not np.array_equal(ends[0][0], ends[1][0])
    for l, w in enumerate(averaged.weights):
        np.testing.assert_allclose(w, (ends[0][l] + ends[1][l]) / 2, rtol=1e-5, atol=1e-6)
    assert train.accuracy(averaged, datasets.validation) > 0.85


def test_augmentation_keeps_shape_range_and_changes_images() -> None:
    rng = np.random.default_rng(0)
    x = np.zeros((64, 784), np.float32)
    x.reshape(64, 28, 28)[:, 6:22, 12:16] = 1.0
    out = augment(x, rng, AugmentConfig(clean_fraction=0.0))
    assert out.shape == x.shape and out.dtype == np.float32
    assert out.min() >= 0 and out.max() <= 1
    changed = np.abs(out - x).sum(axis=1) > 1
    assert changed.mean() > 0.9
    # Distortions move ink around but keep most of it.
    assert np.median(out.sum(axis=1) / x.sum(axis=1)) == pytest.approx(1, abs=0.3)


@pytest.mark.mnist
def test_command_line_writes_weights_metrics_and_plots(mnist_dir: Path, tmp_path: Path) -> None:
    args = [
        "--hidden",
        "20",
        "--epochs",
        "1",
        "--no-unipen",
        "--train-limit",
        "500",
        "--data-dir",
        str(mnist_dir),
        "--out",
        str(tmp_path),
    ]
    assert train.main(args) == 0
    for name in (
        "weights.npz",
        "weights.npz.sha256",
        "metrics.csv",
        "metrics.json",
        "learning_curves.png",
        "confusion_matrix.png",
    ):
        assert (tmp_path / name).is_file(), name


def test_command_line_options_reach_the_config() -> None:
    config, _ = parse_args(["--pen-variants", "--augment-rotation", "5", "--no-augment"])
    assert config.pen_variants
    assert config.augment.rotation == 5 and config.augment.clean_fraction == 1.0
    assert config.augment.shear == AugmentConfig().shear
    default, _ = parse_args([])
    assert default == TrainConfig()


def test_every_config_field_is_an_option(tmp_path: Path) -> None:
    """Each hyperparameter, the augmentation's too, can be set from the command line (derived, not copied)."""
    start = tmp_path / "start.npz"
    save(Network.initialise([784, 30, 20, 10], np.random.default_rng(0)), start, {})
    options = f"""--hidden 30 20 --epochs 2 --batch-size 8 --learning-rate 0.1 --final-learning-rate 0.01
        --cycles 2 --momentum 0.5 --weight-decay 0.001 --validation-size 100 --unipen-repeat 1 --no-unipen
        --train-limit 50 --init {start} --seed 7 --augment-shift 2.5 --augment-elastic-sigma 3"""
    config, _ = parse_args(options.split())
    changed = {name for name, value in dataclasses.asdict(config).items() if value != getattr(TrainConfig(), name)}
    assert changed == {f.name for f in dataclasses.fields(TrainConfig)} - {"pen_variants"}
    assert config.hidden == (30, 20) and config.train_limit == 50 and not config.use_unipen
    assert config.init == str(start)
    assert config.augment == dataclasses.replace(AugmentConfig(), shift=2.5, elastic_sigma=3.0)


def test_a_fine_tune_records_every_run_that_made_its_weights(tmp_path: Path) -> None:
    """The --init file's steps come first, so the shipped weights say what `make train` ran and how long."""
    network = Network.initialise([784, 30, 10], np.random.default_rng(0))
    main_run = tmp_path / "main.npz"
    save(
        network,
        main_run,
        {"training": {"command": "python -m model.training --out runs/train/main", "wall_seconds": 60.0}},
    )
    steps = train.training_steps(str(main_run), "python -m model.training --init main.npz", 30.04)
    assert steps == [
        {"command": "python -m model.training --out runs/train/main", "wall_seconds": 60.0},
        {"command": "python -m model.training --init main.npz", "wall_seconds": 30.0},
    ]
    # A fine-tune of a fine-tune keeps the whole chain; a run without --init is one step.
    fine_tune = tmp_path / "averaged.npz"
    save(network, fine_tune, {"training": {"command": "b", "wall_seconds": 30.0, "steps": steps}})
    assert [s["command"] for s in train.training_steps(str(fine_tune), "c", 1.0)] == [
        *(s["command"] for s in steps),
        "c",
    ]
    assert train.training_steps(None, "a", 5.0) == [{"command": "a", "wall_seconds": 5.0}]
