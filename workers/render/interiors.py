"""Room overlays of the studio engine: what tells a living room, an office or a bedroom from a bare wall.

`wall_art`: a framed print on the wall to one side and a potted plant on the floor at the other.
`headboard`: an upholstered headboard across the back of a bed under window light (a sunlit bedroom).

They are objects with volume in the key light, as a camera sees them, not flat shapes: the frame stands off
the wall (its moulding lit on the light's side, its shadow on the wall away from it, a photograph behind
glass in it), the plant is a mass of leaves, lighter where they turn to the light and darker inside, in a
round pot, the headboard's channels are padded. They stand in the room behind the product, so they are
painted out of focus (`ROOM_BLUR`) before the lens softens the whole wall once more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from workers.render.layout import AD_SIZE
from workers.render.paint import Array, blur, mix, noise
from workers.render.scenery import (
    Polygon,
    accent,
    layer,
    leaf_colour,
    light_vector,
    paint_leaves,
    shadow_offset,
    shifted,
    soft_over,
)

FRAME_WIDTH = 0.2  # the framed print's width, as a share of the canvas width
FRAME_TALLEST = 0.42  # ... and its height at most this share of the canvas height (on a 728x90 strip)
FRAME_DEPTH = 0.014  # how far the frame stands off the wall, as a share of the width (its shadow's offset)
FRAME_SHADOW = 0.5  # how much the frame's shadow darkens the wall
PLANT_HEIGHT = 0.42  # the potted plant's height, as a share of the room's scale (`room_scale`)
PLANT_LEAVES = 72  # leaves in its crown
PLANT_SHADOW = 0.28  # how much the plant's shadow darkens the wall behind it
HEADBOARD_HEIGHT = 0.24  # how far the headboard rises above the floor line, as a share of the height
CHANNELS = 14  # the headboard's upholstered channels across its width
ROOM_BLUR = 0.006  # the room behind the product, out of focus: blur as a share of the width
LIGHT_FRONT = 0.8  # the key light's lean towards the camera, against its sideways and upward pull
MAT = (0.94, 0.93, 0.89)  # the print's off-white mat


@dataclass(frozen=True)
class Box:
    """A rectangle of the canvas, in pixels."""

    left: int
    top: int
    width: int
    height: int

    def slices(self) -> tuple[slice, slice]:
        return slice(self.top, self.top + self.height), slice(self.left, self.left + self.width)


def _light3(light: str) -> Array:
    """The key light's direction as a unit vector (x right, y down, z towards the camera)."""
    x, y = light_vector(light)
    vector = np.array([x, y, LIGHT_FRONT], np.float32)
    return vector / np.linalg.norm(vector)


def _cast(image: Array, cover: Array, light: str, reach: float, strength: float) -> Array:
    """`image` darkened by the shadow of what `cover` covers, on a wall `reach` pixels behind it: moved
    away from the key light, and as soft as it stands far from the wall."""
    dx, dy = shadow_offset(light)
    shadow = blur(shifted(cover, round(dx * reach), round(dy * reach)), 0.3 + reach * 0.6)
    return image * (1 - strength * shadow)[..., None]


# --- the framed print -------------------------------------------------------------------------------
def _moulding(shape: tuple[int, int], border: int, light: str) -> Array:
    """How bright the frame's moulding is: a rounded profile, its outer half turned outwards and its
    inner half inwards, each side lit as it faces the key light."""
    rows, columns = shape
    ys, xs = np.mgrid[0:rows, 0:columns].astype(np.float32)
    edges = np.stack([xs, columns - 1 - xs, ys, rows - 1 - ys])  # to the left, right, top, bottom edges
    nearest = edges.argmin(axis=0)
    normals = np.array([[-1, 0], [1, 0], [0, -1], [0, 1]], np.float32)[nearest]
    tilt = 1 - 2 * np.clip(edges.min(axis=0) / max(1, border), 0, 1)  # outer half out, inner half in
    x, y = light_vector(light)
    facing = (normals[..., 0] * x + normals[..., 1] * y) * tilt
    return np.clip(0.72 + 0.45 * facing, 0.35, 1.3)


def _ridges(rng: np.random.Generator, columns: int, count: int) -> Array:
    """Smooth ridge lines across a picture, one per row of the result, as shares of its height."""
    knots = rng.random((count, 6)).astype(np.float32)
    along = np.linspace(0.0, 5.0, columns, dtype=np.float32)
    return np.stack([np.interp(along, np.arange(6), k) for k in knots])


def _photo(shape: tuple[int, int], palette: list[Array], rng: np.random.Generator) -> Array:
    """A landscape photograph in the room's colours: a soft sky glowing towards the horizon, hills in
    layers paling into haze with distance, and film grain."""
    rows, columns = shape
    t = np.linspace(0.0, 1.0, rows, dtype=np.float32)[:, None, None]
    glow = mix(accent(palette, 2, (0.85, 0.64, 0.23)), np.ones(3, np.float32), 0.3)
    top = mix(np.array([0.42, 0.52, 0.63], np.float32), accent(palette, 0, (0.5, 0.5, 0.5)), 0.3)
    sky = mix(top, glow, t**1.2) * np.ones((1, columns, 1), np.float32)
    hill = accent(palette, 0, (0.3, 0.4, 0.35)) * 0.35 + accent(palette, 1, (0.4, 0.3, 0.2)) * 0.2
    ys = np.arange(rows, dtype=np.float32)[:, None] / rows
    for index, ridge in enumerate(_ridges(rng, columns, 3)):  # far to near
        line = 0.45 + 0.12 * index + 0.14 * (ridge - 0.5)
        land = np.clip((ys - line[None, :]) * rows, 0, 1)
        sky = mix(sky, mix(hill, glow, 0.55 - 0.22 * index), land)
    grain = 0.94 + 0.12 * noise(shape, max(2, columns // 3), rng, 1)
    return blur(sky, 0.8) * grain[..., None]


def _glass(shape: tuple[int, int], light: str) -> Array:
    """The sheen of the glass over a print: a broad diagonal band of reflected light from the key light's
    side."""
    rows, columns = shape
    ys, xs = np.mgrid[0:rows, 0:columns].astype(np.float32)
    x, y = light_vector(light)
    across = (xs / columns - 0.5) * (x or 0.6) + (ys / rows - 0.5) * (y or 0.6)
    return 0.08 * np.exp(-(((across - 0.25) / 0.2) ** 2))


def _framed_print(palette: list[Array], box: Box, light: str, rng: np.random.Generator) -> Array:
    """The framed print's pixels (box-sized): a wooden frame in the floor's wood, lit on the light's side,
    a pale mat shadowed by the frame's lip away from the light, a photograph behind glass."""
    shape = (box.height, box.width)
    border = max(3, box.width // 16)
    mat = max(3, box.width // 14)
    frame = np.ones(shape, np.float32)
    frame[border:-border, border:-border] = 0
    wood = accent(palette, 1, (0.42, 0.26, 0.16)) * 0.7
    out = wood * _moulding(shape, border, light)[..., None]
    inner = out[border:-border, border:-border]
    inner[:] = np.array(MAT, np.float32)
    inner[mat:-mat, mat:-mat] = _photo((inner.shape[0] - 2 * mat, inner.shape[1] - 2 * mat), palette, rng)
    dx, dy = shadow_offset(light)
    lip = blur(shifted(frame, round(dx * border * 0.6), round(dy * border * 0.6)), 1.0)
    glazed = (1 - frame)[..., None] * (_glass(shape, light)[..., None] - 0.3 * lip[..., None] * out)
    return np.clip(out + glazed, 0, 1)


def _hang_print(image: Array, palette: list[Array], box: Box, light: str, rng: np.random.Generator) -> Array:
    """The framed print hung on the wall: its shadow, then the print itself, out of focus."""
    height, width = image.shape[:2]
    cover = np.zeros((height, width), np.float32)
    cover[box.slices()] = 1.0
    image = _cast(image, cover, light, FRAME_DEPTH * width, FRAME_SHADOW)
    colour = np.zeros_like(image)
    colour[box.slices()] = _framed_print(palette, box, light, rng)
    return soft_over(image, layer(colour), cover, ROOM_BLUR * width)


# --- the potted plant -------------------------------------------------------------------------------
def _leaf(base: tuple[float, float], angle: float, length: float, width: float) -> tuple[Polygon, Polygon]:
    """A broad pointed leaf from its stalk at `base`, drooping a little: its two halves either side of
    the midrib."""
    direction, normal = (math.cos(angle), math.sin(angle)), (-math.sin(angle), math.cos(angle))
    rib, edge_a, edge_b = [], [], []
    for s in np.linspace(0.0, 1.0, 9):
        droop = 0.12 * length * s * s
        point = (base[0] + direction[0] * length * s, base[1] + direction[1] * length * s + droop)
        half = width / 2 * math.sin(math.pi * s) ** 0.7
        rib.append(point)
        edge_a.append((point[0] + normal[0] * half, point[1] + normal[1] * half))
        edge_b.append((point[0] - normal[0] * half, point[1] - normal[1] * half))
    return rib + edge_a[::-1], rib + edge_b[::-1]


def _leaf_tones(
    crown: tuple[float, float, float], point: tuple[float, float], depth: float, light: str
) -> float:
    """A leaf's tone: darker at the back and inside the crown, lighter towards the key light."""
    x, y = light_vector(light)
    cx, cy, radius = crown
    outwards = math.hypot(point[0] - cx, point[1] - cy) / radius
    towards = ((point[0] - cx) * x + (point[1] - cy) * y) / radius
    return 0.2 + 0.3 * depth + 0.2 * outwards + 0.35 * towards


def _crown(
    rng: np.random.Generator, stem: tuple[float, float], size: float, light: str
) -> tuple[list[Polygon], list[float]]:
    """The plant's leaves, back to front, and their tones: a rounded crown above the pot, each leaf
    turned out from the stem."""
    cx, cy = stem[0], stem[1] - size * 0.34
    order = np.sort(rng.random(PLANT_LEAVES))  # back to front
    leaves: list[Polygon] = []
    tones: list[float] = []
    for depth in order:
        r, theta = math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
        point = (cx + math.cos(theta) * r * size * 0.48, cy + math.sin(theta) * r * size * 0.34)
        angle = math.atan2(point[1] - stem[1] - size * 0.08, point[0] - stem[0]) + rng.uniform(-0.5, 0.5)
        length = size * rng.uniform(0.15, 0.27)
        base = (point[0] - math.cos(angle) * length * 0.5, point[1] - math.sin(angle) * length * 0.5)
        tone = _leaf_tones((cx, cy, size * 0.45), point, float(depth), light) + rng.uniform(-0.12, 0.12)
        lit_half = 0.1 if math.cos(angle + math.pi / 2) * light_vector(light)[0] > 0 else -0.1
        leaves += list(_leaf(base, angle, length, length * rng.uniform(0.4, 0.55)))
        tones += [tone + lit_half, tone - lit_half]
    return leaves, tones


def _pot(
    shape: tuple[int, int], foot: tuple[float, float], size: tuple[float, float], light: str
) -> tuple[Array, Array]:
    """A round pot standing at `foot`, `size` (width, height) pixels, narrower at its foot: how much of
    each pixel of the canvas it covers, and how bright it is there (a cylinder in the key light, its rim
    lit from above, dark where it meets the floor)."""
    box = Box(
        max(0, int(foot[0] - size[0])), max(0, int(foot[1] - size[1]) - 1), int(size[0] * 2), int(size[1]) + 3
    )
    ys, xs = np.mgrid[box.slices()].astype(np.float32)
    up = np.clip((foot[1] - ys) / size[1], 0, 1.2)  # 0 at the foot, 1 at the rim
    half = size[0] / 2 * (0.78 + 0.22 * up)
    across = (xs - foot[0]) / half
    lx, ly, lz = _light3(light)
    lambert = np.clip(across * lx + np.sqrt(np.clip(1 - across**2, 0, 1)) * lz, 0, 1)
    cover, bright = np.zeros(shape, np.float32), np.zeros(shape, np.float32)
    part = np.clip(half - np.abs(xs - foot[0]) + 0.5, 0, 1) * np.clip(foot[1] - ys + 0.5, 0, 1) * (up < 1)
    cover[box.slices()] = part[: shape[0] - box.top, : shape[1] - box.left]
    shade = 0.4 + 0.65 * lambert + (up > 0.9) * 0.18 * max(0.0, -ly) - 0.25 * np.exp(-up * 12)
    bright[box.slices()] = shade[: shape[0] - box.top, : shape[1] - box.left]
    return cover, bright


def _potted_plant(
    image: Array, palette: list[Array], centre: float, floor_y: int, light: str, rng: np.random.Generator
) -> Array:
    """A potted plant on the floor in front of the wall, its shadow on the wall and at its foot, out of
    focus."""
    height, width = image.shape[:2]
    size = room_scale(height, width) * PLANT_HEIGHT
    foot = (centre * width, float(floor_y))
    pot_w, pot_h = size * 0.44, size * 0.32
    leaves, tones = _crown(rng, (foot[0], foot[1] - pot_h), size, light)
    foliage = paint_leaves((height, width), leaves, tones)
    pot, pot_light = _pot((height, width), foot, (pot_w, pot_h), light)
    cover = np.maximum(foliage.cover, pot)
    wall = (np.arange(height) < floor_y - size * 0.05)[:, None]
    image = _cast(image, cover * wall, light, size * 0.12, PLANT_SHADOW)
    green = leaf_colour(
        foliage, np.array([0.05, 0.11, 0.05], np.float32), np.array([0.42, 0.58, 0.25], np.float32)
    )
    glaze = mix(accent(palette, 2, (0.85, 0.64, 0.23)), np.ones(3, np.float32), 0.45)
    potted = pot * (1 - foliage.cover)  # the pot, where no leaf hangs in front of it
    return soft_over(
        image,
        lambda part: mix(green(part), glaze * pot_light[part][..., None], potted[part]),
        cover,
        ROOM_BLUR * width,
    )


def room_scale(height: int, width: int) -> float:
    """The pixels a room's furnishings are sized by: the canvas height, as on the 1200x628 ad and anything
    wider, but no more than a 1200x628 ad as wide as this canvas would have, so that a tall format (a
    story, a skyscraper) shows a plant as big beside its print as the ad does, not one as tall as its
    height allows looming over the product."""
    return min(float(height), width * AD_SIZE[1] / AD_SIZE[0])


def wall_art(
    image: Array, palette: list[Array], rng: np.random.Generator, horizon: float, light: str = "top_left"
) -> Array:
    """A framed print on the wall at one side, a potted plant on the floor at the other."""
    height, width = image.shape[:2]
    side = int(rng.integers(2))  # which side the print hangs on
    frame_w = min(round(width * FRAME_WIDTH), round(height * FRAME_TALLEST / 0.75))
    frame_h = round(frame_w * 0.75)
    left = round(width * (0.08 if side == 0 else 0.92 - FRAME_WIDTH))
    box = Box(left, max(4, round(horizon * height * 0.45 - frame_h / 2)), frame_w, frame_h)
    out = _hang_print(image, palette, box, light, rng)
    floor_y = round(horizon * height + height * 0.06)  # a little in front of the wall
    out = _potted_plant(out, palette, 0.9 if side == 0 else 0.1, floor_y, light, rng)
    return np.clip(out, 0, 1)


# --- the headboard ----------------------------------------------------------------------------------
def _upholstery(box: Box, light: str, rng: np.random.Generator) -> Array:
    """How bright a padded headboard is: each channel a cushion turned left and right across it, its top
    rolled over towards the light, a seam between channels, and the fabric's weave."""
    ys, xs = np.mgrid[0 : box.height, 0 : box.width].astype(np.float32)
    across = 2 * ((xs / box.width * CHANNELS) % 1.0) - 1  # -1 … 1 across each channel
    roll = np.clip(1 - ys / (box.height * 0.18), 0, 1)  # the padded top turns upwards
    normal = np.stack([across * 0.6, -roll, np.sqrt(np.clip(1 - 0.36 * across**2, 0, 1)) + 0.3], axis=-1)
    normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
    lambert = np.clip(normal @ _light3(light), 0, 1)
    seams = 1 - 0.22 * np.exp(-(((np.abs(across) - 1) / 0.08) ** 2))
    weave = 0.96 + 0.08 * noise((box.height, box.width), max(2, box.width // 6), rng, 1)
    return (0.5 + 0.55 * lambert) * seams * weave


def _pillow(shape: tuple[int, int], light: str) -> tuple[Array, Array]:
    """A plump pillow filling `shape`: how much of each pixel it covers (a rounded square) and how bright
    it is (its faces turn away from the middle, lit from the key light's side)."""
    rows, columns = shape
    v = np.linspace(-1.0, 1.0, rows, dtype=np.float32)[:, None]
    u = np.linspace(-1.0, 1.0, columns, dtype=np.float32)[None, :]
    cover = np.clip((1 - (u * u) ** 2 - (v * v) ** 2) * 6, 0, 1)
    lx, ly, lz = _light3(light)
    nz = np.sqrt(np.clip(1 - 0.49 * (u * u + v * v), 0.05, 1))
    facing = (0.7 * u * lx + 0.7 * v * ly + nz * lz) / np.sqrt(0.49 * (u * u + v * v) + nz * nz)
    return cover, 0.55 + 0.5 * np.clip(facing, 0, 1)


def _pillows(box: Box, light: str) -> tuple[Array, Array]:
    """Two pillows leaning against the headboard's foot, left and right: how much of the box each pixel
    they cover, and how bright they are."""
    cover = np.zeros((box.height, box.width), np.float32)
    bright = np.zeros_like(cover)
    rows = slice(round(box.height * 0.36), box.height)
    for centre in (0.26, 0.74):
        columns = slice(round(box.width * (centre - 0.15)), round(box.width * (centre + 0.15)))
        shape = (round(box.height * 0.72), columns.stop - columns.start)
        pillow, lit = _pillow(shape, light)
        cover[rows, columns] = pillow[: box.height - rows.start]
        bright[rows, columns] = lit[: box.height - rows.start]
    return cover, bright


def headboard(
    image: Array, palette: list[Array], rng: np.random.Generator, horizon: float, light: str = "top_left"
) -> Array:
    """An upholstered headboard rising behind the bed across most of the width, pillows leaning against
    it: padded channels lit by the key light, its shadow on the wall away from the light, out of focus."""
    height, width = image.shape[:2]
    top, bottom = round(height * (horizon - HEADBOARD_HEIGHT)), round(height * horizon) + 4
    box = Box(round(width * 0.06), top, round(width * 0.88), bottom - top)
    mask = Image.new("L", (width, height))
    radius = round(height * 0.04)  # its top corners' rounding (its foot is hidden by the bed)
    ImageDraw.Draw(mask).rounded_rectangle(
        (box.left, top, box.left + box.width - 1, bottom + radius), radius, 255
    )
    cover = blur(np.asarray(mask, np.float32) / 255.0, 0.7)
    cover[bottom:] = 0.0
    wall = (np.arange(height) < horizon * height)[:, None]
    image = _cast(image, cover * wall, light, width * FRAME_DEPTH * 1.2, FRAME_SHADOW * 0.8)
    linen = mix(accent(palette, 2, (0.78, 0.7, 0.58)), np.ones(3, np.float32), 0.25)
    pillows, plump = _pillows(box, light)
    board = linen * _upholstery(box, light, rng)[..., None]
    colour = np.zeros_like(image)
    colour[box.slices()] = mix(board, accent(palette, 1, (0.95, 0.93, 0.9)) * plump[..., None], pillows)
    return np.clip(soft_over(image, layer(colour), cover, ROOM_BLUR * width * 0.7), 0, 1)
