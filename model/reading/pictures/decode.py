"""Picture files to greyscale arrays with Pillow, refusing what is not an accepted, sound, small enough picture.

The format is recognised from the bytes, never from a name or a declared type. The pixel count is
read from the header and checked before anything is decoded, so a few kilobytes that claim to be a
30000x30000 image (a decompression bomb) cost a header read. A large JPEG is decoded straight at a
fraction of its size (draft mode), and every picture is brought down to at most WORK_SIDE pixels
along its longer side, which is plenty to find a digit in and bounds what the later steps cost.
"""

from __future__ import annotations

import io
from typing import Final

import numpy as np
from numpy.typing import NDArray
from PIL import Image, UnidentifiedImageError

ACCEPTED_FORMATS: Final = ("PNG", "JPEG", "WEBP", "GIF", "BMP")
"""Pillow's names of the accepted formats (a GIF's first frame is read)."""

_SIGNATURES: Final = {
    "PNG": (b"\x89PNG\r\n\x1a\n",),
    "JPEG": (b"\xff\xd8\xff",),
    "GIF": (b"GIF87a", b"GIF89a"),
    "BMP": (b"BM",),
}
"""How each accepted file begins (WebP: b"RIFF", four bytes of size, b"WEBP"), to tell a broken
accepted file (422) from a file of another kind (415) when Pillow can read neither."""

DEFAULT_MAX_PIXELS: Final = 24_000_000
"""Largest picture decoded, in pixels (width x height from the header)."""

FORMAT_MAX_PIXELS: Final = {"WEBP": 8_000_000, "PNG": 20_000_000, "GIF": 20_000_000, "BMP": 20_000_000}
"""Lower limits for the formats that have no draft mode, so that reading any allowed picture peaks
under 128 MiB (benchmarks/picture_memory.py). At 24 megapixels: WebP +368 MiB, a 16-bit PNG +137 MiB,
RGBA and RGB PNG +99 and +91 MiB, BMP +93 MiB, GIF +47 MiB; a JPEG, decoded small, +14 MiB. At these
limits: WebP (8 MP) +124 MiB, 16-bit PNG +114 MiB, RGBA PNG +84 MiB, BMP +77 MiB, GIF +36 MiB."""

WORK_SIDE: Final = 400
"""Longest side, in pixels, of the greyscale array the ink is looked for in. 800 read no better (the
report's picture sets, docs/pictures.md) and cost four times as much in every later stage."""


ORIENTATION: Final = 0x0112
"""EXIF's Orientation tag: how to turn the stored picture to view it upright."""

_TURNS: Final = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
"""What each orientation asks for, as ImageOps.exif_transpose does it (applied here to the shrunk picture).

Hand-written because exif_transpose turns the full-size picture, a copy as large as it, before we can shrink it.
"""

_REDUCIBLE: Final = frozenset({"L", "LA", "RGB", "RGBA", "CMYK", "I", "F"})
"""Modes whose pictures Image.reduce() shrinks."""

BAND_PIXELS: Final = 1 << 20
"""A picture with transparency is reduced in bands of about this many pixels: Image.reduce first makes a
premultiplied copy of what it reduces, which for a whole 24-megapixel RGBA picture is another 96 MB."""


class PictureError(ValueError):
    """The bytes are not a picture that can be read; the message says why, for the person who sent it."""


class UnsupportedPictureError(PictureError):
    """The bytes are not one of the accepted formats."""


class PictureTooLargeError(PictureError):
    """The picture has more pixels than allowed."""


class BrokenPictureError(PictureError):
    """The bytes begin like an accepted picture but cannot be decoded (corrupt or truncated)."""


def accepted_text() -> str:
    """Return the accepted formats as a phrase for messages: "PNG, JPEG, WebP, GIF or BMP"."""
    names = ["WebP" if name == "WEBP" else name for name in ACCEPTED_FORMATS]
    return ", ".join(names[:-1]) + " or " + names[-1]


def _looks_accepted(data: bytes) -> bool:
    """Return True when the bytes begin like one of the accepted formats."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return True
    return any(data.startswith(signature) for signatures in _SIGNATURES.values() for signature in signatures)


def open_picture(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> Image.Image:
    """Return the picture opened lazily (only its header read), after checking its format and size.

    Raises UnsupportedPictureError, PictureTooLargeError or BrokenPictureError.
    """
    try:
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError:
        # Pillow's own guard, from twice its MAX_IMAGE_PIXELS; the limit here is lower still.
        raise PictureTooLargeError(
            f"the picture has more than {2 * (Image.MAX_IMAGE_PIXELS or 0):,} pixels; the limit is {max_pixels:,}"
        ) from None
    except UnidentifiedImageError:
        if _looks_accepted(data):
            raise BrokenPictureError("the picture is corrupt: its header cannot be read") from None
        raise UnsupportedPictureError(f"not a picture that can be read: send {accepted_text()}") from None
    except Exception as error:  # a damaged file can make a format plugin raise anything (struct.error, ...)
        raise BrokenPictureError(f"the picture is corrupt: {error}") from None
    width, height = image.size
    limit = min(max_pixels, FORMAT_MAX_PIXELS.get(image.format or "", max_pixels))
    if width * height > limit:
        kind = "" if limit == max_pixels else f" for {'WebP' if image.format == 'WEBP' else image.format}"
        raise PictureTooLargeError(
            f"the picture is {width}x{height} = {width * height:,} pixels; the limit{kind} is {limit:,}"
        )
    if width < 1 or height < 1:
        raise BrokenPictureError("the picture has no pixels")
    return image


def _grey_image(image: Image.Image) -> Image.Image:
    """Return the picture with one grey band ("L", "I" or "F"), or grey and alpha ("LA") where it has transparency."""
    if image.has_transparency_data:
        return image.convert("RGBA").convert("LA") if image.mode != "LA" else image
    if image.mode.startswith("I;16"):
        return image.convert("I")
    if image.mode in ("I", "F", "L"):
        return image
    return image.convert("L")


def _greyscale(image: Image.Image) -> NDArray[np.float32]:
    """Return the grey image's luminance in [0, 1], transparent parts made background, at most WORK_SIDE long.

    The picture is made floating point once, by Pillow, shrunk (box filter) and only then scaled to [0, 1].

    Transparent pixels are laid on white when what is opaque is mostly dark, and on black when it is
    mostly light, so that a transparent background never reads as ink: a drawing exported from a
    browser canvas is black ink on (black) transparent pixels.
    """
    if image.mode != "LA":
        size = _work_size(image.size)
        floats = image.convert("F") if image.mode != "F" else image
        if size != image.size:
            floats = floats.resize(size, Image.Resampling.BOX)
        pixels = np.asarray(floats, dtype=np.float32)
        if image.mode == "F":
            return np.clip(pixels, 0, 1)
        # 16-bit greys (PNG's I;16) are read as 32-bit integers.
        scaled: NDArray[np.float32] = pixels * np.float32(1 / (65535 if image.mode == "I" else 255))
        return scaled
    pixels = np.asarray(image, dtype=np.float32)
    grey, alpha = pixels[..., 0] / 255, pixels[..., 1] / 255
    covered = float(alpha.sum())
    opaque_level = float((grey * alpha).sum()) / covered if covered > 0 else 1.0
    background = np.float32(1.0 if opaque_level < 0.5 else 0.0)
    composited = (grey * alpha + background * (1 - alpha)).astype(np.float32)
    size = _work_size(image.size)
    if size != image.size:
        composited = np.asarray(Image.fromarray(composited).resize(size, Image.Resampling.BOX), dtype=np.float32)
    return composited


def _work_size(size: tuple[int, int]) -> tuple[int, int]:
    """Return (width, height) brought down to at most WORK_SIDE along the longer side (unchanged if it is)."""
    width, height = size
    longer = max(width, height)
    if longer <= WORK_SIDE:
        return size
    return max(1, round(width * WORK_SIDE / longer)), max(1, round(height * WORK_SIDE / longer))


def _reduced(image: Image.Image) -> Image.Image:
    """Return the picture shrunk by the whole factor that keeps it at least WORK_SIDE long, where its mode allows.

    Pictures with transparency are reduced band by band (whole blocks of rows each): the same pixels.
    """
    factor = max(image.size) // WORK_SIDE
    if factor <= 1 or image.mode not in _REDUCIBLE:
        return image
    if image.mode not in ("RGBA", "LA"):
        return image.reduce(factor)
    width, height = image.size
    rows = max(1, BAND_PIXELS // (width * factor)) * factor
    reduced = Image.new(image.mode, (-(-width // factor), -(-height // factor)))
    for top in range(0, height, rows):
        reduced.paste(image.crop((0, top, width, min(height, top + rows))).reduce(factor), (0, top // factor))
    return reduced


def decode(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> NDArray[np.float32]:
    """Return the picture in `data` as a greyscale float32 array in [0, 1], upright, at most WORK_SIDE long.

    Raises UnsupportedPictureError, PictureTooLargeError or BrokenPictureError.
    """
    image = open_picture(data, max_pixels=max_pixels)
    try:
        if image.format == "JPEG":
            # Decode straight at 1/2, 1/4 or 1/8 of the size, as long as the result stays >= WORK_SIDE.
            longer = max(image.size)
            wanted = (max(1, image.size[0] * WORK_SIDE // longer), max(1, image.size[1] * WORK_SIDE // longer))
            image.draft("L", wanted)
        image.load()
        orientation = image.getexif().get(ORIENTATION)
        # A cheap whole-pixel box average first, before any copy of the full picture: a 24-megapixel
        # RGBA picture is 96 MB, and converting or turning it would make more.
        image = _reduced(image)
        image = _grey_image(image)
        image = _reduced(image)  # modes that reduce() takes only once converted (P, I;16)
        if orientation in _TURNS:
            image = image.transpose(_TURNS[orientation])
        grey = _greyscale(image)
    except Exception as error:  # as above: whatever a damaged file makes the decoder raise, it is the file's fault
        raise BrokenPictureError(f"the picture is corrupt or truncated: {error}") from None
    return grey
