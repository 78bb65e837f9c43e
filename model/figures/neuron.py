"""Figure 2: one neuron as the classic diagram, with the numbers of one drawing.

Inputs x_i on the left, a weight w_i on each edge (the largest |w_i x_i|, the others summed into one
edge), the bias b, the sum z = sum_i w_i x_i + b, then sigma and the activation a = sigma(z). An edge's
width grows with its term |w_i x_i| and its colour gives the term's sign.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from model.figures.svg import ACCENT, MUTED, NEGATIVE, POSITIVE, add, document, fmt, num
from model.figures.terms import NeuronTerms

WIDTH, HEIGHT = 420, 300
INPUT_X, SUM_X, SIGMA_X, OUTPUT_X = 70, 222, 330, 414
CENTRE_Y, BIAS_Y = 160, 40
NODE_R, SIGMA_HALF = 15, 18
ROWS_TOP, ROWS_BOTTOM = 30, 285
LABEL_AT = 0.33
"""How far along its edge a weight is written."""
MAX_EDGE = 7.0
"""Width of the edge with the largest term; the others are in proportion (at least 0.75)."""


def _subscripted(parent: ET.Element, x: float, y: float, attrs: dict[str, str], symbol: str, sub: str) -> None:
    """Add the text symbol_sub at (x, y), the subscript smaller and lowered."""
    text = add(parent, "text", {"x": num(x), "y": num(y), **attrs}, symbol)
    add(text, "tspan", {"dy": "3", "font-size": "9"}, sub)


def _edge_width(term: float, largest: float) -> str:
    """Return an edge's stroke width for its term, in proportion to the largest term's."""
    return num(max(0.75, MAX_EDGE * abs(term) / largest) if largest > 0 else 0.75)


def _line(parent: ET.Element, x1: float, y1: float, x2: float, y2: float, *, stroke: str, width: str) -> None:
    """Add a straight line from (x1, y1) to (x2, y2) in `stroke` colour, `width` wide."""
    add(
        parent,
        "line",
        {"x1": num(x1), "y1": num(y1), "x2": num(x2), "y2": num(y2), "stroke": stroke, "stroke-width": width},
    )


def neuron_svg(*, terms: NeuronTerms, layer: int, index: int, inputs: str) -> ET.Element:
    """Return the neuron figure for `terms` of neuron `index` in layer `layer`; `inputs` names what x is."""
    count = len(terms.shown) + 1
    step = (ROWS_BOTTOM - ROWS_TOP) / (count - 1)
    products = [w * x for w, x in zip(terms.w, terms.x, strict=True)]
    largest = max(abs(p) for p in [*products, terms.rest])
    shown = ", ".join(f"w{i} x{i} = {fmt(w)} × {fmt(x)}" for i, w, x in zip(terms.shown, terms.w, terms.x, strict=True))
    root = document(
        width=WIDTH,
        height=HEIGHT,
        title=f"Neuron {index} of layer {layer}: z = Σ wᵢxᵢ + b, a = σ(z)",
        desc=(
            f"The neuron's inputs x are {inputs}. Its {len(terms.shown)} largest terms: {shown}; the other "
            f"{terms.others} terms sum to {fmt(terms.rest)}. With the bias b = {fmt(terms.b)}, the weighted input is "
            f"z = {fmt(terms.z)}, and the activation a = σ(z) = {fmt(terms.a)}."
        ),
    )
    edges = add(root, "g", {"fill": "none", "stroke-linecap": "round"})
    labels = add(root, "g", {"font-size": "11", "paint-order": "stroke", "stroke": "#ffffff", "stroke-width": "3"})
    nodes = add(root, "g", {"font-size": "10", "text-anchor": "middle"})
    rows = [*zip(terms.shown, terms.w, terms.x, products, strict=True), (None, None, None, terms.rest)]
    for row, (i, w, x, term) in enumerate(rows):
        y = ROWS_TOP + row * step
        colour = POSITIVE if term >= 0 else NEGATIVE
        _line(edges, INPUT_X + NODE_R, y, SUM_X - 22, CENTRE_Y, stroke=colour, width=_edge_width(term, largest))
        # Labels sit on the edge, near its input, where the edges are still apart.
        lx = INPUT_X + NODE_R + (SUM_X - 22 - INPUT_X - NODE_R) * LABEL_AT
        ly = y + (CENTRE_Y - y) * LABEL_AT - 4
        if i is None or w is None or x is None:
            add(
                nodes,
                "rect",
                {
                    "x": num(INPUT_X - 24),
                    "y": num(y - 12),
                    "width": "48",
                    "height": "24",
                    "rx": "6",
                    "fill": "#f3f4f9",
                    "stroke": MUTED,
                },
            )
            add(nodes, "text", {"x": num(INPUT_X), "y": num(y + 3)}, f"{terms.others} more")
            add(labels, "text", {"x": num(INPUT_X + 28), "y": num(y + 12)}, f"Σ wᵢxᵢ = {fmt(term)}")
            continue
        add(nodes, "circle", {"cx": num(INPUT_X), "cy": num(y), "r": num(NODE_R), "fill": "#f3f4f9", "stroke": MUTED})
        add(nodes, "text", {"x": num(INPUT_X), "y": num(y + 3)}, fmt(x, 2))
        _subscripted(nodes, INPUT_X - NODE_R - 16, y + 3, {"font-size": "12", "text-anchor": "end"}, "x", str(i))
        add(labels, "text", {"x": num(lx), "y": num(ly), "text-anchor": "middle"}, f"w = {fmt(w, 2)}")
    # The bias, the sum, sigma and the output.
    _line(edges, SUM_X, BIAS_Y + 12, SUM_X, CENTRE_Y - 24, stroke=MUTED, width="1.5")
    add(labels, "text", {"x": num(SUM_X), "y": num(BIAS_Y + 4), "text-anchor": "middle"}, f"b = {fmt(terms.b)}")
    add(
        nodes,
        "circle",
        {"cx": num(SUM_X), "cy": num(CENTRE_Y), "r": "22", "fill": "#ffffff", "stroke": ACCENT, "stroke-width": "2"},
    )
    add(nodes, "text", {"x": num(SUM_X), "y": num(CENTRE_Y + 7), "font-size": "20"}, "Σ")
    _line(edges, SUM_X + 22, CENTRE_Y, SIGMA_X - SIGMA_HALF, CENTRE_Y, stroke=ACCENT, width="2")
    add(
        labels,
        "text",
        {
            "x": num((SUM_X + 22 + SIGMA_X - SIGMA_HALF) / 2),
            "y": num(CENTRE_Y - 8),
            "text-anchor": "middle",
            "data-value": repr(terms.z),
            "data-name": "z",
        },
        f"z = {fmt(terms.z)}",
    )
    add(
        nodes,
        "rect",
        {
            "x": num(SIGMA_X - SIGMA_HALF),
            "y": num(CENTRE_Y - SIGMA_HALF),
            "width": num(2 * SIGMA_HALF),
            "height": num(2 * SIGMA_HALF),
            "rx": "6",
            "fill": "#ffffff",
            "stroke": ACCENT,
            "stroke-width": "2",
        },
    )
    add(nodes, "text", {"x": num(SIGMA_X), "y": num(CENTRE_Y + 6), "font-size": "18"}, "σ")
    _line(edges, SIGMA_X + SIGMA_HALF, CENTRE_Y, OUTPUT_X, CENTRE_Y, stroke=ACCENT, width="2")
    add(
        labels,
        "text",
        {
            "x": num(OUTPUT_X),
            "y": num(CENTRE_Y - 8),
            "text-anchor": "end",
            "data-value": repr(terms.a),
            "data-name": "a",
        },
        f"a = {fmt(terms.a)}",
    )
    add(labels, "text", {"x": num(SUM_X - 10), "y": num(CENTRE_Y + 40), "fill": MUTED}, "z = Σ wᵢxᵢ + b")
    add(labels, "text", {"x": num(OUTPUT_X), "y": num(CENTRE_Y + 40), "text-anchor": "end", "fill": MUTED}, "a = σ(z)")
    return root
