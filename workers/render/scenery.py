"""Scenery overlays of the studio engine drawn from shapes rather than noise: palm fronds framing the ad
with their shadows on the wall, ferns rising beside the product, and desert dunes on the horizon.

Fronds are drawn as a curving stem with leaflets on both sides, tapering to the tip, at half the canvas's
resolution and scaled up (they are out of focus: nearer the camera than the product, or behind it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from workers.render.paint import Array, blur, noise

PALM_LEAFLET_ANGLE = 0.95  # radians between a palm frond's stem and its leaflets
FERN_LEAFLET_ANGLE = 1.25  # fern pinnae stand out more squarely
PALM_LEAFLETS = 13  # leaflets on each side of a palm frond's stem
FERN_LEAFLETS = 18
FROND_SHADOW = 0.28
MOSS = 0.7  # moss's cover where it grows thickest  # how much a frond's shadow on the wall darkens it


@dataclass(frozen=True)
class Frond:
    """A stem from `start` (pixels) heading at `angle` (radians, 0 = right, y down), `length` pixels long,
    bending by `bend` radians over its length; leaflets `leaflet` times `length` long at `spread` from the stem."""

    start: tuple[float, float]
    angle: float
    length: float
    bend: float
    leaflet: float
    spread: float


def _leaflet(base: tuple[float, float], angle: float, size: float, width: float) -> list[tuple[float, float]]:
    """A narrow lance from `base`: widest a third of the way along, pointed, its tip drooping a little."""
    x, y = base
    droop = 0.3 * math.copysign(1.0, math.cos(angle)) * size  # leaflets hang towards the ground
    tip = (x + math.cos(angle) * size, y + math.sin(angle) * size + abs(droop) * 0.5)
    mid = (x + math.cos(angle) * size * 0.35, y + math.sin(angle) * size * 0.35 + abs(droop) * 0.08)
    normal = (-math.sin(angle) * width / 2, math.cos(angle) * width / 2)
    return [base, (mid[0] + normal[0], mid[1] + normal[1]), tip, (mid[0] - normal[0], mid[1] - normal[1])]


def draw_frond(draw: ImageDraw.ImageDraw, frond: Frond, width: int, steps: int = 14) -> None:
    """The frond in white on an "L" mask: its stem, and leaflets longest at the middle."""
    x, y = frond.start
    heading = frond.angle
    step = frond.length / steps
    stem = [(x, y)]
    for index in range(1, steps + 1):
        heading += frond.bend / steps
        x, y = x + math.cos(heading) * step, y + math.sin(heading) * step
        stem.append((x, y))
        along = index / steps
        size = frond.leaflet * frond.length * math.sin(math.pi * min(1.0, 0.15 + along * 0.9))
        for side in (-1.0, 1.0):
            lance = _leaflet((x, y), heading + side * frond.spread, size, width * (1.6 - along * 0.8))
            draw.polygon(lance, fill=255)
    draw.line(stem, fill=255, width=max(1, width // 3))


def _mask(shape: tuple[int, int], fronds: list[Frond], width: int, steps: int) -> Array:
    """Fronds drawn on a half-size mask, scaled back up to `shape`: a float mask in [0, 1]."""
    height, canvas_width = shape
    small = Image.new("L", (max(1, canvas_width // 2), max(1, height // 2)))
    draw = ImageDraw.Draw(small)
    for frond in fronds:
        half = Frond(
            (frond.start[0] / 2, frond.start[1] / 2),
            frond.angle,
            frond.length / 2,
            frond.bend,
            frond.leaflet,
            frond.spread,
        )
        draw_frond(draw, half, max(1, width // 2), steps)
    big = small.resize((canvas_width, height), Image.Resampling.BILINEAR)
    return np.asarray(big, dtype=np.float32) / 255.0


def _palms(rng: np.random.Generator, height: int, width: int) -> list[Frond]:
    """Palm fronds reaching in from the top corners, towards the middle and down."""
    fronds = []
    for corner in (0.0, 1.0):
        inward = 1.0 if corner == 0.0 else -1.0
        for _ in range(int(rng.integers(2, 4))):
            start = (
                corner * width + rng.uniform(-0.05, 0.08) * width * inward,
                rng.uniform(-0.1, 0.35) * height,
            )
            angle = (0.0 if inward > 0 else math.pi) + inward * rng.uniform(0.05, 0.7)
            fronds.append(
                Frond(
                    start,
                    angle,
                    rng.uniform(0.28, 0.42) * width,
                    inward * rng.uniform(0.2, 0.7),
                    0.32,
                    PALM_LEAFLET_ANGLE,
                )
            )
    return fronds


def palm_fronds(image: Array, palette: list[Array], rng: np.random.Generator, horizon: float) -> Array:
    """Tropical palm fronds: crisp frond shadows cast on the wall, and fronds nearer the camera than the
    product framing the top corners, deep green and out of focus."""
    height, width = image.shape[:2]
    leaf = max(2, round(height * 0.012))
    shadows = _mask((height, width), _palms(rng, height, width), leaf * 2, PALM_LEAFLETS)
    wall = (np.arange(height) < horizon * height)[:, None]
    image = image * (1 - FROND_SHADOW * blur(shadows, 1.5) * wall)[..., None]
    near = blur(_mask((height, width), _palms(rng, height, width), leaf * 3, PALM_LEAFLETS), 4.0)
    green = (palette[2] if len(palette) > 2 else np.array([0.2, 0.45, 0.25], np.float32)) * 0.55
    shade = 0.8 + 0.4 * noise((height, width), 12, rng, 2)[..., None]  # light catching some leaflets
    return np.clip(image * (1 - near[..., None]) + green * shade * near[..., None], 0, 1)


def ferns(image: Array, palette: list[Array], rng: np.random.Generator, horizon: float) -> Array:
    """Ferns rising from the ground at both sides behind the product, a little out of focus, and moss in
    patches on the ground."""
    height, width = image.shape[:2]
    base = horizon * height + height * 0.04
    fronds = []
    for side in (0.12, 0.88):
        for _ in range(int(rng.integers(3, 6))):
            lean = (1.0 if side > 0.5 else -1.0) * rng.uniform(0.1, 0.8)
            start = (side * width + rng.uniform(-0.08, 0.08) * width, base)
            fronds.append(
                Frond(
                    start,
                    -math.pi / 2 + lean,
                    rng.uniform(0.3, 0.5) * height,
                    lean * 0.9,
                    0.22,
                    FERN_LEAFLET_ANGLE,
                )
            )
    mask = blur(_mask((height, width), fronds, max(2, round(height * 0.01)), FERN_LEAFLETS), 1.2)
    greens = [c for c in palette[2:]] or [np.array([0.3, 0.5, 0.22], np.float32)]
    colour = greens[0] * 1.1
    ground = (np.arange(height) > horizon * height)[:, None]
    moss = np.clip((noise((height, width), 9, rng, 3) - 0.45) * 4.0, 0, 1) * ground * MOSS
    image = image * (1 - moss[..., None]) + greens[0] * 0.7 * moss[..., None]
    return np.clip(image * (1 - mask[..., None]) + colour * mask[..., None], 0, 1)


def _pale_sky(image: Array, top: Array, horizon_y: int) -> Array:
    """The image with a clear sky above `horizon_y`: `top`'s colour overhead, paler towards the horizon."""
    out = image.copy()
    t = np.linspace(0.0, 1.0, max(1, horizon_y), dtype=np.float32)[:, None, None]
    out[:horizon_y] = (top * (1 - t) + np.array([0.93, 0.95, 0.98], np.float32) * t) * np.ones(
        (1, image.shape[1], 1), np.float32
    )
    return out


def dunes(image: Array, palette: list[Array], rng: np.random.Generator, horizon: float) -> Array:
    """Desert dunes behind the floor: a pale sky, and three ridges of sand, paler with distance, each with a
    sunlit face and a shadowed lee below a sharp, winding crest."""
    height, width = image.shape[:2]
    horizon_y = horizon * height
    rows = np.arange(height, dtype=np.float32)[:, None]
    columns = np.linspace(0.0, 1.0, width, dtype=np.float32)
    sky_top = palette[3] if len(palette) > 3 else np.array([0.97, 0.93, 0.85], np.float32)
    out = _pale_sky(image, sky_top, int(horizon_y))
    sand = palette[1] if len(palette) > 1 else np.array([0.85, 0.64, 0.42], np.float32)
    for depth, rise in ((0.0, 0.26), (0.5, 0.17), (1.0, 0.09)):  # far to near
        phase, waves = rng.uniform(0, 2 * np.pi, 3), rng.uniform(1.0, 3.5, 3)
        profile = sum(np.sin(columns * w * 2 * np.pi + p) for w, p in zip(waves, phase, strict=True)) / 3
        crest = horizon_y - height * rise * (0.55 + 0.45 * profile)
        slope = np.gradient(crest)
        below = rows - crest[None, :]
        body = np.clip(below / 2.0, 0, 1)  # a sharp crest
        lee = np.clip(-slope * 3.0, 0, 1)[None, :] * np.exp(-below / (height * 0.05))  # the shadowed side
        haze = 0.45 * (1 - depth)
        tone = sand * (1.05 - 0.35 * lee)[..., None] * (1 - haze) + sky_top * haze
        ridge = (body * (rows < horizon_y + 1))[..., None]
        out = out * (1 - ridge) + tone * ridge
    return np.clip(out, 0, 1)
