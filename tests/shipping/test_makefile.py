"""The Makefile, read with `make -n` (nothing runs): what `make run`, `make train` and `make test` would do."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def dry_run(*args: str) -> list[str]:
    result = subprocess.run(["make", "-n", "-C", str(REPO), *args], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_run_serves_on_host_and_port_without_server_header() -> None:
    assert any("DIGITS_HOST=127.0.0.1 DIGITS_PORT=8000 .venv/bin/python -m app" in line for line in dry_run("run"))
    lines = dry_run("run", "HOST=0.0.0.0", "PORT=9001")
    assert any("DIGITS_HOST=0.0.0.0 DIGITS_PORT=9001 .venv/bin/python -m app" in line for line in lines)


def test_train_passes_the_data_dir_only_when_set() -> None:
    with_dir = [line for line in dry_run("train", "MNIST_DIR=/data/mnist") if "-m model.training" in line]
    assert len(with_dir) == 2 and all("-m model.training --data-dir /data/mnist " in line for line in with_dir)
    without = [line for line in dry_run("train", "MNIST_DIR=") if "-m model.training" in line]
    assert len(without) == 2 and not any("--data-dir" in line for line in without)


def test_train_runs_the_main_run_then_its_averaged_fine_tune() -> None:
    """The fine-tune starts from the main run's weights, in the same run folder (model/training/averaging.py)."""
    text = " ".join(dry_run("train", "RUN=runs/x")).replace("\\", " ")
    main_run, fine_tune = text.split("-m model.training")[1:]
    assert "--out runs/x/main" in main_run and "--init" not in main_run
    assert "--out runs/x/averaged" in fine_tune and "--init runs/x/main/weights.npz" in fine_tune
    assert "--cycles 4 --epochs 120" in fine_tune


def test_install_uses_the_lock_with_hashes_and_a_stamp() -> None:
    lines = dry_run("-B", "install")  # -B: as if nothing were installed yet
    assert any("--require-hashes -r requirements-dev.lock" in line for line in lines)
    assert any("touch .venv/.installed-dev" in line for line in lines)


def test_bench_runs_the_three_benchmarks() -> None:
    lines = dry_run("bench")
    for script in ("benchmarks/serve.py", "benchmarks/inference.py", "benchmarks/train_speed.py"):
        assert any(script in line for line in lines)


def test_figures_passes_the_folder_digit_and_neuron() -> None:
    lines = " ".join(
        dry_run("figures", "OUT=/tmp/figs", "MNIST_INDEX=7", "MNIST_DIR=/data/mnist", "LAYER=1", "INDEX=210")
    )
    assert "-m model.figures --out /tmp/figs --layer 1 --index 210" in lines
    assert "--mnist-index 7 --data-dir /data/mnist" in lines
    plain = " ".join(dry_run("figures", "MNIST_INDEX=", "MNIST_DIR="))
    assert "--out build/figures" in plain and "--mnist-index" not in plain and "--strokes" not in plain
