"""Picture files to greyscale arrays: formats from the bytes, size limits from the header, orientation, modes."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
from PIL import Image

from model.reading.pictures.decode import (
    WORK_SIDE,
    BrokenPictureError,
    PictureError,
    PictureTooLargeError,
    UnsupportedPictureError,
    decode,
)
from tests.pictures import bomb_png, encoded


def bar(size: tuple[int, int] = (60, 40)) -> Image.Image:
    """Return a white L image with a black vertical bar in its left half."""
    pixels = np.full(size[::-1], 255, dtype=np.uint8)
    pixels[5:-5, 10:16] = 0
    return Image.fromarray(pixels)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF", "BMP"])
def test_each_accepted_format_is_read_from_its_bytes(fmt: str) -> None:
    grey = decode(encoded(bar().convert("RGB"), fmt))
    assert grey.shape == (40, 60) and grey.dtype == np.float32
    assert grey[20, 12] < 0.2 and grey[20, 40] > 0.8


def test_a_gif_is_read_from_its_first_frame() -> None:
    first, second = bar().convert("P"), Image.new("P", (60, 40), 0)
    data = encoded(first, "GIF", save_all=True, append_images=[second])
    grey = decode(data)
    assert grey[20, 40] > 0.8 and grey[20, 12] < 0.2


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>7</text></svg>',
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        b"just some text, not a picture",
        b"",
    ],
    ids=["svg", "pdf", "text", "empty"],
)
def test_other_files_are_unsupported_and_the_message_lists_the_formats(data: bytes) -> None:
    with pytest.raises(UnsupportedPictureError, match="PNG, JPEG, WebP, GIF or BMP"):
        decode(data)


def test_tiff_is_not_accepted() -> None:
    with pytest.raises(UnsupportedPictureError):
        decode(encoded(bar(), "TIFF"))


def test_truncated_and_corrupt_files_are_broken_not_unsupported() -> None:
    png = encoded(bar(), "PNG")
    with pytest.raises(BrokenPictureError, match="corrupt"):
        decode(png[: len(png) // 2])
    with pytest.raises(BrokenPictureError, match="corrupt"):
        decode(png[:8] + b"\x00" * 64)
    jpeg = encoded(bar().convert("RGB"), "JPEG")
    with pytest.raises(BrokenPictureError):
        decode(jpeg[: len(jpeg) // 3])


def test_a_decompression_bomb_is_refused_from_its_header() -> None:
    data = bomb_png()
    assert len(data) < 200_000
    with pytest.raises(PictureTooLargeError, match="the limit is 24,000,000"):
        decode(data)


def test_the_pixel_limit_is_a_parameter() -> None:
    data = encoded(bar((100, 100)), "PNG")
    assert decode(data, max_pixels=10_000).shape == (100, 100)
    with pytest.raises(PictureTooLargeError, match="9,999"):
        decode(data, max_pixels=9_999)


@pytest.mark.parametrize(("tag", "stored"), [(6, Image.Transpose.ROTATE_90), (8, Image.Transpose.ROTATE_270)])
def test_exif_orientation_turns_the_picture_upright(tag: int, stored: Image.Transpose) -> None:
    upright = bar().convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = tag
    grey = decode(encoded(upright.transpose(stored), "JPEG", exif=exif, quality=95))
    assert grey.shape == (40, 60)
    assert grey[20, 12] < 0.2 and grey[20, 40] > 0.8


@pytest.mark.parametrize("mode", ["1", "L", "P", "RGB", "CMYK", "I;16", "LA", "RGBA"])
def test_every_mode_reads_as_the_same_grey(mode: str) -> None:
    image = bar()
    converted = image.convert("I").point(lambda v: v * 257).convert("I;16") if mode == "I;16" else image.convert(mode)
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    grey = decode(encoded(converted, fmt))
    assert np.abs(grey - np.asarray(image, dtype=np.float32) / 255).mean() < 0.02  # JPEG rings a little at edges


def test_transparent_background_is_background_whatever_its_colour() -> None:
    # A browser canvas: black ink on transparent black.
    rgba = np.zeros((40, 60, 4), dtype=np.uint8)
    rgba[5:-5, 10:16, 3] = 255
    grey = decode(encoded(Image.fromarray(rgba), "PNG"))
    assert grey[20, 12] < 0.1 and grey[20, 40] > 0.9
    # White ink on transparent: the transparent part becomes black.
    rgba[..., :3] = 255
    grey = decode(encoded(Image.fromarray(rgba), "PNG"))
    assert grey[20, 12] > 0.9 and grey[20, 40] < 0.1


def test_a_large_jpeg_is_decoded_small() -> None:
    big = Image.new("L", (4000, 3000), 255)
    grey = decode(encoded(big, "JPEG"))
    assert max(grey.shape) == WORK_SIDE and grey.shape == (WORK_SIDE * 3 // 4, WORK_SIDE)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "BMP", "WEBP"])
def test_damaged_files_raise_only_picture_errors(fmt: str) -> None:
    # Bytes flipped here and there: every outcome is a picture, a PictureError or "no ink", never another error.
    from model.reading.errors import NoInkError
    from model.reading.pictures.pipeline import read_picture

    original = encoded(bar((120, 90)).convert("RGB"), fmt)
    rng = np.random.default_rng(0)
    for _ in range(25):
        damaged = bytearray(original)
        for at in rng.integers(0, len(damaged), 4):
            damaged[at] = int(rng.integers(0, 256))
        with contextlib.suppress(PictureError, NoInkError):
            read_picture(bytes(damaged))


def test_formats_without_a_draft_mode_have_a_lower_pixel_limit() -> None:
    # 4,600 x 4,600 = 21.2 megapixels: under the limit for a JPEG, over the one for a PNG (read from the header).
    with pytest.raises(PictureTooLargeError, match="the limit for PNG is 20,000,000"):
        decode(bomb_png(4_600))
    assert decode(encoded(bar((100, 100)), "PNG"), max_pixels=10_000).shape == (100, 100)
