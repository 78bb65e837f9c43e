"""`make figures`: three SVG files that parse, say what they show (<title>, <desc>) and hold the numbers."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from model.constants import NUM_PIXELS
from model.datasets.mnist_files import load_test_set
from model.figures.__main__ import main
from model.figures.export import NAMES, SAMPLE_DIGIT, draw, export, image_from_mnist
from model.figures.pixels import pixel_values
from model.figures.sigmoid import to_x, to_y
from model.figures.svg import SVG_NS
from model.network import Network, sigmoid
from model.reading.strokes import render
from model.serving.inference import predict
from model.serving.weights import DEFAULT_WEIGHTS, load

NS = {"svg": SVG_NS}
SIZES = [784, 16, 12, 10]


@pytest.fixture(scope="module")
def network() -> Network:
    return Network.initialise(SIZES, np.random.default_rng(7))


@pytest.fixture(scope="module")
def sample_image() -> np.ndarray:
    return render(json.loads(SAMPLE_DIGIT.read_text())["strokes"])


@pytest.fixture(scope="module")
def written(
    tmp_path_factory: pytest.TempPathFactory, network: Network, sample_image: np.ndarray
) -> dict[str, ET.Element]:
    """Export the sample digit for neuron 5 of layer 2; return each file's parsed root."""
    out = tmp_path_factory.mktemp("figures")
    paths = export(out=out, image=sample_image, source="the sample", network=network, layer=2, index=5)
    assert [path.name for path in paths] == [f"{name}.svg" for name in NAMES]
    return {path.stem: ET.parse(path).getroot() for path in paths}


@pytest.mark.parametrize("name", ["pixels", "neuron", "sigmoid"])
def test_each_figure_is_an_svg_with_a_title_and_a_description(written: dict[str, ET.Element], name: str) -> None:
    root = written[name]
    assert root.tag == f"{{{SVG_NS}}}svg"
    title, desc = root.find("svg:title", NS), root.find("svg:desc", NS)
    assert title is not None and title.text and len(title.text) > 10
    assert desc is not None and desc.text and len(desc.text) > 40
    assert root.get("aria-labelledby") == f"{name}-title {name}-desc"
    assert (title.get("id"), desc.get("id")) == (f"{name}-title", f"{name}-desc")


def test_the_pixel_figure_holds_the_784_values_of_the_image(
    written: dict[str, ET.Element], sample_image: np.ndarray
) -> None:
    grid = written["pixels"].find("svg:g[@data-name='grid']", NS)
    assert grid is not None
    numbers = [int(text.text or "") for text in grid.findall("svg:text", NS)]
    assert len(numbers) == NUM_PIXELS
    assert numbers == pixel_values(sample_image).ravel().tolist()
    assert sum(numbers) > 0 and max(numbers) <= 255


def test_pixel_values_round_halves_up() -> None:
    image = np.full((28, 28), 0.5, dtype=np.float32)
    image[0, 0], image[0, 1] = 1.0, 0.0
    values = pixel_values(image)
    assert values[0, 0] == 255 and values[0, 1] == 0 and values[1, 1] == 128


def test_the_neuron_figure_shows_the_networks_z_and_a(
    written: dict[str, ET.Element], network: Network, sample_image: np.ndarray
) -> None:
    prediction = predict(network=network, image=sample_image)
    shown = {
        text.get("data-name"): float(text.get("data-value") or "nan")
        for text in written["neuron"].iter(f"{{{SVG_NS}}}text")
        if text.get("data-value")
    }
    assert shown["z"] == pytest.approx(float(prediction.zs[1][5]), abs=1e-5)
    assert shown["a"] == pytest.approx(float(prediction.activations[2][5]), abs=1e-6)


def test_the_sigmoid_point_lies_on_the_curve(
    written: dict[str, ET.Element], network: Network, sample_image: np.ndarray
) -> None:
    point = written["sigmoid"].find("svg:g[@data-name='point']", NS)
    assert point is not None
    root = written["sigmoid"]
    z, a = float(root.get("data-z") or "nan"), float(root.get("data-a") or "nan")
    assert z == pytest.approx(float(predict(network=network, image=sample_image).zs[1][5]), abs=1e-5)
    assert a == pytest.approx(float(sigmoid(np.array([z]))[0]), abs=1e-6)  # the network computes in float32
    circle = point.find("svg:circle[@data-name='marker']", NS)
    assert circle is not None
    assert float(circle.get("cx") or "nan") == pytest.approx(to_x(z), abs=0.01)
    assert float(circle.get("cy") or "nan") == pytest.approx(to_y(a), abs=0.01)


def test_the_neuron_figure_shows_the_largest_terms_and_their_sum(
    written: dict[str, ET.Element], network: Network, sample_image: np.ndarray
) -> None:
    root = written["neuron"]
    x = predict(network=network, image=sample_image).activations[1]
    w, b = network.weights[1][5], float(network.biases[1][5])
    terms = x.astype(np.float64) * w.astype(np.float64)
    shown = [int(text.get("data-input") or -1) for text in root.iterfind(".//svg:text[@data-name='w']", NS)]
    assert shown == np.argsort(-np.abs(terms), kind="stable")[:5].tolist()
    assert float(root.get("data-sum") or "nan") == pytest.approx(float(terms.sum()) + b, abs=1e-9)
    others = root.find(".//svg:text[@data-name='others']", NS)
    assert others is not None and others.text == f"{terms.size - 5} more"


def test_each_figure_carries_the_digit_read_and_draw_refuses_another_name(
    network: Network, sample_image: np.ndarray
) -> None:
    digit = predict(network=network, image=sample_image).digit
    for name in NAMES:
        root = draw(name, network=network, image=sample_image, source="s", layer=1, index=0)
        assert root.get("data-digit") == str(digit)
    with pytest.raises(ValueError, match="no figure 'bars': the figures are pixels, neuron, sigmoid"):
        draw("bars", network=network, image=sample_image, source="s", layer=1, index=0)


def test_the_files_are_the_same_every_time(tmp_path: Path, network: Network, sample_image: np.ndarray) -> None:
    first = export(out=tmp_path / "a", image=sample_image, source="s", network=network, layer=1, index=3)
    second = export(out=tmp_path / "b", image=sample_image, source="s", network=network, layer=1, index=3)
    assert [path.read_bytes() for path in first] == [path.read_bytes() for path in second]


def test_the_command_refuses_a_bad_drawing_or_neuron(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"strokes": [[1, 2]]}')
    assert main(["--out", str(tmp_path), "--strokes", str(bad)]) == 1
    assert "bad.json: expected" in capsys.readouterr().err
    beyond = len(load(DEFAULT_WEIGHTS).network.weights)  # the output layer: softmax, not sigmoid
    assert main(["--out", str(tmp_path), "--layer", str(beyond)]) == 1
    assert f"no sigmoid layer {beyond}" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.svg"))


@pytest.mark.mnist
def test_the_command_draws_an_mnist_test_image(tmp_path: Path, mnist_dir: Path) -> None:
    assert main(["--out", str(tmp_path), "--mnist-index", "7", "--data-dir", str(mnist_dir)]) == 0
    root = ET.parse(tmp_path / "pixels.svg").getroot()
    numbers = [int(text.text or "") for text in root.iterfind(".//svg:g[@data-name='grid']/svg:text", NS)]
    digits = load_test_set(mnist_dir)
    assert numbers == digits.images[7].ravel().tolist()
    desc = root.find("svg:desc", NS)
    assert desc is not None and f"MNIST test image 7 (a {digits.labels[7]})" in (desc.text or "")
    neuron_desc = ET.parse(tmp_path / "neuron.svg").getroot().find("svg:desc", NS)
    assert neuron_desc is not None and "inputs x are the pixels of MNIST test image 7 (a" in (neuron_desc.text or "")
    with pytest.raises(ValueError, match="no MNIST test image 10000"):
        image_from_mnist(digits, 10_000)
