"""The studio engine's brushes: value noise, blur, blends and canvas coordinates on float RGB arrays."""

from __future__ import annotations

import numpy as np
from PIL import Image
from scipy import ndimage

Array = np.ndarray

LIGHT_VECTORS = {
    "left": (-1.0, 0.0), "right": (1.0, 0.0), "top": (0.0, -1.0), "top_left": (-0.7, -0.7),
    "top_right": (0.7, -0.7), "front": (0.0, 0.0), "back": (0.0, -0.4),
}  # fmt: skip


def rgb(value: str) -> Array:
    return np.array([int(value[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float32) / 255.0


def noise(shape: tuple[int, int], cells: int, rng: np.random.Generator, octaves: int = 3) -> Array:
    """Smooth value noise in [0, 1]: random grids upscaled bicubically, summed over octaves."""
    height, width = shape
    total = np.zeros(shape, dtype=np.float32)
    weight = 0.0
    for octave in range(octaves):
        count = cells * 2**octave
        grid = rng.random((max(2, round(count * height / width)), count), dtype=np.float32)
        layer = Image.fromarray(grid, "F").resize((width, height), Image.Resampling.BICUBIC)
        amplitude = 0.5**octave
        total += np.asarray(layer, dtype=np.float32) * amplitude
        weight += amplitude
    return np.clip(total / weight, 0.0, 1.0)


def blur(image: Array, radius: float) -> Array:
    """Gaussian blur of an (H, W) or (H, W, 3) float image.

    Wide blurs run on a smaller copy and are scaled back: the result is as soft, at a fraction of the cost.
    """
    if image.ndim == 3:
        return np.stack([blur(image[..., c], radius) for c in range(image.shape[2])], axis=-1)
    height, width = image.shape
    factor = int(min(4, max(1, radius // 3)))
    if factor == 1:
        return ndimage.gaussian_filter(image, radius).astype(np.float32)
    small = Image.fromarray(image.astype(np.float32), "F").resize(
        (width // factor, height // factor), Image.Resampling.BILINEAR
    )
    blurred = ndimage.gaussian_filter(np.asarray(small), radius / factor)
    return np.asarray(
        Image.fromarray(blurred.astype(np.float32), "F").resize((width, height), Image.Resampling.BILINEAR)
    )


def mix(a: Array, b: Array, t: Array | float) -> Array:
    t_array = np.asarray(t, dtype=np.float32)
    if t_array.ndim == 2:
        t_array = t_array[..., None]
    return a * (1 - t_array) + b * t_array


def smoothstep(edge0: float, edge1: float, x: Array) -> Array:
    t = np.clip((x - edge0) / (edge1 - edge0), 0.0, 1.0)
    return t * t * (3 - 2 * t)


def coords(height: int, width: int) -> tuple[Array, Array]:
    ys = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None] * np.ones((1, width), np.float32)
    xs = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :] * np.ones((height, 1), np.float32)
    return ys, xs
