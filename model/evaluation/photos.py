"""Phone-like photos of pen digits, made from UNIPEN strokes, to measure how well pictures are read.

Each photo: dark ink of a random colour and width on tinted paper, lit unevenly (a gradient across
the frame and a soft shadow), the digit off-centre in a frame of several hundred pixels and rotated
a few degrees, a few specks of dust, blurred, noisy, and saved as a JPEG of quality 55-90; one in
SIDEWAYS_EVERY is stored sideways with the EXIF orientation tag that turns it upright, as phones do.
Everything is drawn from one seeded generator, so a seed always gives the same photos.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

SIDEWAYS_EVERY = 5
"""One photo in five is stored sideways with an orientation tag."""

ORIENTATION_TAG = 0x0112
"""EXIF's Orientation: 6 = turn 90 degrees clockwise to view, 8 = counter-clockwise, 3 = half a turn."""

_SIDEWAYS = (
    (6, Image.Transpose.ROTATE_90),
    (8, Image.Transpose.ROTATE_270),
    (3, Image.Transpose.ROTATE_180),
)
"""(tag, how the upright photo is stored for that tag): Pillow's ROTATE_90 turns counter-clockwise."""


def placed_strokes(
    strokes: Sequence[Sequence[Sequence[float]]], rng: np.random.Generator, size: tuple[int, int], height: float
) -> list[list[tuple[float, float]]]:
    """Return the strokes scaled to `height` pixels tall, rotated a few degrees, somewhere in the frame."""
    points = np.concatenate([np.asarray(stroke, dtype=np.float64).reshape(-1, 2) for stroke in strokes if stroke])
    low, high = points.min(axis=0), points.max(axis=0)
    scale = height / max(high[1] - low[1], (high[0] - low[0]) * 0.7, 1e-9)
    centre = (low + high) / 2
    angle = np.radians(rng.uniform(-6, 6))
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    extent = (high - low) * scale / 2 + height * 0.12
    # Off-centre: anywhere the digit still fits inside the frame.
    spare = np.maximum(np.array(size) / 2 - extent, 0)
    where = np.array(size) / 2 + rng.uniform(-1, 1, 2) * spare
    placed = []
    for stroke in strokes:
        if not stroke:
            continue
        xy = (np.asarray(stroke, dtype=np.float64).reshape(-1, 2) - centre) * scale @ turn.T + where
        placed.append([(float(x), float(y)) for x, y in xy])
    return placed


def lighting(rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
    """Return the light falling on each pixel (1 = full): a gradient across the frame and a soft shadow."""
    width, height = size
    x = np.arange(width, dtype=np.float32)[None, :]
    y = np.arange(height, dtype=np.float32)[:, None]
    direction = rng.uniform(0, 2 * np.pi)
    along = (np.cos(direction) * (x - width / 2) + np.sin(direction) * (y - height / 2)) / max(width, height)
    light = 1 - rng.uniform(0.1, 0.45) * (along + 0.5)
    # A shadow (a hand, a phone) over part of the frame, its edge a few dozen pixels soft.
    edge_direction = rng.uniform(0, 2 * np.pi)
    offset = rng.uniform(0.25, 0.5) * max(width, height)
    beyond = np.cos(edge_direction) * (x - width / 2) + np.sin(edge_direction) * (y - height / 2) - offset
    softness = rng.uniform(10, 40)
    shadow = 1 - rng.uniform(0.15, 0.4) / (1 + np.exp(-beyond / softness))
    lit: np.ndarray = (light * shadow).astype(np.float32)
    return lit


def photo(strokes: Sequence[Sequence[Sequence[float]]], rng: np.random.Generator, *, sideways: bool = False) -> bytes:
    """Return the JPEG bytes of a phone-like photo of the digit drawn by `strokes`.

    `sideways` stores it turned (90 degrees either way, or 180) with the EXIF tag that turns it back.
    """
    size = (int(rng.integers(360, 800)), int(rng.integers(360, 800)))
    height = min(size) * rng.uniform(0.25, 0.6)
    paper = np.array([rng.uniform(200, 250), rng.uniform(190, 245), rng.uniform(160, 235)])
    ink = tuple(int(v) for v in rng.uniform(10, 70, 3))
    pen = max(2, round(height * rng.uniform(0.04, 0.14)))

    sheet = Image.new("RGB", size, tuple(int(v) for v in paper))
    draw = ImageDraw.Draw(sheet)
    for stroke in placed_strokes(strokes, rng, size, height):
        if len(stroke) > 1:
            draw.line(stroke, fill=ink, width=pen, joint="curve")
        for x, y in (stroke[0], stroke[-1]):  # round pen ends
            draw.ellipse((x - pen / 2, y - pen / 2, x + pen / 2, y + pen / 2), fill=ink)
    for _ in range(rng.integers(0, 4)):  # specks of dust
        x, y, r = rng.uniform(0, size[0]), rng.uniform(0, size[1]), rng.uniform(0.8, 2.0)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=ink)
    sheet = sheet.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.8)))

    pixels = np.asarray(sheet, dtype=np.float32) * lighting(rng, size)[..., None]
    pixels += rng.standard_normal(pixels.shape, dtype=np.float32) * np.float32(rng.uniform(2, 8))
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))

    exif = Image.Exif()
    if sideways:
        tag, stored = _SIDEWAYS[int(rng.integers(len(_SIDEWAYS)))]
        image = image.transpose(stored)
        exif[ORIENTATION_TAG] = tag
    out = io.BytesIO()
    image.save(out, "JPEG", quality=int(rng.integers(55, 91)), exif=exif)
    return out.getvalue()
