"""Fixtures for the server tests: a tiny random network saved to a temporary weights file, and clients."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from model.network import Network
from model.weights import LoadedModel, load, save

TINY_SIZES = [784, 16, 12, 10]
"""Two hidden layers, so that every kind of layer (first hidden, middle hidden, output) is exercised."""

INDEX_HTML = '<!doctype html><title>test</title><canvas data-testid="canvas"></canvas><p>{{ info.sizes }}</p>\n'
MODEL_HTML = "<!doctype html><title>test</title><p>{{ info.num_parameters }}</p><p>{{ evaluation }}</p>\n"


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
def site_dirs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Return (templates_dir, static_dir) with minimal pages and an evaluation report."""
    root = tmp_path_factory.mktemp("site")
    templates, static = root / "templates", root / "static"
    templates.mkdir()
    (templates / "index.html").write_text(INDEX_HTML)
    (templates / "model.html").write_text(MODEL_HTML)
    (static / "report").mkdir(parents=True)
    (static / "report" / "evaluation.json").write_text('{"accuracy": 0.125}')
    (static / "hello.txt").write_text("hello")
    return templates, static


@pytest.fixture(scope="session")
def settings(weights_file: Path, site_dirs: tuple[Path, Path]) -> Settings:
    """Return settings pointing at the tiny weights and the test pages."""
    templates, static = site_dirs
    return Settings(weights_path=weights_file, templates_dir=templates, static_dir=static)


@pytest.fixture(scope="session")
def client(settings: Settings, tiny_model: LoadedModel) -> Iterator[TestClient]:
    """Return a client of a started app serving the injected tiny model."""
    with TestClient(create_app(settings, tiny_model)) as test_client:
        yield test_client
