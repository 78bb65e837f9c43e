"""A picture of a handwritten digit (a photo, a scan, an image file) to the 28x28 image the network reads.

A straight pipeline, each stage in its own module and taking the previous stage's result:

1. decode (model.reading.pictures.decode): the file's bytes to a greyscale array (Pillow: format
   from the bytes, size checked from the header, EXIF orientation, any mode, transparency);
2. paper (model.reading.pictures.paper): which way round the ink is, and the paper's level under it
   (uneven light, printed lines);
3. ink (model.reading.pictures.ink): each pixel's ink strength and coverage, faint strokes kept whole;
4. pieces (model.reading.pictures.pieces): the digit told from specks, shadows and stray marks;
5. thickness (model.reading.pictures.thickness): cropped, its pen thickness brought near MNIST's;
6. framing (model.reading.framing, shared with pen strokes): scaled into the 20x20 box, its centre of
   mass at the centre of the 28x28 frame (`place`).

Where the ink found the way round the paper stage chose is none, the other way round is tried.
benchmarks/picture_stages.py times each stage.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from model.reading.errors import NoInkError
from model.reading.framing import CANVAS, PAD, box_scale, frame
from model.reading.pictures.decode import DEFAULT_MAX_PIXELS, decode
from model.reading.pictures.ink import Ink, find_ink
from model.reading.pictures.padding import pad
from model.reading.pictures.paper import Paper, find_paper
from model.reading.pictures.pieces import keep_digit
from model.reading.pictures.thickness import crop, normalise_thickness


def _scaled(ink: NDArray[np.float32], scale: float) -> NDArray[np.float32]:
    """Return the ink resampled by `scale` onto whole output pixels, from its top-left corner.

    Shrinking averages the pixels each output pixel covers (Pillow's box filter), enlarging
    interpolates linearly; a scale of 1 copies. The last row and column may be partly beyond the ink.
    """
    height, width = ink.shape
    columns, rows = int(np.ceil(width * scale)), int(np.ceil(height * scale))
    # A blank margin, so that the last output pixel's box may reach past the ink.
    margin = int(np.ceil(1 / scale)) + 1
    source = Image.fromarray(pad(ink, ((0, margin), (0, margin))))
    resample = Image.Resampling.BOX if scale <= 1 else Image.Resampling.BILINEAR
    scaled = source.resize((columns, rows), resample, box=(0, 0, columns / scale, rows / scale))
    return np.asarray(scaled, dtype=np.float32)


def _shifted(ink: NDArray[np.float32], fx: float, fy: float) -> NDArray[np.float32]:
    """Return the ink moved right by fx and down by fy of a pixel (0 <= f < 1): one pixel larger each way.

    Each pixel is shared between the two (four) pixels it now overlaps, in proportion to the overlap.
    """
    padded = pad(ink, 1)
    here, left, up, both = padded[1:, 1:], padded[1:, :-1], padded[:-1, 1:], padded[:-1, :-1]
    moved: NDArray[np.float32] = ((1 - fy) * ((1 - fx) * here + fx * left) + fy * ((1 - fx) * up + fx * both)).astype(
        np.float32
    )
    return moved


def place(ink: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return the 28x28 float32 image of a cropped ink map (0 background, 1 ink), framed like MNIST.

    The ink's longer side is scaled to the 20x20 box by model.reading.framing's box_scale, and model.reading.framing
    puts its centre of mass at the centre.
    """
    height, width = ink.shape
    scale = box_scale(width, height)
    scaled = _scaled(ink, scale)

    def draw(dx: float, dy: float) -> NDArray[np.float32]:
        # Whole canvas pixels first, then the fraction left over by sharing each pixel between neighbours.
        left, top = int(np.floor(dx + PAD)), int(np.floor(dy + PAD))
        moved = _shifted(scaled, dx + PAD - left, dy + PAD - top)
        canvas = np.zeros((CANVAS, CANVAS), dtype=np.float32)
        rows = min(moved.shape[0], CANVAS - top)
        columns = min(moved.shape[1], CANVAS - left)
        canvas[top : top + rows, left : left + columns] = moved[:rows, :columns]
        return np.clip(canvas, 0, 1, out=canvas).reshape(-1)

    total = float(ink.sum(dtype=np.float64))
    centre_x = float(ink.sum(axis=0) @ (np.arange(width) + 0.5)) / total * scale
    centre_y = float(ink.sum(axis=1) @ (np.arange(height) + 0.5)) / total * scale
    return frame(draw, centre=(centre_x, centre_y))


def paper_and_ink(grey: NDArray[np.float32]) -> tuple[Paper, Ink]:
    """Return the paper and the ink of a greyscale picture, the ink taken the other way round where none is found.

    Raises NoInkError when neither way finds ink.
    """
    paper = find_paper(grey)
    try:
        return paper, find_ink(paper)
    except NoInkError:
        paper = find_paper(grey, dark=not paper.dark)
        return paper, find_ink(paper)


def digit_coverage(grey: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return the digit's ink coverage in [0, 1] at every pixel of a greyscale picture (anything else 0).

    Raises NoInkError when the picture is blank.
    """
    _, ink = paper_and_ink(grey)
    return keep_digit(ink)


def read_picture(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> NDArray[np.float32]:
    """Return the 28x28 float32 image in [0, 1] (0 background, 1 ink) of the digit in a picture file.

    Raises model.reading.pictures.decode's errors for a file that is not an accepted picture, too large or broken,
    and model.reading.errors.NoInkError when the picture holds no ink.
    """
    grey = decode(data, max_pixels=max_pixels)
    return place(normalise_thickness(crop(digit_coverage(grey))))
