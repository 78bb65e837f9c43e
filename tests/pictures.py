"""Picture files for the tests, made in memory: encoded images, a decompression bomb, a photo of a digit."""

from __future__ import annotations

import functools
import io
import struct
import zlib

import numpy as np
from PIL import Image, ImageDraw

SEVEN: list[list[list[float]]] = [[[10, 10], [90, 10], [40, 120]], [[30, 65], [75, 65]]]
"""A seven as pen strokes (the stroke tests' own)."""


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    """Return the image saved in `fmt` (a Pillow format name)."""
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    """Return one PNG chunk: length, type, data, CRC."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@functools.cache
def bomb_png(side: int = 30_000) -> bytes:
    """Return a side x side one-bit PNG, all zeros: about 110 kB that decompress to side^2 / 8 bytes."""
    row = b"\x00" * (1 + side // 8)
    packer = zlib.compressobj(9)
    rows = [packer.compress(row * 1_000) for _ in range(side // 1_000)]
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    idat = b"".join(rows) + packer.flush()
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def drawn(
    strokes: list[list[list[float]]],
    *,
    size: tuple[int, int] = (400, 300),
    width: int = 12,
    ink: int = 30,
    paper: int = 225,
    offset: tuple[float, float] = (120, 60),
    scale: float = 1.5,
) -> Image.Image:
    """Return an L picture of the strokes drawn with a round pen of `width` pixels, dark on light by default."""
    image = Image.new("L", size, paper)
    draw = ImageDraw.Draw(image)
    for stroke in strokes:
        points = [(x * scale + offset[0], y * scale + offset[1]) for x, y in stroke]
        draw.line(points, fill=ink, width=width, joint="curve")
        for x, y in (points[0], points[-1]):
            draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=ink)
    return image


def lit(image: Image.Image, *, gradient: float = 0.0, shadow: float = 0.0, noise: float = 0.0) -> Image.Image:
    """Return the picture darkened by a left-to-right gradient and a shadow on its right quarter, plus noise.

    The shadow's edge is soft over about a twentieth of the width, as a hand's or a phone's is.
    """
    pixels = np.asarray(image, dtype=np.float32)
    width = pixels.shape[1]
    columns = np.arange(width, dtype=np.float32)
    light = 1 - gradient * columns / width
    light = light * (1 - shadow / (1 + np.exp(-(columns - 0.75 * width) / (0.02 * width))))
    noisy = pixels * light[None, :] + np.random.default_rng(0).normal(0, noise, pixels.shape)
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
