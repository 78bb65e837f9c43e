"""Random distortions of a batch of digit images, vectorised over the batch.

Each image is resampled through a random affine map (rotation, scale, shear, shift) plus an elastic
displacement field (Simard et al., 2003: random fields smoothed by a Gaussian), and its strokes are
randomly thickened or thinned. All of it is whole-batch NumPy: no Python loop over images.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from model.constants import IMAGE_SIDE

Images = NDArray[np.float32]


@dataclass(frozen=True)
class AugmentConfig:
    """Ranges of the random distortions (angles in degrees, shifts in pixels)."""

    rotation: float = 8.0
    scale: float = 0.08
    aspect: float = 0.08
    shear: float = 0.15
    shift: float = 1.5
    elastic_pixels: float = 0.9
    elastic_sigma: float = 4.0
    thickness_probability: float = 0.4
    clean_fraction: float = 0.15


def _gaussian_matrix(sigma: float) -> NDArray[np.float32]:
    """Return the matrix G with G @ f = f smoothed by a Gaussian along one image axis."""
    positions = np.arange(IMAGE_SIDE)
    g = np.exp(-((positions[:, None] - positions[None, :]) ** 2) / (2 * sigma**2))
    g /= g.sum(axis=1, keepdims=True)
    return g.astype(np.float32)


def _bilinear(images: Images, rows: NDArray[np.float32], cols: NDArray[np.float32]) -> Images:
    """Return images sampled at fractional (rows, cols), zero outside; all arrays are (n, 28, 28)."""
    n, side = images.shape[0], IMAGE_SIDE
    padded = np.zeros((n, side + 2, side + 2), dtype=np.float32)
    padded[:, 1:-1, 1:-1] = images
    # +1 for the zero border; clipping to the border makes every outside sample read zero.
    r = np.clip(rows + 1, 0, side + 1 - 1e-4)
    c = np.clip(cols + 1, 0, side + 1 - 1e-4)
    r0 = np.floor(r).astype(np.int32)
    c0 = np.floor(c).astype(np.int32)
    fr = (r - r0).astype(np.float32)
    fc = (c - c0).astype(np.float32)
    stride = side + 2
    base = (np.arange(n, dtype=np.int32) * stride * stride)[:, None, None] + r0 * stride + c0
    flat = padded.ravel()
    top = flat[base] * (1 - fc) + flat[base + 1] * fc
    bottom = flat[base + stride] * (1 - fc) + flat[base + stride + 1] * fc
    result: Images = top * (1 - fr) + bottom * fr
    return result


def _thickness(images: Images, rng: np.random.Generator, probability: float) -> Images:
    """Return images whose strokes are randomly thickened (grey dilation) or thinned (grey erosion)."""
    n = images.shape[0]
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    neighbours = np.stack(
        [padded[:, 1:-1, 1:-1], padded[:, :-2, 1:-1], padded[:, 2:, 1:-1], padded[:, 1:-1, :-2], padded[:, 1:-1, 2:]]
    )
    dilated = neighbours.max(axis=0)
    eroded = neighbours.min(axis=0)
    choice: NDArray[np.float64] = rng.random((n,))
    amount = rng.uniform(0.3, 1.0, (n, 1, 1)).astype(np.float32)
    thicker = np.less(choice, probability / 2).reshape(n, 1, 1)
    thinner = np.logical_and(choice >= probability / 2, choice < probability).reshape(n, 1, 1)
    out = np.where(thicker, images + amount * (dilated - images), images)
    # Thin by less than a full erosion: MNIST's thinnest strokes are about 1.5 px wide.
    out = np.where(thinner, out + 0.6 * amount * (eroded - out), out)
    return out.astype(np.float32)


def augment(x: Images, rng: np.random.Generator, config: AugmentConfig) -> Images:
    """Return a randomly distorted copy of a batch of flattened images (n, 784) in [0, 1]."""
    n = x.shape[0]
    images = x.reshape(n, IMAGE_SIDE, IMAGE_SIDE)
    angle = np.radians(rng.uniform(-config.rotation, config.rotation, n))
    scale = 1 + rng.uniform(-config.scale, config.scale, n)
    aspect = 1 + rng.uniform(-config.aspect, config.aspect, n)
    shear = rng.uniform(-config.shear, config.shear, n)
    shift = rng.uniform(-config.shift, config.shift, (n, 2))

    # Inverse map: for each output pixel, where to read in the source image (about the centre).
    centre = (IMAGE_SIDE - 1) / 2
    grid = np.arange(IMAGE_SIDE, dtype=np.float32) - centre
    out_r, out_c = np.meshgrid(grid, grid, indexing="ij")
    cos, sin = np.cos(angle), np.sin(angle)
    sy, sx = scale * aspect, scale / aspect
    # source = R^-1 S^-1 H^-1 (out - shift); written out per coefficient for the whole batch.
    a11 = cos / sy
    a12 = sin / sy
    a21 = -sin / sx
    a22 = cos / sx
    a12 = a12 - shear * a11
    a22 = a22 - shear * a21
    r = out_r[None] - shift[:, 0, None, None]
    c = out_c[None] - shift[:, 1, None, None]
    src_r = a11[:, None, None] * r + a12[:, None, None] * c + centre
    src_c = a21[:, None, None] * r + a22[:, None, None] * c + centre

    g = _gaussian_matrix(config.elastic_sigma)
    fields = rng.uniform(-1, 1, (2, n, IMAGE_SIDE, IMAGE_SIDE)).astype(np.float32)
    smooth = g @ fields @ g.T
    # Smoothing shrinks the field's spread; rescale so that its standard deviation is elastic_pixels.
    smooth *= config.elastic_pixels / (smooth.std() + 1e-8)
    src_r = (src_r + smooth[0]).astype(np.float32)
    src_c = (src_c + smooth[1]).astype(np.float32)

    warped = _bilinear(images, src_r, src_c)
    warped = _thickness(warped, rng, config.thickness_probability)
    clean = rng.random(n) < config.clean_fraction
    warped[clean] = images[clean]
    return np.clip(warped, 0, 1).reshape(n, -1)
