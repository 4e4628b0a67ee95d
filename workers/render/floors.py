"""Floor surfaces of the studio engine: the scene's material painted below the horizon, in perspective.

Every material is a function of the floor's world coordinates (`u` across, `v` depth, both in metres-ish
units) and of `depth` (0 at the horizon, 1 at the bottom edge), never of pixel indices: whoever computes
u and v (a flat perspective today, a ray-cast camera tomorrow) gets the same planks, weave and pores.
Patterns are band-limited: a pattern whose period falls below about two pixels (where the perspective
packs it) fades to its mean instead of aliasing. Each material ends in `_finish`: light falling off a
little towards the front and a soft specular band from a light above and behind the set, broad and dim on
rough materials, narrow and bright on polished ones (`ROUGHNESS`), moved by the material's relief.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from scipy import ndimage

from presets import Scene
from workers.render.paint import Array, mix, noise, smoothstep
from workers.render.set3d import FLOOR, Plate

# 0 = a perfect mirror ... 1 = fully matte. The renderer scales its Fresnel reflection by it, and the
# floor's own specular band narrows and brightens as it falls.
ROUGHNESS: dict[str, float] = {
    "seamless": 1.0, "matte": 0.9, "glossy": 0.08, "marble": 0.2, "wood": 0.5, "concrete": 0.85,
    "linen": 0.95, "terrazzo": 0.18, "water": 0.04, "sand": 0.95, "stone": 0.75, "glass": 0.03,
    "velvet": 1.0, "raked_sand": 0.95, "grass": 1.0, "moss": 1.0, "ice": 0.1, "snow": 0.85, "silk": 0.4,
    "paper": 0.95, "metal": 0.3, "mirror": 0.0, "slate": 0.6,
}  # fmt: skip

TABLE = 256  # the random lattice every noise samples, wrapped: far larger than any pattern's repeat


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


def _gradient(a: Array, axis: int) -> Array:
    if a.shape[axis] < 2:
        return np.zeros(a.shape, np.float32)
    return np.gradient(a, axis=axis).astype(np.float32)


ROW_LIMIT = (
    0.35  # at most this many lattice cells of a pattern per pixel row (its depth squeezed by the view)
)


@dataclass
class _World:
    """A floor's world coordinates per pixel, their change over one pixel (for band-limiting and relief)
    and the random lattice its noises sample.

    Patterns are filtered per axis: across (`u`), a pattern finer than about two pixels fades out; along
    the depth, where the view squeezes many cells into one row, the pattern's depth coordinate advances
    at most `ROW_LIMIT` cells a row (stretched, as a lens smears it) and its contrast drops as an average
    over the cells it stands for. Near the camera both are exact world coordinates."""

    f: Floor
    u: Array = field(init=False)
    v: Array = field(init=False)
    ux: Array = field(init=False)
    uy: Array = field(init=False)
    vx: Array = field(init=False)
    vy: Array = field(init=False)
    spread: Array = field(init=False)
    table: Array = field(init=False)
    padded: Array = field(init=False)
    _along: dict[float, tuple[Array, Array]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        shape = self.f.size
        self.u = np.broadcast_to(self.f.u, shape).astype(np.float32)
        self.v = np.broadcast_to(self.f.v, shape).astype(np.float32)
        self.ux, self.uy = _gradient(self.u, 1), _gradient(self.u, 0)
        self.vx, self.vy = _gradient(self.v, 1), _gradient(self.v, 0)
        # World units across per pixel, along the row: the change down a column (the perspective
        # converging at the sides) lies mostly along the depth, which `along` filters.
        self.spread = np.abs(self.ux) + 0.25 * np.abs(self.uy)
        self.table = self.f.rng.random(TABLE * TABLE * 3, dtype=np.float32)
        # The same lattice with its first row and column repeated after the last: a cell's four corners
        # are index, +1, +TABLE+1 and +TABLE+2, no wrapping per corner.
        self.padded = np.pad(
            self.table.reshape(3, TABLE, TABLE), ((0, 0), (0, 1), (0, 1)), mode="wrap"
        ).ravel()

    @property
    def depth(self) -> Array:
        return np.broadcast_to(self.f.depth, self.f.size).astype(np.float32)

    def along(self, scale: float) -> tuple[Array, Array]:
        """The depth coordinate in cells of a pattern with `scale` cells per unit, advancing at most
        `ROW_LIMIT` cells a row, and the contrast left to the pattern there (1 where it is resolved)."""
        key = float(scale)
        if key not in self._along:
            y = self.v * np.float32(scale)
            contrast = np.ones(self.f.size, np.float32)
            if y.shape[0] > 1:
                step = np.diff(y, axis=0)
                clipped = np.clip(step, -ROW_LIMIT, ROW_LIMIT)
                y = y.copy()
                y[:-1] = y[-1:] - np.cumsum(clipped[::-1], axis=0)[::-1]
                squeeze = np.sqrt(np.maximum(1.0, np.abs(step) / ROW_LIMIT))
                contrast[:-1] = 1.0 / squeeze
                contrast[-1] = contrast[-2]
            self._along[key] = (y, contrast)
        return self._along[key]

    def fade(self, su: float) -> Array:
        """1 while a pattern with su periods per unit across spans at least 3 pixels, 0 from 2 down."""
        return np.clip((0.5 - su * self.spread) * 6.0, 0.0, 1.0)

    def pixel_cells(self, su: float, sv: float) -> Array:
        """A pixel's size in cells of a pattern (su across, sv along the depth, the depth as `along`)."""
        return np.maximum(su * self.spread, np.minimum(sv * np.abs(self.vy), ROW_LIMIT))

    def hash(self, i: Array, j: Array | int = 0, layer: int = 0) -> Array:
        """A random value in [0, 1) per integer lattice point."""
        return self.table[layer * TABLE * TABLE + ((np.asarray(j) & (TABLE - 1)) * TABLE + (i & (TABLE - 1)))]

    def value(self, x: Array, y: Array, layer: int = 0) -> Array:
        """Smooth value noise in [0, 1] at lattice coordinates x, y (the lattice turned a little, so that
        no blob or pore lines up with the floor's axes)."""
        x, y = _turned(x, y)
        xf, yf = np.floor(x), np.floor(y)
        tx, ty = x - xf, y - yf
        tx, ty = tx * tx * (3 - 2 * tx), ty * ty * (3 - 2 * ty)
        index = (yf.astype(np.int32) & (TABLE - 1)) * (TABLE + 1) + (xf.astype(np.int32) & (TABLE - 1))
        index += layer * (TABLE + 1) ** 2
        a, b = np.take(self.padded, index), np.take(self.padded, index + 1)
        c, d = np.take(self.padded, index + TABLE + 1), np.take(self.padded, index + TABLE + 2)
        top = a + (b - a) * tx
        return top + (c + (d - c) * tx - top) * ty

    def sample(self, su: float, sv: float, seed: int = 0) -> tuple[Array, Array]:
        """Value noise in [0, 1] with su cells per unit across and sv along the depth (filtered), and the
        weight its detail keeps at each pixel (0 where it is too fine to show)."""
        y, contrast = self.along(sv)
        offset = 31.7 * (seed + 1)
        sample = self.value(self.u * np.float32(su) + offset, y - offset, seed % 3)
        return sample, self.fade(su * 0.5) * contrast

    def fbm(self, su: float, sv: float, octaves: int, seed: int = 0, gain: float = 0.5) -> Array:
        """Band-limited fractal noise in about [-0.5, 0.5] (mean 0): `octaves` of value noise from su cells
        per unit across and sv along the depth, each doubling, each filtered as `sample`."""
        total = np.zeros(self.f.size, np.float32)
        amplitude, norm = 1.0, 0.0
        for octave in range(octaves):
            scale = 2.0**octave
            norm += amplitude
            if float((self.spread.min()) * su * scale * 0.5) < 0.5:
                sample, weight = self.sample(su * scale, sv * scale, seed * 5 + octave)
                total += (amplitude * weight) * (sample - 0.5)
            amplitude *= gain
        return total / norm

    def cells(self, su: float, sv: float, seed: int = 0) -> tuple[Array, Array, Array, Array]:
        """Voronoi cells, su per unit across and sv along the depth (filtered): the distance to the nearest
        feature point and to the cell's border (F2 - F1, 0 on it) in cells, a random value per cell, and
        the weight the cells' detail keeps at each pixel. Feature points lie in the middle half of their
        cell, so the 2 x 2 nearest cells hold the nearest two."""
        y, contrast = self.along(sv)
        x, y = _turned(self.u * np.float32(su) + 17.3 * seed, y - 5.1 * seed)
        first, second, ident = self._nearest_two(x, y)
        return first, second - first, ident, self.fade(su * 0.35) * contrast

    def _nearest_two(self, x: Array, y: Array) -> tuple[Array, Array, Array]:
        """The distance to the nearest and to the second nearest feature point at lattice coordinates
        x, y, and the nearest one's cell's random value, searched in the 2 x 2 cells nearest the point."""
        xi, yi, fx, fy = _nearest_cells(x, y)
        first = np.full(x.shape, 9.0, np.float32)
        second = np.full(x.shape, 9.0, np.float32)
        ident = np.zeros(x.shape, np.float32)
        for dy in (0, 1):
            for dx in (0, 1):
                px = dx + 0.25 + 0.5 * self.hash(xi + dx, yi + dy, 1) - fx
                py = dy + 0.25 + 0.5 * self.hash(xi + dx, yi + dy, 2) - fy
                dist = px * px + py * py
                nearer = dist < first
                second = np.where(nearer, first, np.minimum(second, dist))
                ident = np.where(nearer, self.hash(xi + dx, yi + dy, 0), ident)
                first = np.where(nearer, dist, first)
        return np.sqrt(first), np.sqrt(second), ident

    def slopes(self, height: Array) -> tuple[Array, Array]:
        """A height field's (world units) slope across and along the depth, through the pixel grid."""
        hx, hy = _gradient(height, 1), _gradient(height, 0)
        det = self.ux * self.vy - self.uy * self.vx
        det = np.where(np.abs(det) < 1e-12, 1e-12, det)
        return (hx * self.vy - hy * self.vx) / det, (hy * self.ux - hx * self.uy) / det

    def across(self) -> Array:
        """Where a pixel lies across the view, as a direction (0 ahead, about +-0.5 at the canvas edges)."""
        centre = self.u.mean(axis=1, keepdims=True)
        return (self.u - centre) / np.maximum(np.abs(self.v), 1e-3)


def _turned(x: Array, y: Array) -> tuple[Array, Array]:
    """Lattice coordinates turned a little, so that no blob, pore or cell lines up with the floor's axes."""
    return x * np.float32(0.8) - y * np.float32(0.6), x * np.float32(0.6) + y * np.float32(0.8)


def _nearest_cells(x: Array, y: Array) -> tuple[Array, Array, Array, Array]:
    """The lower-left of the 2 x 2 lattice cells whose centres lie nearest each point, and the point's
    position from that cell's corner (in [0.5, 1.5))."""
    xf, yf = np.floor(x), np.floor(y)
    fx, fy = x - xf, y - yf
    xi = xf.astype(np.int32) - (fx < 0.5)
    yi = yf.astype(np.int32) - (fy < 0.5)
    fx = fx + (fx < 0.5)
    fy = fy + (fy < 0.5)
    return xi, yi, fx, fy


def _rgb(colour: Array, shape: tuple[int, int]) -> Array:
    return np.broadcast_to(np.asarray(colour, np.float32), (*shape, 3))


def _natural(base: Array, natural: tuple[float, float, float], keep: float = 0.7) -> Array:
    """A material with a colour of its own (grass, moss, ice): the palette's base where it is of that hue,
    else the natural colour at a brightness between the two."""
    base = np.asarray(base, np.float32)
    nat = np.asarray(natural, np.float32)
    chroma, nat_chroma = base - base.mean(), nat - nat.mean()
    alike = float(np.dot(chroma, nat_chroma) / (np.linalg.norm(chroma) * np.linalg.norm(nat_chroma) + 1e-6))
    weight = keep * float(np.clip(np.ptp(base) * 5, 0, 1)) * max(0.0, alike)
    lum = 0.6 * float(nat.mean()) + 0.4 * float(base.mean())
    natural_colour = nat * (lum / max(float(nat.mean()), 1e-3))
    return mix(natural_colour, base, weight)


def _finish(
    w: _World, albedo: Array, roughness: float, slope: Array | None = None, strength: float = 1.0
) -> Array:
    """Light on the material: a little dimmer towards the front, and the specular band of a light above
    and behind the set, its centre moved by the relief's slope along the depth."""
    depth = w.depth
    lit = albedo * (1.0 - 0.09 * depth)[..., None]
    centre = 0.1 + 0.12 * roughness
    width = 0.06 + 0.42 * roughness
    offset = depth - centre
    if slope is not None:
        offset = offset + np.clip(slope, -1.0, 1.0) * (0.35 * (1.0 - 0.5 * roughness))
    band = np.exp(-((offset / width) ** 2)) * np.exp(-((w.across() / (0.35 + 0.9 * roughness)) ** 2))
    power = strength * (0.04 + 0.3 * (1.0 - roughness) ** 2)
    light = mix(np.ones(3, np.float32), np.asarray(w.f.wall, np.float32), 0.25)
    return lit + (band * power)[..., None] * light


def _lines(t: Array, width: float) -> Array:
    """Lines at every whole value of `t` (in [0, 1], 1 on a line), `width` wide in t's units but never
    thinner than a pixel, and fainter as they widen so they keep their weight: no dashed, aliased seams
    where the perspective packs many planks into few pixels."""
    across, down = _gradient(t, 1), _gradient(t, 0)
    per_pixel = np.hypot(across, down)  # t's change over one pixel, whichever way the line runs
    wide = np.maximum(width, 0.8 * per_pixel)
    distance = np.abs(t - np.round(t))
    lines: Array = (width / wide) * np.exp(-((distance / wide) ** 2))
    return lines


def marble(base: Array, accent: Array, u: Array, v: Array, detail: Array, rng: np.random.Generator) -> Array:
    """Veined marble laid flat in perspective: long veins that flow one way and wander (a sine bent by
    turbulence), each a fine line in a soft cloud, fading in and out along their length."""
    rows, width = detail.shape
    flat_shape = (256, 512)  # the slab, seen from above: rows = depth, columns = across
    turbulence = noise(flat_shape, 3, rng, 5)
    fade = noise(flat_shape, 2, rng, 2)
    depth = np.broadcast_to((v % 2.0) / 2.0 * (flat_shape[0] - 1), (rows, width))
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


def _marble(f: Floor) -> Array:
    """Polished marble: the veins of `marble` on a slab whose depth is filtered as the view squeezes it,
    faint secondary hairlines, a crystalline shimmer and the polish."""
    w = _World(f)
    v = w.along(20.0)[0] / 20.0
    veined = marble(f.base, f.accent, w.u, v, 0.5 + w.fbm(3, 3, 3, seed=4), f.rng)
    hair, weight = w.sample(5, 5, seed=2)
    hairline = np.exp(-(((hair - 0.5) / 0.02) ** 2)) * w.fade(60) * weight * 0.3
    shimmer = w.fbm(150, 150, 2, seed=1)
    veined = mix(veined, _rgb(f.accent, f.size), hairline) * (1.0 + 0.05 * shimmer)[..., None]
    return _finish(w, veined, ROUGHNESS["marble"])


def _wood(f: Floor) -> Array:
    """Floorboards running away from the viewer: a tone per board, butt joints staggered per plank, grain
    lines that wander and curl round knots, open pores along the grain, and an oiled sheen."""
    w = _World(f)
    b = _boards(w)
    tone = w.hash(b.plank, b.board, 1)
    hue = w.hash(b.plank, b.board, 2)
    swirl, knot = _knots(w, b)
    latewood = _latewood(w, b, hue, swirl)
    pores = w.fbm(450, 14, 2, seed=5)
    figure = w.fbm(60, 3, 2, seed=7)
    shade = (0.84 + 0.24 * tone) * (1.0 - 0.24 * latewood - 0.35 * pores + 0.12 * figure - 0.6 * knot)
    warm = mix(np.asarray(f.base, np.float32), np.asarray(f.accent, np.float32), 0.3)
    colour = mix(_rgb(f.base, f.size), _rgb(warm, f.size), hue) * shade[..., None]
    seams = np.maximum(_lines(b.across, 0.01), _lines(b.within, 0.003))
    colour = colour * (1.0 - 0.55 * seams)[..., None]
    relief = 0.0012 * np.cos(b.inside * 2 * np.pi) + 0.0003 * latewood
    return _finish(w, colour, ROUGHNESS["wood"], w.slopes(relief)[1])


PLANK_WIDTH = 0.13  # a floorboard's width, in the floor's units
BOARD_LENGTH = 1.4  # a floorboard's length


class _Boards(NamedTuple):
    """Where each pixel of a floor lies on its floorboards."""

    across: Array  # in plank widths from the floor's origin
    plank: Array  # which plank (a column of boards)
    inside: Array  # 0..1 across the plank
    board: Array  # which board along the plank
    within: Array  # 0..1 along the board


def _boards(w: _World) -> _Boards:
    """The planks across the floor and their boards along the depth, butt joints staggered per plank."""
    across = w.u / PLANK_WIDTH
    plank = np.floor(across).astype(np.int32)
    inside = across - plank  # 0..1 across the plank
    along = w.v + w.hash(plank, 7) * BOARD_LENGTH
    board = np.floor(along / BOARD_LENGTH).astype(np.int32)
    within = along / BOARD_LENGTH - board  # 0..1 along the board
    return _Boards(across, plank, inside, board, within)


def _knots(w: _World, b: _Boards) -> tuple[Array, Array]:
    """A knot in some boards: how much the grain's growth rings curl round it, and its dark core."""
    knot_across = 0.2 + 0.6 * w.hash(b.plank, b.board + 3, 0)
    knot_along = 0.15 + 0.7 * w.hash(b.plank, b.board + 5, 1)
    has_knot = w.hash(b.plank, b.board + 9, 2) < 0.5
    squeeze = np.abs(w.vy) * 0.28  # the knot's depth is squeezed as much as the board
    distance = np.hypot((b.inside - knot_across) * PLANK_WIDTH, (b.within - knot_along) * BOARD_LENGTH * 0.28)
    swirl = np.where(has_knot, np.exp(-((distance / 0.03) ** 2)), 0.0)
    core_size = np.maximum(0.007, squeeze)
    knot = np.where(has_knot, np.exp(-((distance / core_size) ** 2)) * (0.007 / core_size), 0.0)
    return swirl, knot


def _latewood(w: _World, b: _Boards, hue: Array, swirl: Array) -> Array:
    """The grain's dark growth-ring lines along each plank, wandering, of varying width, curling round
    the knots (`swirl`), faded where the planks are too narrow to show them."""
    wander = w.fbm(5, 0.6, 3, seed=3) * 1.4
    rings = (b.inside + hue * 3.0) * 8.0 + wander + swirl * 1.6
    ring = np.abs(rings - np.round(rings)) * 2  # 0 on a ring's dark line
    width = np.clip(0.18 + 0.5 * w.fbm(30, 2, 2, seed=6), 0.05, 0.45)
    latewood: Array = (np.exp(-((ring / width) ** 2)) * 0.75 + (1 - ring) * 0.25) * w.fade(8.0 / PLANK_WIDTH)
    return latewood


def _concrete(f: Floor) -> Array:
    """Poured and troweled concrete: cloudy mottling, a speckle of sand and aggregate, and small pores,
    each a dark pit."""
    w = _World(f)
    mottle = w.fbm(2.0, 2.0, 6, seed=1, gain=0.6)
    stain = w.fbm(0.7, 0.7, 2, seed=2)
    speckle = w.fbm(200, 200, 2, seed=3)
    pore, pore_weight = w.sample(110, 110, seed=4)
    small, small_weight = w.sample(260, 260, seed=5)
    pits = np.maximum(
        smoothstep(0.87, 0.94, pore) * pore_weight, smoothstep(0.86, 0.93, small) * small_weight
    )
    shade = 0.97 + 0.35 * mottle + 0.16 * speckle - 0.3 * pits
    colour = mix(_rgb(f.base, f.size), _rgb(f.accent, f.size), np.clip(0.4 + stain * 1.5, 0, 1) * 0.4)
    colour = colour * shade[..., None]
    relief = 0.0004 * w.fbm(60, 60, 3, seed=6)
    return _finish(w, colour, ROUGHNESS["concrete"], w.slopes(relief)[1])


def _layered_stone(f: Floor, dark: float, layers: float, roughness: float, speckled: bool) -> Array:
    """Cleft stone: terraced layers split along the bedding, each a slightly different tone, their edges
    lit on one side and shadowed on the other; micro-relief and mineral grains."""
    w = _World(f)
    bedding = (w.fbm(1.0, 1.6, 4, seed=1) * 1.6 + 0.5) * layers + 0.8 * w.u
    level = np.floor(bedding)
    frac = bedding - level
    edge = smoothstep(0.8, 1.0, frac)
    step_tone = w.hash(level.astype(np.int32), 11, 1) - 0.5
    micro = w.fbm(40, 40, 4, seed=2, gain=0.6)
    height = 0.006 * (level + edge) / max(layers, 1.0) + 0.0012 * micro
    across_slope, depth_slope = w.slopes(height)
    relief = np.clip(-depth_slope * 3.0 - across_slope * 1.0, -0.3, 0.3)
    mottle = w.fbm(3, 3, 4, seed=3)
    lip = np.exp(-(((frac - 0.8) / 0.05) ** 2)) * w.fade(layers * 2.0)  # the worn edge of a layer
    shade = dark * (0.95 + 0.22 * step_tone + 0.3 * mottle + 0.2 * micro + 0.12 * lip) * (1.0 + relief)
    colour = mix(_rgb(f.base, f.size), _rgb(f.accent, f.size), np.clip(0.3 + mottle * 1.5, 0, 1) * 0.45)
    colour = colour * shade[..., None]
    if speckled:
        colour = _mineral_grains(w, colour)
    return _finish(w, colour, roughness, depth_slope)


def _mineral_grains(w: _World, colour: Array) -> Array:
    """A stone's colour speckled with dark and light mineral grains."""
    grain, weight = w.sample(220, 220, seed=4)
    colour = colour * (1.0 - 0.35 * smoothstep(0.76, 0.9, grain) * weight)[..., None]
    return colour + (0.1 * smoothstep(0.2, 0.06, grain) * weight)[..., None]


def _stone(f: Floor) -> Array:
    return _layered_stone(f, 0.95, 3.0, ROUGHNESS["stone"], speckled=True)


def _slate(f: Floor) -> Array:
    base = _natural(f.base, (0.2, 0.215, 0.235), keep=0.6)
    dark = Floor(base, base * 1.4 + 0.03, f.wall, f.u, f.v, f.depth, f.detail, f.rng)
    return _layered_stone(dark, 0.9, 6.0, ROUGHNESS["slate"], speckled=False)


def _linen(f: Floor) -> Array:
    """Plain-woven linen: warp and weft threads crossing over and under, slubs (thick stretches of yarn)
    here and there, yarn a shade lighter or darker thread by thread, and soft folds across the cloth."""
    w = _World(f)
    pitch = 0.0032  # one thread
    x = w.u / pitch
    y, contrast = w.along(1.0 / pitch)
    warp_index, weft_index = np.floor(x).astype(np.int32), np.floor(y).astype(np.int32)
    slub_warp = smoothstep(0.6, 0.85, w.value(w.along(20.0)[0], warp_index * np.float32(0.37), 1))
    slub_weft = smoothstep(0.6, 0.85, w.value(w.u * 20.0, weft_index * np.float32(0.37), 2))
    over = np.sin(np.pi * x) * np.sin(np.pi * y)  # which thread lies on top at each crossing
    warp = np.sin(np.pi * (x - warp_index)) * (1 + 0.5 * slub_warp)
    weft = np.sin(np.pi * (y - weft_index)) * (1 + 0.5 * slub_weft)
    threads = np.where(over > 0, warp, weft) * (0.7 + 0.3 * np.abs(over))
    heather = w.hash(warp_index, 3, 0) + w.hash(weft_index, 5, 1) - 1.0
    weave = w.fade(0.5 / pitch) * (
        0.22 * (threads - 0.55) * contrast + 0.05 * heather * contrast + 0.07 * slub_warp
    )
    weave = weave + 0.04 * slub_weft * contrast * w.fade(20.0)
    folds = 0.01 * w.fbm(1.6, 0.9, 3, seed=4) + 0.004 * np.sin((w.u * 2.2 + w.v * 0.7) * np.pi)
    depth_slope = w.slopes(folds)[1]
    shade = 1.0 + weave + np.clip(-depth_slope * 2.5, -0.14, 0.14) + 0.03 * w.fbm(6, 6, 2, seed=5)
    return _finish(w, _rgb(f.base, f.size) * shade[..., None], ROUGHNESS["linen"], depth_slope)


def _terrazzo(f: Floor) -> Array:
    """Polished terrazzo: angular marble chips of three sizes and several colours set in a fine speckled
    cement, ground flat and polished."""
    w = _World(f)
    matrix = 1.0 + 0.03 * w.fbm(3, 3, 3, seed=1) + 0.08 * w.fbm(300, 300, 2, seed=2)
    colour = _rgb(f.base, f.size) * matrix[..., None]
    base, accent, wall = (np.asarray(c, np.float32) for c in (f.base, f.accent, f.wall))
    chips = np.stack(
        (accent, wall * 0.78, base * 0.42, np.minimum(base * 1.08 + 0.05, 1.0), mix(accent, base, 0.5))
    )
    mean = chips.mean(axis=0)
    for scale, share, seed in ((14.0, 0.75, 1), (40.0, 0.6, 2), (100.0, 0.5, 3)):
        _, border, ident, weight = w.cells(scale, scale, seed)
        gap = 0.08 + 0.1 * (ident * 7.0 % 1.0)
        edge = np.maximum(w.pixel_cells(scale, scale), 0.02)
        inside = smoothstep(-edge, edge, border - gap) * (ident < share)
        pick = (ident / share * len(chips)).astype(np.int32) % len(chips)
        tone = 0.88 + 0.24 * (ident * 13.0 % 1.0)
        chip = mix(_rgb(mean, f.size), chips[pick] * tone[..., None], weight)
        colour = mix(colour, chip, inside)
    return _finish(w, colour, ROUGHNESS["terrazzo"])


def _sand(f: Floor) -> Array:
    """Beach sand: wind ripples across the view, lit on their windward side, fine grains of several tones
    and the odd sparkle of a quartz grain in the sun."""
    w = _World(f)
    spacing = 0.09
    y, contrast = w.along(1.0 / spacing)
    phase = y + w.fbm(1.2, 1.2, 3, seed=1) * 3.0 + 0.4 * w.u / spacing * 0.1
    ripple = phase - np.floor(phase)
    profile = np.where(ripple < 0.7, ripple / 0.7, (1 - ripple) / 0.3)  # gentle windward, steep lee
    height = 0.005 * smoothstep(0.0, 1.0, profile) * contrast * (0.6 + w.fbm(2, 2, 2, seed=6) * 1.5)
    depth_slope = w.slopes(height)[1]
    grains = w.fbm(400, 400, 2, seed=2)
    dark, dark_weight = w.sample(320, 320, seed=3)
    glint, glint_weight = w.sample(420, 420, seed=4)
    sparkle = smoothstep(0.955, 0.99, glint) * glint_weight
    mottle = w.fbm(2, 2, 3, seed=5)
    shade = 0.97 + 0.12 * mottle + 0.3 * grains - 0.3 * smoothstep(0.8, 0.92, dark) * dark_weight
    shade = shade + np.clip(-depth_slope * 1.6, -0.16, 0.16)
    colour = _rgb(f.base, f.size) * shade[..., None] + (0.5 * sparkle)[..., None]
    return _finish(w, colour, ROUGHNESS["sand"], depth_slope)


def _raked_sand(f: Floor) -> Array:
    """A zen garden's raked sand: parallel furrows running across, wavering a little, each ridge lit on its
    far side and shadowed on the near one, in fine grains."""
    w = _World(f)
    spacing = 0.03
    y, contrast = w.along(1.0 / spacing)
    t = y + 0.5 * w.fbm(1.5, 1.5, 2, seed=1)
    ridge = np.abs(np.sin(np.pi * t)) ** 0.6
    height = 0.007 * ridge * contrast
    depth_slope = w.slopes(height)[1]
    grains = w.fbm(400, 400, 2, seed=2)
    furrow = np.clip(-depth_slope * 1.2, -0.3, 0.3)
    shade = 0.97 + furrow + 0.22 * grains + 0.08 * w.fbm(2, 2, 3, seed=3) - 0.1 * (1 - ridge) * contrast
    return _finish(w, _rgb(f.base, f.size) * shade[..., None], ROUGHNESS["raked_sand"], depth_slope)


def _water(f: Floor) -> Array:
    """Clear water: wind ripples reflecting the bright sky more towards the horizon (Fresnel), a network of
    caustic light on the shallow floor seen through it nearer the camera, glints of the light, and deeper
    colour where the view looks down into it."""
    w = _World(f)
    depth = w.depth
    waves = 0.012 * w.fbm(3, 6, 3, seed=1) + 0.003 * w.fbm(16, 24, 3, seed=2)
    across_slope, depth_slope = w.slopes(waves)
    body = mix(_rgb(f.base, f.size), _rgb(f.accent, f.size) * 0.85, (0.2 + 0.55 * depth)[..., None])
    warp = w.fbm(3, 3, 2, seed=3) * 0.8
    net_a, weight = w.sample(8, 8, seed=4)
    net_b, _ = w.sample(12, 12, seed=5)
    web = (1 - np.abs(2 * np.clip(net_a + warp * 0.3, 0, 1) - 1)) ** 10 + (1 - np.abs(2 * net_b - 1)) ** 12
    caustic = web * weight * smoothstep(0.1, 0.7, depth)
    light = mix(np.ones(3, np.float32), np.asarray(f.wall, np.float32), 0.3)
    body = body + (0.3 * caustic)[..., None] * light
    fresnel = 0.1 + 0.6 * (1 - depth) ** 3
    sky = mix(np.asarray(f.wall, np.float32), np.ones(3, np.float32), 0.35)
    tilt = np.clip(0.5 + depth_slope * 3.0 + across_slope * 0.8, 0.0, 1.0)
    reflect = np.clip(fresnel * (0.4 + 1.2 * tilt), 0.0, 0.9)
    colour = mix(body, _rgb(sky, f.size), reflect) * (0.92 + 0.16 * tilt)[..., None]
    return _finish(w, colour, ROUGHNESS["water"], depth_slope * 3.0, strength=1.4)


def _velvet(f: Floor) -> Array:
    """Velvet laid in soft folds: the pile glows where a fold turns away from the eye and stays deep where
    it faces it, with brushed patches where the pile lies another way."""
    w = _World(f)
    folds = 0.03 * w.fbm(1.4, 1.0, 3, seed=1) + 0.012 * np.sin((w.u * 5.0 + w.v * 0.35) * np.pi)
    across_slope, depth_slope = w.slopes(folds)
    glow = np.clip(np.hypot(across_slope * 1.5, depth_slope) * 2.5, 0.0, 1.0)
    pile = w.fbm(8, 5, 2, seed=2)
    fibre = w.fbm(400, 400, 1, seed=3)
    shade = 0.6 + 0.6 * glow**1.5 + 0.3 * pile + 0.12 * fibre - 0.12 * np.clip(depth_slope * 3.0, -1, 1)
    colour = _rgb(f.base, f.size) * shade[..., None] + (0.1 * glow**2)[..., None] * (
        np.asarray(f.base, np.float32) + 0.1
    )
    return _finish(w, colour, ROUGHNESS["velvet"])


def _polished(f: Floor, roughness: float, tint: tuple[float, float, float] | None, sheen: float) -> Array:
    """A clean polished plane: the wall's light caught softly towards the horizon, a highlight band and
    only the faintest dust and polish marks."""
    w = _World(f)
    base = np.asarray(f.base, np.float32)
    if tint is not None:
        base = base * np.asarray(tint, np.float32)
    depth = w.depth
    colour = mix(_rgb(base, f.size), _rgb(f.wall, f.size), (sheen * (1 - depth) ** 2)[..., None])
    marks = 0.02 * w.fbm(500, 30, 1, seed=1) + 0.012 * w.fbm(300, 300, 2, seed=2)
    colour = colour * (1.0 + marks)[..., None]
    return _finish(w, colour, roughness)


def _glossy(f: Floor) -> Array:
    return _polished(f, ROUGHNESS["glossy"], None, 0.18)


def _glass(f: Floor) -> Array:
    return _polished(f, ROUGHNESS["glass"], (0.94, 1.0, 0.98), 0.3)


def _mirror(f: Floor) -> Array:
    return _polished(f, ROUGHNESS["mirror"], None, 0.1)


def _metal(f: Floor) -> Array:
    """Brushed metal: fine streaks running across, and the highlight stretched the other way (along the
    depth), as a brushed finish spreads it across its grooves."""
    w = _World(f)
    base = np.asarray(f.base, np.float32)
    if float(np.ptp(base)) < 0.08:  # a neutral palette: steel, neither too dark nor white
        base = np.clip(base * 0.6 + 0.25, 0.0, 1.0) * np.asarray((0.97, 0.98, 1.0), np.float32)
    streaks = (
        0.8 * w.fbm(3.0, 500, 2, seed=1) + 0.5 * w.fbm(0.8, 150, 2, seed=2) + 0.3 * w.fbm(40, 700, 1, seed=3)
    )
    scratch, weight = w.sample(6.0, 900.0, seed=4)
    scratches = smoothstep(0.8, 0.95, scratch) * weight
    across = w.across()
    depth = w.depth
    stretched = np.exp(-((across / 0.1) ** 2)) * (0.4 + 0.6 * np.exp(-(((depth - 0.35) / 0.5) ** 2)))
    environment = 0.1 * np.sin(across * 8.0 + 1.0) * (1 - depth) - 0.1 * depth
    shade = 0.86 + 0.5 * streaks + 0.15 * scratches + environment + 0.3 * stretched * (1 + 2 * streaks)
    return _finish(w, _rgb(base, f.size) * shade[..., None], ROUGHNESS["metal"])


def _grass(f: Floor) -> Array:
    """A lawn: blades standing up (streaks along the depth in perspective) of varied greens, tips lit,
    shadowed gaps between them, the far lawn an even mown green."""
    w = _World(f)
    green = _natural(f.base, (0.27, 0.45, 0.14))
    yellow = green * np.asarray((1.3, 1.12, 0.6), np.float32)
    deep = green * np.asarray((0.55, 0.8, 0.75), np.float32)
    hue = w.fbm(3, 3, 3, seed=1) + 0.5
    colour = mix(_rgb(deep, f.size), _rgb(green, f.size), np.clip(hue * 1.6, 0, 1))
    colour = mix(colour, _rgb(yellow, f.size), np.clip((hue - 0.6) * 2.5, 0, 1))
    # Blades stand up: each is a stroke along the view's vertical (a constant direction from the camera),
    # as wide as a blade at the product's distance, shorter and fainter as the depth squeezes it.
    angle = w.across() * np.float32(1.2)
    blades = np.zeros(f.size, np.float32)
    for k, (su, sv) in enumerate(((260.0, 14.0), (520.0, 26.0))):
        y, contrast = w.along(sv)
        stroke = w.value(angle * su + 7.1 * k, y + 3.3 * k, k)
        blades += (stroke - 0.5) * contrast * (0.6 - 0.2 * k)
    tips = smoothstep(0.06, 0.2, blades)
    gaps = smoothstep(-0.04, -0.18, blades)
    shade = 0.98 + 0.35 * tips - 0.55 * gaps + 0.15 * w.fbm(12, 12, 2, seed=4)
    colour = colour * shade[..., None] + (0.05 * tips)[..., None] * np.asarray((1.0, 1.0, 0.5), np.float32)
    return _finish(w, colour, ROUGHNESS["grass"])


def _moss(f: Floor) -> Array:
    """A moss cushion: soft rounded clumps, shadowed in the crevices between them, each its own green, with
    a fine fuzz of tiny leaves and lighter tips."""
    w = _World(f)
    green = _natural(f.base, (0.3, 0.42, 0.12))
    first, border, ident, weight = w.cells(28, 28)
    dome = 0.01 * np.clip(1 - first * 0.9, 0, 1) ** 0.5 * weight + 0.006 * w.fbm(8, 8, 2, seed=1)
    depth_slope = w.slopes(dome)[1]
    crevice = smoothstep(0.15, 0.0, border) * weight
    fuzz = w.fbm(300, 300, 2, seed=2)
    tips = smoothstep(0.1, 0.3, fuzz)
    clump = (ident - 0.5) * weight
    tint = np.asarray((0.8, 1.0, 0.3), np.float32)
    colour = _rgb(green, f.size) * (1 + 0.45 * clump[..., None] * tint)
    shade = 0.95 + 0.5 * fuzz - 0.45 * crevice + np.clip(-depth_slope * 1.5, -0.25, 0.25)
    colour = colour * shade[..., None] + (0.12 * tips)[..., None] * np.asarray((0.8, 0.9, 0.3), np.float32)
    return _finish(w, colour, ROUGHNESS["moss"])


def _crack_lines(border: Array, width: float, su: float, w: _World) -> Array:
    """Lines along the cells' borders, `width` cells wide but never under a pixel (fainter as they widen)."""
    pixel = np.maximum(w.pixel_cells(su, su), 1e-3)
    wide = np.maximum(width, pixel)
    return np.exp(-((border / wide) ** 2)) * (width / wide)


def _ice(f: Floor) -> Array:
    """A sheet of ice: pale blue and translucent, clouded deeper in places, split by white cracks (a few
    large ones and finer ones between), tiny trapped bubbles and a glassy shine."""
    w = _World(f)
    pale = _natural(f.base, (0.8, 0.9, 0.96), keep=0.5)
    deep = pale * np.asarray((0.55, 0.75, 0.9), np.float32)
    cloud = np.clip(0.5 + w.fbm(2.5, 2.5, 4, seed=1) * 1.8, 0, 1)
    colour = mix(_rgb(deep, f.size), _rgb(pale, f.size), cloud)
    _, border, _, weight = w.cells(5, 5, seed=1)
    crack = _crack_lines(border, 0.02, 5, w) * weight * smoothstep(-0.1, 0.15, w.fbm(3, 3, 2, seed=3))
    _, fine_border, _, fine_weight = w.cells(16, 16, seed=2)
    fine = (
        _crack_lines(fine_border, 0.03, 16, w) * fine_weight * smoothstep(0.05, 0.25, w.fbm(5, 5, 2, seed=4))
    )
    bubble, bubble_weight = w.sample(260, 260, seed=5)
    bubbles = smoothstep(0.9, 0.97, bubble) * bubble_weight * (1 - cloud * 0.5)
    frost = 0.05 * w.fbm(200, 200, 2, seed=6)
    white = np.clip(crack + 0.5 * fine + 0.6 * bubbles, 0, 1)
    colour = mix(colour * (1 + frost)[..., None], _rgb(np.full(3, 0.97, np.float32), f.size), white * 0.8)
    return _finish(w, colour, ROUGHNESS["ice"])


def _snow(f: Floor) -> Array:
    """Fresh snow: bright, gently drifted, its shaded slopes blue from the sky, a fine crystalline grain
    and glittering sparkles."""
    w = _World(f)
    white = _natural(f.base, (0.95, 0.96, 0.99), keep=0.3)
    white = mix(white, np.asarray((0.96, 0.97, 1.0), np.float32), 0.6)
    shadow_blue = white * np.asarray((0.7, 0.79, 0.95), np.float32)
    drifts = 0.04 * w.fbm(1.5, 1.5, 4, seed=1) + 0.005 * w.fbm(20, 20, 3, seed=2)
    depth_slope = w.slopes(drifts)[1]
    shadow = np.clip(depth_slope * 4.0 + 0.3, 0, 1)
    colour = mix(_rgb(white, f.size), _rgb(shadow_blue, f.size), shadow)
    grain = w.fbm(350, 350, 2, seed=3)
    glint, weight = w.sample(380, 380, seed=4)
    sparkle = smoothstep(0.92, 0.975, glint) * weight
    colour = colour * (1 + 0.1 * grain)[..., None] + (0.6 * sparkle)[..., None]
    return _finish(w, colour, ROUGHNESS["snow"], depth_slope)


def _silk(f: Floor) -> Array:
    """Silk draped in flowing folds: long smooth bands of sheen beside darker troughs, the fine weave all
    but invisible."""
    w = _World(f)
    flow = w.u * 2.6 + w.v * 0.9 + 0.9 * w.fbm(0.7, 0.7, 2, seed=1)
    folds = 0.02 * np.sin(flow * np.pi) + 0.008 * np.sin(flow * 2.3 * np.pi + 1.0 + w.v)
    across_slope, depth_slope = w.slopes(folds)
    facing = np.clip(0.75 - 0.9 * depth_slope - 0.3 * across_slope, 0.15, 1.2)
    sheen = np.exp(-(((across_slope + 0.5 * depth_slope - 0.1) / 0.09) ** 2))
    weave = 0.02 * w.fbm(500, 500, 1, seed=2)
    base = np.asarray(f.base, np.float32)
    colour = _rgb(base, f.size) * (facing + weave)[..., None] + (0.35 * sheen)[..., None] * (base * 0.6 + 0.4)
    return _finish(w, colour, ROUGHNESS["silk"], depth_slope)


def _paper(f: Floor) -> Array:
    """A sheet of paper: cloudy formation, fine fibres lying every which way and a slight tooth."""
    w = _World(f)
    formation = w.fbm(20, 20, 3, seed=1)
    fibres = w.fbm(500, 40, 1, seed=2) + w.fbm(40, 500, 1, seed=3) + w.fbm(250, 250, 1, seed=4)
    tooth = w.fbm(350, 350, 2, seed=5)
    shade = 1.0 + 0.06 * formation + 0.1 * fibres + 0.06 * tooth
    return _finish(w, _rgb(f.base, f.size) * shade[..., None], ROUGHNESS["paper"])


def _matte(f: Floor) -> Array:
    """A plain matte plane: faint unevenness and a fine tooth."""
    w = _World(f)
    shade = 0.97 + 0.06 * w.fbm(2, 2, 3, seed=1) + 0.06 * w.fbm(300, 300, 2, seed=2)
    return _finish(w, _rgb(f.base, f.size) * shade[..., None], ROUGHNESS["matte"])


FLOORS: dict[str, Callable[[Floor], Array]] = {
    "matte": _matte, "glossy": _glossy, "marble": _marble, "wood": _wood, "concrete": _concrete,
    "linen": _linen, "terrazzo": _terrazzo, "water": _water, "sand": _sand, "stone": _stone,
    "glass": _glass, "velvet": _velvet, "raked_sand": _raked_sand, "grass": _grass, "moss": _moss,
    "ice": _ice, "snow": _snow, "silk": _silk, "paper": _paper, "metal": _metal, "mirror": _mirror,
    "slate": _slate,
}  # fmt: skip


SCALE = 0.2  # pattern units per world unit (the product is 1 tall)


def surface(
    scene: Scene, palette: list[Array], image: Array, rng: np.random.Generator, plate: Plate
) -> Array:
    """The scene's floor material where the camera sees the floor, laid in the world's coordinates (so
    its pattern recedes with the floor as the camera sees it); painted on the rows that show floor only."""
    floor = plate.part == FLOOR
    rows = np.flatnonzero(floor.any(axis=1))
    if scene.surface == "seamless" or not len(rows):
        return image
    height, width = floor.shape
    first = int(rows[0])
    accent = palette[2] if len(palette) > 2 else palette[1] * 0.7
    x, z = plate.points[first:, :, 0], plate.points[first:, :, 2]
    top = max(0.0, plate.horizon) * height
    row = np.arange(first, height, dtype=np.float32)[:, None] * np.ones((1, width), np.float32)
    depth = np.clip((row - top) / max(height - top, 1.0), 0, 1)
    u, v = x * SCALE + 0.5, z * SCALE * 3 + 1.5
    detail = noise(x.shape, 16, rng, 3)
    painted = FLOORS[scene.surface](Floor(palette[1], accent, palette[0], u, v, depth, detail, rng))
    fade = smoothstep(0.0, 0.04, depth) * floor[first:]  # the far floor melts into the wall
    out = image.copy()
    out[first:] = mix(image[first:], painted.astype(np.float32), fade)
    return np.clip(out, 0.0, 1.0)
