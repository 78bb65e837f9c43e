"""Pictures of pen digits in the cases people meet, each its own evaluation set, made from UNIPEN strokes.

Like model.evaluation.photos (whose placing and lighting they share), each case is drawn from one
seeded generator, so a seed always gives the same pictures:

- `bold_marker`: marker and felt-tip strokes, 15-25% of the digit's height wide;
- `faint_pen`: thin ballpoint or grainy pencil, 1-3% of the height wide and only 20-45% darker than the paper;
- `lined_paper`: ruled or squared paper, its lines blue, grey or red, crossing the digit;
- `coarse_scan`: the digit drawn into a 16x16 or 20x20 grid, thresholded to black and white, then enlarged
  by whole pixels (nearest neighbour) and saved as PNG, as old scanners and several public collections did;
- `show_through`: another digit, mirrored and blurred, showing through from the back of the page;
- `coloured_ink`: blue, red, green, purple, orange or pink ink.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFilter

from model.evaluation.photos import lighting, placed_strokes

Strokes = Sequence[Sequence[Sequence[float]]]

PEN_COLOURS = {
    "blue": (25, 45, 165),
    "royal blue": (40, 95, 215),
    "red": (200, 30, 40),
    "green": (30, 130, 60),
    "purple": (110, 40, 150),
    "orange": (225, 115, 25),
    "pink": (215, 60, 140),
}
"""Coloured inks: ballpoint, gel and felt-tip pens as sold."""

LINE_COLOURS = {"blue": (105, 150, 215), "grey": (150, 150, 150), "red": (215, 95, 95)}
"""Printed lines of ruled and squared paper."""

CASES = ("bold_marker", "faint_pen", "lined_paper", "coarse_scan", "show_through", "coloured_ink")
"""The cases, in the order they are reported."""


def _mask(size: tuple[int, int], strokes: list[list[tuple[float, float]]], pen: float) -> NDArray[np.float32]:
    """Return the strokes drawn with a round pen `pen` pixels wide, as coverage in [0, 1] (height x width)."""
    sheet = Image.new("L", size, 0)
    draw = ImageDraw.Draw(sheet)
    width = max(1, round(pen))
    for stroke in strokes:
        if len(stroke) > 1:
            draw.line(stroke, fill=255, width=width, joint="curve")
        for x, y in (stroke[0], stroke[-1]):
            draw.ellipse((x - pen / 2, y - pen / 2, x + pen / 2, y + pen / 2), fill=255)
    return np.asarray(sheet, dtype=np.float32) / np.float32(255)


def _laid(
    pixels: NDArray[np.float32], mask: NDArray[np.float32], colour: Sequence[float] | NDArray[np.float64]
) -> NDArray[np.float32]:
    """Return the RGB pixels with `colour` laid over them where `mask` covers them (a multiply, as ink is)."""
    tint = np.asarray(colour, dtype=np.float32) / np.float32(255)
    laid: NDArray[np.float32] = (pixels * (1 - mask[..., None] * (1 - tint))).astype(np.float32)
    return laid


def _paper(rng: np.random.Generator, size: tuple[int, int]) -> NDArray[np.float32]:
    """Return a sheet of light, slightly tinted paper, height x width x 3."""
    colour = np.array([rng.uniform(215, 250), rng.uniform(210, 248), rng.uniform(190, 240)], dtype=np.float32)
    return np.broadcast_to(colour, (size[1], size[0], 3)).copy()


def _photographed(pixels: NDArray[np.float32], rng: np.random.Generator, *, blur: tuple[float, float]) -> bytes:
    """Return the sheet as a phone takes it: blurred, lit unevenly, noisy, saved as JPEG of quality 60-90."""
    size = (pixels.shape[1], pixels.shape[0])
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(*blur)))
    lit = np.asarray(image, dtype=np.float32) * lighting(rng, size)[..., None]
    lit += rng.standard_normal(lit.shape, dtype=np.float32) * np.float32(rng.uniform(2, 6))
    out = io.BytesIO()
    Image.fromarray(np.clip(lit, 0, 255).astype(np.uint8)).save(out, "JPEG", quality=int(rng.integers(60, 91)))
    return out.getvalue()


def _frame(rng: np.random.Generator) -> tuple[tuple[int, int], float]:
    """Return a photo's size and the digit's height in it."""
    size = (int(rng.integers(360, 800)), int(rng.integers(360, 800)))
    return size, min(size) * rng.uniform(0.25, 0.6)


def bold_marker(strokes: Strokes, rng: np.random.Generator, back: Strokes) -> bytes:
    """Return a photo of the digit written with a marker or felt-tip pen: strokes 15-25% of its height wide."""
    size, height = _frame(rng)
    mask = _mask(size, placed_strokes(strokes, rng, size, height), height * rng.uniform(0.15, 0.25))
    ink = rng.uniform(5, 60, 3)
    return _photographed(_laid(_paper(rng, size), mask, ink), rng, blur=(0.3, 1.5))


def faint_pen(strokes: Strokes, rng: np.random.Generator, back: Strokes) -> bytes:
    """Return a photo of the digit in thin ballpoint or grainy pencil, only 20-45% darker than the paper."""
    size, height = _frame(rng)
    mask = _mask(size, placed_strokes(strokes, rng, size, height), max(1.5, height * rng.uniform(0.01, 0.03)))
    if rng.random() < 0.5:  # pencil: graphite leaves grains, not an even line
        grain = Image.fromarray(rng.integers(150, 256, mask.shape, dtype=np.uint8)).filter(ImageFilter.BoxBlur(1))
        mask *= np.asarray(grain, dtype=np.float32) / np.float32(255)
        colour = np.full(3, 255 * (1 - rng.uniform(0.35, 0.6)))
    else:
        colour = 255 * (1 - rng.uniform(0.3, 0.55) * np.array([0.8, 0.8, 1.0]))
    return _photographed(_laid(_paper(rng, size), mask, colour), rng, blur=(0.4, 1.2))


def _lines(rng: np.random.Generator, size: tuple[int, int], height: float) -> NDArray[np.float32]:
    """Return the coverage of ruled lines (1.2-1.7 digit heights apart) or squares (0.35-0.6), tilted a little."""
    width, tall = size
    squared = rng.random() < 0.5
    spacing = height * (rng.uniform(0.35, 0.6) if squared else rng.uniform(1.2, 1.7))
    thickness = rng.uniform(1.0, 3.0)
    tilt = np.tan(np.radians(rng.uniform(-3, 3)))
    y, x = np.indices((tall, width), dtype=np.float32)

    def across(position: NDArray[np.float32]) -> NDArray[np.float32]:
        # Distance to the nearest line, turned into a soft line `thickness` wide.
        distance = np.abs((position - rng.uniform(0, spacing) + spacing / 2) % spacing - spacing / 2)
        covered: NDArray[np.float32] = np.clip(thickness / 2 + 0.5 - distance, 0, 1).astype(np.float32)
        return covered

    mask = across(y + x * tilt)
    if squared:
        mask = np.maximum(mask, across(x - y * tilt))
    strength: NDArray[np.float32] = mask * np.float32(rng.uniform(0.6, 1.0))
    return strength


def lined_paper(strokes: Strokes, rng: np.random.Generator, back: Strokes) -> bytes:
    """Return a photo of the digit on ruled or squared paper, the lines blue, grey or red."""
    size, height = _frame(rng)
    pixels = _paper(rng, size)
    colour = list(LINE_COLOURS.values())[int(rng.integers(len(LINE_COLOURS)))]
    pixels = _laid(pixels, _lines(rng, size, height), colour)
    mask = _mask(size, placed_strokes(strokes, rng, size, height), max(2.0, height * rng.uniform(0.04, 0.12)))
    return _photographed(_laid(pixels, mask, rng.uniform(10, 70, 3)), rng, blur=(0.4, 1.4))


def coarse_scan(strokes: Strokes, rng: np.random.Generator, back: Strokes) -> bytes:
    """Return a PNG of the digit drawn into a 16x16 or 20x20 grid, thresholded, enlarged by whole pixels.

    The digit fills the grid but for a cell or two of margin; one in three is white on black.
    """
    grid = int(rng.choice([16, 20]))
    fine = 8  # drawn at 8 pixels a cell, then averaged to the grid
    margin = int(rng.integers(0, 3))
    side = grid * fine
    height = (grid - 2 * margin) * fine * rng.uniform(0.8, 0.95)
    placed = placed_strokes(strokes, rng, (side, side), height)
    coverage = _mask((side, side), placed, fine * rng.uniform(1.2, 2.6))
    cells = np.asarray(Image.fromarray(coverage).reduce(fine), dtype=np.float32)
    ink = cells > rng.uniform(0.3, 0.55)
    if not ink.any():
        ink = cells >= cells.max()
    dark_on_light = rng.random() < 2 / 3
    grey = np.where(ink == dark_on_light, 0, 255).astype(np.uint8)
    enlarged = Image.fromarray(grey).resize((grid * int(rng.integers(4, 17)),) * 2, Image.Resampling.NEAREST)
    out = io.BytesIO()
    enlarged.convert("1").save(out, "PNG")
    return out.getvalue()


def show_through(strokes: Strokes, rng: np.random.Generator, back: Strokes) -> bytes:
    """Return a photo of the digit with `back` (another digit) showing through the page, mirrored and blurred."""
    size, height = _frame(rng)
    pixels = _paper(rng, size)
    behind = _mask(size, placed_strokes(back, rng, size, height * rng.uniform(0.8, 1.3)), height * 0.08)
    mirrored = Image.fromarray(np.rint(255 * behind[:, ::-1]).astype(np.uint8))
    behind = np.asarray(mirrored.filter(ImageFilter.GaussianBlur(rng.uniform(2, 4))), dtype=np.float32) / np.float32(
        255
    )
    pixels = _laid(pixels, behind * np.float32(rng.uniform(0.15, 0.35)), (60, 60, 70))
    mask = _mask(size, placed_strokes(strokes, rng, size, height), max(2.0, height * rng.uniform(0.04, 0.12)))
    return _photographed(_laid(pixels, mask, rng.uniform(10, 70, 3)), rng, blur=(0.4, 1.4))


def coloured_ink(strokes: Strokes, rng: np.random.Generator, back: Strokes) -> bytes:
    """Return a photo of the digit written in a coloured pen."""
    size, height = _frame(rng)
    colour = list(PEN_COLOURS.values())[int(rng.integers(len(PEN_COLOURS)))]
    mask = _mask(size, placed_strokes(strokes, rng, size, height), max(2.0, height * rng.uniform(0.03, 0.12)))
    return _photographed(_laid(_paper(rng, size), mask, colour), rng, blur=(0.4, 1.4))


MAKERS: dict[str, Callable[[Strokes, np.random.Generator, Strokes], bytes]] = {
    "bold_marker": bold_marker,
    "faint_pen": faint_pen,
    "lined_paper": lined_paper,
    "coarse_scan": coarse_scan,
    "show_through": show_through,
    "coloured_ink": coloured_ink,
}
"""Each case's picture maker: (the digit's strokes, the generator, another digit's strokes) -> file bytes."""
