"""Compute what the three figures show for one digit and write them as SVG files."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from model.constants import IMAGE_SIDE
from model.datasets.mnist_files import MnistTestSet
from model.figures.neuron import neuron_svg
from model.figures.pixels import pixels_svg
from model.figures.sigmoid import sigmoid_svg
from model.figures.svg import to_bytes
from model.figures.terms import FigureError, check_neuron, neuron_terms
from model.network import Network
from model.reading.strokes import render
from model.serving.inference import predict

__all__ = ["NAMES", "SAMPLE_DIGIT", "FigureError", "draw", "export", "image_from_mnist", "image_from_strokes"]

NAMES = ("pixels", "neuron", "sigmoid")
"""The figures, in the article's order; each is written to NAME.svg."""

SAMPLE_DIGIT = Path(__file__).parent / "sample_digit.json"
"""The drawing the figures start from: a 3, as the page's pad records it (CSS pixels of a 280-pixel pad)."""


def image_from_mnist(digits: MnistTestSet, index: int) -> tuple[NDArray[np.float32], str]:
    """Return MNIST test image `index` in [0, 1] and a sentence naming it; FigureError for a bad index."""
    count = len(digits.labels)
    if not 0 <= index < count:
        raise FigureError(f"no MNIST test image {index}: the indices are 0-{count - 1}")
    image = np.divide(digits.images[index], 255, dtype=np.float32)
    return image, f"MNIST test image {index} (a {digits.labels[index]})"


def image_from_strokes(drawing: Any, *, name: str) -> tuple[NDArray[np.float32], str]:
    """Return the 28x28 image of a drawing, {"strokes": [...]} or the bare list, and a sentence naming it.

    Raises FigureError when the drawing is not a list of strokes of [x, y] points or has no ink.
    """
    strokes = drawing.get("strokes") if isinstance(drawing, dict) else drawing
    if not isinstance(strokes, list) or not all(
        isinstance(stroke, list) and all(isinstance(p, list) and len(p) == 2 for p in stroke) for stroke in strokes
    ):
        raise FigureError(f'{name}: expected {{"strokes": [[[x, y], ...], ...]}}')
    try:
        image = render(strokes)
    except (TypeError, ValueError) as error:
        raise FigureError(f"{name}: {error}") from None
    return image, f"a digit drawn with a pen ({name})"


def draw(
    name: str, *, network: Network, image: NDArray[np.floating], source: str, layer: int, index: int
) -> ET.Element:
    """Return figure `name` ("pixels", "neuron" or "sigmoid") of `image`, for neuron `index` of `layer`.

    The one renderer of each figure: the figure pages put it in the page, `make figures` writes it to a file.
    `source` names the image within a sentence: "MNIST test image 7 (a 2)", "the drawing on the pad". The
    root's data-digit is the digit the network reads.

    Raises FigureError for another name, an image that is not 28x28, or a neuron that is not a hidden one.
    """
    if name not in NAMES:
        raise FigureError(f"no figure {name!r}: the figures are {', '.join(NAMES)}")
    check_neuron(sizes=network.sizes, layer=layer, index=index)
    if image.shape != (IMAGE_SIDE, IMAGE_SIDE):
        raise FigureError(f"the image must be {IMAGE_SIDE}x{IMAGE_SIDE}, not {image.shape}")
    prediction = predict(network=network, image=image)
    if name == "pixels":
        root = pixels_svg(image=image, source=source)
    else:
        x = prediction.activations[layer - 1]
        terms = neuron_terms(w=network.weights[layer - 1][index], b=float(network.biases[layer - 1][index]), x=x)
        # z and a as the network computed them (what POST /predict answers), not the terms' float64 sum.
        z, a = float(prediction.zs[layer - 1][index]), float(prediction.activations[layer][index])
        terms = replace(terms, z=z, a=a)
        if name == "neuron":
            inputs = "the pixels" if layer == 1 else f"the activations of hidden layer {layer - 1}"
            root = neuron_svg(terms=terms, layer=layer, index=index, inputs=f"{inputs} of {source}")
        else:
            root = sigmoid_svg(z=terms.z, a=terms.a, neuron=f"neuron {index} of layer {layer}")
    root.set("data-digit", str(prediction.digit))
    return root


def export(
    *, out: Path, image: NDArray[np.floating], source: str, network: Network, layer: int, index: int
) -> list[Path]:
    """Write pixels.svg, neuron.svg and sigmoid.svg for `image` and neuron `index` of `layer` into `out`.

    Returns the paths written. Raises FigureError as draw() does, before writing anything.
    """
    figures = [draw(name, network=network, image=image, source=source, layer=layer, index=index) for name in NAMES]
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, root in zip(NAMES, figures, strict=True):
        path = out / f"{name}.svg"
        path.write_bytes(to_bytes(root))
        paths.append(path)
    return paths
