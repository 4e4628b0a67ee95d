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

from presets import Scene
from workers.render.paint import LIGHT_VECTORS, Array, mix, noise, smoothstep
from workers.render.set3d import FLOOR, Plate

# 0 = a perfect mirror ... 1 = fully matte. The renderer scales its Fresnel reflection by it, and the
# floor's own specular band narrows and brightens as it falls.
ROUGHNESS: dict[str, float] = {
    "seamless": 1.0, "matte": 0.9, "glossy": 0.08, "marble": 0.2, "wood": 0.5, "concrete": 0.85,
    "linen": 0.95, "terrazzo": 0.18, "water": 0.04, "sand": 0.95, "stone": 0.75, "glass": 0.03,
    "velvet": 1.0, "raked_sand": 0.95, "grass": 1.0, "moss": 1.0, "ice": 0.1, "snow": 0.85, "silk": 0.4,
    "paper": 0.95, "metal": 0.3, "mirror": 0.0, "slate": 0.6,
}  # fmt: skip

STRETCH = 3.0  # v runs this much faster than u over the same distance: a round pattern has sv = su / STRETCH
KEY_LIT = (0.5, 0.85)  # the floor's light, as a share of its brightest, from shadow to full key light
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
    light: Array | None = None  # the set's light on these rows (RGB, 1 at the product); None: even light
    key: float = 0.0  # where across the view the key light stands (-1 left ... 1 right)

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
            step = np.diff(y, axis=0)
            if step.size and np.abs(step).max() > ROW_LIMIT:  # else the pattern is resolved everywhere
                clipped = np.clip(step, -ROW_LIMIT, ROW_LIMIT)
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

    def cells(
        self, su: float, sv: float, seed: int = 0, warp: Array | float = 0.0
    ) -> tuple[Array, Array, Array, Array]:
        """Voronoi cells, su per unit across and sv along the depth (filtered): the distance to the nearest
        feature point and to the cell's border (F2 - F1, 0 on it) in cells, a random value per cell, and
        the weight the cells' detail keeps at each pixel. Feature points lie in the middle half of their
        cell, so the 2 x 2 nearest cells hold the nearest two. `warp` (in cells) shifts where each pixel
        looks, bending the cells' straight borders."""
        y, contrast = self.along(sv)
        x, y = _turned(self.u * np.float32(su) + 17.3 * seed + warp, y - 5.1 * seed - warp)
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

    @property
    def facing(self) -> Array:
        """The cosine between the view and the floor's normal: 1 looking straight down, towards 0 at
        grazing angles. A pixel's footprint along the depth is its width over that cosine, so it is the
        width over the depth each pixel spans (in the same distance units)."""
        facing: Array = np.clip(STRETCH * np.abs(self.ux) / np.maximum(np.abs(self.vy), 1e-6), 0.02, 1.0)
        return facing

    @property
    def lit(self) -> Array:
        """0..1 where the key light reaches the floor: its light against the brightest floor's, 0 in the
        shadows the set casts, where only the ambient light arrives (1 everywhere under an even light)."""
        if self.f.light is None:
            return np.ones(self.f.size, np.float32)
        luminance = np.broadcast_to(self.f.light, (*self.f.size, 3)).mean(axis=2)
        brightest = float(np.percentile(luminance[:, ::4], 95))  # every fourth column will do
        return smoothstep(KEY_LIT[0], KEY_LIT[1], luminance / max(brightest, 1e-3))

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


def _fract(x: Array) -> Array:
    """The fractional part of x (as x % 1, many times faster)."""
    fract: Array = x - np.floor(x)
    return fract


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


def _lines(t: Array, width: Array | float) -> Array:
    """Lines at every whole value of `t` (in [0, 1], 1 on a line), `width` wide in t's units but never
    thinner than a pixel, and fainter as they widen so they keep their weight: no dashed, aliased seams
    where the perspective packs many planks into few pixels. Where a pixel spans more than a third of
    the lines' spacing they melt into their average, a soft even tone."""
    across, down = _gradient(t, 1), _gradient(t, 0)
    per_pixel = np.hypot(across, down)  # t's change over one pixel, whichever way the line runs
    wide = np.maximum(width, 0.8 * per_pixel)
    distance = np.abs(t - np.round(t))
    lines = (width / wide) * np.exp(-((distance / wide) ** 2))
    average = np.minimum(np.sqrt(np.pi) * np.asarray(width, np.float32), 1.0)  # a line's share of its spacing
    melted: Array = lines + (average - lines) * smoothstep(0.2, 0.4, per_pixel)
    return melted


def _marble(f: Floor) -> Array:
    """Polished marble: veins of the accent that flow one way and wander, swelling and thinning along
    their length, with thinner branches leaving them and fading out, each in a soft cloud; a faintly
    clouded body with a crystalline shimmer, and the polish. The veins are drawn band-limited: where the
    distance packs them they widen and fade into soft streaks, never into dashes."""
    w = _World(f)
    veins = _veins(w)
    body = 1.0 + 0.05 * w.fbm(2.5, 2.5 / STRETCH, 2, seed=4) + 0.02 * w.fbm(150, 150 / STRETCH, 1, seed=1)
    colour = mix(_rgb(f.base, f.size) * body[..., None], _rgb(f.accent, f.size), np.clip(veins, 0.0, 0.85))
    return _finish(w, colour, ROUGHNESS["marble"])


MARBLE_VEINS = 9.0  # main veins per unit of the floor, across their flow


def _veins(w: _World) -> Array:
    """How much of the accent each pixel shows (0..1): main veins, branches and a soft cloud around them."""
    x, z = w.u, w.v / STRETCH  # the floor's true distances, the same both ways (lines filter themselves)
    angle = np.pi * (0.15 + 0.3 * float(w.hash(np.asarray(7), 3, 0)))
    turbulence = w.fbm(1.0, 1.0 / STRETCH, 4, seed=2, gain=0.55)
    flow = (x * np.cos(angle) + z * np.sin(angle)) * MARBLE_VEINS + 4.0 * turbulence
    swell = w.value(flow * np.float32(0.7), (x * np.sin(angle) - z * np.cos(angle)) * np.float32(6.0), 1)
    width = 0.008 + 0.035 * swell**3  # in flow units: hairlines here, a broad vein there
    strength = _vein_strength(w, flow, 3)
    main = _lines(flow, width) * strength
    twist = (x * np.cos(angle + 1.1) + z * np.sin(angle + 1.1)) * MARBLE_VEINS * 1.5
    branch_flow = twist + 5.0 * turbulence + 1.2 * w.fbm(3, 3 / STRETCH, 2, seed=5)
    branches = _lines(branch_flow, 0.5 * width + 0.002) * _vein_strength(w, branch_flow, 6) ** 2
    cloud = _lines(flow, 0.12 + 0.1 * swell) * 0.14 * strength
    veins: Array = np.maximum(main, 0.8 * branches) + cloud * (1.0 - main)
    return veins


def _vein_strength(w: _World, flow: Array, seed: int) -> Array:
    """How strongly veins show (0..1): each vein (a whole value of `flow`) as strong as its own draw, some
    missing, and every one fading in and out along its length."""
    index = np.floor(flow + 0.5).astype(np.int32)
    own = 0.3 + 0.7 * smoothstep(0.1, 0.7, w.hash(index, seed, 1))
    along = smoothstep(0.3, 0.7, w.fbm(2.0, 2.0 / STRETCH, 2, seed=seed) + 0.5)
    strength: Array = own * (0.25 + 0.75 * along)
    return strength


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
    each a dark pit, all as round on the floor as they are."""
    w = _World(f)
    mottle = w.fbm(2.0, 2.0 / STRETCH, 6, seed=1, gain=0.6)
    stain = w.fbm(0.7, 0.7 / STRETCH, 2, seed=2)
    speckle = w.fbm(200, 200 / STRETCH, 2, seed=3)
    pore, pore_weight = w.sample(200, 200 / STRETCH, seed=4)
    small, small_weight = w.sample(420, 420 / STRETCH, seed=5)
    pits = np.maximum(
        smoothstep(0.87, 0.94, pore) * pore_weight, smoothstep(0.86, 0.93, small) * small_weight
    )
    shade = 0.97 + 0.35 * mottle + 0.16 * speckle - 0.3 * pits
    colour = mix(_rgb(f.base, f.size), _rgb(f.accent, f.size), np.clip(0.4 + stain * 1.5, 0, 1) * 0.4)
    colour = colour * shade[..., None]
    relief = 0.0004 * w.fbm(60, 60 / STRETCH, 3, seed=6)
    return _finish(w, colour, ROUGHNESS["concrete"], w.slopes(relief)[1])


def _layered_stone(f: Floor, dark: float, layers: float, roughness: float) -> Array:
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
    return _finish(w, colour * shade[..., None], roughness, depth_slope)


PIT_CELLS = 150  # a stone's pits: this many cells per unit (the product's height), a few mm apart
PIT_SHADE = 0.3  # how much darker a pit's bowl is than the rock around it


def _stone(f: Floor) -> Array:
    """Natural stone, a weathered rock face: lumps and hollows of every size lit from the key light's side,
    pits (small bowls, dark inside with a lit far rim), patches of other minerals and weathering in the
    stone's colours, and fine light and dark mineral grains. Round on the floor: no direction to any of it."""
    w = _World(f)
    height, pits = _rock_relief(w)
    across_slope, depth_slope = w.slopes(height)
    relief = np.clip(-depth_slope * STRETCH * 4.0 + across_slope * f.key * 3.0, -0.4, 0.4)
    speckle = w.fbm(250, 250 / STRETCH, 2, seed=4)
    grains = 0.15 * smoothstep(0.18, 0.3, speckle) - 0.2 * smoothstep(-0.18, -0.3, speckle)
    shade = (1.0 + relief) * (1.0 - PIT_SHADE * pits) * (1.0 + grains + 0.1 * speckle)
    return _finish(w, _rock_colour(w) * shade[..., None], ROUGHNESS["stone"], depth_slope)


def _rock_relief(w: _World) -> tuple[Array, Array]:
    """A rock face's height (world units: lumps and hollows of every size, down to a crisp roughness, and
    pits sinking in as small ragged bowls) and its pits (0..1 deep), gathered in patches as weathering
    leaves them."""
    cluster = smoothstep(0.35, 0.65, w.value(w.u * np.float32(3.0), w.v * np.float32(1.0), 2))
    pit, weight = w.sample(PIT_CELLS, PIT_CELLS / STRETCH, seed=5)
    ragged = 0.08 * w.fbm(PIT_CELLS * 2.5, PIT_CELLS * 2.5 / STRETCH, 1, seed=11)
    pits = smoothstep(0.84, 0.97, pit + ragged + 0.06 * cluster) * weight
    lumps = w.fbm(3, 3 / STRETCH, 5, seed=1, gain=0.62)
    height = 0.014 * lumps - 0.0004 * pits
    return height, pits


def _rock_colour(w: _World) -> Array:
    """A rock's colour: its base clouded with patches of the accent (other minerals, lichen, weathering)
    and a warmer stain here and there."""
    f = w.f
    patches = np.clip(0.35 + 1.6 * w.fbm(2.0, 2.0 / STRETCH, 3, seed=3, gain=0.6), 0, 1)
    colour = mix(_rgb(f.base, f.size), _rgb(f.accent, f.size), patches * 0.55)
    warm = np.asarray(f.base, np.float32) * np.asarray((1.08, 1.0, 0.88), np.float32)
    stain = smoothstep(0.55, 0.8, w.value(w.u * np.float32(1.2), w.v * np.float32(0.4), 0)) * 0.5
    tone = 1.0 + 0.18 * w.fbm(7, 7 / STRETCH, 1, seed=9)
    return mix(colour, _rgb(warm, f.size), stain) * tone[..., None]


def _slate(f: Floor) -> Array:
    base = _natural(f.base, (0.2, 0.215, 0.235), keep=0.6)
    dark = Floor(base, base * 1.4 + 0.03, f.wall, f.u, f.v, f.depth, f.detail, f.rng)
    return _layered_stone(dark, 0.9, 6.0, ROUGHNESS["slate"])


LINEN_PITCH = 0.0026  # one thread of the weave, in u: about 2.5 pixels where the product stands at half size
SLUB_LENGTH = 14.0  # a slub (a thick stretch of yarn) runs about this many threads along its thread


def _linen(f: Floor) -> Array:
    """Plain-woven linen: warp and weft threads crossing over and under, each a shade of its own, slubs
    (thick, paler stretches of one yarn) here and there, and a few soft pressed creases across the cloth
    with the gentle undulation of cloth laid on a table."""
    w = _World(f)
    weave = _weave(w, LINEN_PITCH)
    height = _creases(w, 3) + 0.004 * w.fbm(1.5, 1.5 / STRETCH, 2, seed=4)
    across_slope, depth_slope = w.slopes(height)
    relief = np.clip(-depth_slope * 1.5 + across_slope * f.key * 0.6, -0.1, 0.1)
    shade = 1.0 + weave + relief + 0.012 * w.fbm(5, 5 / STRETCH, 2, seed=5)
    return _finish(w, _rgb(f.base, f.size) * shade[..., None], ROUGHNESS["linen"], depth_slope)


def _weave(w: _World, pitch: float) -> Array:
    """A plain weave's light and shade about 0 (about +-0.15): round threads, the one on top at each
    crossing lit along its middle and dipping under the next, gaps where two thin yarns leave a pinhole,
    threads that wander a little and swell and thin along their length, a tone per thread and slubs
    along single threads. Faded where the threads fall below two pixels."""
    x = w.u / pitch + 0.6 * w.value(w.u * np.float32(40.0), w.v * np.float32(4.0), 1)
    y, contrast = w.along(STRETCH / pitch)
    y = y + 0.6 * w.value(w.u * np.float32(4.0), w.v * np.float32(40.0 / STRETCH), 2)
    i, j = np.floor(x).astype(np.int32), np.floor(y).astype(np.int32)
    warp_yarn = w.value(i * np.float32(1.618), y / SLUB_LENGTH, 1)
    weft_yarn = w.value(x / SLUB_LENGTH, j * np.float32(1.618) + 50.0, 2)
    warp = _yarn(
        x - i, 0.5 + 0.25 * w.hash(i, 3, 1) + 0.25 * warp_yarn + 0.3 * smoothstep(0.7, 0.85, warp_yarn)
    )
    weft = _yarn(
        y - j, 0.5 + 0.25 * w.hash(j, 5, 1) + 0.25 * weft_yarn + 0.3 * smoothstep(0.7, 0.85, weft_yarn)
    )
    on_top = ((i + j) & 1) == 0  # warp over weft on alternate crossings: a plain weave
    threads = np.where(on_top, warp * (0.55 + 0.45 * np.sqrt(weft)), weft * (0.55 + 0.45 * np.sqrt(warp)))
    threads = np.maximum(threads, 0.6 * np.maximum(warp, weft))  # the lower thread shows at the sides
    tone = np.where(on_top, w.hash(i, 3, 2) + warp_yarn, w.hash(j, 5, 2) + weft_yarn) - 1.0
    weave = 0.2 * (threads - 0.6) + 0.1 * tone
    return weave * (w.fade(1.0 / pitch) * np.sqrt(contrast))


def _yarn(t: Array, thickness: Array) -> Array:
    """A round yarn's lit profile across its cell (t in [0, 1)): 1 along its middle, 0 at its edges and
    in the gap beside it when it is thin (`thickness` its share of the cell, more than 1 where it swells)."""
    profile = np.sin(np.pi * t)
    yarn: Array = np.clip((profile - (1.0 - thickness)) / np.maximum(thickness, 0.1), 0.0, 1.0) ** 0.6
    return yarn


def _creases(w: _World, count: int) -> Array:
    """The height of `count` pressed creases in a cloth: each a ridge of random direction that bends a
    little, sharp along its fold and easing away on both sides, fading out along its length."""
    height = np.zeros(w.f.size, np.float32)
    x, z = w.u, w.v / STRETCH  # the floor's distances, the same both ways
    bend = 0.08 * w.fbm(1.5, 1.5 / STRETCH, 3, seed=6)
    for k in range(count):
        angle, centre_u, centre_z, length = (
            float(w.hash(np.asarray(40 + k), 9 + n, n % 3)) for n in range(4)
        )
        dx, dz = x - 0.2 - 0.6 * centre_u, z - 0.4 - 0.2 * centre_z
        normal = dx * np.cos(np.pi * angle) + dz * np.sin(np.pi * angle) + bend
        along = dz * np.cos(np.pi * angle) - dx * np.sin(np.pi * angle)
        ridge = np.exp(-np.abs(normal) / 0.02) * np.exp(-((along / (0.04 + 0.1 * length)) ** 2))
        height += 0.0025 * ridge
    return height


def _terrazzo(f: Floor) -> Array:
    """Polished terrazzo: crushed marble chips of a few sizes, many small and fewer large, angular and
    apart, set in a cement matrix that covers most of the floor; the chips' colours muted and varied
    (marble whites, greys, a few of the palette's colours), each with a faint cloud of its own, the matrix
    with a fine sand grain, all ground flat and polished. Chip by chip where they are resolved; far off,
    where the perspective packs them, the floor melts into the average of chips and matrix."""
    w = _World(f)
    colour = _terrazzo_matrix(w)
    cloud = 1.0 + 0.06 * w.fbm(1.0 / (SCALE * 0.01), 1.0 / (SCALE * 0.01 * STRETCH), 1, seed=5)
    ragged = 0.3 * w.fbm(1.0 / (SCALE * 0.01), 1.0 / (SCALE * 0.01 * STRETCH), 1, seed=4)
    stones = _chip_colours(f)
    taken = np.zeros(f.size, np.float32)  # where chips (and the cement round them) already lie
    for size, share, seed in TERRAZZO_CHIPS:
        inside, clear, tint = _chips(w, (size, share, seed), stones, ragged)
        colour = mix(colour, tint * cloud[..., None], inside * (1.0 - taken))
        taken = np.maximum(taken, clear)
    return _finish(w, colour, ROUGHNESS["terrazzo"])


# Terrazzo's chips, in layers: a cell's size (world units: the product is 1 tall, so a 20 cm bottle's
# tabletop has chips of a few mm to 2 cm), the share of cells that hold a chip, and the layer's seed.
TERRAZZO_CHIPS = ((0.1, 0.28, 1), (0.055, 0.32, 2), (0.03, 0.38, 3))
TERRAZZO_GAP = (0.2, 0.5)  # the cement round a chip, in cells (F2 - F1): most chips large, some small
CHIP_TURN = 0.61  # radians each layer's lattice of chips turns from the last
TERRAZZO_CLEAR = 0.3  # cement kept between a chip and the next layer's chips, in the layer's cells


def _terrazzo_matrix(w: _World) -> Array:
    """The cement between the chips: the base colour, faintly clouded, with fine grains of sand in it."""
    f = w.f
    grains = w.fbm(1.0 / (SCALE * 0.006), 1.0 / (SCALE * 0.006 * STRETCH), 2, seed=2)
    shade = 1.0 + 0.025 * w.fbm(3, 3 / STRETCH, 2, seed=1) + 0.12 * grains
    return _rgb(f.base, f.size) * shade[..., None]


def _chip_colours(f: Floor) -> Array:
    """The stones a terrazzo is crushed from (rows of RGB), muted: marble whites and greys most, a few
    of the palette's colours, a charcoal."""
    base, accent, wall = (np.asarray(c, np.float32) for c in (f.base, f.accent, f.wall))
    white = np.ones(3, np.float32)
    grey = np.full(3, float(base.mean()), np.float32)
    muted = mix(accent, np.full(3, float(accent.mean()), np.float32), 0.35)
    return np.stack(
        (
            mix(base, white, 0.7),
            mix(base, white, 0.45),
            grey * 0.8,
            grey * 0.62,
            mix(wall, white, 0.3),
            muted,
            mix(muted, grey, 0.5) * 0.85,
            grey * 0.45,
        )
    )


def _chips(
    w: _World, layer: tuple[float, float, int], stones: Array, ragged: Array
) -> tuple[Array, Array, Array]:
    """One layer of chips (`layer`: cell size, share of cells with a chip, seed): how much of each pixel a
    chip covers, where the chip and the cement kept round it lie, and each chip's colour (a stone and a
    tone of its own). Each chip is its Voronoi cell shrunk by a gap, its edges bent by `ragged`."""
    size, share, seed = layer
    scale = 1.0 / (SCALE * size)
    border, ident, weight = _chip_cells(w, scale, seed, ragged)
    chosen = (ident < share).astype(np.float32)
    gap = TERRAZZO_GAP[0] + (TERRAZZO_GAP[1] - TERRAZZO_GAP[0]) * _fract(ident * 7.0) ** 2
    edge = np.maximum(w.pixel_cells(scale, scale / STRETCH), 0.03)
    inside = smoothstep(-edge, edge, border - gap) * chosen
    clear = smoothstep(-edge, edge, border - gap + TERRAZZO_CLEAR) * chosen
    pick = (ident / share * 97.0).astype(np.int32) % len(stones)
    tone = 0.92 + 0.16 * _fract(ident * 13.0)
    tint = mix(_rgb(stones.mean(axis=0), w.f.size), stones[pick] * tone[..., None], weight)
    coverage = share * 0.35  # a chip's share of its cell, on average
    return coverage + (inside - coverage) * weight, clear * weight, tint


def _chip_cells(w: _World, scale: float, seed: int, ragged: Array) -> tuple[Array, Array, Array]:
    """Voronoi cells as `_World.cells` makes them (`scale` per unit, round on the floor), their lattice
    turned its own way for each `seed`, so that no layer's chips share a direction: the distance to a
    cell's border (F2 - F1), a random value per cell and the weight the cells' detail keeps."""
    y, contrast = w.along(scale / STRETCH)
    x, y = w.u * np.float32(scale) + 17.3 * seed + ragged, y - 5.1 * seed - ragged
    cos, sin = np.float32(np.cos(seed * CHIP_TURN)), np.float32(np.sin(seed * CHIP_TURN))
    first, second, ident = w._nearest_two(x * cos - y * sin, x * sin + y * cos)
    return second - first, ident, w.fade(scale * 0.35) * contrast


SAND_RIPPLE = 0.07  # wind ripples on a beach this far apart, in the product's heights (a few centimetres)


def _sand(f: Floor) -> Array:
    """Beach sand: wind ripples across the view that wander, bend and merge, lit on their windward side and
    fading out in flat patches; fine grains of several tones and the odd quartz grain flashing in the sun
    (only where the key light reaches)."""
    w = _World(f)
    y, contrast = w.along(1.0 / SAND_RIPPLE)
    phase = y + 4.0 * w.fbm(1.5, 1.5 / STRETCH, 3, seed=1) + 1.5 * w.fbm(5, 5 / STRETCH, 1, seed=7)
    ripple = phase - np.floor(phase)
    profile = np.where(ripple < 0.7, ripple / 0.7, (1 - ripple) / 0.3)  # gentle windward, steep lee
    strength = np.clip(0.25 + w.fbm(2, 2 / STRETCH, 2, seed=6) * 2.5, 0.0, 1.0)  # wide flat patches
    height = 0.004 * smoothstep(0.0, 1.0, profile) * contrast * strength
    depth_slope = w.slopes(height)[1]
    grains = w.fbm(400, 400 / STRETCH, 2, seed=2)
    dark, dark_weight = w.sample(600, 600 / STRETCH, seed=3)
    mottle = w.fbm(2, 2 / STRETCH, 2, seed=5)
    shade = 0.97 + 0.12 * mottle + 0.3 * grains - 0.25 * smoothstep(0.84, 0.93, dark) * dark_weight
    shade = shade + np.clip(-depth_slope * 1.6, -0.1, 0.1)
    sparkle = 0.6 * _glints(w, 500.0) * w.lit
    return _finish(
        w, _rgb(f.base, f.size) * shade[..., None] + sparkle[..., None], ROUGHNESS["sand"], depth_slope
    )


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
    """Velvet laid in soft folds: its pile is dark where it faces the eye and glows where the cloth turns
    away from it (at grazing angles: towards the horizon and on the folds' far slopes), more in crushed
    patches where the pile lies another way, with a fine nap. The sheen is light of its own, so black
    velvet shows it too."""
    w = _World(f)
    folds = 0.02 * w.fbm(5.0, 5.0 / STRETCH, 2, seed=1) + 0.005 * np.sin((w.u * 9.0 + w.v * 0.8) * np.pi)
    facing = _facing_folds(w, folds)
    ridges = 1.0 - np.abs(
        2.0 * w.fbm(8, 8 / STRETCH, 2, seed=2, gain=0.6)
    )  # creases where the pile was crushed
    crushed = (smoothstep(0.6, 0.95, ridges) + 0.4 * smoothstep(0.0, 0.3, w.fbm(3, 1, 2, seed=4))) * w.fade(
        16
    )
    nap = w.fbm(400, 400 / STRETCH, 1, seed=3)
    sheen = (1.0 - facing) ** 3 * (0.5 + 0.8 * crushed) * (1.0 + 0.3 * nap)
    base = np.asarray(f.base, np.float32)
    glow = mix(base, np.asarray(f.wall, np.float32), 0.2) * 0.8 + 0.3  # the pile's sides, catching the light
    colour = _rgb(base, f.size) * (0.55 + 0.45 * facing + 0.1 * nap)[..., None] + sheen[..., None] * glow
    return _finish(w, colour, ROUGHNESS["velvet"])


def _facing_folds(w: _World, height: Array) -> Array:
    """The cosine between the view and a cloth's normal, tilted by the folds of `height` (u units): more
    facing on slopes rising away from the eye, grazing on those falling away from it."""
    across_slope, depth_slope = w.slopes(height)
    facing = w.facing
    tilted = facing + np.clip(depth_slope * STRETCH, -1, 1) * np.sqrt(1.0 - facing**2) - 0.3 * across_slope
    return np.clip(tilted / np.sqrt(1.0 + across_slope**2 + (depth_slope * STRETCH) ** 2), 0.0, 1.0)


def _polished(f: Floor, roughness: float, tint: tuple[float, float, float] | None, sheen: float) -> Array:
    """A clean polished plane: the room reflected more towards the horizon (Fresnel: the more grazing the
    view, the more it mirrors), the key light's softbox reflected as a soft glow on the key's side, and
    fine swirls and dust that show only inside that glow, as they do on black acrylic."""
    w = _World(f)
    base = np.asarray(f.base, np.float32)
    if tint is not None:
        base = base * np.asarray(tint, np.float32)
    fresnel = 0.04 + 0.96 * (1.0 - w.facing) ** 5
    room = mix(np.asarray(f.wall, np.float32), np.ones(3, np.float32), 0.15)
    colour = _rgb(base, f.size) + (sheen * 2.5 * fresnel)[..., None] * room
    glow = np.exp(-(((w.across() - 0.28 * f.key) / 0.22) ** 2)) * np.exp(-(((w.depth - 0.1) / 0.3) ** 2))
    dust, weight = w.sample(400, 400 / STRETCH, seed=2)
    swirls = w.fbm(500, 30, 1, seed=1)
    specks = smoothstep(0.93, 0.99, dust) * weight
    light = (0.1 + 0.25 * (1.0 - roughness)) * glow * (1.0 + 0.1 * swirls + 1.5 * specks) + 0.05 * specks
    colour = colour * (1.0 + 0.03 * swirls)[..., None] + light[..., None] * mix(
        room, np.ones(3, np.float32), 0.6
    )
    return _finish(w, colour, roughness, strength=0.0)


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
    """A lawn seen from a low camera: blades standing up side by side in staggered rows, each a tapering
    stroke that leans a little, dark at its base (the shade deep in the sward) and light towards its tip,
    the nearer blades in front of those behind; greens varying blade by blade and in patches. Where the
    distance makes the blades finer than a pixel or two they melt into the lawn's even tone."""
    w = _World(f)
    green = _natural(f.base, (0.27, 0.45, 0.14))
    shade, hue, tips = _sward(w)
    hue = np.clip(0.65 * hue + 0.35 * (w.fbm(2, 2 / STRETCH, 2, seed=1) * 1.6 + 0.5), 0.0, 1.0)
    ramp = np.linspace(0.0, 1.0, GRASS_HUES, dtype=np.float32)  # dark blue-greens ... yellow-greens
    deep = green * np.asarray((0.55, 0.8, 0.75), np.float32)
    yellow = green * np.asarray((1.28, 1.12, 0.6), np.float32)
    greens = mix(
        mix(deep, green, np.clip(ramp * 1.8, 0, 1)[:, None]), yellow, smoothstep(0.6, 1.0, ramp)[:, None]
    )
    colour = greens.reshape(GRASS_HUES, 3)[(hue * (GRASS_HUES - 1)).astype(np.int32)]
    light = (0.2 * tips)[..., None] * np.asarray(
        (1.0, 1.0, 0.6), np.float32
    )  # the set's light falls on it later
    return _finish(w, colour * shade[..., None] + light, ROUGHNESS["grass"])


GRASS_HUES = 256  # steps of the lawn's ramp of greens, each far finer than the eye can tell

GRASS_BLADE = (0.03, 0.3)  # a blade's cell across and its row's depth (world units: the product is 1 tall)
GRASS_ROWS = 3  # rows of blades rooted between one another, the nearer in front
GRASS_BASE = (0.35, 0.3)  # the sward's base deep between the blades: its shade and hue (dark, bluish)
GRASS_BEHIND = (0.8, 0.5, 0.15)  # the blades further back, on average: their shade, hue and tip light
GRASS_OPEN = 0.6  # the view's cosine to the ground under which more blades behind fill the gaps


def _sward(w: _World) -> tuple[Array, Array, Array]:
    """The blades' light and shade (GRASS_BASE's deep in the sward ... about 1.1 at a tip), their hue
    (0..1) and how much of a lit tip each pixel shows. Between the blades the sward's dark base shows
    near the camera; the lower the view grazes the lawn, the more blades further back fill those gaps.
    Where the blades fall below a few pixels they melt into the average of blades further back."""
    rise, width = _blade_rise(w)
    blades = [_blades(w, (rise + k / GRASS_ROWS, width), k) for k in range(GRASS_ROWS)]
    shade, hue, tips, left = _front_to_back(
        blades, [(rise + k / GRASS_ROWS) % 1.0 for k in range(GRASS_ROWS)]
    )
    open_ = np.clip(w.facing / GRASS_OPEN, 0.0, 1.0) ** 2  # how much of the sward's base the view reaches
    deep = left * open_
    behind = left - deep  # the gaps the blades further back fill
    fine = np.clip((0.4 - width / GRASS_BLADE[0]) / 0.15, 0.0, 1.0)  # 1 down to 4 pixels a blade, 0 at 2.5
    resolved = fine * (0.3 + 0.7 * open_)  # crowded blades blend
    near = (shade + deep * GRASS_BASE[0], hue + deep * GRASS_BASE[1], tips)
    shade, hue, tips = (
        far + (value + (behind - 1.0) * far) * resolved for value, far in zip(near, GRASS_BEHIND, strict=True)
    )
    return shade, hue, tips


def _front_to_back(
    blades: list[tuple[Array, Array, Array]], rows: list[Array]
) -> tuple[Array, Array, Array, Array]:
    """The rows of blades (how far up each blade a pixel lies, its cover and tone; `rows`: how far into
    its row of blades each pixel row lies, the larger the nearer the blade's root) laid over one another,
    each hidden by the blades rooted nearer: the shade, hue and tip light they show, and the share of
    each pixel no blade covers."""
    shade, hue, tips = (np.zeros(blades[0][0].shape, np.float32) for _ in range(3))
    left = np.ones(blades[0][0].shape, np.float32)
    for k, (up, cover, tone) in enumerate(blades):
        seen = cover.copy()
        for n, (_, other, _) in enumerate(blades):
            seen *= 1.0 - other * (rows[n] > rows[k]).astype(np.float32)
        shade += seen * (0.5 + 0.55 * up * np.sqrt(up)) * (0.8 + 0.4 * _fract(tone * 7.0))
        hue += seen * tone
        tips += seen * smoothstep(0.6, 0.95, up)
        left -= seen
    return shade, hue, tips, left


def _blade_rise(w: _World) -> tuple[Array, Array]:
    """How far up the rows of blades each pixel row lies (in rows of blades, rising towards the horizon),
    and the floor's width in world units across a pixel there (columns). A blade standing up spans as
    many pixels as a stick of its length lying across the floor at its root, so each pixel row rises by
    its width over the depth of a row of blades."""
    width = np.abs(w.ux).mean(axis=1, keepdims=True) / np.float32(SCALE)
    rise = np.cumsum((width / np.float32(GRASS_BLADE[1]))[::-1], axis=0)[::-1]
    anchor = float(w.v[-1].mean()) / (SCALE * STRETCH * GRASS_BLADE[1])  # the near edge, in the world
    return rise - rise[-1] + np.float32(anchor), width


def _blades(w: _World, rows: tuple[Array, Array], row: int) -> tuple[Array, Array, Array]:
    """One row of blades (`rows`: the rise and the pixels' width, as `_blade_rise`; `row` picks its pitch
    across and its random draws): how far up its blade each pixel lies (0 at the root, 1 at the tip),
    how much of the pixel the blade covers and its tone. A blade stands up: it keeps its root's column
    all the way up, its width measured where it grows."""
    rise, width = rows
    root = np.floor(rise)
    at_root = np.interp(root.ravel(), rise[::-1, 0], width[::-1, 0]).astype(np.float32)[:, None]
    cell = np.float32(GRASS_BLADE[0] * (1.0 + 0.23 * row))  # each row its own pitch: no beat between them
    middle = w.u[:, w.u.shape[1] // 2 : w.u.shape[1] // 2 + 1]
    across = (w.u - middle) * (at_root / (width * SCALE * cell)) + (middle / (SCALE * cell) + 0.37 * row)
    across = across + _bend(across, root + row) * (0.4 + (rise - root) ** 2)  # no even pitch: no beat
    i = np.floor(across).astype(np.int32)
    draw = w.hash(i, root.astype(np.int32) + 31 * row + 59 * (i >> 8), row % 3)
    start = 0.45 * _fract(draw * 3.0)  # where the blade's root lies in its row, and its length:
    tall = (1.0 - start) * (0.55 + 0.45 * _fract(draw * 5.0))  # all within the row
    up = (rise - root - start) / tall
    inside = (up >= 0.0) & (up < 1.0)
    up = np.clip(up, 0.0, 1.0)
    centre = 0.35 + 0.3 * _fract(draw * 11.0) + (_fract(draw * 17.0) - 0.5) * 0.5 * up * up
    half = (0.14 + 0.16 * _fract(draw * 23.0)) * np.sqrt(1.0 - up) * inside  # within its cell
    cover = np.clip((half - np.abs(across - i - centre)) * (cell / at_root) + 0.5, 0.0, 1.0)
    return up, cover, draw


def _bend(across: Array, row: Array) -> Array:
    """How far (in blades) a row of blades leans at its tips: a smooth sway across the lawn, neighbours
    leaning alike as the wind or the mower left them, the whole lattice bending so no blade is cut."""
    sway: Array = 0.7 * np.sin(0.37 * across + 2.3 * row) + 0.5 * np.sin(0.13 * across + 1.1 * row + 2.0)
    return sway


def _moss(f: Floor) -> Array:
    """A moss cushion: a dense, soft pile of tiny leaves in small rounded mounds, greens and yellows
    drifting across it, each stem's tip catching the light and the gaps between them dark, and a velvety
    glow where the mounds turn away from the eye. Its fine fuzz outweighs its mounds."""
    w = _World(f)
    green = _natural(f.base, (0.3, 0.42, 0.12))
    mounds = w.fbm(14, 14 / STRETCH, 2, seed=1)
    facing = _facing_folds(w, 0.008 * mounds)
    hue = w.fbm(3, 3 / STRETCH, 2, seed=4) + 0.5
    colour = mix(
        _rgb(green * np.asarray((0.6, 0.8, 0.7), np.float32), f.size), _rgb(green, f.size), hue * 1.6
    )
    colour = mix(
        colour, _rgb(green * np.asarray((1.35, 1.2, 0.55), np.float32), f.size), smoothstep(0.55, 0.85, hue)
    )
    fuzz = w.fbm(300, 300 / STRETCH, 2, seed=2, gain=0.8) + 0.6 * w.fbm(900, 900 / STRETCH, 1, seed=3)
    tips = smoothstep(0.1, 0.25, fuzz)
    shade = 0.85 + 1.2 * fuzz + 0.15 * smoothstep(-0.3, 0.3, mounds) + 0.2 * (1.0 - facing) ** 3
    colour = colour * shade[..., None] + (0.1 * tips)[..., None] * np.asarray((0.8, 0.9, 0.35), np.float32)
    return _finish(w, colour, ROUGHNESS["moss"])


def _crack_lines(border: Array, width: float, su: float, w: _World) -> Array:
    """Lines along the cells' borders, `width` cells wide but never under a pixel (fainter as they widen)."""
    pixel = np.maximum(w.pixel_cells(su, su / STRETCH), 1e-3)
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
    bend = 0.35 * w.fbm(12, 12 / STRETCH, 2, seed=7)  # no crack runs quite straight
    _, border, _, weight = w.cells(5, 5 / STRETCH, seed=1, warp=bend)
    crack = _crack_lines(border, 0.02, 5, w) * weight * smoothstep(-0.1, 0.15, w.fbm(3, 3, 2, seed=3))
    _, fine_border, _, fine_weight = w.cells(16, 16 / STRETCH, seed=2, warp=bend)
    fine = (
        _crack_lines(fine_border, 0.03, 16, w) * fine_weight * smoothstep(0.05, 0.25, w.fbm(5, 5, 2, seed=4))
    )
    bubble, bubble_weight = w.sample(260, 260 / STRETCH, seed=5)
    bubbles = smoothstep(0.9, 0.97, bubble) * bubble_weight * (1 - cloud * 0.5)
    frost = 0.05 * w.fbm(200, 200, 2, seed=6)
    white = np.clip(crack + 0.5 * fine + 0.6 * bubbles, 0, 1)
    colour = mix(colour * (1 + frost)[..., None], _rgb(np.full(3, 0.97, np.float32), f.size), white * 0.8)
    return _finish(w, colour, ROUGHNESS["ice"])


def _snow(f: Floor) -> Array:
    """Fresh snow: bright and softly undulating, its hollows and the slopes turned from the light blue
    with the sky's light (as are the shadows the set casts on it), a fine crystalline grain, and sparkles:
    single crystals flashing the key light, only where that light reaches."""
    w = _World(f)
    white = mix(
        _natural(f.base, (0.95, 0.96, 0.99), keep=0.3), np.asarray((0.96, 0.97, 1.0), np.float32), 0.6
    )
    blue = white * np.asarray((0.72, 0.82, 0.98), np.float32)
    drifts = 0.03 * w.fbm(1.5, 1.5 / STRETCH, 3, seed=1) + 0.003 * w.fbm(14, 14 / STRETCH, 2, seed=2)
    across_slope, depth_slope = w.slopes(drifts)
    turned = np.clip(depth_slope * STRETCH * 6.0 - across_slope * f.key * 3.0 + 0.15, 0.0, 1.0)
    shadow = np.maximum(turned, 0.55 * (1.0 - w.lit))
    colour = mix(_rgb(white, f.size), _rgb(blue, f.size), shadow)
    colour = colour * (1.0 + 0.06 * w.fbm(300, 300 / STRETCH, 2, seed=3))[..., None]
    sparkle = _glints(w, 700.0) * w.lit * (1.0 - turned)
    return _finish(w, colour + (0.9 * sparkle)[..., None], ROUGHNESS["snow"], depth_slope)


def _glints(w: _World, density: float) -> Array:
    """Sparkles (0..1): a point of light at a few of the lattice points `density` per unit on the floor,
    each about a pixel wide; where the distance packs many into a pixel they dim to their average."""
    x, y = w.u * np.float32(density), w.v * np.float32(density / STRETCH)
    i, j = np.floor(x).astype(np.int32), np.floor(y).astype(np.int32)
    crystal = w.hash(i, j, 1)
    bright = smoothstep(0.975, 0.995, crystal) * (0.4 + 0.6 * w.hash(i, j, 2))
    pixel = np.maximum(w.pixel_cells(density, density / STRETCH), 0.2)  # a pixel's size, in lattice cells
    offset = np.hypot(x - i - 0.5, y - j - 0.5)
    glints: Array = bright * np.exp(-((offset / pixel) ** 2)) * np.minimum(1.0, (0.2 / pixel) ** 2 * 6.0)
    return glints


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


def _floor_plane(plate: Plate, first: int) -> tuple[Array, Array]:
    """The world x and z where each pixel's ray from row `first` down meets the floor's plane (y = 0):
    the plane runs on under props and stands, so no pixel of theirs bends the pattern on the floor
    around them (a plate shot without its set keeps the points it saw)."""
    if plate.studio is None:
        return plate.points[first:, :, 0], plate.points[first:, :, 2]
    camera = plate.studio.camera
    width, height = camera.size
    across = (np.arange(width, dtype=np.float32) + 0.5 - width / 2)[None, :] / np.float32(camera.focal)
    down = (np.arange(first, height, dtype=np.float32) + 0.5 - height / 2)[:, None] / np.float32(camera.focal)
    ray = [camera.forward[k] + across * camera.right[k] - down * camera.up[k] for k in range(3)]
    reach = -camera.position[1] / np.minimum(ray[1], np.float32(-1e-6))  # every row shown looks down
    return camera.position[0] + reach * ray[0], camera.position[2] + reach * ray[2]


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
    x, z = _floor_plane(plate, first)
    top = max(0.0, plate.horizon) * height
    row = np.arange(first, height, dtype=np.float32)[:, None] * np.ones((1, width), np.float32)
    depth = np.clip((row - top) / max(height - top, 1.0), 0, 1)
    u, v = x * SCALE + 0.5, z * SCALE * STRETCH + 1.5
    detail = noise(x.shape, 16, rng, 3)
    key = LIGHT_VECTORS.get(scene.light_direction, (0.0, 0.0))[0]
    f = Floor(palette[1], accent, palette[0], u, v, depth, detail, rng, plate.light[first:], key)
    painted = FLOORS[scene.surface](f)
    # The far floor melts into the wall; looking down, no far edge is in view.
    fade = (smoothstep(0.0, 0.04, depth) if plate.horizon > 0 else 1.0) * floor[first:]
    out = image.copy()
    out[first:] = mix(image[first:], painted.astype(np.float32), fade)
    return np.clip(out, 0.0, 1.0)


# --- a stand's faces (workers/render/stands.py lays these on them) ----------------------------------------
# A block's own colour where its material has one (a palette of another hue gives way to it: `_natural`).
STAND_NATURAL: dict[str, tuple[float, float, float]] = {
    "marble": (0.9, 0.89, 0.87), "wood": (0.6, 0.43, 0.28), "concrete": (0.66, 0.65, 0.63),
    "stone": (0.68, 0.64, 0.58), "slate": (0.24, 0.25, 0.27), "terrazzo": (0.88, 0.86, 0.83),
}  # fmt: skip
STEEL = (0.97, 0.98, 1.0)  # a neutral palette's metal block: steel, a touch cool
NEUTRAL_SPREAD = 0.08  # a colour whose channels differ by less than this is a grey
VEINS = 0.72  # a natural block's accent (marble's veins, wood's warm grain) is its colour this much darker


def stand_colours(material: str, floor: Array, accent: Array) -> tuple[Array, Array]:
    """A block's base and accent colours: a shade off the floor's (so it reads apart from the floor it
    stands on, never lost in a black set), in its material's own colour where it has one and the
    palette is of another hue; a metal block on a grey palette is steel."""
    base = np.asarray(floor, np.float32) * 0.85 + 0.1
    accent = np.asarray(accent, np.float32)
    natural = STAND_NATURAL.get(material)
    if natural is not None:
        veins = (natural[0] * VEINS, natural[1] * VEINS, natural[2] * VEINS)
        return _natural(base, natural, keep=0.8), _natural(accent, veins, keep=0.8)
    if material == "metal" and float(np.ptp(base)) < NEUTRAL_SPREAD:
        base = np.clip(base * 0.6 + 0.25, 0.0, 1.0) * np.asarray(STEEL, np.float32)
    return base, accent


def velvet_pile(f: Floor) -> tuple[Array, Array]:
    """Velvet's pile on a stand's face, as `_velvet` lays it on a floor: its fine nap (about 0) and the
    patches where it was crushed (0 to about 1.4), which catch more of its sheen."""
    w = _World(f)
    ridges = 1.0 - np.abs(2.0 * w.fbm(8, 8 / STRETCH, 2, seed=2, gain=0.6))
    crushed = smoothstep(0.6, 0.95, ridges) + 0.4 * smoothstep(0.0, 0.3, w.fbm(3, 1, 2, seed=4))
    return w.fbm(400, 400 / STRETCH, 1, seed=3), crushed * w.fade(16)


def brushed_streaks(f: Floor) -> Array:
    """Brushed metal's shade on a stand's face (about 1): fine streaks along the face's `u` and a few
    scratches, as `_metal` lays them on a floor; the highlight is the stand's own (stands.py)."""
    w = _World(f)
    streaks = (
        0.8 * w.fbm(3.0, 500, 2, seed=1) + 0.5 * w.fbm(0.8, 150, 2, seed=2) + 0.3 * w.fbm(40, 700, 1, seed=3)
    )
    scratch, weight = w.sample(6.0, 900.0, seed=4)
    shade: Array = 1.0 + 0.25 * streaks + 0.08 * smoothstep(0.8, 0.95, scratch) * weight
    return shade
