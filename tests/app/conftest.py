"""Fixtures for the server tests: a tiny random network saved to a temporary weights file, and clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.dependencies import get_runtime
from app.main import create_app
from app.runtime import build_runtime
from app.settings import Settings
from model.network import Network
from model.serving.weights import LoadedModel, load, save

TINY_SIZES = [784, 16, 12, 10]
"""Two hidden layers, so that every kind of layer (first hidden, middle hidden, output) is exercised."""

EVALUATION = '{"mnist_test": {"accuracy": 0.125, "count": 8}, "unipen_test": {"accuracy": 0.375, "count": 16}}'
"""A tiny evaluation report: the /model page shows 12.50% of 8 (MNIST) and 37.50% of 16 (pen test writers) from it."""


@pytest.fixture(scope="session")
def weights_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the path of a tiny random network's weights (with its .sha256 beside it)."""
    network = Network.initialise(TINY_SIZES, np.random.default_rng(1234))
    path = tmp_path_factory.mktemp("weights") / "tiny.npz"
    save(network, path, {"test_accuracy": 0.1, "training": {"epochs": 0, "note": "random"}})
    return path


@pytest.fixture(scope="session")
def tiny_model(weights_file: Path) -> LoadedModel:
    """Return the tiny network as loaded from its file."""
    return load(weights_file)


@pytest.fixture(scope="session")
def static_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a static folder with a tiny evaluation report and one file; the pages are the real templates."""
    static = tmp_path_factory.mktemp("site") / "static"
    (static / "report").mkdir(parents=True)
    (static / "report" / "evaluation.json").write_text(EVALUATION)
    (static / "hello.txt").write_text("hello")
    return static


@pytest.fixture(scope="session")
def settings(weights_file: Path, static_dir: Path) -> Settings:
    """Return settings pointing at the tiny weights, the real templates and the test static folder."""
    return Settings(weights_path=weights_file, static_dir=static_dir)


@pytest.fixture(scope="session")
def serving(tiny_model: LoadedModel) -> Callable[[Settings], FastAPI]:
    """Return a function giving the app for some settings, serving the tiny model through the runtime dependency."""

    def app_for(settings: Settings) -> FastAPI:
        app = create_app(settings)
        runtime = build_runtime(tiny_model, settings)
        app.dependency_overrides[get_runtime] = lambda: runtime
        return app

    return app_for


@pytest.fixture(scope="session")
def client(settings: Settings, serving: Callable[[Settings], FastAPI]) -> Iterator[TestClient]:
    """Return a client of the app serving the tiny model."""
    with TestClient(serving(settings)) as test_client:
        yield test_client
