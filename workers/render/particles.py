"""Out-of-focus light and particles as a lens photographs them: bokeh, foliage, confetti and snow.

A point of light behind the focus plane does not blur into a flat disc: the lens draws it as the shape of
its aperture (a polygon of blades with slightly curved sides, rounder wide open), brighter at the rim and
faintly rippled inside, and it adds light: where two overlap they are brighter, never darker than what is
behind them. Its size is the blur its depth gets (the farther behind, the wider and the fainter, as its
light spreads over a wider disc), and towards the frame's corners the lens barrel clips it into a cat's eye.
Foliage out of focus is soft masses of leaves in light and shade with the sun glinting through their gaps;
confetti is small pieces of foil and paper in 3D, lit by the key light, lying on the floor in perspective
or falling at several depths; snow falls at several depths, from specks far away to soft discs near the lens.

Every overlay here keeps the studio's signature, (image, palette, rng, horizon) → image; everything random
comes from the rng passed in. Soft things are painted at low resolution and scaled up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

from presets import Scene
from workers.render.paint import LIGHT_VECTORS, Array, mix, noise, smoothstep
from workers.render.set3d import FOCAL, REFERENCE_ELEVATION

# --- the lens's highlights ----------------------------------------------------------------------------
BLADES = 7  # aperture blades of the studio's lens
WIDE_OPEN, STOPPED_DOWN = 1.4, 5.6  # f-numbers at which the aperture is round, and a plain polygon
CENTRE = 0.72  # a highlight's centre against its rim (an "onion ring": the rim is brighter)
RIM = 0.18  # the extra brightness of the thin bright ring at its edge
RIM_AT, RIM_WIDTH = 0.93, 0.05  # ... where that ring lies and how wide it is, as shares of the radius
RIPPLE = 0.05  # the faint concentric rings inside it (the lens's aspheric elements)
RINGS = 4.5  # ... how many of them from its centre to its rim
GRAIN = 0.08  # the faint mottle inside it (dust and polish marks on the elements)
MOTTLE = 4.0  # the smoothed noise of that mottle, its contrast stretched this much about its mean
EDGE = 0.06  # the width of its edge, as a share of its radius, past one pixel of anti-aliasing
HEADROOM = 2.5  # how far past white the light of a highlight may go
CAT_EYE = 0.55  # in a frame's corner the barrel clips a highlight by this share of its radius


@dataclass(frozen=True)
class Lens:
    """The lens the overlays are shot through: its f-number and the blades of its aperture."""

    aperture: float = 2.8
    blades: int = BLADES

    @property
    def roundness(self) -> float:
        """How far the blades' sides bulge towards a circle: a circle wide open, a polygon stopped down."""
        opened = (STOPPED_DOWN - self.aperture) / (STOPPED_DOWN - WIDE_OPEN)
        return float(np.clip(opened, 0.0, 1.0) ** 1.2 * 0.9 + 0.05)


@dataclass(frozen=True)
class Highlight:
    """One out-of-focus point of light: its centre and radius in pixels, colour, and peak brightness;
    `soft` widens its edge (a lit object rather than a point: a snowflake near the lens)."""

    x: float
    y: float
    radius: float
    colour: Array
    power: float
    soft: float = 0.0


def aperture_distance(dx: Array, dy: Array, lens: Lens, rotation: float) -> Array:
    """The distance from a highlight's centre in units of the aperture's radius in that direction: 1 on
    the outline of a polygon of `lens.blades` sides, its sides bulging by the lens's roundness."""
    sector = 2 * math.pi / lens.blades
    theta = np.mod(np.arctan2(dy, dx) - rotation, sector) - sector / 2
    polygon = math.cos(sector / 2) / np.cos(theta)
    outline = polygon + (1 - polygon) * lens.roundness
    return np.hypot(dx, dy) / outline


def _profile(distance: Array, highlight: Highlight, mottle: Array) -> Array:
    """Brightness across a highlight at `distance` (1 at the outline): a darker, faintly rippled and
    mottled centre rising to a bright rim, cut off by a soft edge."""
    sharp = 1.0 - highlight.soft
    edge = EDGE + highlight.soft + 1.0 / max(highlight.radius, 1.0)
    inside = smoothstep(1.0 + edge / 2, 1.0 - edge / 2, distance)
    body = (
        CENTRE
        + (1 - CENTRE) * distance**3 * sharp
        + RIM * sharp * np.exp(-(((distance - RIM_AT) / RIM_WIDTH) ** 2))
    )
    texture = RIPPLE * np.sin(distance * RINGS * 2 * math.pi) * (1 - distance) + GRAIN * (mottle - 0.5)
    return inside * (body + texture * sharp)


def _sprite(
    highlight: Highlight, lens: Lens, rotation: float, frame: tuple[int, int], mottle: Array
) -> Array:
    """One highlight's brightness on a square patch around its rounded centre; clipped into a cat's eye by
    the lens barrel the farther it lies from the frame's centre."""
    height, width = frame
    half = math.ceil(highlight.radius * (1 + EDGE + highlight.soft)) + 2
    grid = np.arange(-half, half + 1, dtype=np.float32)
    dy = grid[:, None] - (highlight.y - round(highlight.y))
    dx = grid[None, :] - (highlight.x - round(highlight.x))
    distance = aperture_distance(dx, dy, lens, rotation) / highlight.radius
    reach = math.hypot(width, height) / 2
    off_x, off_y = (highlight.x - width / 2) / reach, (highlight.y - height / 2) / reach
    shift = CAT_EYE * math.hypot(off_x, off_y) * highlight.radius
    barrel = np.hypot(dx + off_x * shift, dy + off_y * shift) / highlight.radius
    span = np.arange(2 * half + 1)
    rows, cols = (span + round(highlight.y)) % mottle.shape[0], (span + round(highlight.x)) % mottle.shape[1]
    tile = mottle[rows[:, None], cols[None, :]]
    return highlight.power * _profile(np.maximum(distance, barrel), highlight, tile)


def light_layer(
    highlights: list[Highlight], lens: Lens, frame: tuple[int, int], rng: np.random.Generator
) -> Array:
    """The light the highlights add, summed (where they overlap they add up), on a black (H, W, 3) layer.
    All share the aperture's orientation, as a lens's highlights do."""
    height, width = frame
    layer = np.zeros((height, width, 3), np.float32)
    rotation = float(rng.uniform(0, 2 * math.pi / lens.blades))
    smooth = ndimage.gaussian_filter(rng.random((48, 48), dtype=np.float32), 1.5, mode="wrap")
    mottle = 0.5 + MOTTLE * (smooth - 0.5)  # a tile of faint blotches, repeated across every highlight
    for h in highlights:
        patch = _sprite(h, lens, rotation, frame, mottle)
        half = patch.shape[0] // 2
        top, left = round(h.y) - half, round(h.x) - half
        y0, x0 = max(top, 0), max(left, 0)
        y1, x1 = min(top + patch.shape[0], height), min(left + patch.shape[1], width)
        if y1 > y0 and x1 > x0:
            layer[y0:y1, x0:x1] += patch[y0 - top : y1 - top, x0 - left : x1 - left, None] * h.colour
    return layer


def add_light(image: Array, light: Array) -> Array:
    """`light` added to `image` as light is (a screen blend): brighter, never darker. A light may pass
    white (a lamp is brighter than any paint): the set's light then dims it no more than it would a lamp."""
    return image + np.clip(1 - image, 0, None) * np.clip(light, 0, HEADROOM)


def bokeh(image: Array, highlights: list[Highlight], lens: Lens, rng: np.random.Generator) -> Array:
    """The highlights, as the lens draws them, added to `image`."""
    return add_light(image, light_layer(highlights, lens, image.shape[:2], rng))


# --- lights behind the product ------------------------------------------------------------------------
TUNGSTEN = np.array([1.0, 0.72, 0.42], np.float32)  # a household bulb, about 2700 K
WARM_WHITE = np.array([1.0, 0.88, 0.7], np.float32)
LIT = 0.35  # a palette colour darker than this (its brightest channel) is no light's colour
BLUR_AT_INFINITY = 0.1  # the radius a light far behind gets at f/2.8, as a share of the frame's height
NEAREST, FARTHEST = 1.3, 12.0  # lights lie this many times the focus distance behind the camera
SMALLEST = 0.025  # the radius at which a light peaks at full brightness, as a share of the height
PEAK = 2.4  # the brightest light's peak: past white, so its core blows out as a bare bulb's does
FAINTEST = 0.13  # the faintest light's peak: fainter ones would not be worth drawing
HANGING = 40  # lights hanging behind the product (light_bokeh)


def light_colours(accents: list[Array]) -> list[Array]:
    """Colours of the lights a scene hangs: tungsten, warm white and its palette's bright accents (each
    at full brightness: a light's hue, not a paint's)."""
    lights = [a / a.max() for a in accents if a.max() > LIT]
    return [TUNGSTEN, WARM_WHITE, *lights, *lights]  # accents drawn twice as often as the bulbs


def scatter_lights(
    rng: np.random.Generator,
    count: int,
    frame: tuple[int, int],
    lowest: float,
    lens: Lens,
    colours: list[Array],
) -> list[Highlight]:
    """`count` lights at random depths behind the focus plane, their centres above `lowest` (a share of
    the height): the farther, the wider (the blur that depth gets) and the fainter (the same light over
    a wider disc), so there are a few small bright ones and many faint wide ones."""
    height, width = frame
    depth = np.exp(rng.uniform(math.log(NEAREST), math.log(FARTHEST), count))
    radius = BLUR_AT_INFINITY * height * (2.8 / lens.aperture) * (1 - 1 / depth)
    power = np.clip(rng.uniform(0.6, 1.0, count) * PEAK * (SMALLEST * height / radius) ** 2, FAINTEST, PEAK)
    xs, ys = rng.uniform(0, width, count), rng.uniform(0.02, max(lowest, 0.03), count) * height
    picks = rng.integers(len(colours), size=count)
    return [
        Highlight(float(x), float(y), float(r), colours[int(c)], float(p))
        for x, y, r, p, c in zip(xs, ys, radius, power, picks, strict=True)
    ]


def light_bokeh(
    image: Array, palette: list[Array], rng: np.random.Generator, horizon: float, *, aperture: float = 2.8
) -> Array:
    """Lights hanging behind the product, above the floor (a glossy floor mirrors them: gloss.py)."""
    lens = Lens(aperture)
    lights = scatter_lights(rng, HANGING, image.shape[:2], horizon * 0.95, lens, light_colours(palette[2:]))
    return bokeh(image, lights, lens, rng)


class Backdrop(Protocol):
    """What a backdrop is painted from (studio.Wall): the scene, its colours and the canvas coordinates."""

    @property
    def scene(self) -> Scene: ...
    @property
    def wall(self) -> Array: ...
    @property
    def floor(self) -> Array: ...
    @property
    def accents(self) -> list[Array]: ...
    @property
    def ys(self) -> Array: ...
    @property
    def xs(self) -> Array: ...
    @property
    def rng(self) -> np.random.Generator: ...


ROOM_SHAPES = 5  # out-of-focus pieces of furniture, doorways and windows in the room behind
ROOM_BLUR = 3.0  # their blur, in pixels of a canvas painted at an eighth of the size
ROOM_LIGHTS = 20  # lights of the room (the overlay may hang more)


def _room(w: Backdrop) -> Array:
    """A room far out of focus: the wall darkening upwards into the floor, broad soft shapes of furniture
    and windows lighter and darker than the wall, and the warm glow of a lamp."""
    height, width = w.ys.shape
    small = np.zeros((max(height // 8, 2), max(width // 8, 2)), np.float32)
    for _ in range(ROOM_SHAPES):
        top, left = _room_box(w.rng, small.shape)
        small[top[0] : top[1], left[0] : left[1]] += w.rng.uniform(-0.22, 0.18)
    soft = ndimage.gaussian_filter(small, ROOM_BLUR)
    shapes = np.asarray(Image.fromarray(soft, "F").resize((width, height), Image.Resampling.BILINEAR))
    t = smoothstep(w.scene.floor_line - 0.3, w.scene.floor_line + 0.05, w.ys)
    image = mix(np.broadcast_to(w.wall, (height, width, 3)) * (0.82 + 0.18 * w.ys[..., None]), w.floor, t)
    image = (
        image
        * (1 + shapes * (1 - t))[..., None]
        * (0.94 + 0.12 * noise((height, width), 3, w.rng, 2))[..., None]
    )
    cy, cx = w.rng.uniform(0.1, 0.4), w.rng.uniform(0.1, 0.9)
    glow = np.exp(-(((w.ys - cy) / 0.35) ** 2 + ((w.xs - cx) / 0.2) ** 2))
    return add_light(np.clip(image, 0, 1), glow[..., None] * TUNGSTEN * 0.16)


def _room_box(rng: np.random.Generator, shape: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int]]:
    """Random rows and columns of a box inside `shape`: a piece of furniture, a door or a window."""
    height, width = shape
    top, left = int(rng.integers(0, height)), int(rng.integers(0, width))
    rows, cols = (
        int(rng.integers(height // 5 + 1, height // 2 + 2)),
        int(rng.integers(width // 12 + 1, width // 4 + 2)),
    )
    return (top, min(top + rows, height)), (left, min(left + cols, width))


def bokeh_backdrop(w: Backdrop) -> Array:
    """A room far behind the product, out of focus, with its lights as the scene's lens draws them."""
    image = _room(w)
    lens = Lens(w.scene.aperture)
    lights = scatter_lights(
        w.rng, ROOM_LIGHTS, w.ys.shape, w.scene.floor_line * 0.9, lens, light_colours(w.accents)
    )
    return bokeh(image, lights, lens, w.rng)


# --- foliage ------------------------------------------------------------------------------------------
SUNLIGHT = np.array([1.0, 0.96, 0.82], np.float32)
SHADE = 0.45  # leaves deep in a canopy's shade: their colour this much as bright
HIGH_KEY = 0.6  # a wall brighter than this (its mean) is a high-key set: no deep shade in its foliage
SHADED, HIGH_KEY_SHADED = 0.4, 0.75  # how bright a branch in the shade is, in most sets and high-key ones
FOLIAGE_SCALE = 4  # foliage is painted at this fraction of the canvas's size (it is far out of focus)
BRANCHES = 9  # clusters of leaves
LEAVES = 30  # leaves on each
LEAF_LENGTH = (0.03, 0.06)  # a leaf's length, as a share of the width
FAR_BLUR, NEAR_BLUR = 3.0, 1.3  # the blur of far and nearer branches, in pixels of the small canvas
LEAVES_COVER, FOLIAGE_COVER = 0.75, 0.9  # how opaque the leaf masses are (leaves_bokeh, foliage)
GLINTS = 12  # sun glints through the gaps between leaves
GLINT_TRIES = 400  # places tried for them
GAPS = (0.1, 0.55)  # the cover of the leaves where the sun gets through: thin, at a mass's edge
VEIL = 0.4  # far leaves fade this much towards the air's colour (the wall's) behind them, in a bright scene
# A leaf's outline around its centre: a lance pointed at both ends, one unit long.
LEAF = np.array(
    [
        (math.cos(t) / 2, math.sin(t) * 0.22 * abs(math.sin(t)) ** 0.3)
        for t in np.linspace(0, 2 * math.pi, 12)
    ],
    np.float32,
)


def foliage_tones(accents: list[Array], wall: Array) -> tuple[list[Array], float]:
    """The colours leaves are: the palette's accents (a forest's greens, autumn's rust and gold, spring's
    blossom) and, in a set darker than a high-key one, the deepest of them in shade; and how dark a
    branch in the shade gets (a high-key set has no deep shade)."""
    if float(wall.mean()) < HIGH_KEY:
        return [*accents, min(accents, key=lambda a: float(a.sum())) * SHADE], SHADED
    return list(accents), HIGH_KEY_SHADED


def _branch(
    rng: np.random.Generator, size: tuple[int, int], horizon: float, tones: tuple[list[Array], float]
) -> list[tuple[Array, Array]]:
    """One branch's leaves, as (outline in pixels, colour): scattered round its centre, each turned its own
    way, the sunlit side of the branch (its top) lighter than its shaded side."""
    width, height = size
    cx, cy = rng.uniform(-0.05, 1.05) * width, rng.uniform(-0.1, horizon * 0.8) * height
    colours, shade = tones
    light = rng.uniform(shade, 1.0)  # a branch in the sun or in the shade
    tone = colours[int(rng.integers(len(colours)))]
    leaves = []
    for _ in range(LEAVES):
        x, y = cx + rng.normal(0, 0.05) * width, cy + rng.normal(0, 0.1) * height
        angle, length = rng.uniform(0, math.pi), rng.uniform(*LEAF_LENGTH) * width
        turn = np.array([[math.cos(angle), math.sin(angle)], [-math.sin(angle), math.cos(angle)]], np.float32)
        lit = light * rng.uniform(0.75, 1.15) * (1 + 0.35 * np.clip((cy - y) / (0.1 * height), -1, 1))
        leaves.append((LEAF * length @ turn + (x, y), np.clip(tone * lit, 0, 1)))
    return leaves


def _paint(shapes: list[tuple[Array, Array]], size: tuple[int, int], blur: float) -> tuple[Array, Array]:
    """Polygons painted in order over black, then blurred as the lens blurs them: (colour premultiplied by
    cover, cover), floats at `size`."""
    colour, cover = Image.new("RGB", size), Image.new("L", size)
    paint, mask = ImageDraw.Draw(colour), ImageDraw.Draw(cover)
    for outline, tone in shapes:
        points = [(float(x), float(y)) for x, y in outline]
        paint.polygon(points, fill=tuple(int(c * 255 + 0.5) for c in tone))
        mask.polygon(points, fill=255)
    rgb = np.asarray(colour, np.float32) / 255.0
    alpha = np.asarray(cover, np.float32) / 255.0
    if blur > 0:
        rgb = ndimage.gaussian_filter(rgb, (blur, blur, 0))
        alpha = ndimage.gaussian_filter(alpha, blur)
    return rgb, alpha


def _upscaled(layer: Array, size: tuple[int, int]) -> Array:
    """A small (H, W) or (H, W, C) float layer scaled up to `size` (width, height), bilinear: it is soft."""
    if layer.ndim == 3:
        return np.stack([_upscaled(layer[..., c], size) for c in range(layer.shape[2])], axis=-1)
    return np.asarray(Image.fromarray(layer.astype(np.float32), "F").resize(size, Image.Resampling.BILINEAR))


def _canopy(
    palette: list[Array], rng: np.random.Generator, frame: tuple[int, int], horizon: float
) -> tuple[Array, Array]:
    """Out-of-focus foliage on a small canvas: far branches blurred into soft masses behind nearer ones
    whose leaves still show their shape; (colour premultiplied, cover)."""
    height, width = frame
    size = (max(width // FOLIAGE_SCALE, 2), max(height // FOLIAGE_SCALE, 2))
    tones = foliage_tones(palette[2:] or palette[1:], palette[0])
    branches = [_branch(rng, size, horizon, tones) for _ in range(BRANCHES)]
    veil = VEIL * (0.3 + float(palette[0].mean()))  # the brighter the air, the paler the far leaves
    far = _paint([(o, mix(c, palette[0], veil)) for b in branches[::2] for o, c in b], size, FAR_BLUR)
    near = _paint([(o, mix(c, palette[0], veil / 2)) for b in branches[1::2] for o, c in b], size, NEAR_BLUR)
    rgb = near[0] + far[0] * (1 - near[1][..., None])
    return rgb, near[1] + far[1] * (1 - near[1])


def _glints(
    cover: Array, rng: np.random.Generator, frame: tuple[int, int], lens: Lens, horizon: float
) -> list[Highlight]:
    """Sun through the gaps of the leaves: small bright highlights where the cover thins, at its edges,
    above the floor."""
    height, width = frame
    ys = rng.uniform(0, horizon * 0.9 * cover.shape[0], GLINT_TRIES)
    xs = rng.uniform(0, cover.shape[1] - 1, GLINT_TRIES)
    thin = cover[ys.astype(int), xs.astype(int)]
    spots = np.flatnonzero((thin > GAPS[0]) & (thin < GAPS[1]))[:GLINTS]
    scale_y, scale_x = height / cover.shape[0], width / cover.shape[1]
    radius = rng.uniform(0.018, 0.045, len(spots)) * height * (2.8 / lens.aperture) ** 0.5
    power = rng.uniform(0.35, 0.8, len(spots))
    return [
        Highlight(float(xs[i] * scale_x), float(ys[i] * scale_y), float(r), SUNLIGHT, float(p))
        for i, r, p in zip(spots, radius, power, strict=True)
    ]


def leaves(
    image: Array,
    palette: list[Array],
    rng: np.random.Generator,
    horizon: float,
    cover: float = LEAVES_COVER,
    *,
    aperture: float = 2.8,
) -> Array:
    """Foliage out of focus, as a photographer gets it through a long lens: soft masses of leaves in light
    and shade over the wall, and the sun glinting through their gaps in the aperture's shape."""
    height, width = image.shape[:2]
    rgb, alpha = _canopy(palette, rng, (height, width), horizon)
    lens = Lens(aperture)
    glints = _glints(alpha, rng, (height, width), lens, horizon)
    rgb, alpha = _upscaled(rgb, (width, height)), _upscaled(alpha, (width, height))
    out = image * (1 - cover * alpha[..., None]) + cover * rgb
    return bokeh(np.clip(out, 0, 1), glints, lens, rng)


def foliage(image: Array, palette: list[Array], rng: np.random.Generator, horizon: float) -> Array:
    """`leaves`, denser: a canopy rather than a few branches."""
    return leaves(image, palette, rng, horizon, FOLIAGE_COVER)


# --- snow ---------------------------------------------------------------------------------------------
SNOW_WHITE = np.array([0.95, 0.97, 1.0], np.float32)
HAZE = 0.06  # the veil that countless far flakes lay over the scene


@dataclass(frozen=True)
class Flakes:
    """Snow at one depth: how many flakes, their radius (a share of the height), brightness, and how soft
    their edge is (far flakes are specks; near the lens they are wide soft discs of light)."""

    count: int
    radius: tuple[float, float]
    power: float
    soft: float


FAR_SNOW = Flakes(1200, (0.0012, 0.0025), 0.5, 0.0)
MID_SNOW = Flakes(260, (0.005, 0.01), 0.9, 0.0)
NEAR_SNOW = Flakes(8, (0.05, 0.1), 0.55, 0.7)
SNOW = (FAR_SNOW, MID_SNOW, NEAR_SNOW)
WIDE_FLAKE = 4.0  # flakes wider than this radius (pixels) are drawn as discs of the aperture's shape
SPECK = 1.5  # flakes up to this radius (pixels) are specks at the canvas's own resolution
FALL = 1.6  # a falling flake is streaked this many times taller than wide by the shutter


def flakes(frame: tuple[int, int], depth: Flakes, rng: np.random.Generator, lens: Lens) -> Array:
    """The light one depth of snow adds, an (H, W) layer: specks streaked a little by their fall, or,
    for flakes as wide as several pixels near the lens, soft discs in the aperture's shape."""
    height, width = frame
    radius = float(np.mean(depth.radius)) * height
    if radius > WIDE_FLAKE:
        found = [
            Highlight(rng.uniform(0, width), rng.uniform(0, height), rng.uniform(*depth.radius) * height,
                      np.ones(3, np.float32), depth.power * rng.uniform(0.6, 1.0), depth.soft)
            for _ in range(depth.count)
        ]  # fmt: skip
        return light_layer(found, lens, frame, rng)[..., 0]
    scale = 2 if radius > SPECK else 1  # wider specks are blurred on a canvas half the size
    rows, cols = -(-height // scale), -(-width // scale)
    where = rng.integers(0, rows * cols, depth.count)
    amount = rng.uniform(0.5, 1.0, depth.count) * depth.power
    specks = np.bincount(where, amount, minlength=rows * cols).reshape(rows, cols).astype(np.float32)
    sigma = (max(radius / scale, 0.5) * FALL, max(radius / scale, 0.5))
    layer = ndimage.gaussian_filter(specks, sigma, truncate=3.0) * (2 * math.pi * sigma[0] * sigma[1])
    return layer if scale == 1 else _upscaled(layer, (width, height))


def snow(
    image: Array, palette: list[Array], rng: np.random.Generator, horizon: float, *, aperture: float = 2.8
) -> Array:
    """Falling snow at several depths: a haze of countless far flakes, small specks, and a few wide soft
    discs of flakes close to the lens."""
    frame = image.shape[:2]
    lens = Lens(aperture)
    ys = np.linspace(0.0, 1.0, frame[0], dtype=np.float32)[:, None]
    light = HAZE * noise(frame, 3, rng, 2) * (1 - 0.5 * ys)
    for depth in SNOW:
        light = light + flakes(frame, depth, rng, lens)
    return add_light(image, light[..., None] * SNOW_WHITE)


# --- confetti -----------------------------------------------------------------------------------------
GOLD_FOIL = np.array([1.0, 0.78, 0.34], np.float32)
SILVER_FOIL = np.array([0.86, 0.88, 0.92], np.float32)
FOIL_SHARE = 0.4  # of the pieces, foil; the rest paper in the palette's accents
EYE = 1.0  # the camera's height above the floor: the unit of the set's world
PITCH = math.radians(REFERENCE_ELEVATION)  # the camera looks down as the set's does
RIGHT = np.array([1.0, 0.0, 0.0])
FOCUS_DROP = 0.1  # the product stands about this share of the height below the floor line, in focus
PIECE = (0.022, 0.036)  # half a piece's width, in world units (a product is nearly one unit tall)
FLOOR_PIECES = 22  # pieces lying on the floor
LIFT = 0.002  # ... this high above it (their centres: they are curled a little)
FAR_PIECES, MID_PIECES, NEAR_PIECES = 14, 7, 2  # pieces in the air behind, about, and far before the focus
NEAR = 0.5  # pieces nearer than this share of the focus distance keep to the frame's sides ...
SIDE = 0.08  # ... about this share of the width from its edges
AMBIENT, DIFFUSE, THROUGH = 0.62, 0.55, 0.3  # paper: lit by the room, the key light, and the key through it
ROOM = 0.3  # foil mirrors the room: this bright in a black set, more in a brighter one
SHINE, GLINT = 60.0, 1.6  # foil: the tightness and strength of the key light's glint on it
CURL = 0.06  # radians a piece on the floor tilts, curled (a typical one)
CONTACT = 0.45  # how dark a piece's contact shadow is
NEAR_GLOW = 0.95  # a piece close to the lens catches the light: its colour at this brightness
NEAR_COVER = 0.8  # ... and, spread by the lens over a wide disc, lets some of the scene through
FAR_SOFT = 0.7  # the blur of pieces far behind the product, in pixels
DEPTH_BLUR = 0.02  # circle of confusion at f/2.8 for |1 - focus / depth| = 1, a share of the width (studio's)
COC_SIGMA = 0.3  # a Gaussian blur as wide as a circle of confusion has this sigma against its diameter
SUPERSAMPLE = 2  # sharp pieces are drawn this many times larger and averaged down: smooth edges


@dataclass(frozen=True)
class Camera:
    """The set's camera (set3d's focal length, pitched down by its reference elevation), EYE above the
    floor, its axis through the frame's centre; the floor meets the wall at the row `floor_line`."""

    focal: float  # pixels
    size: tuple[int, int]  # height, width
    floor_line: float  # a row

    @property
    def position(self) -> Array:
        return np.array([0.0, EYE, 0.0])

    @property
    def forward(self) -> Array:
        return np.array([0.0, -math.sin(PITCH), math.cos(PITCH)])

    @property
    def up(self) -> Array:
        return np.array([0.0, math.cos(PITCH), math.sin(PITCH)])

    def project(self, points: Array) -> Array:
        """World points (N, 3: x right, y up, z away) to (N, 2) pixels (column, row)."""
        rel = points - self.position
        depth = rel @ self.forward
        height, width = self.size
        return np.stack(
            [width / 2 + self.focal * rel[:, 0] / depth, height / 2 - self.focal * (rel @ self.up) / depth],
            axis=1,
        )

    def point(self, x: float, y: float, depth: float) -> Array:
        """The world point `depth` along the camera's axis that the pixel (x, y) sees."""
        height, width = self.size
        ray = self.forward + (x - width / 2) / self.focal * RIGHT - (y - height / 2) / self.focal * self.up
        return self.position + depth * ray

    def floor_depth(self, y: float) -> float:
        """How far along the camera's axis the floor lies that the row `y` sees."""
        below = (y - self.size[0] / 2) / self.focal
        return EYE / max(math.sin(PITCH) + below * math.cos(PITCH), 1e-3)

    def floor_row(self, depth: float) -> float:
        """The row that sees the floor `depth` along the camera's axis."""
        return self.size[0] / 2 + self.focal * (EYE / depth - math.sin(PITCH)) / math.cos(PITCH)

    @property
    def focus(self) -> float:
        """The distance the lens focuses at: the floor where the product stands, in front of the wall."""
        return self.floor_depth(min(self.floor_line + FOCUS_DROP * self.size[0], self.size[0] - 1))


@dataclass(frozen=True)
class Piece:
    """A piece of confetti as the camera sees it: its outline (4, 2) in pixels, its colour as lit, and
    its distance."""

    corners: Array
    colour: Array
    depth: float


def _turned(rng: np.random.Generator) -> Array:
    """A rotation in any direction, uniformly (from a random unit quaternion)."""
    w, x, y, z = (q := rng.normal(size=4)) / np.linalg.norm(q)
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


def _lying(rng: np.random.Generator) -> Array:
    """A rotation of a piece lying on the floor: turned any way about the vertical, curled a little."""
    yaw, tilt, roll = rng.uniform(0, 2 * math.pi), rng.normal(0, CURL), rng.normal(0, CURL)
    about_y = np.array([[math.cos(yaw), 0, math.sin(yaw)], [0, 1, 0], [-math.sin(yaw), 0, math.cos(yaw)]])
    about_x = np.array([[1, 0, 0], [0, math.cos(tilt), -math.sin(tilt)], [0, math.sin(tilt), math.cos(tilt)]])
    about_z = np.array([[math.cos(roll), -math.sin(roll), 0], [math.sin(roll), math.cos(roll), 0], [0, 0, 1]])
    return about_x @ about_z @ about_y


def key_light(light: str) -> Array:
    """The unit vector towards the scene's key light (paint.LIGHT_VECTORS' direction on the picture),
    above the set, in front of it or, for a back light, behind."""
    lx, ly = LIGHT_VECTORS.get(light, (0.0, -1.0))
    vector = np.array([lx, 0.6 - 0.6 * ly, 0.8 if light == "back" else -0.6])
    return vector / np.linalg.norm(vector)


@dataclass(frozen=True)
class Lighting:
    """What lights the pieces: the unit vector towards the key light, the paper's colours, and how bright
    the room is that foil mirrors (a dark set leaves foil dark but for its glints)."""

    key: Array
    colours: list[Array]
    room: float


def _lit(normal: Array, colour: Array, foil: bool, lighting: Lighting, view: Array) -> Array:
    """A flat piece's colour under the key light, against the wall's (a wall facing the camera is lit 1):
    paper diffuse (and lit through from behind), foil what it mirrors of the room, brighter facing up to
    the ceiling, and a glint where it mirrors the key light to the camera."""
    normal = normal if normal @ view >= 0 else -normal  # the face the camera sees
    facing = float(normal @ lighting.key)
    if not foil:
        return colour * (AMBIENT + DIFFUSE * max(facing, 0.0) + THROUGH * max(-facing, 0.0))
    half = (lighting.key + view) / np.linalg.norm(lighting.key + view)
    glint = max(float(normal @ half), 0.0) ** SHINE * GLINT
    mirrored = lighting.room * (0.5 + 0.5 * max(float(normal[1]), 0.0)) + 0.25 * max(facing, 0.0)
    return colour * mirrored + glint * (colour + 1) / 2


def _piece(rng: np.random.Generator, centre: Array, turn: Array, camera: Camera, lighting: Lighting) -> Piece:
    """One piece at `centre`, turned by `turn`: a small rectangle of foil or paper, projected and lit."""
    half = rng.uniform(*PIECE)
    a, b = half, half * rng.uniform(0.45, 1.0)
    local = np.array([[-a, 0, -b], [a, 0, -b], [a, 0, b], [-a, 0, b]])
    corners = centre + local @ turn.T
    foil = bool(rng.random() < FOIL_SHARE)
    colour = (
        (GOLD_FOIL if rng.random() < 0.8 else SILVER_FOIL)
        if foil
        else lighting.colours[int(rng.integers(len(lighting.colours)))]
    )
    view = camera.position - centre
    lit = _lit(turn @ np.array([0.0, 1.0, 0.0]), colour, foil, lighting, view / np.linalg.norm(view))
    return Piece(
        camera.project(corners), np.clip(lit, 0, 1), float((centre - camera.position) @ camera.forward)
    )


def _camera(frame: tuple[int, int], horizon: float) -> Camera:
    return Camera(FOCAL * frame[0], frame, horizon * frame[0])


def floor_pieces(
    rng: np.random.Generator,
    frame: tuple[int, int],
    horizon: float,
    count: int,
    lighting: Lighting,
) -> list[Piece]:
    """`count` pieces lying on the floor, from the frame's bottom edge back to the wall (at the row
    `horizon`), spread evenly over the floor's area: seen in perspective, smaller, more foreshortened and
    closer together towards the wall."""
    height, width = frame
    camera = _camera(frame, horizon)
    nearest, farthest = camera.floor_depth(height), camera.floor_depth(camera.floor_line + 1)
    pieces = []
    for depth in np.sqrt(rng.uniform(nearest**2, farthest**2, count)):
        spot = camera.point(rng.uniform(0, width), camera.floor_row(float(depth)), float(depth))
        spot[1] = LIFT  # on the floor
        pieces.append(_piece(rng, spot, _lying(rng), camera, lighting))
    return pieces


def air_pieces(
    rng: np.random.Generator,
    frame: tuple[int, int],
    horizon: float,
    count: int,
    depths: tuple[float, float],
    lighting: Lighting,
) -> list[Piece]:
    """`count` pieces falling, between `depths` times the focus distance away (never behind the wall),
    turned every way, above the floor; the nearest keep to the frame's sides (the product stands in its
    middle)."""
    height, width = frame
    camera = _camera(frame, horizon)
    wall = camera.floor_depth(camera.floor_line + 1)
    pieces = []
    for depth in np.minimum(rng.uniform(*depths, count) * camera.focus, wall):
        side = rng.choice([SIDE, 1 - SIDE]) + rng.normal(0, SIDE / 3)
        x = (rng.uniform(0, 1) if depths[0] > NEAR else side) * width
        lowest = min(camera.floor_row(float(depth)), height)  # below it, the point would be under the floor
        point = camera.point(x, rng.uniform(0.02 * height, lowest), float(depth))
        pieces.append(_piece(rng, point, _turned(rng), camera, lighting))
    return sorted(pieces, key=lambda p: -p.depth)


def _cover(outline: Array, frame: tuple[int, int], blur: float) -> tuple[Array, tuple[slice, slice]]:
    """How much of each pixel a polygon covers (drawn SUPERSAMPLE times larger and averaged down, then
    blurred), on the small patch of the frame around it; empty where it lies outside the frame."""
    height, width = frame
    margin = math.ceil(3 * blur) + 1
    x0, y0 = np.maximum(np.floor(outline.min(axis=0)).astype(int) - margin, 0)
    x1, y1 = np.minimum(np.ceil(outline.max(axis=0)).astype(int) + margin, (width, height))
    if x1 <= x0 or y1 <= y0:
        return np.zeros((0, 0), np.float32), (slice(0, 0), slice(0, 0))
    s = SUPERSAMPLE
    mask = Image.new("L", ((x1 - x0) * s, (y1 - y0) * s))
    ImageDraw.Draw(mask).polygon([(float(x), float(y)) for x, y in (outline - (x0, y0)) * s], fill=255)
    cover = np.asarray(mask.reduce(s), np.float32) / 255.0
    if blur > 0:
        cover = ndimage.gaussian_filter(cover, blur)
    return cover, (slice(y0, y1), slice(x0, x1))


def _stamp(image: Array, piece: Piece, blur: float, strength: float = 1.0) -> None:
    """A piece painted over `image` in place, `blur` pixels out of focus."""
    cover, box = _cover(piece.corners, image.shape[:2], blur)
    cover = cover[..., None] * strength
    image[box] = image[box] * (1 - cover) + piece.colour * cover


def _shadow(image: Array, piece: Piece, key: Array) -> None:
    """A piece's contact shadow on the floor, in place: its outline a little wider, nudged away from the
    key light and softened."""
    centre = piece.corners.mean(axis=0)
    away = np.array([-key[0], key[1] * 0.4]) * 1.2  # pixels: away from the light, a touch down
    cover, box = _cover((piece.corners - centre) * 1.15 + centre + away, image.shape[:2], 0.9)
    image[box] = image[box] * (1 - CONTACT * cover[..., None])


def confetti(
    image: Array,
    palette: list[Array],
    rng: np.random.Generator,
    horizon: float,
    light: str = "top",
    *,
    aperture: float = 2.8,
) -> Array:
    """Confetti in 3D: foil and paper pieces lying on the floor in perspective, each with a contact
    shadow, and falling in the air: far ones small and a little soft, one or two close to the lens large
    and far out of focus. A packshot's sprinkle, not a carnival. `light` is the scene's key light
    (studio.KEYED passes it)."""
    frame = image.shape[:2]
    lighting = Lighting(key_light(light), [*palette[2:]] or [GOLD_FOIL], ROOM + float(palette[0].mean()))
    lying = floor_pieces(rng, frame, horizon, FLOOR_PIECES, lighting)
    far = air_pieces(rng, frame, horizon, FAR_PIECES, (1.0, 1.3), lighting)
    falling = air_pieces(rng, frame, horizon, MID_PIECES, (0.55, 1.0), lighting)
    near = air_pieces(rng, frame, horizon, NEAR_PIECES, (0.2, 0.3), lighting)
    out = np.array(image, np.float32)
    for piece in lying:
        _shadow(out, piece, lighting.key)
    for piece in far:
        _stamp(out, piece, FAR_SOFT)
    for piece in sorted(lying + falling, key=lambda p: -p.depth):
        _stamp(out, piece, 0.0)
    _out_of_focus(out, near, aperture, _camera(frame, horizon).focus)
    return np.clip(out, 0, 1)


def _out_of_focus(image: Array, near: list[Piece], aperture: float, focus: float) -> None:
    """Pieces close to the lens, in place: blurred by the circle of confusion their distance gets (a thin
    lens's), glowing in their colour as they catch the light."""
    width = image.shape[1]
    for piece in near:
        blur = COC_SIGMA * DEPTH_BLUR * width * (2.8 / aperture) * abs(1 - focus / piece.depth)
        glow = piece.colour / max(float(piece.colour.max()), 1e-3) * NEAR_GLOW
        _stamp(image, Piece(piece.corners, glow, piece.depth), blur, NEAR_COVER)
