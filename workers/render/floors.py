"""Floor surfaces of the studio engine: the scene's material painted below the horizon, in perspective."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from presets import Scene
from workers.render.paint import Array, mix, noise, smoothstep


def marble(base: Array, accent: Array, u: Array, v: Array, detail: Array, rng: np.random.Generator) -> Array:
    """Veined marble laid flat in perspective: long veins that flow one way and wander (a sine bent by
    turbulence), each a fine line in a soft cloud, fading in and out along their length."""
    rows, width = detail.shape
    flat_shape = (256, 512)  # the slab, seen from above: rows = depth, columns = across
    turbulence = noise(flat_shape, 3, rng, 5)
    fade = noise(flat_shape, 2, rng, 2)
    depth = np.broadcast_to((v - v.min()) / max(float(np.ptp(v)), 1e-6) * (flat_shape[0] - 1), (rows, width))
    across = (u % 1.0) * (flat_shape[1] - 1)
    coords = np.stack([depth, np.broadcast_to(across, (rows, width))])
    bend = ndimage.map_coordinates(turbulence, coords, order=1, mode="mirror")
    strength = 0.35 + 0.65 * ndimage.map_coordinates(fade, coords, order=1, mode="mirror")
    angle = rng.uniform(0.3, 0.9)
    flow = u * np.cos(angle) * 3.0 + v * np.sin(angle) * 1.2 + bend * 2.6
    band = np.abs(np.sin(np.pi * flow))  # 0 on a vein's centre line
    fine = np.exp(-((band / 0.045) ** 2))
    cloud = np.exp(-((band / 0.3) ** 2))
    veins = np.clip((0.55 * fine + 0.2 * cloud) * strength, 0.0, 0.7)
    cloudy = base * (0.965 + 0.05 * detail)[..., None]
    return mix(cloudy, np.broadcast_to(accent, (rows, width, 3)), veins)


@dataclass(frozen=True)
class Floor:
    """What a floor surface is painted from: its colours and the perspective coordinates of its rows."""

    base: Array
    accent: Array
    wall: Array
    u: Array  # across, widening with depth
    v: Array  # depth: large near the horizon
    depth: Array  # 0 at the horizon, 1 at the bottom edge
    detail: Array
    rng: np.random.Generator

    @property
    def size(self) -> tuple[int, int]:
        return self.detail.shape


def _marble(f: Floor) -> Array:
    return marble(f.base, f.accent, f.u, f.v, f.detail, f.rng)


def _lines(t: Array, width: float) -> Array:
    """Lines at every whole value of `t` (in [0, 1], 1 on a line), `width` wide in t's units but never
    thinner than a pixel, and fainter as they widen so they keep their weight: no dashed, aliased seams
    where the perspective packs many planks into few pixels."""
    across, down = np.gradient(t, axis=(1, 0))
    per_pixel = np.hypot(across, down)  # t's change over one pixel, whichever way the line runs
    wide = np.maximum(width, 0.8 * per_pixel)
    distance = np.abs(t - np.round(t))
    lines: Array = (width / wide) * np.exp(-((distance / wide) ** 2))
    return lines


def _wood(f: Floor) -> Array:
    # Grain runs away from the viewer, along the planks; seams run between planks.
    grain = 0.5 + 0.5 * np.sin((f.u * 46 + f.detail * 2.2) * np.pi)
    seams = 1.0 - 0.35 * _lines(f.u * 7, 0.014)
    return f.base * ((0.84 + 0.14 * grain) * seams)[..., None]


def _stone(f: Floor) -> Array:
    speckle = noise(f.size, 90, f.rng, 1)
    return f.base * (0.85 + 0.2 * f.detail[..., None] + 0.06 * (speckle[..., None] - 0.5))


def _linen(f: Floor) -> Array:
    rows, width = f.size
    weave = 0.5 + 0.25 * (np.sin(np.arange(width) * 1.7)[None, :] + np.sin(np.arange(rows) * 1.9)[:, None])
    return f.base * (0.93 + 0.07 * weave[..., None] + 0.05 * (f.detail[..., None] - 0.5))


def _terrazzo(f: Floor) -> Array:
    floor = np.broadcast_to(f.base, (*f.size, 3)).copy() * (0.97 + 0.03 * f.detail[..., None])
    chips = noise(f.size, 120, f.rng, 1)
    for threshold, colour in ((0.82, f.accent), (0.18, f.wall * 0.8)):
        mask = (chips > threshold) if threshold > 0.5 else (chips < threshold)
        floor[mask] = colour
    return floor


def _water(f: Floor) -> Array:
    ripples = 0.5 + 0.5 * np.sin((f.v * 18 + f.detail * 4.0) * np.pi)
    return f.base * (0.8 + 0.3 * ripples[..., None])


def _sand(f: Floor) -> Array:
    dunes = 0.5 + 0.5 * np.sin((f.v * 3 + f.detail * 1.5) * np.pi)
    grains = noise(f.size, 200, f.rng, 1)[..., None] - 0.5
    return f.base * (0.9 + 0.1 * dunes[..., None] + 0.08 * grains)


def _velvet(f: Floor) -> Array:
    """Velvet laid in soft folds: broad diagonal ridges that catch the light on their crests, the pile
    darker in the troughs, in perspective."""
    folds = np.sin((f.u * 5.0 + f.v * 0.35 + f.detail * 0.8) * np.pi)
    sheen = np.clip(folds, 0, 1) ** 3 * 0.45
    return f.base * (0.75 + 0.25 * (folds[..., None] + 1) / 2) + sheen[..., None] * (f.base + 0.08)


def _raked_sand(f: Floor) -> Array:
    """A zen garden's raked sand: fine parallel furrows running across, in perspective."""
    furrows = 0.5 + 0.5 * np.sin(f.v * 40.0 + f.detail * 1.2)
    grains = noise(f.size, 200, f.rng, 1)[..., None] - 0.5
    return f.base * (0.86 + 0.16 * furrows[..., None] + 0.05 * grains)


def _glossy(f: Floor) -> Array:
    sheen = np.exp(-(((f.depth - 0.15) / 0.25) ** 2))
    return f.base * (0.9 + 0.25 * sheen[..., None])


def _matte(f: Floor) -> Array:
    return f.base * (0.95 + 0.08 * f.detail[..., None])


FLOORS = {
    "marble": _marble, "wood": _wood, "concrete": _stone, "stone": _stone, "linen": _linen,
    "terrazzo": _terrazzo, "water": _water, "sand": _sand, "glossy": _glossy, "glass": _glossy,
    "velvet": _velvet, "raked_sand": _raked_sand,
}  # fmt: skip


def surface(scene: Scene, palette: list[Array], image: Array, rng: np.random.Generator) -> Array:
    """Paint the floor below the horizon with the scene's material, in perspective."""
    height, width = image.shape[:2]
    top = int(height * scene.floor_line)
    rows = height - top
    if scene.surface == "seamless" or rows <= 0:
        return image
    accent = palette[2] if len(palette) > 2 else palette[1] * 0.7
    # Perspective: texture rows bunch up towards the horizon.
    depth = np.linspace(0.0, 1.0, rows, dtype=np.float32)[:, None]
    v = 1.0 / (depth + 0.25)
    u = (np.linspace(-1, 1, width, dtype=np.float32)[None, :] * v) * 0.5 + 0.5
    detail = noise((rows, width), 16, rng, 3)
    floor = FLOORS.get(scene.surface, _matte)(Floor(palette[1], accent, palette[0], u, v, depth, detail, rng))
    out = image.copy()
    # Blend the first rows so the floor starts softly at the horizon (out of focus, like a real lens).
    fade = smoothstep(0.0, 0.06, depth)[..., None]
    out[top:] = mix(image[top:], floor.astype(np.float32), fade)
    return np.clip(out, 0.0, 1.0)
