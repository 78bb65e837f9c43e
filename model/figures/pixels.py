"""Figure 1: a digit as the grid of its 784 values 0-255, each cell shaded by its intensity.

The numbers are 9 units high in 20-unit cells: readable in a file, or a frame over about 700 pixels wide. A
narrower frame hides them (static/js/figures/pixels.js) and shows the cell pointed at, and its neighbours,
large beside the pad.
"""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET

import numpy as np
from numpy.typing import NDArray

from model.constants import IMAGE_SIDE, NUM_PIXELS
from model.figures.svg import MUTED, add, document, num

CELL = 20
"""Side of one pixel's cell in SVG units: room for a three-digit number."""
NUMBER = 9
"""Font size of the numbers in the cells."""

MARGIN = 4


def pixel_values(image: NDArray[np.floating]) -> NDArray[np.uint8]:
    """Return round(255 x) for every pixel of an image in [0, 1], halves rounded up."""
    values = np.floor(np.asarray(image, dtype=np.float64) * 255 + 0.5)
    return np.clip(values, 0, 255).astype(np.uint8).reshape(IMAGE_SIDE, IMAGE_SIDE)


@functools.cache
def shade(value: int) -> str:
    """Return the cell colour of an intensity: white paper for 0, black ink for 255."""
    level = 255 - value
    return f"rgb({level},{level},{level})"


@functools.cache
def text_colour(value: int) -> str:
    """Return black or white, whichever stands out more from the shade of `value` (WCAG contrast); 0 in grey."""
    if value == 0:
        return MUTED
    c = (255 - value) / 255
    luminance = c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return "#ffffff" if 1.05 / (luminance + 0.05) > (luminance + 0.05) / 0.05 else "#000000"


def pixels_svg(*, image: NDArray[np.floating], source: str) -> ET.Element:
    """Return the pixel figure of a 28x28 image in [0, 1]; `source` says where the digit came from."""
    values = pixel_values(image)
    side = IMAGE_SIDE * CELL + 2 * MARGIN
    inked = int(np.count_nonzero(values))
    root = document(
        name="pixels",
        width=side,
        height=side,
        title="A handwritten digit as the numbers a network reads",
        desc=(
            f"{source[:1].upper()}{source[1:]}, as a {IMAGE_SIDE} by {IMAGE_SIDE} grid of {NUM_PIXELS} pixel values from 0 (white) to 255 "
            f"(black), each cell shaded by its value; {inked} cells are not 0, and the brightest holds "
            f"{int(values.max())}."
        ),
    )
    grid = add(root, "g", {"font-size": str(NUMBER), "text-anchor": "middle", "data-name": "grid"})
    size = num(CELL)
    for row, line in enumerate(values.tolist()):
        y = MARGIN + row * CELL
        for column, value in enumerate(line):
            x = MARGIN + column * CELL
            add(grid, "rect", {"x": num(x), "y": num(y), "width": size, "height": size, "fill": shade(value)})
            attrs = {"x": num(x + CELL / 2), "y": num(y + CELL / 2 + NUMBER / 3), "fill": text_colour(value)}
            add(grid, "text", attrs, str(value))
    border = {"x": num(MARGIN), "y": num(MARGIN), "width": num(IMAGE_SIDE * CELL), "height": num(IMAGE_SIDE * CELL)}
    add(root, "rect", {**border, "fill": "none", "stroke": "#5b5f73", "stroke-width": "1"})
    return root
