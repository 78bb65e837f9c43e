"""Figure 2: one neuron as the classic diagram, with the numbers of one drawing.

Inputs x_i on the left, a weight w_i on each edge (the largest |w_i x_i|, the others summed into one
edge), the bias b, the sum z = sum_i w_i x_i + b, then sigma and the activation a = sigma(z). An edge's
width grows with its term |w_i x_i| and its colour gives the term's sign.

The layout is sized for a 320-pixel-wide frame, where one unit is about one CSS pixel: text is 12
units, and each edge runs level under its weight before it turns to the sum, so that no edge crosses
another edge's label.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from model.figures.svg import ACCENT, MUTED, NEGATIVE, POSITIVE, add, document, fmt, num
from model.figures.terms import NeuronTerms

WIDTH, HEIGHT = 320, 210
X_LABEL_RIGHT = 34
"""Right end of the names x_i."""
BOX_LEFT, BOX_RIGHT, BOX_HALF = 38, 74, 11
"""An input's box (its value x_i); the box of the other terms starts at REST_LEFT."""
REST_LEFT = 4
BEND_X = 152
"""Where an edge stops running level (its weight above it) and turns to the sum."""
SUM_X, CENTRE_Y, SUM_R = 212, 100, 16
SIGMA_X, SIGMA_HALF = 268, 14
OUTPUT_X = 316
ROWS_TOP, ROWS_BOTTOM = 20, 184
TEXT = 12
"""Font size of every number and label (the symbols Σ and σ are larger)."""
LABEL_RISE = 8
"""A weight's baseline is this far above its edge: clear of the widest edge and its own descenders."""
MAX_EDGE = 6.0
"""Width of the edge with the largest term; the others are in proportion (at least 0.75)."""


def _edge_width(term: float, largest: float) -> str:
    """Return an edge's stroke width for its term, in proportion to the largest term's."""
    return num(max(0.75, MAX_EDGE * abs(term) / largest) if largest > 0 else 0.75)


def _edge(parent: ET.Element, y: float, *, stroke: str, width: str) -> None:
    """Add the edge of the input at height `y`: level from its box to BEND_X, then straight to the sum's rim."""
    dx, dy = SUM_X - BEND_X, CENTRE_Y - y
    length = math.hypot(dx, dy)
    end_x, end_y = SUM_X - SUM_R * dx / length, CENTRE_Y - SUM_R * dy / length
    points = f"{num(BOX_RIGHT)},{num(y)} {num(BEND_X)},{num(y)} {num(end_x)},{num(end_y)}"
    add(parent, "polyline", {"points": points, "stroke": stroke, "stroke-width": width, "data-name": "edge"})


def _line(parent: ET.Element, x1: float, y1: float, x2: float, y2: float, *, stroke: str, width: str) -> None:
    """Add a straight line from (x1, y1) to (x2, y2) in `stroke` colour, `width` wide."""
    add(
        parent,
        "line",
        {"x1": num(x1), "y1": num(y1), "x2": num(x2), "y2": num(y2), "stroke": stroke, "stroke-width": width},
    )


def _box(parent: ET.Element, left: float, y: float, *, right: float = BOX_RIGHT) -> None:
    """Add an input's rounded box, from `left` to `right`, centred on height `y`."""
    attrs = {"x": num(left), "y": num(y - BOX_HALF), "width": num(right - left), "height": num(2 * BOX_HALF)}
    add(parent, "rect", {**attrs, "rx": "6", "fill": "#f3f4f9", "stroke": MUTED})


def neuron_svg(*, terms: NeuronTerms, layer: int, index: int, inputs: str) -> ET.Element:
    """Return the neuron figure for `terms` of neuron `index` in layer `layer`; `inputs` names what x is."""
    count = len(terms.shown) + 1
    step = (ROWS_BOTTOM - ROWS_TOP) / (count - 1)
    products = [w * x for w, x in zip(terms.w, terms.x, strict=True)]
    largest = max(abs(p) for p in [*products, terms.rest])
    shown = ", ".join(f"w{i} x{i} = {fmt(w)} × {fmt(x)}" for i, w, x in zip(terms.shown, terms.w, terms.x, strict=True))
    root = document(
        name="neuron",
        width=WIDTH,
        height=HEIGHT,
        title=f"Neuron {index} of layer {layer}: z = Σ wᵢxᵢ + b, a = σ(z)",
        desc=(
            f"The neuron's inputs x are {inputs}. Its {len(terms.shown)} largest terms: {shown}; the other "
            f"{terms.others} terms sum to {fmt(terms.rest)}. With the bias b = {fmt(terms.b)}, the weighted input is "
            f"z = {fmt(terms.z)}, and the activation a = σ(z) = {fmt(terms.a)}."
        ),
        data={"z": repr(terms.z), "a": repr(terms.a), "sum": repr(math.fsum([*products, terms.rest, terms.b]))},
    )
    edges = add(root, "g", {"fill": "none", "stroke-linecap": "round", "stroke-linejoin": "round"})
    nodes = add(root, "g", {"font-size": str(TEXT), "text-anchor": "middle"})
    halo = {"paint-order": "stroke", "stroke": "#ffffff", "stroke-width": "3", "stroke-linejoin": "round"}
    labels = add(root, "g", {"font-size": str(TEXT), **halo})
    for row, (i, w, x, term) in enumerate(zip(terms.shown, terms.w, terms.x, products, strict=True)):
        y = ROWS_TOP + row * step
        _edge(edges, y, stroke=POSITIVE if term >= 0 else NEGATIVE, width=_edge_width(term, largest))
        _box(nodes, BOX_LEFT, y)
        add(nodes, "text", {"x": num((BOX_LEFT + BOX_RIGHT) / 2), "y": num(y + 4), "data-name": "x"}, fmt(x, 2))
        name = add(nodes, "text", {"x": num(X_LABEL_RIGHT), "y": num(y + 4), "text-anchor": "end"}, "x")
        add(name, "tspan", {"dy": "3"}, str(i))
        weight = {"x": num((BOX_RIGHT + BEND_X) / 2), "y": num(y - LABEL_RISE), "text-anchor": "middle"}
        add(labels, "text", {**weight, "data-name": "w", "data-input": str(i)}, f"w = {fmt(w, 2)}")
    # The other terms, summed: the last row, its sum written under its edge (nothing is below it).
    y = ROWS_BOTTOM
    _edge(edges, y, stroke=POSITIVE if terms.rest >= 0 else NEGATIVE, width=_edge_width(terms.rest, largest))
    _box(nodes, REST_LEFT, y)
    add(
        nodes,
        "text",
        {"x": num((REST_LEFT + BOX_RIGHT) / 2), "y": num(y + 4), "data-name": "others"},
        f"{terms.others} more",
    )
    rest = {"x": num(BOX_RIGHT + 4), "y": num(y + 18), "data-name": "rest"}
    add(labels, "text", rest, f"Σ wᵢxᵢ = {fmt(terms.rest)}")

    # The bias comes up into the sum from below, named right of its line; z, sigma and a run to the right.
    _line(edges, SUM_X, CENTRE_Y + SUM_R, SUM_X, HEIGHT - 6, stroke=MUTED, width="1.5")
    add(
        labels,
        "text",
        {"x": num(SUM_X + 6), "y": num(HEIGHT - 10), "data-name": "b"},
        f"b = {fmt(terms.b)}",
    )
    add(
        nodes,
        "circle",
        {
            "cx": num(SUM_X),
            "cy": num(CENTRE_Y),
            "r": num(SUM_R),
            "fill": "#ffffff",
            "stroke": ACCENT,
            "stroke-width": "2",
        },
    )
    add(nodes, "text", {"x": num(SUM_X), "y": num(CENTRE_Y + 7), "font-size": "20"}, "Σ")
    _line(edges, SUM_X + SUM_R, CENTRE_Y, SIGMA_X - SIGMA_HALF, CENTRE_Y, stroke=ACCENT, width="2")
    z_label = {"x": num((SUM_X + SIGMA_X) / 2), "y": num(CENTRE_Y - 22), "text-anchor": "middle"}
    add(labels, "text", {**z_label, "data-name": "z", "data-value": repr(terms.z)}, f"z = {fmt(terms.z)}")
    sigma_box = {"x": num(SIGMA_X - SIGMA_HALF), "y": num(CENTRE_Y - SIGMA_HALF), "width": num(2 * SIGMA_HALF)}
    add(
        nodes,
        "rect",
        {
            **sigma_box,
            "height": num(2 * SIGMA_HALF),
            "rx": "6",
            "fill": "#ffffff",
            "stroke": ACCENT,
            "stroke-width": "2",
        },
    )
    add(nodes, "text", {"x": num(SIGMA_X), "y": num(CENTRE_Y + 6), "font-size": "18"}, "σ")
    _line(edges, SIGMA_X + SIGMA_HALF, CENTRE_Y, OUTPUT_X, CENTRE_Y, stroke=ACCENT, width="2")
    a_label = {"x": num(OUTPUT_X), "y": num(CENTRE_Y + 32), "text-anchor": "end"}
    add(labels, "text", {**a_label, "data-name": "a", "data-value": repr(terms.a)}, f"a = σ(z) = {fmt(terms.a)}")
    rule = {"x": num(OUTPUT_X), "y": num(CENTRE_Y + 56), "text-anchor": "end", "fill": MUTED}
    add(labels, "text", rule, "z = Σ wᵢxᵢ + b")
    return root
