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

from dataclasses import dataclass, replace
from functools import cache

import numpy as np
from scipy import ndimage

from workers.render.camera import DEFAULT_ELEVATION
from workers.render.paint import Array, noise

FOCAL = 1.7  # focal length in canvas heights: a short telephoto, as packshots are taken
REFERENCE_ELEVATION = DEFAULT_ELEVATION  # degrees: the camera a preset's floor line was designed for
SAMPLES = 16  # key light samples per pixel (stratified), for soft shadows
SHADOW_SCALE = 4  # shadows are traced at 1 / SHADOW_SCALE of the plate's resolution (they are soft)
FAR = 1e6
FLOOR, WALL, STAND, NOTHING = 0, 1, 2, 3  # what a pixel sees


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


def camera_for(
    size: tuple[int, int], elevation: float, base_px: tuple[float, float], target: Array, distance: float
) -> Camera:
    """A camera pitched down by `elevation` degrees whose ray through pixel `base_px` meets `target` at
    `distance`."""
    theta = np.radians(np.clip(elevation, 0.0, 85.0))
    forward = np.array([0.0, -np.sin(theta), np.cos(theta)], np.float32)
    right = np.array([1.0, 0.0, 0.0], np.float32)
    up = np.array([0.0, np.cos(theta), np.sin(theta)], np.float32)
    focal = FOCAL * size[1]
    d = forward + (base_px[0] - size[0] / 2) / focal * right - (base_px[1] - size[1] / 2) / focal * up
    d = d / np.linalg.norm(d)
    return Camera((target - distance * d).astype(np.float32), forward, right, up, focal, size)


# --- shapes ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Box:
    low: tuple[float, float, float]
    high: tuple[float, float, float]


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
class Arch:
    """A flat panel facing the camera at depth z: |x| < half, up to `spring` and a semicircle above."""

    z: float
    half: float
    spring: float


Shape = Box | Cylinder | Sphere | Arch


def _box(o: Array, d: Array, box: Box) -> tuple[Array, Array]:
    low, high = np.array(box.low, np.float32), np.array(box.high, np.float32)
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


def trace(o: Array, d: Array, s: StudioSet) -> tuple[Array, Array, Array]:
    """Nearest hit of each ray in the set: distance, normal, part."""
    t, normal, part = _cyclorama(o, d, s.wall_z, s.sweep_radius)
    for shape in s.shapes:
        ts, ns = intersect(o, d, shape)
        nearer = ts < t
        t = np.where(nearer, ts, t)
        normal = np.where(nearer[..., None], ns, normal)
        part = np.where(nearer, STAND, part)
    return t, normal, part


def _occluded(points: Array, to_light: Array, s: StudioSet) -> Array:
    """1 where the segment from each point towards the light (length of `to_light`) is blocked."""
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


def transmission(points: Array, s: StudioSet) -> Array:
    """How much of the key light reaches each point past the set's shapes, the product and the gobo:
    the mean over stratified points of the light (the same points for every pixel, so a penumbra is a
    smooth ramp, not noise)."""
    grid = int(np.ceil(np.sqrt(SAMPLES)))
    rng = np.random.default_rng(s.seed + 3)
    total = np.zeros(points.shape[:-1], np.float32)
    axis = s.key.centre / np.linalg.norm(s.key.centre)  # the light points at the product
    lu = np.cross(axis, np.array([0.0, 1.0, 0.0], np.float32))
    lu = lu / max(float(np.linalg.norm(lu)), 1e-6)
    lv = np.cross(lu, axis)
    for i in range(SAMPLES):
        cell = np.array([i % grid, i // grid], np.float32)
        su, sv = ((cell + rng.random(2)) / grid * 2 - 1).astype(np.float32)
        lp = s.key.centre + su * s.key.half_u + sv * s.key.half_v
        share = 1 - _occluded(points, lp - points, s)
        if s.gobo:
            rel = points - (s.key.centre + 0.25 * (lp - s.key.centre))
            along = np.maximum(-(rel @ axis), 1e-3)
            share = share * _gobo(s.gobo, (rel @ lu) / along * 3, (rel @ lv) / along * 3, s.seed)
        total += share
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


def key_for(direction: str, softness: float, intensity: float, warm: bool, lift: float) -> Light:
    centre = np.array(LIGHT_PLACES.get(direction, LIGHT_PLACES["top_left"]), np.float32)
    centre[1] += lift
    axis = centre / np.linalg.norm(centre)
    u = np.cross(axis, np.array([0.0, 1.0, 0.0], np.float32))
    u = u / max(float(np.linalg.norm(u)), 1e-6)
    v = np.cross(u, axis)
    half = 0.15 + 1.6 * softness  # a bigger light gives softer shadows
    colour = np.array([1.0, 0.94, 0.84] if warm else [1.0, 0.99, 0.97], np.float32)
    return Light(centre, u * half, v * half, colour, 0.6 + 0.9 * intensity)


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


def _card(shot: Shot, camera: Camera, target: Array, distance: float, depth: float) -> Card:
    step = 2  # the card's alpha at half resolution: it only casts a soft shadow
    alpha = shot.alpha[::step, ::step].astype(np.float32)
    per_pixel = distance / camera.focal * step
    right, down = camera.right * per_pixel, -camera.up * per_pixel
    base_col, base_row = shot.width / 2 / step, (shot.base_row - shot.top) / step
    centre = target + np.array([0.0, 0.0, depth / 2], np.float32)
    origin = centre - right * base_col - down * base_row
    return Card(alpha, origin.astype(np.float32), right, down, float(target[1]))


Lighting = tuple[str, float, float, bool]  # the key light's direction, softness, intensity, warmth


def build_set(
    backdrop: str,
    light: Lighting,
    gobo: str,
    stand: str,
    size: tuple[int, int],
    shot: Shot,
    floor_line: float,
) -> StudioSet:
    """The set around the product: the camera that sees it where the shot puts it, the sweep or room, the
    stand it stands on (its top `lift` high, reaching down to near the picture's bottom edge), the key light
    and the product's card."""
    height = size[1]
    distance = FOCAL * height / max(shot.height, 1.0)  # the product (1 tall) spans its pixel height
    product_width = shot.width / max(shot.height, 1.0)
    depth = min(product_width, 0.9) * 0.8
    lift = max((height * 0.93 - shot.base_row) / (FOCAL * height) * distance, 0.08) if stand else 0.0
    target = np.array([0.0, lift, 0.0], np.float32)
    camera = camera_for(size, shot.elevation, (shot.left + shot.width / 2, shot.base_row), target, distance)
    wall_z = wall_distance(size, shot, np.zeros(3, np.float32), distance, floor_line)
    wall_z = max(wall_z, depth + (2.5 if stand else 0.4))  # never through the product or its stand
    radius = 0.01 if backdrop in ("wall_floor", "window_room") else min(wall_z * 0.5, 2.5)
    shapes = stand_shapes(stand, product_width, depth, lift) if stand else ()
    key = key_for(*light, lift=lift)
    return StudioSet(camera, wall_z, radius, shapes, key, _card(shot, camera, target, distance, depth), gobo)


def light_at(
    studio: StudioSet, seen: tuple[Array, Array, Array], shot: Shot, softness: float, rim: Array | None
) -> Array:
    """The light arriving at each seen point (RGB), 1 where the key light meets the product's base:
    ambient and key light, both darkened where surfaces meet, the key through shadows and gobo (traced
    on a coarser grid: they are soft), and a gel's rim light on the stand's edges."""
    points, normals, part = seen  # what each pixel sees: where, facing where, and which part of the set
    height, width = points.shape[:2]
    key, lift = studio.key, studio.card.base if studio.card else 0.0
    coarse = (slice(SHADOW_SCALE // 2, None, SHADOW_SCALE),) * 2
    passed = ndimage.gaussian_filter(transmission(points[coarse], studio), 0.8)
    key_share = direct(points, normals, key) * _upsampled(passed, (height, width))
    ambient = 0.45 + 0.25 * softness
    contact = _contact(points, studio) * under_product(shot, (width, height), points, lift)
    light = (ambient * contact)[..., None] + (key.strength * key_share * contact)[..., None] * key.colour
    if rim is not None:  # a gel behind the set: edges turned away from the camera glow in its colour
        view = points - studio.camera.position
        facing = np.abs((normals * view).sum(-1)) / np.maximum(np.linalg.norm(view, axis=-1), 1e-6)
        light = light + ((1 - facing) ** 3 * (part == STAND))[..., None] * rim * 0.9
    at_product = float(np.clip(key.centre[1] - lift, 0, None) / np.linalg.norm(key.centre - (0.0, lift, 0.0)))
    return (light / (ambient + key.strength * max(at_product, 0.2))).astype(np.float32)


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
) -> Plate:
    """Build the set around the product and shoot it: the light at every pixel of a `size` plate.

    `floor_line` is the preset's designed meeting of floor and wall (kept for the reference camera); the
    product stands on `stand` ("" the floor); `rim` is a gel's colour."""
    studio = replace(build_set(backdrop, light, gobo, stand, size, shot, floor_line), seed=seed)
    camera = studio.camera
    d = camera.rays()
    o = np.broadcast_to(camera.position, d.shape)
    t, normals, part = trace(o, d, studio)
    points = o + np.minimum(t, 1e4)[..., None] * d
    meet = camera.project(np.array([0.0, 0.0, studio.wall_z - studio.sweep_radius], np.float32))[1] / size[1]
    return Plate(
        light_at(studio, (points, normals, part), shot, light[1], rim),
        part,
        (t * (d @ camera.forward)).astype(np.float32),
        points.astype(np.float32),
        normals,
        float(meet),
        studio,
    )
