"""Scenery overlays of the studio engine, as a camera sees them: palm fronds and ferns, desert dunes, the
sea along the horizon and a city skyline.

What lies off the product's plane is shot out of focus and lit by the key light: a palm frond near the lens
is a soft green mass at the frame's edge while the fronds beside the light throw hard shadows across the
wall; far dunes, the sea and a city fade into haze with distance (aerial perspective), and a city's lit
windows are discs of out-of-focus light. Leaves are drawn as shapes at half the canvas's resolution, each
leaf a tone of its own, and scaled up. The renderer's depth of field then softens all of it once more by
the wall's distance.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from workers.render.paint import LIGHT_VECTORS, Array, blur, mix, noise

Point = tuple[float, float]
Polygon = list[Point]
Region = tuple[slice, slice]  # rows and columns of the canvas
Paint = Callable[[Region], Array]  # the colours of a layer over a region of the canvas, (rows, columns, 3)

DRAW_SCALE = 2  # leaves are drawn at 1 / DRAW_SCALE of the canvas's resolution, then scaled up
SHADOW_DROP = 0.35  # every key light hangs above the set: a shadow on the wall falls at least this far down
PALM_LEAFLET_ANGLE = 0.95  # radians between a palm frond's stem and its leaflets
FERN_LEAFLET_ANGLE = 1.25  # fern pinnae stand out more squarely
PALM_LEAFLETS = 13  # leaflets on each side of a palm frond's stem
FERN_LEAFLETS = 18  # ... and pinnae on each side of a fern's
FROND_SHADOW = 0.42  # how much a palm frond's hard shadow darkens the sunlit wall
FERN_SHADOW = 0.22  # ... and a fern's, under a forest's softer light
NEAR_BLUR = 0.007  # a frond close to the lens: its blur, as a share of the canvas's width
MOSS = 0.7  # moss's cover where it grows thickest


def light_vector(light: str) -> tuple[float, float]:
    """Where the key light is, seen from the product on the canvas (x right, y down)."""
    return LIGHT_VECTORS.get(light, LIGHT_VECTORS["top_left"])


def shadow_offset(light: str) -> tuple[float, float]:
    """Which way a shadow on the wall lies from what casts it (x right, y down, about one unit long):
    away from the key light, and down, since every key light hangs above the set."""
    x, y = light_vector(light)
    return -x, max(SHADOW_DROP, -y)


def key_side(light: str, rng: np.random.Generator) -> float:
    """The side the key light shines from: -1 left, 1 right; a light from above, in front or behind leaves
    the side to the seed."""
    x = light_vector(light)[0]
    return float(np.sign(x)) if x else (-1.0 if rng.random() < 0.5 else 1.0)


def accent(palette: list[Array], index: int, fallback: tuple[float, float, float]) -> Array:
    """The palette's colour at `index`, or `fallback` for a palette that has fewer."""
    return palette[index] if len(palette) > index else np.array(fallback, np.float32)


# --- leaves ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Frond:
    """A stem from `start` (pixels) heading at `angle` (radians, 0 = right, y down), `length` pixels long,
    bending by `bend` radians over its length; leaflets `leaflet` times `length` long at `spread` from the stem."""

    start: Point
    angle: float
    length: float
    bend: float
    leaflet: float
    spread: float


@dataclass(frozen=True)
class Foliage:
    """Leaves as drawn: how much of each pixel they cover, and the tone of the leaf there (0 dark … 1 lit)."""

    cover: Array
    tone: Array


def _leaflet(base: Point, angle: float, size: float, width: float) -> Polygon:
    """A narrow lance from `base`: widest a third of the way along, pointed, its tip drooping a little."""
    x, y = base
    droop = 0.3 * size  # leaflets hang towards the ground
    tip = (x + math.cos(angle) * size, y + math.sin(angle) * size + droop * 0.5)
    mid = (x + math.cos(angle) * size * 0.35, y + math.sin(angle) * size * 0.35 + droop * 0.08)
    normal = (-math.sin(angle) * width / 2, math.cos(angle) * width / 2)
    return [base, (mid[0] + normal[0], mid[1] + normal[1]), tip, (mid[0] - normal[0], mid[1] - normal[1])]


def ribbon(points: list[Point], width: float) -> list[Polygon]:
    """A stem along `points`, `width` pixels wide, as one quad per segment."""
    quads = []
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        length = max(1e-6, math.hypot(x1 - x0, y1 - y0))
        nx, ny = -(y1 - y0) / length * width / 2, (x1 - x0) / length * width / 2
        quads.append([(x0 + nx, y0 + ny), (x1 + nx, y1 + ny), (x1 - nx, y1 - ny), (x0 - nx, y0 - ny)])
    return quads


def frond_leaves(frond: Frond, width: float, steps: int, rng: np.random.Generator) -> list[Polygon]:
    """The frond's leaflets, in pairs from its base to its tip (longest at the middle, each a little
    longer or shorter and turned its own way), then its stem."""
    x, y = frond.start
    heading = frond.angle
    stem: list[Point] = [(x, y)]
    leaves: list[Polygon] = []
    for index in range(1, steps + 1):
        heading += frond.bend / steps
        x, y = x + math.cos(heading) * frond.length / steps, y + math.sin(heading) * frond.length / steps
        stem.append((x, y))
        along = index / steps
        size = frond.leaflet * frond.length * math.sin(math.pi * min(1.0, 0.15 + along * 0.9))
        for side, grow, turn in zip(
            (-1.0, 1.0), rng.uniform(0.8, 1.15, 2), rng.uniform(-0.15, 0.15, 2), strict=True
        ):
            angle = heading + side * frond.spread + turn
            leaves.append(_leaflet((x, y), angle, size * grow, width * (1.6 - along * 0.8)))
    return leaves + ribbon(stem, max(1.0, width / 3))


def _scaled(layer: Image.Image, size: tuple[int, int]) -> Array:
    return np.asarray(layer.resize(size, Image.Resampling.BILINEAR), np.float32) / 255.0


def paint_leaves(shape: tuple[int, int], leaves: list[Polygon], tones: list[float]) -> Foliage:
    """Leaves drawn in order (later ones in front) at 1 / DRAW_SCALE of `shape` and scaled up: what they
    cover, and each leaf's own tone."""
    height, width = shape
    small = (max(1, -(-width // DRAW_SCALE)), max(1, -(-height // DRAW_SCALE)))
    cover, tone = Image.new("L", small), Image.new("L", small)
    draw_cover, draw_tone = ImageDraw.Draw(cover), ImageDraw.Draw(tone)
    for leaf, value in zip(leaves, tones, strict=True):
        points = [(x / DRAW_SCALE, y / DRAW_SCALE) for x, y in leaf]
        draw_cover.polygon(points, fill=255)
        draw_tone.polygon(points, fill=round(1 + 254 * min(1.0, max(0.0, value))))
    covered = _scaled(cover, (width, height))
    return Foliage(covered, np.clip(_scaled(tone, (width, height)) / np.maximum(covered, 1e-3), 0, 1))


def _extent(mask: Array, margin: int) -> Region:
    """The rows and columns around what `mask` covers, `margin` pixels wider on every side."""
    rows, columns = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if not len(rows):
        return slice(0, 0), slice(0, 0)
    return (
        slice(max(0, rows[0] - margin), rows[-1] + margin + 1),
        slice(max(0, columns[0] - margin), columns[-1] + margin + 1),
    )


def soft_over(image: Array, paint: Paint, cover: Array, radius: float) -> Array:
    """A layer laid over `image` where `cover` says, in `paint`'s colours, out of focus by `radius` pixels:
    blurred as light is (premultiplied by its cover), so its edges melt into what lies behind. Only the
    part of the canvas it covers is painted and blurred."""
    region = _extent(cover > 1e-3, math.ceil(3 * radius) + 1)
    out = image.copy()
    part = cover[region]
    covered = blur(part, radius)[..., None] if radius > 0 else part[..., None]
    colour = paint(region) * part[..., None]
    colour = blur(colour, radius) if radius > 0 else colour
    out[region] = image[region] * (1 - covered) + colour
    return out


def layer(colour: Array) -> Paint:
    """A canvas-sized (H, W, 3) colour as a paint."""
    return lambda region: colour[region]


def shifted(mask: Array, dx: int, dy: int) -> Array:
    """`mask` moved `dx` pixels right and `dy` down (what moves in from the edge is empty)."""
    out = np.zeros_like(mask)
    height, width = mask.shape[:2]
    if abs(dx) >= width or abs(dy) >= height:
        return out
    out[max(0, dy) : height + min(0, dy), max(0, dx) : width + min(0, dx)] = mask[
        max(0, -dy) : height + min(0, -dy), max(0, -dx) : width + min(0, -dx)
    ]
    return out


def _greens(palette: list[Array]) -> tuple[Array, Array]:
    """The shadowed and the lit green of a scene's leaves, from its two accents (the lighter lit)."""
    first = accent(palette, 2, (0.18, 0.42, 0.24))
    second = accent(palette, 3, (0.37, 0.64, 0.42))
    deep, lit = sorted((first, second), key=lambda colour: float(colour.sum()))
    return deep * 0.45, np.clip(lit * 1.08 + np.array([0.05, 0.06, 0.0], np.float32), 0, 1)


def leaf_colour(foliage: Foliage, dark: Array, lit: Array) -> Paint:
    """Each leaf's colour between `dark` and `lit` by its tone."""
    return lambda region: dark + (lit - dark) * foliage.tone[region][..., None]


# --- palm fronds and ferns ---------------------------------------------------------------------------
def _palms(
    rng: np.random.Generator, shape: tuple[int, int], side: float, count: int, reach: float
) -> list[Frond]:
    """Fronds reaching in from the top corner on `side` (-1 left, 1 right), towards the middle and down
    (from as low as `reach` of the height)."""
    height, width = shape
    inward = -side
    corner = 0.0 if side < 0 else float(width)
    fronds = []
    for _ in range(count):
        start = (corner - inward * rng.uniform(0.0, 0.08) * width, rng.uniform(-0.15, reach) * height)
        angle = (0.0 if inward > 0 else math.pi) + inward * rng.uniform(0.1, 0.3 + reach)
        bend = inward * rng.uniform(0.2, 0.6)
        fronds.append(Frond(start, angle, rng.uniform(0.3, 0.5) * width, bend, 0.3, PALM_LEAFLET_ANGLE))
    return fronds


def _tones(rng: np.random.Generator, leaves: list[Polygon], side: float, width: int) -> list[float]:
    """Each leaf's tone: its own (leaflets turn to the light at their own angles), lighter on the key
    light's side of the canvas."""
    towards = [side * (sum(x for x, _ in leaf) / len(leaf) / width - 0.5) for leaf in leaves]
    return [float(t) for t in rng.uniform(0.05, 0.75, len(leaves)) + 0.4 * np.array(towards)]


def palm_fronds(
    image: Array, palette: list[Array], rng: np.random.Generator, horizon: float, light: str = "top_right"
) -> Array:
    """Tropical palm fronds as a photographer shoots them: fronds beside the key light, out of frame, throw
    hard-edged shadows across the wall away from it, and a frond close to the lens reaches in from the
    other top corner, out of focus, its leaflets each their own green."""
    height, width = image.shape[:2]
    side = key_side(light, rng)
    leaf = max(2.0, height * 0.024)
    casting = [
        shape
        for f in _palms(rng, (height, width), side, 4, 0.35)
        for shape in frond_leaves(f, leaf, PALM_LEAFLETS, rng)
    ]
    shadow = paint_leaves((height, width), casting, [1.0] * len(casting)).cover
    wall = (np.arange(height) < horizon * height)[:, None]
    image = image * (1 - FROND_SHADOW * blur(shadow, 0.7) * wall)[..., None]
    near = [
        shape
        for f in _palms(rng, (height, width), -side, 2, 0.05)
        for shape in frond_leaves(f, leaf * 1.5, PALM_LEAFLETS, rng)
    ]
    foliage = paint_leaves((height, width), near, _tones(rng, near, side, width))
    colour = leaf_colour(foliage, *_greens(palette))
    return np.clip(soft_over(image, colour, foliage.cover, NEAR_BLUR * width), 0, 1)


def _ferns(rng: np.random.Generator, shape: tuple[int, int], base: float) -> list[Frond]:
    """Ferns rising from the ground at both sides, arching outwards and over."""
    height, width = shape
    fronds = []
    for side in (0.12, 0.88):
        for _ in range(int(rng.integers(3, 6))):
            lean = (1.0 if side > 0.5 else -1.0) * rng.uniform(0.25, 1.0)
            start = (side * width + rng.uniform(-0.08, 0.08) * width, base)
            length = rng.uniform(0.3, 0.5) * height
            fronds.append(Frond(start, -math.pi / 2 + lean, length, lean * 1.3, 0.22, FERN_LEAFLET_ANGLE))
    return fronds


def _moss(image: Array, palette: list[Array], rng: np.random.Generator, horizon: float) -> Array:
    """Moss in patches on the ground, wider than deep as the ground is seen at a slant."""
    height, width = image.shape[:2]
    top = min(height - 1, int(horizon * height) + 1)  # the ground's first row
    patches = noise((height, max(2, width // 3)), 4, rng, 3)  # stretched: the ground recedes from the camera
    wide = np.asarray(
        Image.fromarray(patches[top:], "F").resize((width, height - top), Image.Resampling.BILINEAR)
    )
    out = image.copy()
    out[top:] = mix(
        image[top:], accent(palette, 2, (0.3, 0.5, 0.22)) * 0.7, np.clip((wide - 0.45) * 4.0, 0, 1) * MOSS
    )
    return out


def _fern_shadow(image: Array, cover: Array, light: str, horizon: float) -> Array:
    """The ferns' shadow on the wall behind them, away from the key light, soft in a forest's light."""
    height = image.shape[0]
    wall = max(1, int(horizon * height))  # the wall's rows
    dx, dy = shadow_offset(light)
    reach = height * 0.035  # how far behind the ferns the wall stands, on the canvas
    shadow = blur(shifted(cover[:wall], round(dx * reach), round(dy * reach)), 2.5)
    out = image.copy()
    out[:wall] = image[:wall] * (1 - FERN_SHADOW * shadow)[..., None]
    return out


def ferns(
    image: Array, palette: list[Array], rng: np.random.Generator, horizon: float, light: str = "top_left"
) -> Array:
    """Ferns rising from the ground at both sides behind the product, each pinna its own green and lighter
    towards the key light, their shadow on the wall; moss in patches on the ground, and a fern close to the
    lens in the bottom corner away from the light, out of focus."""
    height, width = image.shape[:2]
    side = key_side(light, rng)
    image = _moss(image, palette, rng, horizon)
    pinna = max(2.0, height * 0.02)
    behind = [
        s
        for f in _ferns(rng, (height, width), horizon * height + height * 0.04)
        for s in frond_leaves(f, pinna, FERN_LEAFLETS, rng)
    ]
    foliage = paint_leaves((height, width), behind, _tones(rng, behind, side, width))
    image = _fern_shadow(image, foliage.cover, light, horizon)
    dark, lit = _greens(palette)
    lit = np.clip(lit * 1.12 + 0.04, 0, 1)  # fronds the light shines through
    image = soft_over(image, leaf_colour(foliage, dark, lit), foliage.cover, 1.0)
    corner = Frond(
        ((0.5 - side * 0.47) * width, height * 1.02),
        -math.pi / 2 + side * 0.45,
        height * 0.75,
        side * 0.6,
        0.24,
        FERN_LEAFLET_ANGLE,
    )
    near = frond_leaves(corner, pinna * 2.2, FERN_LEAFLETS, rng)
    foliage = paint_leaves((height, width), near, _tones(rng, near, side, width))
    return np.clip(
        soft_over(image, leaf_colour(foliage, dark * 0.8, lit), foliage.cover, NEAR_BLUR * width), 0, 1
    )


# --- desert dunes ------------------------------------------------------------------------------------
DUNE_RIDGES = ((0.0, 0.34), (0.35, 0.25), (0.7, 0.17), (1.0, 0.1))  # (nearness, crest's rise), far to near
DUNE_HAZE = 0.62  # the farthest ridge takes this much of the haze's colour (aerial perspective)
HAZE = (0.93, 0.95, 0.98)  # the pale sky low over the horizon
DUNE_BLUR = 1.2  # far dunes are out of focus: pixels of blur before the lens adds the wall's


@dataclass(frozen=True)
class Dune:
    """One ridge of sand: its crest's row at each column, and how near it lies (0 farthest … 1 nearest)."""

    crest: Array
    nearness: float


def _pale_sky(image: Array, top: Array, horizon_y: int) -> Array:
    """The image with a clear sky above `horizon_y`: `top`'s colour overhead, paler towards the horizon."""
    out = image.copy()
    t = np.linspace(0.0, 1.0, max(1, horizon_y), dtype=np.float32)[:, None, None]
    out[:horizon_y] = (top * (1 - t) + np.array(HAZE, np.float32) * t) * np.ones(
        (1, image.shape[1], 1), np.float32
    )
    return out


def _crest(rng: np.random.Generator, width: int, horizon_y: int, rise: float) -> Array:
    """A winding crest line, `rise` pixels above the horizon at its highest."""
    columns = np.linspace(0.0, 1.0, width, dtype=np.float32)
    phase, waves = rng.uniform(0, 2 * np.pi, 3), rng.uniform(0.8, 3.0, 3)
    profile = sum(np.sin(columns * w * 2 * np.pi + p) for w, p in zip(waves, phase, strict=True)) / 3
    return (horizon_y - rise * (0.55 + 0.45 * profile)).astype(np.float32)


def _dune_light(dune: Dune, below: Array, side: float, warp: Array, height: int) -> Array:
    """How bright a dune's sand is: its flanks lit or shadowed as they turn to the key light or away
    (`side` -1 left … 1 right), soft light along the crest, and wind ripples parallel to it, finer and
    fainter with distance."""
    facing = np.clip(np.gradient(dune.crest)[None, :] * 3.0, -1, 1) * side  # > 0: the flank faces the light
    flank = np.exp(-below / (height * 0.12))
    crest = np.exp(-below / (height * 0.012)) * np.clip(0.5 + facing, 0, 1)
    period = height * (0.016 + 0.03 * dune.nearness)
    ripples = np.sin(2 * np.pi * (below + warp * height * 0.06) / period)
    return 0.88 + 0.4 * facing * flank + 0.14 * crest + (0.01 + 0.06 * dune.nearness**2) * ripples


def _ridge(out: Array, dune: Dune, colours: tuple[Array, Array], side: float, warp: Array) -> None:
    """Lays one ridge over `out` (in place) from its crest down to the horizon: sand lit by the key light,
    hazier the farther it lies."""
    sand, haze = colours
    horizon_y = warp.shape[0]
    top = max(0, min(horizon_y - 1, int(dune.crest.min())))
    below = np.arange(top, horizon_y, dtype=np.float32)[:, None] - dune.crest[None, :]
    light = _dune_light(dune, np.maximum(below, 0), side, warp[top:], out.shape[0])
    tone = mix(sand * light[..., None], haze, DUNE_HAZE * (1 - dune.nearness))
    out[top:horizon_y] = mix(out[top:horizon_y], tone, np.clip(below / 1.5, 0, 1))


def dunes(
    image: Array, palette: list[Array], rng: np.random.Generator, horizon: float, light: str = "left"
) -> Array:
    """Desert dunes behind the floor under a pale sky: ridges one behind the other, each with a flank in
    the key light and one in shadow below a winding crest, wind ripples across the sand, and the haze of
    distance over the farther ones (paler, flatter)."""
    height, width = image.shape[:2]
    horizon_y = int(horizon * height)
    if horizon_y < 4:
        return image
    out = _pale_sky(image, accent(palette, 3, (0.97, 0.93, 0.85)), horizon_y)
    sand = accent(palette, 1, (0.85, 0.64, 0.42))
    haze = mix(np.array(HAZE, np.float32), sand, 0.35)
    warp = noise((horizon_y, width), 6, rng, 2)
    for nearness, rise in DUNE_RIDGES:
        dune = Dune(_crest(rng, width, horizon_y, rise * height), nearness)
        _ridge(out, dune, (sand, haze), light_vector(light)[0], warp)
    band = slice(max(0, horizon_y - int(height * 0.4)), horizon_y)
    out[band] = blur(out[band], DUNE_BLUR)
    return np.clip(out, 0, 1)


# --- the sea and a city on the horizon ---------------------------------------------------------------
WATER = (0.05, 0.27, 0.45)  # open water's own deep blue
SEA_DEPTH = 0.1  # the band of water's height, as a share of the canvas's height
GLITTER = (1.0, 0.95, 0.84)  # the sun's glints on the water
SPARKLE = 0.05  # the share of the water in the sun's path that sparkles, nearest the shore
GLINT = 5  # a glint's length along the water, in pixels


def _water(palette: list[Array]) -> Array:
    """The water's colour: deep blue, towards the scene's third colour where that is a blue (its sea)."""
    water = np.array(WATER, np.float32)
    return mix(water, palette[2] * 0.8, 0.5) if len(palette) > 2 and palette[2][2] > palette[2][0] else water


def _swell(rng: np.random.Generator, shape: tuple[int, int], near: Array) -> Array:
    """Long swells across the water: brightness in streaks, stretched along the horizon, stronger near."""
    rows, width = shape
    streaks = noise((rows, max(2, width // 16)), 3, rng, 2)
    wide = np.asarray(Image.fromarray(streaks, "F").resize((width, rows), Image.Resampling.BILINEAR))
    return 1.0 + (wide - 0.5) * (0.1 + 0.3 * near[..., 0])


def _glitter(rng: np.random.Generator, shape: tuple[int, int], light: str, near: Array) -> Array:
    """The sun's glitter: a path of glints below the key light, widening towards the shore, each glint a
    short horizontal streak, over a faint sheen."""
    width = shape[1]
    sun = (0.5 + 0.35 * light_vector(light)[0]) * width
    spread = width * (0.04 + 0.1 * near[..., 0])
    path = np.exp(-(((np.arange(width)[None, :] - sun) / spread) ** 2))
    glints = (rng.random(shape, dtype=np.float32) < path * SPARKLE * (0.2 + near[..., 0])).astype(np.float32)
    streaks = sum(np.roll(glints, shift, axis=1) for shift in range(-(GLINT // 2), GLINT // 2 + 1)) / GLINT
    return (streaks * 2.0 + 0.1 * path)[..., None] * np.array(GLITTER, np.float32)


def sea_horizon(
    image: Array, palette: list[Array], rng: np.random.Generator, horizon: float, light: str = "top_right"
) -> Array:
    """A band of sea or lake along the horizon, behind the floor: as pale as the sky where it meets it (the
    haze of distance), deeper and bluer towards the shore, with long swells across it and the sun's
    glitter in a path below the key light."""
    height, width = image.shape[:2]
    top, bottom = int(height * (horizon - SEA_DEPTH)), int(height * horizon)
    if bottom - top < 4 or top < 1:
        return image
    shape = (bottom - top, width)
    near = np.linspace(0.0, 1.0, shape[0], dtype=np.float32)[:, None, None] ** 0.7
    sky, water = image[top - 1].mean(axis=0), _water(palette)
    band = mix(mix(sky, water, 0.35), water, near) * np.ones((1, width, 1), np.float32)
    band = band * _swell(rng, shape, near)[..., None] + _glitter(rng, shape, light, near)
    haze = np.exp(-np.arange(shape[0], dtype=np.float32) / (shape[0] * 0.2))[:, None]
    out = image.copy()
    out[top:bottom] = np.clip(blur(mix(band, sky * 1.04, 0.75 * haze), 0.6), 0, 1)
    return out


SKYLINE_BLUR = 0.006  # the city far behind the product: its blur, as a share of the canvas's width
CITY_LIGHTS = 160  # windows tried for a light (those that fall on a building are lit)
WINDOW_LIGHTS = ((1.0, 0.74, 0.4), (1.0, 0.86, 0.62), (0.92, 0.93, 1.0))  # sodium, tungsten, cool office


def _rooftops(rng: np.random.Generator, width: int, tallest: float) -> Array:
    """How high the city stands at each column: blocks of buildings, a few towers among them."""
    heights = np.zeros(width, np.float32)
    x = 0
    while x < width:
        block = int(rng.integers(max(1, width // 70), max(2, width // 14)))
        heights[x : x + block] = tallest * rng.uniform(0.2, 1.0) ** 1.6
        x += block + int(rng.integers(0, width // 120 + 1))
    return heights


def _disc(radius: float) -> Array:
    """An out-of-focus point of light: a disc with a soft rim, `radius` pixels."""
    reach = math.ceil(radius) + 1
    ys, xs = np.mgrid[-reach : reach + 1, -reach : reach + 1].astype(np.float32)
    return np.clip(radius + 0.5 - np.hypot(ys, xs), 0, 1)


def _city_lights(rng: np.random.Generator, heights: Array, rows: int) -> Array:
    """Lit windows, out of focus: discs of warm and cool light where a building stands, in a band `rows`
    high ending at the horizon."""
    width = len(heights)
    lights = np.zeros((rows, width, 3), np.float32)
    for _ in range(CITY_LIGHTS):
        x, up = int(rng.integers(width)), rng.uniform(0.05, 0.95)
        radius = rng.uniform(0.0025, 0.0055) * width
        disc = _disc(radius)[..., None] * WINDOW_LIGHTS[int(rng.integers(3))] * rng.uniform(0.2, 0.8)
        y, reach = rows - 1 - int(up * heights[x]), disc.shape[0] // 2
        inside = reach <= y < rows - reach and reach <= x < width - reach
        if heights[x] < 2 * radius or not inside:
            continue
        lights[y - reach : y + reach + 1, x - reach : x + reach + 1] += disc
    return lights


def skyline(
    image: Array, palette: list[Array], rng: np.random.Generator, horizon: float, light: str = "back"
) -> Array:
    """A city on the horizon far behind the product, out of focus: two rows of soft building masses, the
    farther paler in the haze, their lit windows discs of warm light, and a glow of haze along the
    ground."""
    height, width = image.shape[:2]
    horizon_y = int(height * horizon)
    rows = min(horizon_y, int(height * 0.3))
    if rows < 4:
        return image
    sky = image[horizon_y - rows]
    dark = accent(palette, 3, (0.3, 0.28, 0.36)) * 0.35
    band = image[horizon_y - rows : horizon_y].copy()
    ys = np.arange(rows, dtype=np.float32)[::-1, None]  # pixels above the horizon
    for tallest, haze in ((rows * 0.95, 0.55), (rows * 0.6, 0.2)):  # the far row, then the near one
        heights = _rooftops(rng, width, tallest)
        standing = blur((ys < heights[None, :]).astype(np.float32), SKYLINE_BLUR * width)
        band = mix(band, mix(dark, sky, haze), standing)
        band = band + _city_lights(rng, heights, rows) * standing[..., None]
    glow = np.exp(-ys / (rows * 0.18))[..., None] * 0.35  # haze over the streets, lit from below
    out = image.copy()
    out[horizon_y - rows : horizon_y] = mix(band, sky * 1.1 + 0.05, glow)
    return np.clip(out, 0, 1)
