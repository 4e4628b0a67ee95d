"""The studio set in 3D: a camera, a floor that curves into a wall, blocks to stand a product on, and an
area light, ray cast with numpy.

Why a ray caster of our own and not a renderer (Mitsuba 3 with a denoiser was measured: a podium at
1674x628 and 16 samples took 14 s on two cores, plus 1.8 s to denoise): the set is a dozen analytic
shapes, so one vectorised intersection per shape and pixel is exact and costs milliseconds. Light is
where the look comes from, so that is what is simulated: an area key light sampled for soft shadows with
penumbrae (the product casts its own silhouette's shadow, from a card standing where it stands), an
optional gobo in front of the light, ambient occlusion where surfaces meet, inverse-square falloff across
the sweep, a rim light with a coloured gel, and Fresnel reflections of the set in a glossy floor.

World units: the product is 1 tall; y is up, the floor is y = 0, the camera looks along +z. The camera
matches the product photo's: pitched down by its elevation, and placed so that the product's base pixel
sees the point it stands on, on the floor or on its stand's top.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import NamedTuple

import numpy as np
from scipy import ndimage

from workers.render.camera import DEFAULT_ELEVATION
from workers.render.paint import Array, noise

FOCAL = 1.7  # focal length in canvas heights: a short telephoto, as packshots are taken
WIDEST = 2.75  # ... on canvases up to this wide (the 1674x628 ad is 2.67); a wider strip's (a 728x90
# leaderboard's) is set by its width as if it were this wide, or its sides would be a wide angle's, stretched
REFERENCE_ELEVATION = DEFAULT_ELEVATION  # degrees: the camera a preset's floor line was designed for
SAMPLES = 16  # key light samples per pixel (stratified), for soft shadows
SHADOW_SCALE = 4  # shadows are traced at 1 / SHADOW_SCALE of the plate's resolution (they are soft)
FAR = 1e6
FLOOR, WALL, STAND, NOTHING = 0, 1, 2, 3  # what a pixel sees
PROP = 4  # ... or a prop on the floor beside the product (the plate's `props` says which)


@dataclass(frozen=True)
class Camera:
    position: Array
    forward: Array
    right: Array
    up: Array
    focal: float  # pixels
    size: tuple[int, int]  # width, height

    def rays(self) -> Array:
        """Unit ray directions (H, W, 3) through every pixel's centre."""
        width, height = self.size
        xs = (np.arange(width, dtype=np.float32) + 0.5 - width / 2) / self.focal
        ys = (np.arange(height, dtype=np.float32) + 0.5 - height / 2) / self.focal
        d = self.forward + xs[None, :, None] * self.right - ys[:, None, None] * self.up
        return (d / np.linalg.norm(d, axis=-1, keepdims=True)).astype(np.float32)

    def project(self, point: Array) -> tuple[float, float]:
        rel = point - self.position
        z = float(rel @ self.forward)
        width, height = self.size
        return width / 2 + self.focal * float(rel @ self.right) / z, height / 2 - self.focal * float(
            rel @ self.up
        ) / z


def focal_length(size: tuple[int, int]) -> float:
    """The focal length in pixels for a canvas of `size` (see `FOCAL` and `WIDEST`)."""
    return FOCAL * max(size[1], size[0] / WIDEST)


def camera_for(
    size: tuple[int, int], elevation: float, base_px: tuple[float, float], target: Array, distance: float
) -> Camera:
    """A camera pitched down by `elevation` degrees whose ray through pixel `base_px` meets `target` at
    `distance`."""
    theta = np.radians(np.clip(elevation, 0.0, 85.0))
    forward = np.array([0.0, -np.sin(theta), np.cos(theta)], np.float32)
    right = np.array([1.0, 0.0, 0.0], np.float32)
    up = np.array([0.0, np.cos(theta), np.sin(theta)], np.float32)
    focal = focal_length(size)
    d = forward + (base_px[0] - size[0] / 2) / focal * right - (base_px[1] - size[1] / 2) / focal * up
    d = d / np.linalg.norm(d)
    return Camera((target - distance * d).astype(np.float32), forward, right, up, focal, size)


# --- shapes ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Box:
    """Between two corners, turned by `yaw` (radians) about its vertical axis: a book lying askew."""

    low: tuple[float, float, float]
    high: tuple[float, float, float]
    yaw: float = 0.0


@dataclass(frozen=True)
class Cylinder:
    """Upright: centre (x, z), radius, from y = bottom to y = top."""

    x: float
    z: float
    radius: float
    bottom: float
    top: float


@dataclass(frozen=True)
class Sphere:
    centre: tuple[float, float, float]
    radius: float


@dataclass(frozen=True)
class Ellipsoid:
    """Fruit, an egg, a stone, a bean, a petal: radii along its own axes (x its length, y up, z across),
    rolled by `roll` about its length, tipped by `pitch` (its x end up), then turned by `yaw` about the
    vertical (radians). A `leaf` is trimmed to a leaf's outline, pointed at both ends of its length."""

    centre: tuple[float, float, float]
    radii: tuple[float, float, float]
    yaw: float = 0.0
    pitch: float = 0.0
    roll: float = 0.0
    leaf: bool = False


@cache
def turn(yaw: float, pitch: float = 0.0, roll: float = 0.0) -> Array:
    """The rotation of a shape rolled about its x axis, tipped about z, then turned about the vertical:
    its columns are the shape's own axes in the world (world = turn @ own)."""
    cy, sy = np.cos(yaw), np.sin(yaw)
    cp, sp = np.cos(pitch), np.sin(pitch)
    cr, sr = np.cos(roll), np.sin(roll)
    about_y = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    about_z = np.array([[cp, -sp, 0], [sp, cp, 0], [0, 0, 1]])
    about_x = np.array([[1, 0, 0], [0, cr, -sr], [0, sr, cr]])
    return (about_y @ about_z @ about_x).astype(np.float32)


@dataclass(frozen=True)
class Arch:
    """A flat panel facing the camera at depth z: |x| < half, up to `spring` and a semicircle above."""

    z: float
    half: float
    spring: float


Shape = Box | Cylinder | Sphere | Ellipsoid | Arch


def _dot(a: Array, b: Array) -> Array:
    """Row by row dot products of 3-vectors (a sum over so short an axis is slow in numpy)."""
    return np.einsum("...i,...i->...", a, b)


def _box(o: Array, d: Array, box: Box) -> tuple[Array, Array]:
    low, high = np.array(box.low, np.float32), np.array(box.high, np.float32)
    if box.yaw:  # in the box's own frame, about its centre
        middle, rotation = (low + high) / 2, turn(box.yaw)
        t, normal = _box((o - middle) @ rotation + middle, d @ rotation, replace(box, yaw=0.0))
        return t, normal @ rotation.T
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / np.where(np.abs(d) < 1e-9, 1e-9, d)
    t1, t2 = (low - o) * inv, (high - o) * inv
    near, far = np.minimum(t1, t2), np.maximum(t1, t2)
    t_in, t_out = near.max(axis=-1), far.min(axis=-1)
    hit = (t_in <= t_out) & (t_in > 1e-4)
    axis = near.argmax(axis=-1)
    normal = np.zeros(d.shape, np.float32)
    np.put_along_axis(normal, axis[..., None], -np.sign(np.take_along_axis(d, axis[..., None], -1)), -1)
    return np.where(hit, t_in, FAR), normal


def _cylinder(o: Array, d: Array, c: Cylinder) -> tuple[Array, Array]:
    ox, oz = o[..., 0] - c.x, o[..., 2] - c.z
    a = d[..., 0] ** 2 + d[..., 2] ** 2 + 1e-12
    b = ox * d[..., 0] + oz * d[..., 2]
    disc = b * b - a * (ox * ox + oz * oz - c.radius**2)
    root = np.sqrt(np.maximum(disc, 0))
    t_side = (-b - root) / a
    y_side = o[..., 1] + t_side * d[..., 1]
    side = (disc > 0) & (t_side > 1e-4) & (y_side >= c.bottom) & (y_side <= c.top)
    with np.errstate(divide="ignore", invalid="ignore"):
        t_cap = (c.top - o[..., 1]) / d[..., 1]
    cx, cz = ox + t_cap * d[..., 0], oz + t_cap * d[..., 2]
    cap = (t_cap > 1e-4) & (cx * cx + cz * cz <= c.radius**2) & (d[..., 1] < 0)
    t = np.where(side, t_side, FAR)
    t = np.where(cap & (t_cap < t), t_cap, t)
    px, pz = ox + t * d[..., 0], oz + t * d[..., 2]
    normal = np.stack([px / c.radius, np.zeros_like(px), pz / c.radius], axis=-1)
    normal[cap & (t == t_cap)] = (0.0, 1.0, 0.0)
    return t, normal.astype(np.float32)


def _sphere(o: Array, d: Array, s: Sphere) -> tuple[Array, Array]:
    rel = o - np.array(s.centre, np.float32)
    b = (rel * d).sum(-1)
    disc = b * b - ((rel * rel).sum(-1) - s.radius**2)
    t = -b - np.sqrt(np.maximum(disc, 0))
    hit = (disc > 0) & (t > 1e-4)
    t = np.where(hit, t, FAR)
    normal = (rel + np.where(hit, t, 0)[..., None] * d) / s.radius
    return t, normal.astype(np.float32)


def _ellipsoid(o: Array, d: Array, e: Ellipsoid) -> tuple[Array, Array]:
    """In the ellipsoid's own frame, scaled to a unit ball: the nearer root of |o + t d| = 1."""
    rotation, radii = turn(e.yaw, e.pitch, e.roll), np.array(e.radii, np.float32)
    own_o = ((o - np.array(e.centre, np.float32)) @ rotation) / radii
    own_d = (d @ rotation) / radii
    a, b = _dot(own_d, own_d), _dot(own_o, own_d)
    disc = b * b - a * (_dot(own_o, own_o) - 1)
    t = (-b - np.sqrt(np.maximum(disc, 0))) / a
    unit = own_o + t[..., None] * own_d
    hit = (disc > 0) & (t > 1e-4)
    if e.leaf:  # narrowing to a point at each end of its length
        hit &= np.abs(unit[..., 2]) <= 1 - unit[..., 0] ** 2
    normal = (unit / radii) @ rotation.T
    return np.where(hit, t, FAR), _unit(normal).astype(np.float32)


def _arch(o: Array, d: Array, a: Arch) -> tuple[Array, Array]:
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (a.z - o[..., 2]) / d[..., 2]
    x, y = o[..., 0] + t * d[..., 0], o[..., 1] + t * d[..., 1]
    inside = (np.abs(x) < a.half) & (y >= 0) & ((y < a.spring) | (x * x + (y - a.spring) ** 2 < a.half**2))
    normal = np.broadcast_to(np.array([0.0, 0.0, -1.0], np.float32), d.shape)
    return np.where(inside & (t > 1e-4), t, FAR), normal


def intersect(o: Array, d: Array, shape: Shape) -> tuple[Array, Array]:
    """Distance along each ray to `shape` (FAR where it misses) and the surface normal there."""
    if isinstance(shape, Box):
        return _box(o, d, shape)
    if isinstance(shape, Cylinder):
        return _cylinder(o, d, shape)
    if isinstance(shape, Sphere):
        return _sphere(o, d, shape)
    if isinstance(shape, Ellipsoid):
        return _ellipsoid(o, d, shape)
    return _arch(o, d, shape)


def _cyclorama(o: Array, d: Array, wall_z: float, radius: float) -> tuple[Array, Array, Array]:
    """A floor (y = 0) that curves up into a wall (z = wall_z) along a quarter cylinder of `radius`, seen
    from inside: distance, normal and which part (FLOOR or WALL) each ray meets."""
    start = wall_z - radius  # where the floor starts to curve
    with np.errstate(divide="ignore", invalid="ignore"):
        t_floor = np.where(d[..., 1] < 0, -o[..., 1] / d[..., 1], FAR)
        t_wall = np.where(d[..., 2] > 0, (wall_z - o[..., 2]) / d[..., 2], FAR)
    z_floor = o[..., 2] + t_floor * d[..., 2]
    y_wall = o[..., 1] + t_wall * d[..., 1]
    t_floor = np.where(z_floor <= start, t_floor, FAR)
    t_wall = np.where(y_wall >= radius, t_wall, FAR)
    # The inside of the cylinder (axis along x at y = radius, z = start): the far root.
    oy, oz = o[..., 1] - radius, o[..., 2] - start
    a = d[..., 1] ** 2 + d[..., 2] ** 2 + 1e-12
    b = oy * d[..., 1] + oz * d[..., 2]
    disc = b * b - a * (oy * oy + oz * oz - radius**2)
    t_curve = (-b + np.sqrt(np.maximum(disc, 0))) / a
    cy, cz = oy + t_curve * d[..., 1], oz + t_curve * d[..., 2]
    t_curve = np.where((disc > 0) & (cy <= 0) & (cz >= 0), t_curve, FAR)
    t = np.minimum(np.minimum(t_floor, t_wall), t_curve)
    normal = np.zeros(d.shape, np.float32)
    normal[..., 1] = np.where(t == t_floor, 1.0, 0.0)
    normal[..., 2] = np.where(t == t_wall, -1.0, 0.0)
    curve = t == t_curve
    normal[curve] = np.stack([np.zeros_like(cy), -cy, -cz], -1)[curve] / radius
    part = np.where(t == t_floor, FLOOR, WALL)
    return t, normal, part


# --- props: things on the floor beside the product ---------------------------------------------------
PropShape = Box | Cylinder | Sphere | Ellipsoid


@dataclass(frozen=True)
class Prop:
    """A thing on the floor beside the product (a lemon, a book, a candle): its shapes, resting on the
    floor, and the corners of an upright box around them; what it is (`kind`, for its material), how rough
    its surface is (the key light's highlight on it is as broad) and the relief its material gives its
    surface: `bump` is (pattern, frequency, depth), see `bumped`."""

    kind: str
    shapes: tuple[PropShape, ...]
    low: tuple[float, float, float]
    high: tuple[float, float, float]
    roughness: float
    bump: tuple[str, float, float] = ("", 0.0, 0.0)

    @property
    def centre(self) -> Array:
        return (np.array(self.low, np.float32) + np.array(self.high, np.float32)) / 2

    @property
    def radius(self) -> float:
        """Of a ball about `centre` that holds it: rays that miss the ball miss the prop."""
        return float(np.linalg.norm(np.subtract(self.high, self.low))) / 2

    @property
    def reach(self) -> float:
        """How far it reaches on the floor from the vertical through its centre."""
        return float(np.hypot(self.high[0] - self.low[0], self.high[2] - self.low[2])) / 2


def _plus(a: tuple[float, float, float], b: tuple[float, float, float]) -> tuple[float, float, float]:
    return float(a[0] + b[0]), float(a[1] + b[1]), float(a[2] + b[2])


def _moved(shape: PropShape, by: tuple[float, float, float]) -> PropShape:
    if isinstance(shape, Box):
        return replace(shape, low=_plus(shape.low, by), high=_plus(shape.high, by))
    if isinstance(shape, Cylinder):
        return replace(
            shape, x=shape.x + by[0], z=shape.z + by[2], bottom=shape.bottom + by[1], top=shape.top + by[1]
        )
    return replace(shape, centre=_plus(shape.centre, by))


def _extent(shape: PropShape) -> tuple[Array, Array]:
    """The corners of the smallest upright box around a shape."""
    if isinstance(shape, Box):
        corners = np.array(list(itertools.product(*zip(shape.low, shape.high, strict=True))), np.float32)
        middle = corners.mean(axis=0)
        corners = (corners - middle) @ turn(shape.yaw).T + middle
        return corners.min(axis=0), corners.max(axis=0)
    if isinstance(shape, Cylinder):
        r = shape.radius
        low = np.array((shape.x - r, shape.bottom, shape.z - r), np.float32)
        return low, np.array((shape.x + r, shape.top, shape.z + r), np.float32)
    if isinstance(shape, Sphere):
        half = np.full(3, shape.radius, np.float32)
    else:  # along each world axis, the ellipsoid's axes' reach there added in quadrature
        scaled = turn(shape.yaw, shape.pitch, shape.roll) * np.array(shape.radii, np.float32)
        half = np.sqrt((scaled**2).sum(axis=1))
    centre = np.array(shape.centre, np.float32)
    return centre - half, centre + half


def _corners(low: Array, high: Array) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    return (float(low[0]), float(low[1]), float(low[2])), (float(high[0]), float(high[1]), float(high[2]))


def prop(kind: str, shapes: tuple[PropShape, ...], roughness: float, bump: tuple[str, float, float]) -> Prop:
    """A prop made of `shapes` (modelled about the vertical through the origin), set down on the floor:
    raised or lowered so that its lowest point rests on it (y = 0)."""
    extents = [_extent(shape) for shape in shapes]
    low, high = np.min([e[0] for e in extents], axis=0), np.max([e[1] for e in extents], axis=0)
    lift = (0.0, -float(low[1]), 0.0)
    corners = _corners(low + lift, high + lift)
    return Prop(kind, tuple(_moved(shape, lift) for shape in shapes), *corners, roughness, bump)


def moved_prop(p: Prop, x: float, z: float) -> Prop:
    """The prop carried along the floor by (x, z)."""
    by = (x, 0.0, z)
    shapes = tuple(_moved(shape, by) for shape in p.shapes)
    return replace(p, shapes=shapes, low=_plus(p.low, by), high=_plus(p.high, by))


def local_point(points: Array, shape: PropShape) -> Array:
    """Points on a shape in its own frame, where a material lays its pattern: an ellipsoid's or a ball's
    unit ball, a box's cube from -1 to 1, a cylinder's unit radius across (x, z) and its height from foot
    to top (y, 0 to 1)."""
    if isinstance(shape, Cylinder):
        across = np.stack([points[..., 0] - shape.x, points[..., 2] - shape.z], -1) / shape.radius
        up = (points[..., 1] - shape.bottom) / (shape.top - shape.bottom)
        return np.stack([across[..., 0], up, across[..., 1]], -1)
    if isinstance(shape, Box):
        low, high = np.array(shape.low, np.float32), np.array(shape.high, np.float32)
        return ((points - (low + high) / 2) @ turn(shape.yaw)) / ((high - low) / 2)
    if isinstance(shape, Sphere):
        return (points - np.array(shape.centre, np.float32)) / shape.radius
    rotation = turn(shape.yaw, shape.pitch, shape.roll)
    return ((points - np.array(shape.centre, np.float32)) @ rotation) / np.array(shape.radii, np.float32)


@cache
def _bound(shape: PropShape) -> tuple[Array, float]:
    """A ball around a shape: its centre and radius."""
    low, high = _extent(shape)
    return (low + high) / 2, float(np.linalg.norm(high - low)) / 2


def _nearest_shape(o: Array, d: Array, shapes: tuple[PropShape, ...], t: Array) -> tuple[Array, Array, Array]:
    """Along each ray (rows of `o`, `d`), the nearest of `shapes` nearer than `t`: its distance (`t` where
    none is), normal, and which shape (-1: none); a shape only meets the rays through a ball around it."""
    t, normal, which = t.copy(), np.zeros(d.shape, np.float32), np.full(t.shape, -1, np.int8)
    for number, shape in enumerate(shapes):
        rays = np.flatnonzero(_through_ball(o, d, *_bound(shape)))
        ts, ns = intersect(o[rays], d[rays], shape)
        nearer = ts < t[rays]
        hit = rays[nearer]
        t[hit], normal[hit], which[hit] = ts[nearer], ns[nearer], number
    return t, normal, which


def _through_ball(o: Array, d: Array, centre: Array, radius: float) -> Array:
    """Which rays pass through a ball ahead of them (or start inside it). Rays from one point (a camera's:
    `o` broadcast, its strides 0) cost one product with the directions."""
    if o.ndim > 1 and not any(o.strides[:-1]):
        rel = (centre - o[(0,) * (o.ndim - 1)]).astype(np.float32)
        along = d @ rel
        gap = float(rel @ rel) - along * along
    else:
        rel = centre - o
        along = _dot(rel, d)
        gap = _dot(rel, rel) - along * along
    return (gap < radius * radius) & (along > -radius)


def _props_hit(
    o: Array, d: Array, props: tuple[Prop, ...], seen: tuple[Array, Array, Array]
) -> tuple[Array, Array]:
    """The props along the rays, where nearer than what the rays see (`seen`: distance, normal, part;
    contiguous, updated in place): which prop each ray meets and which of its shapes (-1: none). Only the
    rays through a prop's bounding ball meet its shapes."""
    t, normal, part = seen[0].reshape(-1), seen[1].reshape(-1, 3), seen[2].reshape(-1)
    index, piece = np.full(t.shape, -1, np.int16), np.full(t.shape, -1, np.int8)
    o = np.broadcast_to(o, d.shape)
    one = not any(o.strides[:-1])  # a camera's rays, all from one point: never copied out
    for number, p in enumerate(props):
        rays = np.flatnonzero(_through_ball(o, d, p.centre, p.radius))
        at = np.broadcast_to(o[(0,) * (o.ndim - 1)], (len(rays), 3)) if one else o.reshape(-1, 3)[rays]
        ts, ns, which = _nearest_shape(at, d.reshape(-1, 3)[rays], p.shapes, t[rays])
        met = which >= 0
        hit = rays[met]
        t[hit], normal[hit], part[hit] = ts[met], ns[met], PROP
        index[hit], piece[hit] = number, which[met]
    return index.reshape(seen[0].shape), piece.reshape(seen[0].shape)


WAVE_TRAINS = 12  # a material's grain and relief: this many wave trains in fixed directions


@cache
def _wave_trains() -> tuple[Array, Array]:
    rng = np.random.default_rng(WAVE_TRAINS)
    directions = rng.normal(size=(WAVE_TRAINS, 3))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    return directions.astype(np.float32), rng.uniform(0, 2 * np.pi, WAVE_TRAINS).astype(np.float32)


def waves(points: Array, frequency: float) -> tuple[Array, Array]:
    """A smooth pattern in space, fixed to the points it is laid on (mean 0, spread 1), and its gradient
    per radian of phase: wave trains in fixed directions, `frequency` radians per unit."""
    directions, phases = _wave_trains()
    phase = frequency * (points @ directions.T) + phases
    scale = np.float32(1 / np.sqrt(WAVE_TRAINS / 2))
    return np.sin(phase).sum(-1) * scale, (np.cos(phase) @ directions) * scale


def prop_pixels(index: Array, count: int) -> tuple[Array, ...]:
    """Which pixels (flat indices) see each of `count` props."""
    flat = index.reshape(-1)
    return tuple(np.flatnonzero(flat == number) for number in range(count))


def bumped(normals: Array, points: Array, pixels: tuple[Array, ...], props: tuple[Prop, ...]) -> Array:
    """The normals the props' materials give their surfaces (at their `pixels`): "ribs" tilt them around
    the prop's vertical axis (a pumpkin's lobes, a shell's flutes: `frequency` ribs), "waves" by a grain
    (a citrus's pores, a stone's lumps), each by up to `depth`."""
    out = normals.copy()
    flat, where = out.reshape(-1, 3), points.reshape(-1, 3)
    for p, pixel in zip(props, pixels, strict=True):
        pattern, frequency, depth = p.bump
        if not pattern or not len(pixel):
            continue
        n, at = flat[pixel], where[pixel]
        if pattern == "ribs":
            angle = np.arctan2(at[:, 2] - p.centre[2], at[:, 0] - p.centre[0])
            around = np.stack([-np.sin(angle), np.zeros_like(angle), np.cos(angle)], -1)
            tilt = np.sin(angle * frequency)[:, None] * around
        else:
            tilt = waves(at, frequency)[1]
        flat[pixel] = _unit(n + depth * (tilt - _dot(tilt, n)[:, None] * n))  # along the surface only
    return out


# --- the set -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Light:
    """A rectangular area light: centre, its two half-extents, colour and strength."""

    centre: Array
    half_u: Array
    half_v: Array
    colour: Array
    strength: float


@dataclass(frozen=True)
class Card:
    """The product as a card facing the camera (for the shadow it casts): its alpha, and where the
    card's pixel (0, 0) is and how far one pixel reaches along the camera's right and up."""

    alpha: Array  # float [0, 1], coarse
    origin: Array
    right: Array  # world vector per alpha column
    down: Array  # world vector per alpha row
    base: float  # the height it stands at


@dataclass(frozen=True)
class StudioSet:
    camera: Camera
    wall_z: float
    sweep_radius: float
    shapes: tuple[Shape, ...]
    key: Light
    card: Card | None = None
    gobo: str = ""
    seed: int = 0
    props: tuple[Prop, ...] = ()


@dataclass(frozen=True)
class Plate:
    """The set as shot: the light arriving at every pixel (RGB, 1 = the light at the product), what each
    pixel sees (FLOOR, WALL, STAND), its distance along the view, the world point and surface normal it
    sees, and the row where floor meets wall (share of the height)."""

    light: Array
    part: Array
    depth: Array
    points: Array
    normals: Array
    horizon: float
    studio: StudioSet | None = None  # the set it was shot in (camera, shapes): for tracing reflections
    props: PropView | None = None  # the props it shows (None: none stand in the set)


@dataclass(frozen=True)
class PropView:
    """The props as shot: the props in the set, which of them each pixel sees and which of its shapes (-1:
    none), the key light's highlight on them (RGB, in the units of the plate's light: it is added to
    their lit colour, as a gloss's reflection is not tinted by what lies under it)."""

    placed: tuple[Prop, ...]
    index: Array
    piece: Array
    sheen: Array
    pixels: tuple[Array, ...]  # which pixels (flat indices) see each prop


def trace(o: Array, d: Array, s: StudioSet) -> tuple[Array, Array, Array]:
    """Nearest hit of each ray in the set: distance, normal, part."""
    t, normal, part, _, _ = trace_all(o, d, s)
    return t, normal, part


def trace_all(o: Array, d: Array, s: StudioSet) -> tuple[Array, Array, Array, Array, Array]:
    """Nearest hit of each ray in the set: distance, normal, part, and which prop and which of its shapes
    it meets (-1: none)."""
    t, normal, part = _cyclorama(o, d, s.wall_z, s.sweep_radius)
    for shape in s.shapes:
        ts, ns = intersect(o, d, shape)
        nearer = ts < t
        t = np.where(nearer, ts, t)
        normal = np.where(nearer[..., None], ns, normal)
        part = np.where(nearer, STAND, part)
    t, normal, part = (np.ascontiguousarray(a) for a in (t, normal, part))  # the props update them in place
    index, piece = _props_hit(o, d, s.props, (t, normal, part))
    return t, normal, part, index, piece


def _occluded(points: Array, to_light: Array, s: StudioSet) -> Array:
    """1 where the segment from each point towards the light (length of `to_light`) is blocked by the
    set's blocks or the product (the props: `_props_block`)."""
    length = np.linalg.norm(to_light, axis=-1)
    d = to_light / np.maximum(length, 1e-9)[..., None]
    o = points + d * 1e-3
    blocked = np.zeros(points.shape[:-1], np.float32)
    for shape in s.shapes:
        t, _ = intersect(o, d, shape)
        blocked = np.maximum(blocked, (t < length).astype(np.float32))
    if s.card is not None:
        blocked = np.maximum(blocked, _card_alpha(o, d, length, s.card))
    return blocked


def _card_alpha(o: Array, d: Array, length: Array, card: Card) -> Array:
    normal = np.cross(card.right, card.down)
    normal = normal / np.linalg.norm(normal)
    denom = d @ normal
    with np.errstate(divide="ignore", invalid="ignore"):
        t = ((card.origin - o) @ normal) / denom
    hit = o + t[..., None] * d - card.origin
    col = hit @ card.right / float(card.right @ card.right)
    row = hit @ card.down / float(card.down @ card.down)
    h, w = card.alpha.shape
    inside = (t > 1e-3) & (t < length) & (col >= 0) & (col < w - 1) & (row >= 0) & (row < h - 1)
    ci, ri = np.clip(col, 0, w - 1).astype(int), np.clip(row, 0, h - 1).astype(int)
    return np.where(inside, card.alpha[ri, ci], 0.0).astype(np.float32)


SLATS = 9.0  # blinds: slats per unit of the light's view


@cache
def leaf_tile(seed: int) -> Array:
    """The shapes of a leaves or palms gobo: a noise tile, made once per seed and only when used."""
    return noise((96, 96), 5, np.random.default_rng(seed + 7), 3)


def _gobo(pattern: str, u: Array, v: Array, seed: int) -> Array:
    """How much of the light a gobo lets through at light-space coordinates (u, v): window panes with
    mullions, blinds' slats, leaves and palm fronds (from the seed's `leaf_tile`)."""
    if pattern == "window":
        inside = (np.abs(u) < 0.55) & (np.abs(v) < 0.75)
        panes = (np.abs((u * 2.0) % 1.0 - 0.5) < 0.44) & (np.abs((v * 1.5) % 1.0 - 0.5) < 0.45)
        return (inside & panes).astype(np.float32) * 0.85 + 0.15
    if pattern == "blinds":
        return ((v * SLATS) % 1.0 < 0.55).astype(np.float32) * 0.8 + 0.2
    leaves = leaf_tile(seed)
    h, w = leaves.shape
    stretch = (0.6, 1.8) if pattern == "palms" else (1.0, 1.0)
    cu = ((u * stretch[0] * 0.35 + 0.5) % 1.0) * (w - 1)
    cv = ((v * stretch[1] * 0.35 + 0.5) % 1.0) * (h - 1)
    value = leaves[cv.astype(int), cu.astype(int)]
    return np.where(value > 0.52, 0.18, 1.0).astype(np.float32)


BAYER = np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]], np.float32)  # 4x4 order


def _light_samples(s: StudioSet, shape: tuple[int, ...]) -> Array:
    """Stratified points on the key light, (SAMPLES, *shape, 3): one in each cell of a grid over the light,
    jittered by the seed, and shifted within its cell for each pixel by an ordered 4x4 pattern, so that
    neighbouring pixels see 16 different points each: the shadow's blur then averages 256 points, and a
    wide penumbra is a smooth ramp, not 16 stacked copies of a sharp shadow."""
    grid = int(np.ceil(np.sqrt(SAMPLES)))
    rng = np.random.default_rng(s.seed + 3)
    order = np.tile(BAYER, (-(-shape[0] // 4), -(-shape[1] // 4)))[: shape[0], : shape[1]]
    shift = (np.stack([order % 4, order // 4], -1)[..., None, :] + 0.5) / 4  # (*shape, 1, 2), in cells
    index = np.array([[i % grid, i // grid] for i in range(SAMPLES)], np.float32)
    uv = (index + (rng.random((SAMPLES, 2)) + shift) % 1.0) / grid * 2 - 1  # (*shape, SAMPLES, 2)
    points = s.key.centre + uv[..., :1] * s.key.half_u + uv[..., 1:] * s.key.half_v
    return np.moveaxis(points, -2, 0).astype(np.float32)


def _in_reach(points: Array, p: Prop, key: Light) -> Array:
    """The points whose light a prop may block: those whose segment to the key light's centre passes
    within its bounding ball, widened towards the light by the light's own size."""
    to_light = key.centre - points
    length = np.maximum(np.sqrt(_dot(to_light, to_light)), 1e-9)
    rel = p.centre - points
    along = np.clip(_dot(rel, to_light) / length, 0, length)
    miss = np.sqrt(np.maximum(_dot(rel, rel) - along * along, 0))
    spread = float(np.linalg.norm(key.half_u + key.half_v)) * along / length  # the light's corner
    return miss < p.radius + spread


SHADOW_SIZE = 3.0  # a shape narrower than this many shadow-grid pixels casts no shadow the grid can see


def _casting(p: Prop, s: StudioSet) -> tuple[PropShape, ...]:
    """The prop's shapes big enough for the shadow grid to see their shadows (not a lemon's nubs, a wick)."""
    distance = float(np.linalg.norm(p.centre - s.camera.position))
    smallest = SHADOW_SIZE * SHADOW_SCALE * distance / s.camera.focal
    return tuple(shape for shape in p.shapes if float(np.max(np.subtract(*_extent(shape)[::-1]))) > smallest)


def _props_block(points: Array, s: StudioSet, lights: Array) -> Array:
    """1 where a prop stands between a point and a light sample: (samples, *points), traced for all the
    samples at once, only for the points in a prop's reach and the rays through its bounding ball."""
    blocked = np.zeros((len(lights), *points.shape[:-1]), np.float32)
    for p in s.props:
        near = _in_reach(points, p, s.key)
        at = points[near]
        to_light = lights[:, near] - at[None]
        length = np.sqrt(_dot(to_light, to_light))
        d = to_light / np.maximum(length, 1e-9)[..., None]
        o = at + d * 1e-3
        rays = _through_ball(o, d, p.centre, p.radius)
        hit = np.zeros(rays.shape, bool)
        hit[rays] = _nearest_shape(o[rays], d[rays], _casting(p, s), length[rays])[2] >= 0
        blocked[:, near] = np.maximum(blocked[:, near], hit)
    return blocked


def transmission(points: Array, s: StudioSet) -> Array:
    """How much of the key light reaches each point past the set's shapes, the props and the product: the
    mean over stratified points of the light (`_light_samples`, shifted for each pixel)."""
    lights = _light_samples(s, points.shape[:-1])
    by_props = _props_block(points, s, lights)
    total = np.zeros(points.shape[:-1], np.float32)
    for i, lp in enumerate(lights):
        total += 1 - np.maximum(_occluded(points, lp - points, s), by_props[i])
    return total / SAMPLES


def through_gobo(points: Array, s: StudioSet) -> Array:
    """How much of the key light its gobo lets through to each point (1 without one): the pattern seen
    from points near the light's centre (a quarter of its size), so its edges stay crisp under a big light."""
    if not s.gobo:
        return np.ones(points.shape[:-1], np.float32)
    axis, lu, lv = light_axes(s.key.centre)
    total = np.zeros(points.shape[:-1], np.float32)
    for lp in _light_samples(s, (1, 1))[:, 0, 0]:
        rel = points - (s.key.centre + 0.25 * (lp - s.key.centre))
        along = np.maximum(-(rel @ axis), 1e-3)
        total += _gobo(s.gobo, (rel @ lu) / along * 3, (rel @ lv) / along * 3, s.seed)
    return total / SAMPLES


def direct(points: Array, normals: Array, key: Light) -> Array:
    """The key light's unshadowed share: Lambert's cosine towards its centre and inverse-square falloff,
    1 at the product (the light's own distance to the origin)."""
    to_light = key.centre - points
    dist2 = np.maximum((to_light**2).sum(-1), 1e-6)
    cos = np.clip((normals * to_light).sum(-1) / np.sqrt(dist2), 0, 1)
    return (cos * float(key.centre @ key.centre) / dist2).astype(np.float32)


def _contact(points: Array, s: StudioSet) -> Array:
    """Ambient occlusion where surfaces meet: around the stands' bases and at the crease of a room's wall;
    analytic (distance to the meeting line), so it costs nothing to trace. The product's own contact
    shadow follows its silhouette on the picture (`under_product`)."""
    x, y, z = points[..., 0], points[..., 1], points[..., 2]
    occlusion = np.zeros(x.shape, np.float32)
    for shape in s.shapes:
        if isinstance(shape, (Box, Cylinder)):
            if isinstance(shape, Box):
                dx = np.maximum(np.maximum(shape.low[0] - x, x - shape.high[0]), 0)
                dz = np.maximum(np.maximum(shape.low[2] - z, z - shape.high[2]), 0)
                out = np.hypot(dx, dz)
            else:
                out = np.maximum(np.hypot(x - shape.x, z - shape.z) - shape.radius, 0)
            occlusion = np.maximum(occlusion, 0.55 * np.exp(-(out + y * 1.5) / 0.06))
    if s.sweep_radius < 0.05:  # a room's wall meets its floor at a crease
        occlusion = np.maximum(occlusion, 0.4 * np.exp(-(np.abs(s.wall_z - z) + y) / 0.12))
    return 1 - occlusion


PROP_CONTACT = 0.85  # how much of the sky a prop hides from the floor right under it
SHEEN = 2.5  # a softbox's face, mirrored in a glossy peel or wax, is brighter than the light it spreads
FLOOR_BOUNCE = 0.5  # a prop's underside still gets this share of the sky's light, off the floor
AO_REACH = 1.5  # a prop darkens what lies within this many of its bounding radii (further: < 3%)


def _ball(shape: PropShape) -> tuple[Array, float]:
    """A ball of about the shape's volume at its centre: what it hides of the sky from points near it."""
    low, high = _extent(shape)
    if isinstance(shape, Ellipsoid):
        return (low + high) / 2, float(np.prod(shape.radii)) ** (1 / 3)
    return (low + high) / 2, float(np.prod(high - low)) ** (1 / 3) / 2


def _balls_shade(points: Array, normals: Array, shapes: tuple[PropShape, ...], fade: Array) -> Array:
    """The share of the sky points see past the balls of `shapes`: each hides (r / D)² of it times the
    cosine towards it, `fade` of that (going to 0 where the prop's reach ends, so it ends unseen)."""
    shade = np.ones(len(points), np.float32)
    for middle, radius in map(_ball, shapes):
        rel = middle - points
        dist = np.sqrt(_dot(rel, rel)) + 1e-6
        cos = np.clip(_dot(rel, normals) / dist, 0, 1)
        shade *= 1 - PROP_CONTACT * np.clip(radius / dist, 0, 1) ** 2 * cos * fade
    return shade


def props_occlusion(points: Array, normals: Array, part: Array, s: StudioSet) -> Array:
    """How much of the sky each point sees past the props (dark in the crevice where a fruit meets the
    floor, fading within a few radii; analytic, so it costs nothing to trace), and the floor hiding the
    lower half of the sky from a prop's underside."""
    seen = np.ones(points.shape[:-1], np.float32)
    for p in s.props:
        centre, reach = p.centre, AO_REACH * p.radius
        window = _window(s.camera, p, reach)
        at, facing = points[window], normals[window]
        off = ((at[..., 0] - centre[0]) ** 2 + (at[..., 2] - centre[2]) ** 2) / reach**2
        near = off < 1
        seen[window][near] *= _balls_shade(at[near], facing[near], p.shapes, (1 - off[near]) ** 2)
    on = part == PROP
    seen[on] *= FLOOR_BOUNCE + (1 - FLOOR_BOUNCE) * (1 + normals[on][:, 1]) / 2
    return seen


def _window(camera: Camera, p: Prop, grow: float) -> tuple[slice, slice]:
    """The rows and columns of the picture where a prop's box, grown by `grow` across the floor, lies."""
    low, high = np.subtract(p.low, (grow, 0, grow)), np.add(p.high, (grow, 0, grow))
    left, top, right, bottom = (max(int(v), 0) for v in _rect(camera, low, high))
    return slice(top, bottom + 2), slice(left, right + 2)


def _unit(v: Array) -> Array:
    return v / np.maximum(np.sqrt(_dot(v, v)), 1e-9)[..., None]


def sheen(s: StudioSet, seen: tuple[Array, Array, Array], passed: Array) -> Array:
    """The key light's highlight on the props (RGB): Blinn-Phong, as broad as a prop's surface is rough
    and the light looks large from it, weighed by Schlick's Fresnel (a dielectric's: peel, wax, varnish),
    where the key light reaches past the shadows; 0 off the props."""
    points, normals, index = seen
    out = np.zeros((*index.shape, 3), np.float32)
    on = index >= 0
    if not on.any():
        return out
    at, n = points[on], normals[on]
    rough = np.array([p.roughness for p in s.props], np.float32)[index[on]]
    to_light = s.key.centre - at
    dist = np.sqrt(_dot(to_light, to_light))
    light, view = to_light / dist[:, None], _unit(s.camera.position - at)
    half = _unit(light + view)
    spread = np.clip(rough**2 + float(np.linalg.norm(s.key.half_u)) / dist * 0.5, 0.02, 1.0)
    power = 2 / spread**2 - 2
    fresnel = 0.04 + 0.96 * (1 - np.clip(_dot(view, half), 0, 1)) ** 5
    falloff = np.clip(_dot(n, light), 0, 1) * float(s.key.centre @ s.key.centre) / dist**2
    lobe = (power + 2) / (2 * np.pi) * np.clip(_dot(n, half), 0, 1) ** power
    out[on] = (SHEEN * s.key.strength * fresnel * lobe * falloff * passed[on])[:, None] * s.key.colour
    return out


def key_passing(points: Array, s: StudioSet) -> Array:
    """How much of the key light reaches each seen point: traced on a grid SHADOW_SCALE times coarser
    (shadows are soft; a prop's own shading is its surface's cosine, `direct`) and scaled up. A 4x4 box
    averages each pixel's light samples with its neighbours' (`_light_samples`' ordered pattern); the
    gobo's pattern is not averaged so."""
    coarse = (slice(SHADOW_SCALE // 2, None, SHADOW_SCALE),) * 2
    seen = points[coarse]
    unshadowed = ndimage.gaussian_filter(ndimage.uniform_filter(transmission(seen, s), 4), 0.5)
    passed = unshadowed * ndimage.gaussian_filter(through_gobo(seen, s), 0.8)
    return _upsampled(passed, points.shape[:2])


CONTACT = 0.6  # how dark the floor is right under the product's base


def under_product(shot: Shot, size: tuple[int, int], points: Array, base: float) -> Array:
    """The product's contact shadow: the floor (or stand top) right under its lowest parts darkened, in
    the shape of its silhouette there, meeting its lowest opaque row and fading within a few pixels,
    only where the surface lies at the height it stands on. Seen from higher up, more of the silhouette
    lies near the floor (a flat lay touches it everywhere), so more of it darkens."""
    width, height = size
    alpha = shot.alpha
    rows = np.flatnonzero((alpha > 0.5).any(axis=1))
    layer = np.zeros((height, width), np.float32)
    if not len(rows):
        return 1 - layer
    span = rows[-1] - rows[0] + 1
    low_share = 0.1 + 0.8 * np.sin(np.radians(shot.elevation)) ** 2  # how much of it lies near the floor
    near = np.zeros_like(alpha)
    cut = int(rows[-1] - span * low_share)
    near[cut:] = alpha[cut:]
    top, left = round(shot.top), round(shot.left)
    drop = max(1, round(span * 0.02))  # the shadow sits just below what casts it
    y0, y1 = max(0, top + drop), min(height, top + drop + alpha.shape[0])
    x0, x1 = max(0, left), min(width, left + alpha.shape[1])
    layer[y0:y1, x0:x1] = near[y0 - top - drop : y1 - top - drop, x0 - left : x1 - left]
    soft = ndimage.gaussian_filter(layer, max(1.0, span * 0.025))
    level = np.exp(-np.abs(points[..., 1] - base) / 0.05)  # only on the surface it stands on
    return 1 - CONTACT * np.clip(soft * 1.6, 0, 1) * level


# --- building and shooting the set ---------------------------------------------------------------
@dataclass(frozen=True)
class Shot:
    """Where the product is in the picture (working pixels), its alpha there, and the photo's camera."""

    left: float
    top: float
    width: float
    height: float
    base_row: float  # the row below its lowest opaque pixel: where it touches what it stands on
    alpha: Array  # float [0, 1], the placed product's alpha at working resolution
    elevation: float = REFERENCE_ELEVATION
    lying: bool = False  # a flat lay: the product lies on what it stands on, under a camera looking down


def stand_shapes(kind: str, width: float, depth: float, height: float) -> tuple[Shape, ...]:
    """The blocks of the set for a stand `kind` under a product `width` wide and `depth` deep (world
    units; the product's front edge at z = 0), whose top is `height` above the floor."""
    half = max(width, 0.45) * 0.72
    centre_z = depth / 2
    if kind in ("podium", "sphere", "arch"):
        radius = max(width, 0.5) * 0.85
        disc = Cylinder(0.0, centre_z, radius, 0.0, height)
        if kind == "sphere":  # a ball resting on the floor beside the podium, set back a little
            r = min(0.45, radius * 0.55)
            return disc, Sphere((radius + r * 1.1, r, centre_z + radius * 0.6), r)
        if kind == "arch":  # an arched panel standing behind the podium
            return disc, Arch(centre_z + radius + 0.35, max(radius * 1.15, 0.7), 1.1 + height)
        return (disc,)
    if kind == "pedestal":
        return (Cylinder(0.0, centre_z, max(width, 0.45) * 0.62, 0.0, height),)
    if kind == "steps":  # the product on the upper step; a lower, deeper step in front and to the side
        upper = Box((-half, 0.0, -0.12), (half, height, depth + 0.5))
        lower = Box((-half * 0.4, 0.0, -0.55), (half * 2.4, height * 0.5, depth + 0.5))
        return upper, lower
    if kind == "cube":
        side = max(width, 0.55) * 1.3
        return (Box((-side / 2, 0.0, centre_z - side / 2), (side / 2, height, centre_z + side / 2)),)
    deep = max(depth * 1.6, 0.5)  # plinth, slab
    return (Box((-half, 0.0, centre_z - deep / 2), (half, height, centre_z + deep / 2)),)


LIGHT_PLACES = {  # where the key light hangs for each direction: (x, y, z) around the product
    "left": (-3.5, 2.0, -1.0), "right": (3.5, 2.0, -1.0), "top": (0.0, 4.0, -0.5),
    "top_left": (-2.6, 3.2, -1.5), "top_right": (2.6, 3.2, -1.5), "front": (0.0, 2.2, -3.5),
    "back": (0.0, 2.6, 3.0),
}  # fmt: skip


def light_axes(centre: Array) -> tuple[Array, Array, Array]:
    """A light hung at `centre` pointing at the product: the axis it shines along (towards the origin,
    reversed) and its two sides, level and upright, that span its face (and its gobo's pattern)."""
    axis = centre / np.linalg.norm(centre)
    u = np.cross(axis, np.array([0.0, 1.0, 0.0], np.float32))
    u = u / max(float(np.linalg.norm(u)), 1e-6)
    return axis, u, np.cross(u, axis)


class Lighting(NamedTuple):
    """The key light: where it hangs (a LIGHT_PLACES direction), how soft and strong it is, whether the
    room is warm, and optionally its own colour (RGB in [0, 1], over `warm`'s) and its height as a share
    of its place's (`LOW_ABOVE` the least: a low sun)."""

    direction: str
    softness: float
    intensity: float
    warm: bool
    colour: tuple[float, ...] | None = None
    height: float = 1.0


LOW_ABOVE = 1.35  # a lowered key light stays this high (a product's heights): over the product's top
LOW_BEHIND = 0.6  # ... and at least this far behind the product, so its long shadow falls towards the camera


def key_for(light: Lighting, lift: float) -> Light:
    """The key light for `light`, its place raised by `lift` (the top of the stand the product is on). A
    lowered one hangs between LOW_ABOVE and its place's height, as low as `light.height` says, so the
    product's shadow runs long across the floor (a unit-tall product's is `across / (above - 1)` long)."""
    centre = np.array(LIGHT_PLACES.get(light.direction, LIGHT_PLACES["top_left"]), np.float32)
    if light.height < 1.0:  # a low sun: lower, and round beside the product so its shadow runs on the floor
        centre[1] = LOW_ABOVE + (centre[1] - LOW_ABOVE) * max(light.height, 0.0)
        centre[2] = max(centre[2], LOW_BEHIND)
    centre[1] += lift
    _, u, v = light_axes(centre)
    half = 0.15 + 1.6 * light.softness  # a bigger light gives softer shadows
    white = (1.0, 0.94, 0.84) if light.warm else (1.0, 0.99, 0.97)
    colour = np.array(light.colour if light.colour is not None else white, np.float32)
    return Light(centre, u * half, v * half, colour, 0.6 + 0.9 * light.intensity)


def wall_distance(
    size: tuple[int, int], shot: Shot, target: Array, distance: float, floor_line: float
) -> float:
    """How far behind the product the wall stands so that, seen by the reference camera, the floor meets
    it at `floor_line` (a share of the height): the preset's design, kept when the camera moves."""
    camera = camera_for(
        size, REFERENCE_ELEVATION, (shot.left + shot.width / 2, shot.base_row), target, distance
    )
    wanted = floor_line * size[1]
    near, far = 0.05, 400.0
    for _ in range(40):
        middle = (near + far) / 2
        rel = np.array([0.0, 0.0, middle], np.float32) - camera.position
        row = size[1] / 2 - camera.focal * float(rel @ camera.up) / float(rel @ camera.forward)
        near, far = (middle, far) if row > wanted else (near, middle)
    return (near + far) / 2


def _upsampled(values: Array, shape: tuple[int, int]) -> Array:
    """A coarse map scaled up to `shape` (height, width), bilinear."""
    zoom = (shape[0] / values.shape[0], shape[1] / values.shape[1])
    return ndimage.zoom(values, zoom, order=1, mode="nearest", grid_mode=True)[: shape[0], : shape[1]]


SWEEP_RADIUS = 2.5  # the most a sweep's floor curves up into its wall over
THICKNESS = 0.04  # a product lying flat (a watch, a fork, a shirt) stands this high off the floor


def _card(shot: Shot, camera: Camera, target: Array, distance: float, depth: float, key: Light) -> Card:
    """The product as a card for the shadow it casts: standing upright through its middle and turned to
    face the key light (the light sees the product's outline much as the camera does; a card facing the
    camera, lit from the side, would cast a sliver), or, lying flat, on the floor a product's thickness
    above it (rows of the picture run along the floor, stretched as the camera foreshortens it), so it
    casts a low drop shadow right beside itself."""
    step = 2  # the card's alpha at half resolution: it only casts a soft shadow
    alpha = shot.alpha[::step, ::step].astype(np.float32)
    per_pixel = distance / camera.focal * step
    right, down = _facing(key.centre, camera.right) * per_pixel, np.array([0.0, -per_pixel, 0.0], np.float32)
    centre = target + np.array([0.0, 0.0, depth / 2], np.float32)
    if shot.lying:
        right = camera.right * per_pixel
        sine = max(float(np.sin(np.radians(shot.elevation))), 0.2)
        down = np.array([0.0, 0.0, -per_pixel / sine], np.float32)  # down the picture: towards the camera
        centre = target + np.array([0.0, THICKNESS, 0.0], np.float32)
    base_col, base_row = shot.width / 2 / step, (shot.base_row - shot.top) / step
    origin = centre - right * base_col - down * base_row
    return Card(alpha, origin.astype(np.float32), right, down, float(target[1]))


def _facing(light: Array, right: Array) -> Array:
    """The level direction across a card that faces `light` (its side that runs the way `right` does)."""
    across = np.array([-light[2], 0.0, light[0]], np.float32)
    if float(np.linalg.norm(across)) < 1e-6:  # a light straight overhead: face the camera
        return right
    across = across / np.linalg.norm(across)
    return across if float(across @ right) >= 0 else -across


def _beyond_view(camera: Camera, wall_z: float, floor: float) -> float:
    """The wall's distance pushed back past the floor the camera's top row sees: a camera looking down on
    a flat lay sees only what the product lies on."""
    d = camera.forward + (camera.size[1] / 2) / camera.focal * camera.up  # the top row's middle ray
    if d[1] >= -1e-3:  # the top row looks at or above the horizon: the wall stays in view
        return wall_z
    reach = camera.position[2] + (camera.position[1] - floor) / -d[1] * d[2]
    return max(wall_z, float(reach) + 1.0 + SWEEP_RADIUS)  # past where a sweep would start curving up


# --- setting props down ----------------------------------------------------------------------------
PLACE_SEED = 11  # the props' places vary with the seed, apart from all else it varies
PLACE_TRIES = 16  # steps outwards from the product's side before a prop tries another depth
CLEAR = 0.02  # a margin round the product's pixels, as a share of its height, that no prop enters
CROPPED = 0.25  # a prop in front may run off the picture's bottom edge by this share of its height


@dataclass(frozen=True)
class Stage:
    """Where props may stand: the camera, the product's box in the picture (left, top, right, bottom: no
    prop shows there), its half width and depth on the floor, and how far back the floor is flat."""

    camera: Camera
    clear: tuple[float, float, float, float]
    half: float
    depth: float
    far: float


def clear_box(shot: Shot) -> tuple[float, float, float, float]:
    """The box of the product's opaque pixels (of its placement, for a product the frame cut at the
    bottom, which has no silhouette here), with a margin."""
    opaque = shot.alpha > 0.05
    rows, cols = np.flatnonzero(opaque.any(axis=1)), np.flatnonzero(opaque.any(axis=0))
    margin = shot.height * CLEAR
    if not len(rows):
        left, top = shot.left - margin, shot.top - margin
        return left, top, shot.left + shot.width + margin, shot.top + shot.height
    left, top = shot.left + cols[0] - margin, shot.top + rows[0] - margin
    return float(left), float(top), float(shot.left + cols[-1] + 1 + margin), float(shot.top + rows[-1] + 1)


def _rect(
    camera: Camera, low: Sequence[float] | Array, high: Sequence[float] | Array
) -> tuple[float, float, float, float]:
    """Where a box (its corners `low`, `high`) lies in the picture: left, top, right, bottom."""
    corners = itertools.product(*zip(low, high, strict=True))
    xs, ys = zip(*(camera.project(np.array(c, np.float32)) for c in corners), strict=True)
    return min(xs), min(ys), max(xs), max(ys)


def _depths(p: Prop, behind: bool, stage: Stage, rng: np.random.Generator) -> list[float]:
    """The depths (z) a prop tries in turn: just in front of the product's front edge, beside it, just
    behind its back (`behind` tries these from the back), then ever further back (a product the frame cut
    at the bottom stands at the picture's edge); only where the floor is flat."""
    front = -p.reach * rng.uniform(0.2, 0.8)
    beside = stage.depth * rng.uniform(0.3, 0.7)
    back = stage.depth + p.reach + rng.uniform(0.05, 0.3)
    tries = [back, beside, front] if behind else [front, beside, back]
    tries += [back + step * 0.35 for step in range(1, 6)]
    return [z for z in tries if z + p.reach <= stage.far]


def _spot(
    p: Prop, side: int, behind: bool, placed: list[Prop], stage: Stage, rng: np.random.Generator
) -> Prop | None:
    """The prop set down on one `side` of the product (-1 left, 1 right): at the first depth where,
    stepping outwards from the product, it keeps out of the product's box and clear of the props already
    down, inside the picture (or cropped a little by its bottom edge, as a foreground is); None where it
    fits nowhere."""
    width, height = stage.camera.size
    for z in _depths(p, behind, stage, rng):
        x = side * (stage.half + p.reach + rng.uniform(0.01, 0.1))
        for _ in range(PLACE_TRIES):
            there = moved_prop(p, x, z)
            left, top, right, bottom = _rect(stage.camera, there.low, there.high)
            if left < 0 or right > width or top < 0 or bottom > height + (bottom - top) * CROPPED:
                break
            gaps = [np.hypot(*(there.centre - other.centre)[[0, 2]]) - other.reach for other in placed]
            beside = right < stage.clear[0] or left > stage.clear[2] or bottom < stage.clear[1]
            if beside and min(gaps, default=FAR) > there.reach:
                return there
            x += side * p.reach * 0.5
    return None


def arrange(props: tuple[Prop, ...], stage: Stage, seed: int) -> tuple[Prop, ...]:
    """Props set down around the product, each kind on its two sides by turns (the seed picks the first),
    on each side in front first, then behind (further away: smaller, and softer through the lens); a prop
    that fits nowhere in the picture is left out."""
    rng = np.random.default_rng(seed + PLACE_SEED)
    first = 1 if rng.random() < 0.5 else -1
    placed: list[Prop] = []
    on_side, of_kind = {-1: 0, 1: 0}, dict.fromkeys((p.kind for p in props), 0)
    for p in props:
        side = first * (-1) ** (of_kind[p.kind] + list(of_kind).index(p.kind))
        of_kind[p.kind] += 1
        spot = _spot(p, side, on_side[side] % 2 == 1, placed, stage, rng)
        if spot is not None:
            placed.append(spot)
            on_side[side] += 1
    return tuple(placed)


def build_set(
    backdrop: str,
    light: Lighting,
    gobo: str,
    stand: str,
    size: tuple[int, int],
    shot: Shot,
    floor_line: float,
    props: tuple[Prop, ...] = (),
    seed: int = 0,
) -> StudioSet:
    """The set around the product: the camera that sees it where the shot puts it, the sweep or room, the
    stand it stands on (its top `lift` high, reaching down to near the picture's bottom edge), the key light,
    the product's card, and `props` set down on the floor around it (`arrange`, varied by `seed`)."""
    height = size[1]
    distance = focal_length(size) / max(shot.height, 1.0)  # the product (1 tall) spans its pixel height
    product_width = shot.width / max(shot.height, 1.0)
    depth = min(product_width, 0.9) * 0.8
    lift = max((height * 0.93 - shot.base_row) / focal_length(size) * distance, 0.08) if stand else 0.0
    target = np.array([0.0, lift, 0.0], np.float32)
    camera = camera_for(size, shot.elevation, (shot.left + shot.width / 2, shot.base_row), target, distance)
    wall_z = wall_distance(size, shot, np.zeros(3, np.float32), distance, floor_line)
    wall_z = max(wall_z, depth + (2.5 if stand else 0.4))  # never through the product or its stand
    wall_z = _beyond_view(camera, wall_z, 0.0) if shot.lying else wall_z
    radius = 0.01 if backdrop in ("wall_floor", "window_room") else min(wall_z * 0.5, SWEEP_RADIUS)
    shapes = stand_shapes(stand, product_width, depth, lift) if stand else ()
    key = key_for(light, lift=lift)
    clear = clear_box(shot)
    half = (clear[2] - clear[0]) / 2 / max(shot.height, 1.0)  # its opaque half width
    placed = arrange(props, Stage(camera, clear, half, depth, wall_z - radius), seed)
    card = _card(shot, camera, target, distance, depth, key)
    return StudioSet(camera, wall_z, radius, shapes, key, card, gobo, seed, placed)


GLOW_SPREAD = 1.3  # a gelled background light's pool on the wall: its radius, in product heights
GLOW = 1.0  # ... and its strength at the centre, against the key's 1 at the product


def background_glow(points: Array, part: Array, studio: StudioSet) -> Array:
    """A background light with the gel on it, hidden behind the product and aimed at the wall: a soft pool
    of coloured light on the wall (and the sweep's curve) behind the product, a little above its middle,
    fading over GLOW_SPREAD, as a photographer's gelled background light throws it."""
    lift = studio.card.base if studio.card else 0.0
    centre = np.array([0.0, lift + 0.7, studio.wall_z], np.float32)
    offset = (points - centre)[..., :2]
    pool = np.exp(-(offset**2).sum(-1) / (2 * GLOW_SPREAD**2))
    return (GLOW * pool * (part == WALL)).astype(np.float32)


def light_at(
    studio: StudioSet, seen: tuple[Array, Array, Array, Array], shot: Shot, softness: float, rim: Array | None
) -> tuple[Array, Array]:
    """The light arriving at each seen point (RGB), 1 where the key light meets the product's base:
    ambient and key light, both darkened where surfaces meet, the key through shadows and gobo (traced
    on a coarser grid: they are soft), and a gel's rim light on the stand's edges; and the key light's
    highlight on the props (`sheen`), in the same units."""
    points, normals, part, index = seen  # what each pixel sees: where, facing where, which part, which prop
    height, width = points.shape[:2]
    key, lift = studio.key, studio.card.base if studio.card else 0.0
    passed = key_passing(points, studio)
    key_share = direct(points, normals, key) * passed
    ambient = 0.45 + 0.25 * softness
    contact = _contact(points, studio) * under_product(shot, (width, height), points, lift)
    contact = contact * props_occlusion(points, normals, part, studio)
    light = (ambient * contact)[..., None] + (key.strength * key_share * contact)[..., None] * key.colour
    if rim is not None:  # a gel behind the set: edges turned away from the camera glow in its colour
        view = points - studio.camera.position
        facing = np.abs((normals * view).sum(-1)) / np.maximum(np.linalg.norm(view, axis=-1), 1e-6)
        light = light + ((1 - facing) ** 3 * (part == STAND))[..., None] * rim * 0.9
        light = light + background_glow(points, part, studio)[..., None] * rim
    at_product = float(np.clip(key.centre[1] - lift, 0, None) / np.linalg.norm(key.centre - (0.0, lift, 0.0)))
    exposure = ambient + key.strength * max(at_product, 0.2)
    return (light / exposure).astype(np.float32), sheen(studio, (points, normals, index), passed) / exposure


def shoot(
    backdrop: str,
    light: Lighting,
    gobo: str,
    stand: str,
    size: tuple[int, int],
    shot: Shot,
    floor_line: float,
    seed: int,
    rim: Array | None = None,
    props: tuple[Prop, ...] = (),
) -> Plate:
    """Build the set around the product and shoot it: the light at every pixel of a `size` plate.

    `floor_line` is the preset's designed meeting of floor and wall (kept for the reference camera); the
    product stands on `stand` ("" the floor); `rim` is a gel's colour; `props` stand on the floor around it
    (those that fit in the picture)."""
    studio = build_set(backdrop, light, gobo, stand, size, shot, floor_line, props, seed)
    camera = studio.camera
    d = camera.rays()
    o = np.broadcast_to(camera.position, d.shape)
    t, normals, part, index, piece = trace_all(o, d, studio)
    points = o + np.minimum(t, 1e4)[..., None] * d
    pixels = prop_pixels(index, len(studio.props))
    normals = bumped(normals, points, pixels, studio.props)
    meet = camera.project(np.array([0.0, 0.0, studio.wall_z - studio.sweep_radius], np.float32))[1] / size[1]
    lit, highlights = light_at(studio, (points, normals, part, index), shot, light[1], rim)
    return Plate(
        lit,
        part,
        (t * (d @ camera.forward)).astype(np.float32),
        points.astype(np.float32),
        normals,
        float(meet),
        studio,
        PropView(studio.props, index, piece, highlights, pixels) if studio.props else None,
    )
