"""Figure 3: sigma(z) = 1 / (1 + e^-z) against z, its properties marked, and one neuron's (z, a) on it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np

from model.figures.svg import ACCENT, MUTED, add, document, fmt, num
from model.network import sigmoid

Z_MIN, Z_MAX = -8.0, 8.0
"""The z axis of the figure: sigma is within 0.0004 of its limits beyond it."""

WIDTH, HEIGHT = 400, 260
LEFT, RIGHT, TOP, BOTTOM = 34, 392, 18, 222
A_MIN, A_MAX = -0.04, 1.06
SAMPLES = 161
POINT = "#e11d48"
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


def point_label(z: float, a: float) -> str:
    """Return the legend of the point (z, a); an arrow says where a z off the chart is."""
    off = "" if Z_MIN <= z <= Z_MAX else " →" if z > 0 else " ←"
    return f"z = {fmt(z)}{off}, a = σ(z) = {fmt(a)}"


def sigmoid_svg(*, z: float, a: float, neuron: str) -> ET.Element:
    """Return the sigmoid figure with the point (z, a) of `neuron` (its name, e.g. "neuron 210 of layer 1")."""
    inside = Z_MIN <= z <= Z_MAX
    where = "on the curve" if inside else f"off the chart, on the curve's {'right' if z > 0 else 'left'} end"
    root = document(
        width=WIDTH,
        height=HEIGHT,
        title="The sigmoid σ(z) = 1 / (1 + e^−z) against z",
        desc=(
            f"σ(z) for z from {fmt(Z_MIN, 0)} to {fmt(Z_MAX, 0)}: an S-shaped curve rising from its limit 0 as z → −∞ to "
            "its limit 1 as z → +∞, through σ(0) = ½, where its slope σ′ = σ(1 − σ) is largest, ¼; σ′ is drawn "
            f"dashed. The point of {neuron} is z = {fmt(z)}, a = σ(z) = {fmt(a)}, {where}."
        ),
    )
    axes = add(root, "g", {"stroke": MUTED, "stroke-width": "1", "fill": "none"})
    text = add(root, "g", {"font-size": "10", "fill": MUTED})
    add(axes, "line", {"x1": num(LEFT), "y1": num(to_y(0)), "x2": num(RIGHT), "y2": num(to_y(0))})
    add(axes, "line", {"x1": num(LEFT), "y1": num(TOP), "x2": num(LEFT), "y2": num(BOTTOM)})
    add(
        axes,
        "line",
        {
            "x1": num(to_x(0)),
            "y1": num(TOP),
            "x2": num(to_x(0)),
            "y2": num(BOTTOM),
            "stroke-dasharray": "2 3",
            "stroke-opacity": "0.5",
        },
    )
    add(
        axes,
        "line",
        {"x1": num(LEFT), "y1": num(to_y(1)), "x2": num(RIGHT), "y2": num(to_y(1)), "stroke-dasharray": "4 3"},
    )
    for tick in range(int(Z_MIN), int(Z_MAX) + 1, 4):
        x = to_x(tick)
        add(axes, "line", {"x1": num(x), "y1": num(to_y(0)), "x2": num(x), "y2": num(to_y(0) + 4)})
        add(text, "text", {"x": num(x), "y": num(to_y(0) + 15), "text-anchor": "middle"}, fmt(tick, 0))
    for value, label in ((0.0, "0"), (0.5, "½"), (1.0, "1")):
        add(text, "text", {"x": num(LEFT - 6), "y": num(to_y(value) + 3.5), "text-anchor": "end"}, label)
    add(text, "text", {"x": num(RIGHT), "y": num(to_y(0) + 28), "text-anchor": "end", "font-style": "italic"}, "z")
    # The limits are written where nothing else goes: over the top line on the left, under the axis.
    add(text, "text", {"x": num(LEFT + 4), "y": num(to_y(1) - 5)}, "σ → 1 as z → +∞")
    add(text, "text", {"x": num(LEFT), "y": num(to_y(0) + 28)}, "σ → 0 as z → −∞")

    grid = np.linspace(Z_MIN, Z_MAX, SAMPLES)
    values = sigmoid(grid.copy())
    add(
        root,
        "path",
        {
            "d": _path(grid, values * (1 - values)),
            "fill": "none",
            "stroke": MUTED,
            "stroke-width": "1.2",
            "stroke-dasharray": "3 3",
        },
    )
    add(text, "text", {"x": num(to_x(2.4)), "y": num(to_y(0.12))}, "σ′ = σ(1 − σ)")
    add(
        root,
        "path",
        {"d": _path(grid, values), "fill": "none", "stroke": "#1b1d2a", "stroke-width": "2.2", "data-name": "sigmoid"},
    )
    tangent = np.array([-TANGENT_HALF, TANGENT_HALF])
    add(root, "path", {"d": _path(tangent, 0.5 + tangent / 4), "fill": "none", "stroke": ACCENT, "stroke-width": "1.2"})
    add(root, "circle", {"cx": num(to_x(0)), "cy": num(to_y(0.5)), "r": "3.5", "fill": ACCENT})
    add(text, "text", {"x": num(to_x(0) + 8), "y": num(to_y(0.5) + 14), "fill": "#1b1d2a"}, "σ(0) = ½")
    add(text, "text", {"x": num(to_x(0) + 8), "y": num(to_y(0.5) + 27)}, "slope ¼, the largest")

    # The point, with a guide down to its z; its numbers in a legend at the top left, where the curve never is.
    x, y = to_x(min(max(z, Z_MIN), Z_MAX)), to_y(a)
    point = add(root, "g", {"data-name": "point", "data-z": repr(z), "data-a": repr(a), "fill": "none"})
    guide = {"stroke": POINT, "stroke-width": "1", "stroke-dasharray": "2 2"}
    add(point, "path", {"d": f"M{num(x)},{num(to_y(0))} V{num(y)}", **guide})
    add(
        point,
        "circle",
        {"cx": num(x), "cy": num(y), "r": "6", "fill": "#ffffff", "stroke": POINT, "stroke-width": "2.5"},
    )
    legend_y = to_y(1) + 24
    add(
        point,
        "circle",
        {"cx": num(LEFT + 14), "cy": num(legend_y - 4), "r": "5", "stroke": POINT, "stroke-width": "2.5"},
    )
    add(
        point,
        "text",
        {"x": num(LEFT + 26), "y": num(legend_y), "font-size": "11", "fill": "#1b1d2a"},
        point_label(z, a),
    )
    return root
