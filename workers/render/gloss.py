"""Gloss and glass on the studio set: a glossy floor's reflections of the set and a glass stand's
refraction, traced through the set's own 3D shapes (set3d.py) and sampled from the painted picture.

A glossy floor: every floor pixel's view ray is reflected about the floor's normal (rippled, for water)
and traced through the set; the point it meets (on the wall, the sweep, a stand) is projected back into
the picture, which already holds the lit wall, its lights and bokeh and the stand, and looked up there
(screen-space reflections with exact geometry). Schlick's Fresnel weighs it: faint where the camera looks
straight down, strong at grazing angles on the far floor. A rough floor blurs what it mirrors more the
further that lies from the mirroring point, sampled from a pyramid of ever softer copies of the picture
streaked downwards, as a polished floor smears a light.

A glass stand (a scene's `stand_surface = "glass"`): the view ray is bent into the glass (index 1.5), out
through its back face and traced to what lies behind it, which the picture shows beside the stand
(`_without_stands`): a solid cylinder (a pedestal, a podium) is a lens, so the wall behind it shows flipped
and squeezed, tinted and a touch darker; a block (a cube, a plinth) shifts it, and mirrors it inside where
the ray cannot leave; a ball turns it upside down. Fresnel makes its edges mirror the set; the key light
draws a thin highlight line down a cylinder's side and lights its top rim (a block's edges, a ball's
spot), and the light a cylinder focuses makes a brighter caustic in its shadow on the floor. An arch's
flat panel is a pane: seen straight through, tinted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy import ndimage

from presets import Scene
from workers.render.paint import Array
from workers.render.set3d import (
    FAR,
    FLOOR,
    NOTHING,
    STAND,
    WALL,
    Arch,
    Box,
    Camera,
    Cylinder,
    Light,
    Plate,
    Shape,
    Sphere,
    StudioSet,
    trace,
)
from workers.render.stands import pieces


@dataclass(frozen=True)
class Gloss:
    """How a floor mirrors: its reflectance looking straight down (Schlick's F0), the angle its roughness
    scatters a reflected ray by (radians: how fast a reflection softens with distance), the slope of its
    ripples (water; 0 is flat) and how coarse a grid its reflection is traced on."""

    f0: float
    spread: float
    ripple: float = 0.0
    step: int = 1  # traced at every `step`-th pixel and enlarged: a quarter of the work, a touch softer


DIELECTRIC = 0.04  # F0 of polished stone, lacquer and glass
GLOSSES = {
    "glossy": Gloss(DIELECTRIC, 0.004),  # black acrylic, lacquer, wet pavement: sharp, every pixel
    "glass": Gloss(DIELECTRIC, 0.002, step=2),
    "water": Gloss(0.02, 0.006, ripple=0.08, step=2),
    "marble": Gloss(DIELECTRIC, 0.035, step=2),  # honed stone: a soft reflection
    "ice": Gloss(0.02, 0.02, step=2),
    "mirror": Gloss(0.9, 0.0),  # a metal mirror reflects most light at every angle, sharp: every pixel
}
REFERENCE_REFLECTION = 0.25  # a scene's `reflection` at which Fresnel's weight is taken as it is
LEVELS = 6  # the picture and five ever softer copies, each half the last's size
STREAK = 1.0  # each softer copy is also blurred downwards by this many of its pixels (a polish smears)
HIGHLIGHTS = 4.0  # how much brighter than it shows a light is, per unit it outshines the floor
BRIGHTEST = 0.9  # a reflection is at most this share of what it mirrors
OFFSCREEN = 1.0  # pixels of blur per pixel a reflected point lies outside the picture (its edge smeared)
UNKNOWN = 0.5  # ... and this far outside (a share of the picture's height) it sees only the studio's mean
NUDGE = 1e-3  # rays leave a surface this far off it, so they do not meet it again
WAVES = 5  # water's ripples: this many wave trains in seeded directions
RIPPLE_SEED = 31  # the ripples' directions come from the set's seed plus this

IOR = 1.5  # glass
GLASS_TINT = np.array([0.88, 0.91, 0.9], np.float32)  # seen through glass: a little green, a touch darker
BOUNCES = 3  # a ray the glass traps bounces inside at most this many times
TRAPPED = 0.35  # ... and then sees the dim studio around the set: this share of the wall's light
GLASS_SPREAD = 0.003  # the glass is clear: what it shows is nearly sharp
LINE_POWER = 2000.0  # how thin the key light's highlight line down a glass cylinder is
LINE = 0.9  # its brightness, times the key light's strength
BACK_LINE = 0.35  # the fainter line the back face mirrors
RIM = 0.03  # the lit band along the top edge: this share of the pedestal's height (and of its radius)
RIM_GLOW = 0.55  # how bright that band is, times the key light's strength
CAUSTIC = 0.35  # how much brighter the floor is per unit of light the pedestal gathers onto it
FOCUS = 1.5  # a glass cylinder focuses at this many radii from its axis (index / (2 (index - 1)))
SHARPEST = 0.08  # the focused line's half-width at its narrowest, in radii
CAUSTIC_REACH = 4.0  # radii from the axis: the focused light never lands further
MOST_GATHERED = 3.0  # at most this many times more light than it would get unfocused


def dot(a: Array, b: Array) -> Array:
    """Dot products of 3-vectors along the last axis (faster than a reduction over an axis of three)."""
    return a[..., 0] * b[..., 0] + a[..., 1] * b[..., 1] + a[..., 2] * b[..., 2]


def _length(v: Array) -> Array:
    return np.sqrt(dot(v, v))


def _unit(v: Array) -> Array:
    return (v / np.maximum(_length(v), 1e-9)[..., None]).astype(np.float32)


def reflect(d: Array, n: Array) -> Array:
    return (d - (2 * dot(d, n))[..., None] * n).astype(np.float32)


def refract(d: Array, n: Array, eta: float) -> tuple[Array, Array]:
    """Snell's law: unit rays `d` through a surface of normal `n` (facing them) from a medium to one
    whose index is 1 / `eta` of it; where the ray cannot leave (total internal reflection) it reflects."""
    cos_i = -dot(d, n)[..., None]
    k = 1 - eta**2 * (1 - cos_i**2)
    bent = eta * d + (eta * cos_i - np.sqrt(np.maximum(k, 0))) * n
    trapped = k[..., 0] < 0
    return np.where(trapped[..., None], reflect(d, n), bent).astype(np.float32), trapped


def schlick(cos: Array, f0: float) -> Array:
    """Fresnel's reflectance (Schlick's approximation) at the angle whose cosine to the normal is `cos`."""
    return (f0 + (1 - f0) * (1 - np.clip(cos, 0, 1)) ** 5).astype(np.float32)


def project(camera: Camera, points: Array) -> tuple[Array, Array, Array]:
    """Where world points fall in the picture (column, row, as array indices) and their depth along the
    view."""
    rel = points - camera.position
    z = rel @ camera.forward
    safe = np.maximum(z, 1e-4)
    width, height = camera.size
    col = width / 2 + camera.focal * (rel @ camera.right) / safe - 0.5
    row = height / 2 - camera.focal * (rel @ camera.up) / safe - 0.5
    return col, row, z


# --- the picture, as rays look it up ------------------------------------------------------------------
def pyramid(image: Array) -> list[Array]:
    """The picture and ever softer copies of it, each half the last's size (means of 2x2 pixels) and
    streaked a little downwards: what a rough floor's reflection is looked up in."""
    levels = [image.astype(np.float32, copy=False)]
    for _ in range(LEVELS - 1):
        last = levels[-1]
        h, w = last.shape[0] // 2 * 2, last.shape[1] // 2 * 2
        if h < 4 or w < 4:  # every copy keeps at least 2x2 pixels to interpolate between
            break
        half = (last[0:h:2, 0:w:2] + last[1:h:2, 0:w:2] + last[0:h:2, 1:w:2] + last[1:h:2, 1:w:2]) / 4
        levels.append(ndimage.gaussian_filter1d(half, STREAK, axis=0, mode="nearest"))
    return levels


def _bilinear(level: Array, col: Array, row: Array) -> Array:
    """`level` (an image) at fractional (col, row) points, interpolated between its four nearest pixels."""
    height, width = level.shape[:2]
    col, row = np.clip(col, 0, width - 1), np.clip(row, 0, height - 1)
    c0, r0 = np.minimum(col.astype(np.intp), width - 2), np.minimum(row.astype(np.intp), height - 2)
    fc, fr = (col - c0)[:, None], (row - r0)[:, None]
    flat = level.reshape(-1, 3)
    at = r0 * width + c0
    top_left, top_right = flat[at], flat[at + 1]
    top = top_left + (top_right - top_left) * fc
    bottom_left, bottom_right = flat[at + width], flat[at + width + 1]
    bottom = bottom_left + (bottom_right - bottom_left) * fc
    return top + (bottom - top) * fr


def sample(levels: list[Array], col: Array, row: Array, blur: Array) -> Array:
    """The picture at (col, row) blurred by about `blur` pixels: between the two copies of the pyramid
    whose softness brackets it."""
    lod = np.clip(np.log2(np.maximum(blur, 1)), 0, len(levels) - 1)  # under a pixel: sharp
    out = np.zeros((len(col), 3), np.float32)
    for k, level in enumerate(levels):
        weight = np.clip(1 - np.abs(lod - k), 0, 1)
        chosen = np.flatnonzero(weight > 0)
        if len(chosen) == len(col):  # every point: no need to pick them out
            out += weight[:, None] * _bilinear(level, (col + 0.5) / 2**k - 0.5, (row + 0.5) / 2**k - 0.5)
        elif len(chosen):
            at_k = _bilinear(level, (col[chosen] + 0.5) / 2**k - 0.5, (row[chosen] + 0.5) / 2**k - 0.5)
            out[chosen] += weight[chosen, None] * at_k
    return out


def standing(part: Array) -> Array:
    """Where what a pixel or a ray sees stands in front of the set's wall and floor: a stand or a prop."""
    return (part != FLOOR) & (part != WALL) & (part != NOTHING)


def _without_stands(image: Array, stand: Array) -> Array:
    """The picture with the pixels of its stands and props (`stand`) filled from the wall and floor
    beside them on the same row: what lies behind them, near enough (the set changes slowly across a
    row)."""
    rows, cols = np.flatnonzero(stand.any(axis=1)), np.flatnonzero(stand.any(axis=0))
    if not len(rows):
        return image
    box = (slice(rows[0], rows[-1] + 1), slice(max(cols[0] - 1, 0), cols[-1] + 2))  # with a pixel beside
    out = image.copy()
    out[box] = _filled_across(image[box], stand[box])
    return out


def _filled_across(image: Array, hole: Array) -> Array:
    """`image` with the `hole` pixels of each row interpolated between the nearest pixels left and right
    of them (or copied from the one side there is)."""
    width = hole.shape[1]
    cols = np.arange(width)
    left = np.maximum.accumulate(np.where(hole, -1, cols), axis=1)
    right = np.minimum.accumulate(np.where(hole, width, cols)[:, ::-1], axis=1)[:, ::-1]
    left, right = np.where(left >= 0, left, right), np.where(right < width, right, left)
    left, right = np.clip(left, 0, width - 1), np.clip(right, 0, width - 1)
    share = np.clip((cols - left) / np.maximum(right - left, 1), 0, 1)[..., None]
    rows = np.arange(hole.shape[0])[:, None]
    fill = image[rows, left] * (1 - share) + image[rows, right] * share
    return np.where(hole[..., None], fill, image).astype(np.float32)


@dataclass(frozen=True)
class Picture:
    """The lit picture as traced rays look it up: its pyramid, the same with the stands and props taken
    out (what lies behind them), the set, and the colour a ray that leaves the set meets (the studio
    around and behind the camera: the wall's mean)."""

    levels: list[Array]
    behind: list[Array]
    studio: StudioSet
    surround: Array


def picture_of(image: Array, plate: Plate, studio: StudioSet, behind: list[Array] | None = None) -> Picture:
    """The picture for tracing (`behind`: the stands and props taken out, when they are known already)."""
    every = (slice(None, None, 4),) * 2  # the wall's mean colour, from every 4th pixel of it
    wall = plate.part[every] == WALL
    surround = image[every][wall].mean(axis=0) if wall.any() else image.reshape(-1, 3).mean(axis=0)
    levels = pyramid(image)
    if behind is None:
        objects = standing(plate.part)
        behind = pyramid(_without_stands(image, objects)) if objects.any() else levels
    return Picture(levels, behind, studio, surround.astype(np.float32))


def seen(picture: Picture, origins: Array, dirs: Array, spread: float) -> Array:
    """What rays from `origins` along `dirs` see: the point of the set they meet, looked up where the
    picture shows it (in the picture without its stands and props, unless it is on one: one may hide it,
    and its edge must not bleed into what lies beside it), blurred by `spread` radians of scatter over the
    distance travelled, and softer where it lies outside the picture."""
    t, _, part = trace(origins, dirs, picture.studio)
    camera = picture.studio.camera
    col, row, z = project(camera, origins + np.minimum(t, 1e4)[:, None] * dirs)
    width, height = camera.size
    outside = np.maximum(np.maximum(-col, col - (width - 1)), np.maximum(-row, row - (height - 1)))
    start = _length(origins - camera.position)
    blur = spread * t * camera.focal / (start + t) + OFFSCREEN * np.maximum(outside, 0)
    colour = sample(picture.behind, col, row, blur)
    on_object = standing(part)
    if on_object.any():
        colour[on_object] = sample(picture.levels, col[on_object], row[on_object], blur[on_object])
    # Far outside the picture it is unknown: the smeared edge gives way to the studio's mean colour, so a
    # floor seen from above mirrors no hard line where rays stop meeting the wall and leave the set.
    away = np.clip(np.maximum(outside, 0) / (UNKNOWN * height), 0, 1)[:, None]
    colour = colour * (1 - away) + picture.surround * away
    lost = (t >= FAR) | (z <= NUDGE)  # left the set, or came back behind the camera
    return np.where(lost[:, None], picture.surround, colour).astype(np.float32)


# --- a glossy floor -----------------------------------------------------------------------------------
def _rippled(normals: Array, points: Array, slope: float, footprint: Array, seed: int) -> Array:
    """Water's normals tilted by wave trains in seeded directions; a wave shorter than the floor a pixel
    covers fades out (it would only alias)."""
    rng = np.random.default_rng(seed + RIPPLE_SEED)
    tilt = np.zeros_like(normals)
    for _ in range(WAVES):
        angle, length, phase = rng.uniform(0, np.pi), rng.uniform(0.25, 0.9), rng.uniform(0, 2 * np.pi)
        k = 2 * np.pi / length
        across, along = np.cos(angle), np.sin(angle)
        fade = np.exp(-((footprint * 2.5 / length) ** 2))
        wave = np.sin(k * (points[:, 0] * across + points[:, 2] * along) + phase) * fade * slope
        tilt[:, 0] -= wave * across
        tilt[:, 2] -= wave * along
    return _unit(normals + tilt / np.sqrt(WAVES))


def _as_light(mirrored: Array, floor: Array, weight: Array) -> Array:
    """What a floor mirrors, weighed, as bright as light: a lamp or a lit window the picture shows at 0.6
    is many times brighter than the floor beside it, so its reflection stays bright where Fresnel is
    weak; the picture has clipped that, so what is much brighter than the floor it lies on is brightened
    back, though never to more than `BRIGHTEST` of itself."""
    above = np.clip(mirrored.mean(-1) - floor.mean(-1), 0, 1)
    return mirrored * np.minimum(weight * (1 + HIGHLIGHTS * above), BRIGHTEST)[:, None]


def _mirrored(
    scene: Scene, picture: Picture, surface: tuple[Array, Array], floor: Array
) -> tuple[Array, Array]:
    """For floor points and normals (`surface`) and the floor's colour there: the set they mirror,
    weighed, and the weight (Fresnel times the scene's `reflection`) the floor's own colour gives up."""
    gloss = GLOSSES[scene.surface]
    camera = picture.studio.camera
    points, normals = surface
    view = _unit(points - camera.position)
    if gloss.ripple:
        footprint = _length(points - camera.position) / camera.focal / np.maximum(-view[:, 1], 0.05)
        normals = _rippled(normals, points, gloss.ripple, footprint, picture.studio.seed)
    weight = np.clip(schlick(-dot(view, normals), gloss.f0) * scene.reflection / REFERENCE_REFLECTION, 0, 1)
    mirrored = seen(picture, points + normals * NUDGE, reflect(view, normals), gloss.spread)
    return _as_light(mirrored, floor, weight), weight


def floor_reflection(scene: Scene, image: Array, plate: Plate, picture: Picture) -> Array:
    """The set mirrored in a glossy floor: each floor pixel's view ray reflected and traced, weighed by
    Fresnel (strong at grazing angles, faint looking down) times the scene's `reflection`. All but a
    mirror's reflection are traced on a coarser grid and enlarged (`Gloss.step`)."""
    step = GLOSSES[scene.surface].step
    grid = (slice(None, None, step),) * 2
    floor = plate.part[grid] == FLOOR
    surface = (plate.points[grid][floor], plate.normals[grid][floor])
    added, weight = _mirrored(scene, picture, surface, image[grid][floor])
    if step == 1:
        out = image.copy()
        out[floor] = np.clip(image[floor] * (1 - weight[:, None]) + added, 0, 1)
        return out
    layer = np.zeros((*floor.shape, 5), np.float32)
    layer[floor] = np.concatenate([added, weight[:, None], np.ones_like(weight)[:, None]], axis=1)
    layer = _enlarged(layer, plate.part.shape)
    cover = np.maximum(layer[..., 4:], 1e-6)  # a floor pixel's share of the coarse floor around it
    mixed = np.clip(image * (1 - layer[..., 3:4] / cover) + layer[..., :3] / cover, 0, 1)
    return np.where(((plate.part == FLOOR) & (layer[..., 4] > 0))[..., None], mixed, image)


def _enlarged(layer: Array, shape: tuple[int, int]) -> Array:
    """A coarse layer's channels scaled up to `shape` (height, width), bilinear."""
    size = (shape[1], shape[0])
    return np.stack(
        [
            np.asarray(Image.fromarray(layer[..., c], "F").resize(size, Image.Resampling.BILINEAR))
            for c in range(layer.shape[-1])
        ],
        axis=-1,
    )


# --- a glass stand -----------------------------------------------------------------------------------
def _exit(points: Array, inside: Array, shape: Shape) -> tuple[Array, Array]:
    """Where rays travelling inside a solid glass shape from `points` leave it, and the outward normal
    there (a cylinder, a box or a ball; an arch's panel has no inside)."""
    if isinstance(shape, Box):
        return _box_exit(points, inside, shape)
    if isinstance(shape, Sphere):
        centre = np.array(shape.centre, np.float32)
        rel = points - centre
        b = dot(rel, inside)
        t = -b + np.sqrt(np.maximum(b * b - dot(rel, rel) + shape.radius**2, 0))
        out = points + t[:, None] * inside
        return out.astype(np.float32), ((out - centre) / shape.radius).astype(np.float32)
    assert isinstance(shape, Cylinder)
    return _cylinder_exit(points, inside, shape)


def _box_exit(points: Array, inside: Array, box: Box) -> tuple[Array, Array]:
    """Where rays inside an upright box leave it: through the nearest of the three faces they head for."""
    low, high = np.array(box.low, np.float32), np.array(box.high, np.float32)
    bound = np.where(inside > 0, high, low)
    with np.errstate(divide="ignore", invalid="ignore"):
        t_axes = np.where(np.abs(inside) > 1e-9, (bound - points) / inside, FAR)
    axis = t_axes.argmin(axis=1)
    rows = np.arange(len(points))
    t = np.maximum(t_axes[rows, axis], 0)
    normal = np.zeros_like(points)
    normal[rows, axis] = np.sign(inside[rows, axis])
    return (points + t[:, None] * inside).astype(np.float32), normal.astype(np.float32)


def _cylinder_exit(points: Array, inside: Array, c: Cylinder) -> tuple[Array, Array]:
    """Where rays travelling inside the cylinder `c` from `points` leave it (its side, top or bottom) and
    the outward normal there."""
    ox, oz = points[:, 0] - c.x, points[:, 2] - c.z
    dx, dy, dz = inside[:, 0], inside[:, 1], inside[:, 2]
    a = dx * dx + dz * dz + 1e-12
    b = ox * dx + oz * dz
    t_side = (-b + np.sqrt(np.maximum(b * b - a * (ox * ox + oz * oz - c.radius**2), 0))) / a
    with np.errstate(divide="ignore", invalid="ignore"):
        t_cap = np.where(dy > 0, (c.top - points[:, 1]) / dy, (c.bottom - points[:, 1]) / dy)
    t_cap = np.where(np.abs(dy) > 1e-9, np.maximum(t_cap, 0), FAR)
    t = np.minimum(t_side, t_cap)
    out = points + t[:, None] * inside
    radial = np.stack([out[:, 0] - c.x, np.zeros_like(t), out[:, 2] - c.z], -1) / c.radius
    flat = np.stack([np.zeros_like(t), np.sign(dy), np.zeros_like(t)], -1)
    return out.astype(np.float32), np.where((t_cap < t_side)[:, None], flat, radial).astype(np.float32)


def _through(picture: Picture, points: Array, view: Array, normals: Array, shape: Shape) -> Array:
    """What the camera sees through the glass: each ray bent in at the front and out at the back (or the
    top or the bottom), traced on to what lies behind; a ray the glass traps (total internal reflection)
    bounces inside, and one still trapped after `BOUNCES` sees only the dim studio (a dark edge). A flat
    pane (an arch) is seen straight through."""
    if isinstance(shape, Arch):
        return seen(picture, points + view * NUDGE, view, GLASS_SPREAD)
    ray, _ = refract(view, normals, 1 / IOR)
    at, done = points, np.zeros(len(points), bool)
    out_at, out_dir = points.copy(), ray.copy()
    for _ in range(BOUNCES):
        at, normal = _exit(at, ray, shape)
        leaving, trapped = refract(ray, -normal, IOR)
        new = ~done & ~trapped
        out_at[new], out_dir[new] = at[new] - ray[new] * NUDGE, leaving[new]
        done |= new
        ray = leaving  # a trapped ray was reflected back into the glass
    colour = np.broadcast_to(picture.surround * TRAPPED, (len(points), 3)).copy()
    colour[done] = seen(picture, out_at[done], out_dir[done], GLASS_SPREAD)
    return colour


BLOCK_GLINT = 300.0  # how tight the key light's reflection in a glass block's flat face or a ball is
BLOCK_RIM = 0.3  # how bright a glass block's edges are, times the key light's strength
LOWER_EDGES = 0.33  # ... its upright and bottom edges, against those round its top


def _glints(points: Array, normals: Array, view: Array, shape: Shape, key: Light) -> Array:
    """The key light on the glass: a cylinder's lines and rim (`_cylinder_glints`); a block's edges lit
    and the light mirrored in its faces; a ball's mirrored spot; none on a flat pane."""
    if isinstance(shape, Cylinder):
        return _cylinder_glints(points, normals, view, shape, key)
    if isinstance(shape, Arch):
        return np.zeros_like(points)
    mirrored = reflect(view, normals)
    spot = np.clip(dot(mirrored, _unit(key.centre - points)), 0, 1) ** BLOCK_GLINT * LINE
    edge = _box_edges(points, normals, shape) if isinstance(shape, Box) else 0.0
    return ((spot + BLOCK_RIM * edge) * key.strength)[:, None] * key.colour


def _box_edges(points: Array, normals: Array, box: Box) -> Array:
    """How near each point lies to an edge of the face it is on (1 on it, falling off within `RIM` of the
    block's height): a glass block's edges catch the light, those round its top most (the light is above),
    the others `LOWER_EDGES` as much."""
    low, high = np.array(box.low, np.float32), np.array(box.high, np.float32)
    inside = np.minimum(points - low, high - points)
    inside[np.abs(normals) > 0.5] = FAR  # the distance across the face's own axis is not to an edge
    nearest = inside.min(axis=1)
    near = np.exp(-((nearest / (RIM * (high[1] - low[1]))) ** 2))
    round_top = (normals[:, 1] > 0.5) | (high[1] - points[:, 1] <= nearest + 1e-6)
    return near * np.where(round_top, 1.0, LOWER_EDGES)


def _cylinder_glints(points: Array, normals: Array, view: Array, c: Cylinder, key: Light) -> Array:
    """The key light on a glass cylinder: a thin line down its side where the normal halves the way between
    the light and the eye across (a vertical cylinder mirrors an area light as a line), a fainter line
    the back face mirrors, and its top edge lit."""
    half = _unit(_unit(key.centre - points) - view) * np.array([1, 0, 1], np.float32)
    side = np.abs(normals[:, 1]) < 0.5
    front = np.clip(dot(normals, _unit(half)), 0, 1) ** LINE_POWER
    back = np.clip(dot(normals, _unit(half * np.array([-1, 0, 1], np.float32))), 0, 1) ** LINE_POWER
    line = (LINE * front + BACK_LINE * back) * side
    below_top = (c.top - points[:, 1]) / max(c.top - c.bottom, 1e-6)
    radial = np.hypot(points[:, 0] - c.x, points[:, 2] - c.z) / c.radius
    edge = np.where(side, np.exp(-((below_top / RIM) ** 2)), np.exp(-(((1 - radial) / RIM) ** 2)))
    return ((line + RIM_GLOW * edge) * key.strength)[:, None] * key.colour


def caustic(image: Array, plate: Plate, studio: StudioSet, c: Cylinder) -> Array:
    """The key light the glass focuses, on the floor in its shadow: a solid cylinder is a lens that
    gathers the light crossing it into a line `FOCUS` radii behind its axis (across; it does not bend it
    up or down), narrowest there and widening past it, softened by the light's size (a big soft light
    focuses nothing). Light entering through the top (an overhead key) is not focused either."""
    key, box = studio.key, _around(plate, studio.camera, c, CAUSTIC_REACH * c.radius)
    across = float(np.hypot(key.centre[0] - c.x, key.centre[2] - c.z))
    if key.centre[1] * FOCUS * c.radius > c.top * (across + FOCUS * c.radius):
        return image  # the light to its focal line comes in through the top: nothing is focused
    floor = plate.part[box] == FLOOR
    gathered = _gathered(plate.points[box][floor], key, c)
    out = image.copy()
    out[box][floor] = image[box][floor] * (1 + CAUSTIC * gathered)[:, None]
    return out


def _gathered(points: Array, key: Light, c: Cylinder) -> Array:
    """How much more of the key light than it would get unshadowed each floor point gets from the glass
    cylinder `c` focusing it: along the line through the axis away from the light, past the axis."""
    to_light = key.centre - points
    across = np.maximum(np.hypot(to_light[:, 0], to_light[:, 2]), 1e-6)
    towards = to_light[:, [0, 2]] / across[:, None]
    rel = np.stack([c.x - points[:, 0], c.z - points[:, 2]], -1)
    behind = (rel * towards).sum(-1)  # how far the axis lies towards the light
    offset = rel[:, 0] * towards[:, 1] - rel[:, 1] * towards[:, 0]
    height = points[:, 1] + behind * to_light[:, 1] / across  # where the way to the light passes the axis
    size = float(np.linalg.norm(key.half_u)) * behind / _length(to_light)
    width = c.radius * (np.abs(behind - FOCUS * c.radius) / (FOCUS * c.radius) + SHARPEST) + size
    through = (behind > c.radius) & (height > c.bottom) & (height < c.top)
    focused = np.clip(c.radius / width - 1, 0, MOST_GATHERED)  # a big, soft light focuses nothing
    return focused * np.exp(-((offset / width) ** 2)) * through


def _around(plate: Plate, camera: Camera, c: Cylinder, reach: float) -> tuple[slice, slice]:
    """The rows and columns of the picture where the floor within `reach` of the cylinder's axis lies."""
    corners = np.array([[c.x + dx, 0.0, c.z + dz] for dx in (-reach, reach) for dz in (-reach, reach)])
    col, row, _ = project(camera, corners.astype(np.float32))
    height, width = plate.part.shape
    rows = slice(int(np.clip(row.min(), 0, height)), int(np.clip(np.ceil(row.max()) + 1, 0, height)))
    return rows, slice(int(np.clip(col.min(), 0, width)), int(np.clip(np.ceil(col.max()) + 1, 0, width)))


def glass_stand(image: Array, plate: Plate, picture: Picture) -> Array:
    """The stand's pixels as glass: what lies behind each of its shapes refracted through it, tinted, and
    the set mirrored in it as Fresnel weighs it (its edges mirror most), with the key light's glints."""
    stand = plate.part == STAND
    points, normals = plate.points[stand], plate.normals[stand]
    view = _unit(points - picture.studio.camera.position)
    shapes = picture.studio.shapes
    piece = pieces(points, shapes)
    through, glints = np.zeros_like(points), np.zeros_like(points)
    for k, shape in enumerate(shapes):
        mine = piece == k
        through[mine] = _through(picture, points[mine], view[mine], normals[mine], shape)
        glints[mine] = _glints(points[mine], normals[mine], view[mine], shape, picture.studio.key)
    fresnel = schlick(-dot(view, normals), DIELECTRIC)[:, None]
    mirrored = seen(picture, points + normals * NUDGE, reflect(view, normals), GLASS_SPREAD)
    glass = through * GLASS_TINT * (1 - fresnel) + mirrored * fresnel + glints
    out = image.copy()
    out[stand] = np.clip(glass, 0, 1)
    return out


def glaze(scene: Scene, image: Array, plate: Plate) -> Array:
    """The set's gloss and glass on the lit picture: a glass stand (its cylinder's caustic on the floor
    first), then a glossy floor's reflections of the set (the stand included). Other floors and stands
    are left as they are."""
    studio = plate.studio
    glossy = scene.surface in GLOSSES and scene.reflection > 0
    glass = studio is not None and scene.stand_surface == "glass" and bool(studio.shapes)
    if studio is None or not (glossy or glass):
        return image
    picture = picture_of(image, plate, studio)
    if glass:
        lens = studio.shapes[0]
        focused = caustic(image, plate, studio, lens) if isinstance(lens, Cylinder) else image
        image = glass_stand(focused, plate, picture)
        picture = picture_of(image, plate, studio, picture.behind)
    return floor_reflection(scene, image, plate, picture) if glossy else image
