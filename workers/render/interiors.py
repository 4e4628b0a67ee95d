"""Room overlays of the studio engine: what tells a living room, an office or a bedroom from a bare wall.

`wall_art`: a framed print on the wall to one side and a potted plant on the floor at the other, in the
scene's accent colours (mustard in a mid-century office, sage in a Scandinavian room). `headboard`: an
upholstered headboard across the back of a bed under window light (a sunlit bedroom). Both sit behind the
product and are softened by the scene's depth of field like the rest of the room.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from workers.render.paint import Array, blur, mix
from workers.render.scenery import Frond, draw_frond

FRAME_WIDTH = 0.2  # the framed print's width, as a share of the canvas width
PLANT_HEIGHT = 0.42  # the potted plant's height, as a share of the canvas height
HEADBOARD_HEIGHT = 0.24  # how far the headboard rises above the floor line, as a share of the height
CHANNELS = 14  # the headboard's upholstered channels across its width


def _accent(palette: list[Array], index: int, fallback: tuple[float, float, float]) -> Array:
    return palette[index] if len(palette) > index else np.array(fallback, np.float32)


def _framed_print(image: Array, palette: list[Array], left: int, top: int, width: int, height: int) -> None:
    """A thin dark frame, a pale mat and an abstract print (a sun over two bands) in the accent colours,
    with a soft shadow on the wall below and to the side."""
    canvas_h, canvas_w = image.shape[:2]
    shadow = np.zeros((canvas_h, canvas_w), np.float32)
    shadow[top + 6 : top + height + 10, left + 6 : left + width + 8] = 1.0
    image *= (1 - 0.25 * blur(shadow, 6.0))[..., None]
    frame = max(3, width // 30)
    image[top : top + height, left : left + width] = np.array([0.16, 0.13, 0.11], np.float32)
    mat = max(4, width // 10)
    inner = image[top + frame : top + height - frame, left + frame : left + width - frame]
    inner[:] = np.array([0.95, 0.94, 0.9], np.float32)
    art = inner[mat : inner.shape[0] - mat, mat : inner.shape[1] - mat]
    rows, columns = art.shape[:2]
    ys, xs = np.mgrid[0:rows, 0:columns].astype(np.float32)
    first, second = _accent(palette, 2, (0.85, 0.64, 0.23)), _accent(palette, 1, (0.42, 0.26, 0.16))
    art[:] = _accent(palette, 3, (0.91, 0.86, 0.77))
    sun = np.hypot(ys - rows * 0.38, xs - columns * 0.6) < min(rows, columns) * 0.22
    art[sun] = first
    art[ys > rows * (0.62 + 0.08 * np.sin(xs / columns * math.pi))] = second


def _potted_plant(
    image: Array, palette: list[Array], centre: float, floor_y: int, rng: np.random.Generator
) -> None:
    """A plain pot standing on the floor, leaves fanning out of it."""
    height, width = image.shape[:2]
    plant_h = round(height * PLANT_HEIGHT)
    pot_w, pot_h = round(plant_h * 0.36), round(plant_h * 0.3)
    x = round(centre * width)
    mask = Image.new("L", (width, height))
    draw = ImageDraw.Draw(mask)
    for _ in range(7):
        angle = -math.pi / 2 + rng.uniform(-0.9, 0.9)
        frond = Frond(
            (x, floor_y - pot_h), angle, plant_h * rng.uniform(0.55, 0.75), -angle * 0.2 - 0.3, 0.18, 1.2
        )
        draw_frond(draw, frond, max(2, round(height * 0.008)), steps=9)
    leaves = np.asarray(mask, np.float32)[..., None] / 255.0
    green = _accent(palette, 2, (0.35, 0.5, 0.3)) * 0.5 + np.array([0.1, 0.25, 0.1], np.float32) * 0.5
    image[:] = image * (1 - leaves) + green * leaves
    _pot(image, x, floor_y, pot_w, pot_h)


def _pot(image: Array, x: int, floor_y: int, pot_w: int, pot_h: int) -> None:
    """A plain off-white pot, narrower at its foot, standing on the floor at `floor_y`."""
    height, width = image.shape[:2]
    pot = Image.new("L", (width, height))
    ImageDraw.Draw(pot).polygon(
        [
            (x - pot_w / 2, floor_y - pot_h),
            (x + pot_w / 2, floor_y - pot_h),
            (x + pot_w * 0.38, floor_y),
            (x - pot_w * 0.38, floor_y),
        ],
        fill=255,
    )
    body = np.asarray(pot, np.float32)[..., None] / 255.0
    image[:] = image * (1 - body) + np.array([0.9, 0.88, 0.84], np.float32) * body


def wall_art(image: Array, palette: list[Array], rng: np.random.Generator, horizon: float) -> Array:
    """A framed print on the wall at one side, a potted plant on the floor at the other."""
    height, width = image.shape[:2]
    out = image.copy()
    side = int(rng.integers(2))  # which side the print hangs on
    frame_w = round(width * FRAME_WIDTH)
    frame_h = round(frame_w * 0.75)
    left = round(width * (0.08 if side == 0 else 0.92 - FRAME_WIDTH))
    top = max(4, round(horizon * height * 0.45 - frame_h / 2))
    _framed_print(out, palette, left, top, frame_w, frame_h)
    _potted_plant(out, palette, 0.9 if side == 0 else 0.1, round(horizon * height) + 6, rng)
    return np.clip(out, 0, 1)


def headboard(image: Array, palette: list[Array], rng: np.random.Generator, horizon: float) -> Array:
    """An upholstered headboard rising behind the bed, its channels lit from above, across most of the
    width; the window light of the room falls over it."""
    height, width = image.shape[:2]
    top, bottom = round(height * (horizon - HEADBOARD_HEIGHT)), round(height * horizon)
    left, right = round(width * 0.06), round(width * 0.94)
    mask = Image.new("L", (width, height))
    ImageDraw.Draw(mask).rounded_rectangle(
        (left, top, right, bottom + 10), radius=round(height * 0.04), fill=255
    )
    board = blur(np.asarray(mask, np.float32) / 255.0, 1.5)
    xs = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :]
    ys = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    channels = 0.9 + 0.1 * np.abs(np.sin(xs * CHANNELS * math.pi))  # puffed channels, seams between them
    lit = 1.0 - 0.25 * np.clip((ys - top / height) / max(1e-3, HEADBOARD_HEIGHT), 0, 1)  # lighter at its top
    linen = (_accent(palette, 2, (0.78, 0.7, 0.58)) + 1.0) / 2  # a pale upholstery of the accent colour
    fabric = linen * (channels * lit)[..., None]
    # The room's light on the wall (the window's panes of sun) falls on the headboard as well.
    brightness = image.mean(axis=2, keepdims=True)
    light = 0.85 * brightness / max(0.05, float(np.median(brightness[:bottom])))
    return np.clip(mix(image, fabric * light, board), 0, 1)
