"""Figure 3: sigma(z) = 1 / (1 + e^-z) against z, its properties marked, and one neuron's (z, a) on it.

Sized for a 320-pixel-wide frame (one unit about one CSS pixel, text 12 units). Every label sits where the
neuron's point and its guide never go: the legend and the limit 1 top left, where the curve is low;
sigma(0) = 1/2 and the slope 1/4 above and left of that point, where the curve is below 1/2; sigma' low on the
left.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np

from model.figures.svg import ACCENT, INK, MUTED, NEGATIVE, add, document, fmt, num
from model.network import sigmoid

Z_MIN, Z_MAX = -8.0, 8.0
"""The z axis of the figure: sigma is within 0.0004 of its limits beyond it."""

WIDTH, HEIGHT = 320, 168
LEFT, RIGHT, TOP, BOTTOM = 24, 312, 16, 134
A_MIN, A_MAX = -0.04, 1.06
SAMPLES = 161
POINT = NEGATIVE
TEXT = 12
TANGENT_HALF = 1.6
"""The tangent at z = 0 is drawn over [-1.6, 1.6]."""


def to_x(z: float) -> float:
    """Return the figure's x for a value of z."""
    return LEFT + (z - Z_MIN) / (Z_MAX - Z_MIN) * (RIGHT - LEFT)


def to_y(a: float) -> float:
    """Return the figure's y for a value of sigma (SVG's y grows downward)."""
    return BOTTOM - (a - A_MIN) / (A_MAX - A_MIN) * (BOTTOM - TOP)


def _path(z: np.ndarray, a: np.ndarray) -> str:
    """Return the SVG path data through the points (z, a)."""
    points = [f"{num(to_x(float(zi)))},{num(to_y(float(ai)))}" for zi, ai in zip(z, a, strict=True)]
    return "M" + " L".join(points)


def point_label(z: float) -> str:
    """Return the legend's z of the point; an arrow says where a z off the chart is."""
    off = "" if Z_MIN <= z <= Z_MAX else " →" if z > 0 else " ←"
    return f"z = {fmt(z)}{off}"


def _text(parent: ET.Element, x: float, y: float, content: str, **attrs: str) -> ET.Element:
    """Add the text `content` at (x, y); `attrs` are more attributes (underscores written as hyphens)."""
    return add(
        parent, "text", {"x": num(x), "y": num(y), **{k.replace("_", "-"): v for k, v in attrs.items()}}, content
    )


def sigmoid_svg(*, z: float, a: float, neuron: str) -> ET.Element:
    """Return the sigmoid figure with the point (z, a) of `neuron` (its name, e.g. "neuron 210 of layer 1")."""
    inside = Z_MIN <= z <= Z_MAX
    where = "on the curve" if inside else f"off the chart, on the curve's {'right' if z > 0 else 'left'} end"
    root = document(
        name="sigmoid",
        width=WIDTH,
        height=HEIGHT,
        title="The sigmoid σ(z) = 1 / (1 + e^−z) against z",
        desc=(
            f"σ(z) for z from {fmt(Z_MIN, 0)} to {fmt(Z_MAX, 0)}: an S-shaped curve rising from its limit 0 as z → −∞ to "
            "its limit 1 as z → +∞, through σ(0) = ½, where its slope σ′ = σ(1 − σ) is largest, ¼; σ′ is drawn "
            f"dashed. The point of {neuron} is z = {fmt(z)}, a = σ(z) = {fmt(a)}, {where}."
        ),
        data={"z": repr(z), "a": repr(a)},
    )
    axes = add(root, "g", {"stroke": MUTED, "stroke-width": "1", "fill": "none"})
    text = add(root, "g", {"font-size": str(TEXT), "fill": MUTED})
    add(axes, "line", {"x1": num(LEFT), "y1": num(to_y(0)), "x2": num(RIGHT), "y2": num(to_y(0))})
    add(axes, "line", {"x1": num(LEFT), "y1": num(TOP), "x2": num(LEFT), "y2": num(BOTTOM)})
    zero = {"x1": num(to_x(0)), "y1": num(to_y(0.5)), "x2": num(to_x(0)), "y2": num(BOTTOM)}
    add(axes, "line", {**zero, "stroke-dasharray": "2 3", "stroke-opacity": "0.5"})
    one = {"x1": num(LEFT), "y1": num(to_y(1)), "x2": num(RIGHT), "y2": num(to_y(1))}
    add(axes, "line", {**one, "stroke-dasharray": "4 3"})
    for tick in range(int(Z_MIN), int(Z_MAX) + 1, 4):
        x = to_x(tick)
        add(axes, "line", {"x1": num(x), "y1": num(to_y(0)), "x2": num(x), "y2": num(to_y(0) + 4)})
        # Low enough that the point, at either end of the axis, stays above the numbers.
        _text(text, x, to_y(0) + 20, fmt(tick, 0), text_anchor="middle")
    for value, label in ((0.5, "½"), (1.0, "1")):
        _text(text, LEFT - 5, to_y(value) + 4, label, text_anchor="end")
    # Under the axis: where σ goes on the left, and the axis's name on the right.
    _text(text, LEFT, to_y(0) + 34, "σ → 0 as z → −∞")
    _text(text, RIGHT, to_y(0) + 34, "z", text_anchor="end", font_style="italic")
    # Over the top line on the left: the curve is low there, and a point near 1 is on the right.
    _text(text, LEFT + 4, to_y(1) - 5, "σ → 1 as z → +∞")

    grid = np.linspace(Z_MIN, Z_MAX, SAMPLES)
    values = sigmoid(grid.copy())
    derivative = {"d": _path(grid, values * (1 - values)), "stroke": MUTED, "stroke-dasharray": "3 3"}
    add(root, "path", {**derivative, "fill": "none", "stroke-width": "1.2"})
    _text(text, LEFT + 6, to_y(0.2), "σ′ = σ(1 − σ)", data_name="derivative")
    curve = {"d": _path(grid, values), "fill": "none", "stroke": INK, "stroke-width": "2.2", "data-name": "sigmoid"}
    add(root, "path", curve)
    tangent = np.array([-TANGENT_HALF, TANGENT_HALF])
    add(root, "path", {"d": _path(tangent, 0.5 + tangent / 4), "fill": "none", "stroke": ACCENT, "stroke-width": "1.2"})
    add(root, "circle", {"cx": num(to_x(0)), "cy": num(to_y(0.5)), "r": "3.5", "fill": ACCENT})
    # Above and left of (0, ½), where the curve is below ½: a point left of 0 is lower, one right of 0 is right.
    _text(text, to_x(0) - 10, to_y(0.5) - 10, "σ(0) = ½, slope ¼", text_anchor="end", fill=INK, data_name="half")

    # The point, with a guide down to its z; its numbers in a legend at the top left, where the curve is low.
    x, y = to_x(min(max(z, Z_MIN), Z_MAX)), to_y(a)
    point = add(root, "g", {"data-name": "point", "fill": "none"})
    guide = {"stroke": POINT, "stroke-width": "1", "stroke-dasharray": "2 2", "data-name": "guide"}
    add(point, "path", {"d": f"M{num(x)},{num(to_y(0))} V{num(y)}", **guide})
    marker = {"cx": num(x), "cy": num(y), "r": "6", "fill": "#ffffff", "stroke": POINT, "stroke-width": "2.5"}
    add(point, "circle", {**marker, "data-name": "marker"})
    legend_y = to_y(1) + 14
    add(
        root,
        "circle",
        {
            "cx": num(LEFT + 12),
            "cy": num(legend_y - 4),
            "r": "5",
            "fill": "none",
            "stroke": POINT,
            "stroke-width": "2.5",
        },
    )
    legend = add(root, "g", {"font-size": str(TEXT), "fill": INK, "data-name": "legend"})
    _text(legend, LEFT + 22, legend_y, point_label(z))
    _text(legend, LEFT + 22, legend_y + 15, f"a = {fmt(a)}")
    return root
