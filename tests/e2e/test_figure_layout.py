"""The figures' layout in Chromium, which measures the text: no label is crossed by an edge, the point or another
label, and the box of the other terms holds its words. The figures are drawn by model.figures for chosen
numbers, the longest ones included, and for a sweep of the sigmoid's point across and beyond its axis."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import numpy as np
import pytest

from model.figures.neuron import neuron_svg
from model.figures.sigmoid import sigmoid_svg
from model.figures.svg import to_bytes
from model.figures.terms import NeuronTerms
from model.network import sigmoid
from tests.e2e.browser import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

Box = tuple[float, float, float, float]
"""left, top, right, bottom in the figure's units."""

SHAPES = """() => [...document.querySelectorAll("svg")].map((svg) => {
  const box = (el) => { const b = el.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; };
  const named = (name) => [...svg.querySelectorAll(`[data-name="${name}"]`)];
  return {
    texts: [...svg.querySelectorAll("text")].map((t) => ({ name: t.dataset.name || "", text: t.textContent.trim(), box: box(t) })),
    edges: named("edge").map((e) => ({
      width: Number(e.getAttribute("stroke-width")),
      points: e.getAttribute("points").trim().split(/\\s+/).map((p) => p.split(",").map(Number)),
    })),
    others: named("others").map((t) => ({ text: box(t), rect: box(t.previousElementSibling) })),
    marker: named("marker").map(box),
    guide: named("guide").map(box),
  };
})"""


def open_figures(browser: Browser, roots: list[ET.Element]) -> tuple[Page, list[dict[str, Any]]]:
    """Show the figures in one page, each at its own size; return the page and each figure's shapes."""
    page = browser.new_page(viewport={"width": 400, "height": 300})
    svgs = "".join(to_bytes(root).decode().split("?>", 1)[1] for root in roots)
    page.set_content(f"<!doctype html><body>{svgs}</body>")
    shapes: list[dict[str, Any]] = page.evaluate(SHAPES)
    return page, shapes


def overlap(a: Box, b: Box, margin: float = 0.0) -> bool:
    """Whether boxes a and b, each grown by `margin`, overlap."""
    return a[0] - margin < b[2] and b[0] - margin < a[2] and a[1] - margin < b[3] and b[1] - margin < a[3]


def crosses(segment: tuple[list[float], list[float]], half_width: float, box: Box) -> bool:
    """Whether a straight stroke of `half_width` on each side, from p to q, touches the box."""
    (x1, y1), (x2, y2) = segment
    for t in np.linspace(0, 1, 200):  # the stroke as discs along it: fine enough for boxes of text
        x, y = x1 + t * (x2 - x1), y1 + t * (y2 - y1)
        if box[0] - half_width < x < box[2] + half_width and box[1] - half_width < y < box[3] + half_width:
            return True
    return False


def assert_texts_apart(texts: list[dict[str, Any]], where: str) -> None:
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            assert not overlap(a["box"], b["box"]), f"{where}: {a['text']!r} overlaps {b['text']!r}"


NEURONS = {
    "long numbers": NeuronTerms(
        shown=(783, 782, 781, 780, 779),
        w=(-0.987, 0.987, -0.987, 0.987, -0.987),
        x=(1.0, 1.0, 0.999, 0.5, 0.25),
        rest=-123.456,
        others=1195,
        b=-12.345,
        z=-123.456,
        a=0.0,
    ),
    "one large term": NeuronTerms(
        shown=(0, 1, 2, 3, 4), w=(9.5, 0.01, 0.01, -0.01, 0.0), x=(1.0,) * 5, rest=0.0, others=779, b=0.5, z=10.0, a=1.0
    ),
    "all zero": NeuronTerms(
        shown=(10, 11, 12, 13, 14), w=(0.0,) * 5, x=(0.0,) * 5, rest=0.0, others=779, b=0.0, z=0.0, a=0.5
    ),
}


def test_no_edge_crosses_a_weight_and_the_other_terms_fit_their_box(browser: Browser) -> None:
    roots = [neuron_svg(terms=terms, layer=2, index=1199, inputs="x") for terms in NEURONS.values()]
    page, figures = open_figures(browser, roots)
    for name, shapes in zip(NEURONS, figures, strict=True):
        weights = [text for text in shapes["texts"] if text["name"] in ("w", "rest")]
        assert len(weights) == 6
        for edge in shapes["edges"]:
            segments = list(zip(edge["points"], edge["points"][1:], strict=False))
            for text in weights:
                crossed = any(crosses(s, edge["width"] / 2, text["box"]) for s in segments)
                assert not crossed, f"{name}: an edge runs through {text['text']!r}"
        assert_texts_apart(shapes["texts"], name)
        [others] = shapes["others"]
        text, rect = others["text"], others["rect"]
        inside = rect[0] < text[0] and text[2] < rect[2] and rect[1] <= text[1] and text[3] <= rect[3]
        assert inside, f"{name}: the words {text} overflow their box {rect}"
    page.close()


POINTS = [float(z) for z in np.round(np.arange(-10, 10.01, 0.05), 2)]


def test_the_sigmoid_point_never_crosses_a_label(browser: Browser) -> None:
    roots = [sigmoid_svg(z=z, a=float(sigmoid(np.array([z]))[0]), neuron="n") for z in POINTS]
    page, figures = open_figures(browser, roots)
    for z, shapes in zip(POINTS, figures, strict=True):
        labels = shapes["texts"]
        assert {"half", "derivative"} <= {text["name"] for text in labels}
        for text in labels:
            # Margins: the strokes (2.5 and 1 wide) and half a unit more.
            for part, box, margin in (("marker", shapes["marker"][0], 1.75), ("guide", shapes["guide"][0], 1)):
                crossed = overlap(box, text["box"], margin=margin)
                assert not crossed, f"z = {z}: the point's {part} crosses {text['text']!r}"
        assert_texts_apart(labels, f"z = {z}")
    page.close()
