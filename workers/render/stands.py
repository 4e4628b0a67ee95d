"""What a stand is made of: a floor material (floors.py) laid on the faces of the set's blocks (set3d.py),
and lit as the set lights it. A scene's `stand_surface` names it; "" is the cast block of studio.py and
"glass" is gloss.py's (it refracts what lies behind it).

Each face gets 2D material coordinates in world units, unfolded about the block's top front edge so that a
pattern runs on over the edge, as it does on a block cut from one piece: a box's top its x and its depth
behind the front edge, its sides their horizontal coordinate round the block and the height below the top;
a cylinder's side its arc length from the front and the height, its top the arc and the distance in from
the rim. Wood's boards run round the block (its grain horizontal on every side). The floor's material
functions paint them, band-limited as on the floor, without the floor's own highlight; what depends on the
view is the block's own, from its normals: velvet's sheen where its faces turn away from the eye (a
cylinder's silhouette, a cube's top and sides), a metal's reflection of the studio and the key light's
highlight on it, the Fresnel reflection of lacquer and polished stone, and a highlight as broad as the
material is rough. The set's light (the plate's) multiplies it afterwards, as it does the floor's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from presets import Scene
from workers.render.floors import (
    FLOORS,
    ROUGHNESS,
    SCALE,
    STRETCH,
    Floor,
    brushed_streaks,
    stand_colours,
    velvet_pile,
)
from workers.render.paint import LIGHT_VECTORS, Array, mix, smoothstep
from workers.render.set3d import FAR, STAND, Arch, Box, Camera, Cylinder, Plate, Shape, Sphere

PIECE_SHIFT = 3.7  # each shape of a stand starts this far along its material (the two steps differ)
ORIGIN = (0.5, 1.5)  # where the material's coordinates start, as the floor's do (floors.surface)
KEY_LIT = (0.5, 0.85)  # the stand's light, as a share of its brightest, from shadow to full key light
FLAT_PATTERN = {"glossy": "matte"}  # lacquer: an even colour, its look is its gloss (below)
# Cloth is stretched over the block, its edges rounded this much (world units: about 8 mm on a 20 cm
# product); a cut block's edges are sharp.
ROUNDED = {"velvet": 0.04, "silk": 0.04, "linen": 0.03}
MATERIAL_SCALE = {"marble": 1.4}  # a marble block is cut to show its figure: its veins closer than a floor's
ENVIRONMENT = 0.3  # what lacquer and polished stone mirror: the wall's colour lifted this far to white


def _dot(a: Array, b: Array) -> Array:
    return a[..., 0] * b[..., 0] + a[..., 1] * b[..., 1] + a[..., 2] * b[..., 2]


def _unit(v: Array) -> Array:
    return (v / np.maximum(np.sqrt(_dot(v, v)), 1e-9)[..., None]).astype(np.float32)


# --- which shape, and where on its faces ----------------------------------------------------------------
def _distance(points: Array, shape: Shape) -> Array:
    """How far points (N, 3) lie from a shape's surface, in world units (an upright box: stands never
    turn)."""
    if isinstance(shape, Box):
        low, high = np.array(shape.low, np.float32), np.array(shape.high, np.float32)
        q = np.abs(points - (low + high) / 2) - (high - low) / 2
        return np.abs(np.linalg.norm(np.maximum(q, 0), axis=-1) + np.minimum(q.max(axis=-1), 0))
    if isinstance(shape, Cylinder):
        radial = np.hypot(points[:, 0] - shape.x, points[:, 2] - shape.z) - shape.radius
        height = np.maximum(shape.bottom - points[:, 1], points[:, 1] - shape.top)
        outside = np.hypot(np.maximum(radial, 0), np.maximum(height, 0))
        return np.abs(outside + np.minimum(np.maximum(radial, height), 0))
    if isinstance(shape, Sphere):
        return np.abs(np.linalg.norm(points - np.array(shape.centre, np.float32), axis=-1) - shape.radius)
    if isinstance(shape, Arch):
        return np.abs(points[:, 2] - shape.z)
    return np.full(len(points), FAR, np.float32)  # no stand is made of a prop's ellipsoid


def pieces(points: Array, shapes: tuple[Shape, ...]) -> Array:
    """Which of a stand's shapes each of its points (N, 3) lies on: the one whose surface is nearest."""
    return np.stack([_distance(points, shape) for shape in shapes]).argmin(axis=0)


def _box_faces(points: Array, normals: Array, box: Box) -> tuple[Array, Array]:
    x, y, z = points[:, 0], points[:, 1], points[:, 2]
    front, lid = box.low[2], box.high[1]
    around = np.where(normals[:, 0] > 0, box.high[0] + (z - front), box.low[0] - (z - front))
    across = np.where(np.abs(normals[:, 0]) > 0.5, around, x)
    return across, np.where(normals[:, 1] > 0.5, z - front, y - lid)


def _cylinder_faces(points: Array, normals: Array, c: Cylinder) -> tuple[Array, Array]:
    dx, dz = points[:, 0] - c.x, points[:, 2] - c.z
    arc = np.arctan2(dx, -dz) * c.radius
    inward = c.radius - np.hypot(dx, dz)
    return arc, np.where(normals[:, 1] > 0.5, inward, points[:, 1] - c.top)


def faces(points: Array, normals: Array, shape: Shape) -> tuple[Array, Array]:
    """Material coordinates (world units) of points on a shape's faces: across, and along (down a side
    from the top front edge, back or in across the top from it), unfolded so each runs on over the edge."""
    if isinstance(shape, Box):
        return _box_faces(points, normals, shape)
    if isinstance(shape, Cylinder):
        return _cylinder_faces(points, normals, shape)
    if isinstance(shape, Sphere):
        dx, dz = points[:, 0] - shape.centre[0], points[:, 2] - shape.centre[2]
        return np.arctan2(dx, -dz) * shape.radius, points[:, 1] - shape.centre[1] - shape.radius
    return points[:, 0], points[:, 1]  # an arch's flat panel


def _filled_columns(values: Array, mask: Array) -> Array:
    """`values` off the `mask` taken from the nearest masked pixel above them in their column (below, above
    the mask's top): a material's coordinates run on past the stand's edges without a jump, so the
    band-limiting of the floor's patterns (which follows each column) sees the stand's own steps only."""
    height = mask.shape[0]
    rows = np.arange(height)[:, None]
    above = np.maximum.accumulate(np.where(mask, rows, -1), axis=0)
    below = np.minimum.accumulate(np.where(mask, rows, height)[::-1], axis=0)[::-1]
    source = np.clip(np.where(above >= 0, above, below), 0, height - 1)
    return np.take_along_axis(values, source, axis=0)


# --- the stand as the camera sees it --------------------------------------------------------------------
@dataclass(frozen=True)
class Faces:
    """A stand's pixels in the crop of the picture round it (`box`): which are the stand's, their material
    coordinates (u across, v along, in the floor's units), the cosine between the view and each face (1
    head-on, 0 grazing), the view mirrored about it, the way to the key light, and how much of the key
    light reaches each (0 in the set's shadows, 1 in full light)."""

    box: tuple[slice, slice]
    stand: Array
    u: Array
    v: Array
    facing: Array
    mirrored: Array
    to_key: Array
    lit: Array


def _crop(stand: Array) -> tuple[slice, slice]:
    rows, cols = np.flatnonzero(stand.any(axis=1)), np.flatnonzero(stand.any(axis=0))
    return slice(int(rows[0]), int(rows[-1]) + 1), slice(int(cols[0]), int(cols[-1]) + 1)


def _coordinates(plate: Plate, box: tuple[slice, slice], stand: Array, material: str) -> tuple[Array, Array]:
    """The floor units (u, v) of the stand's faces over the crop `box`, each shape further along its
    material than the last; wood's turned so its boards (v) run round the block."""
    assert plate.studio is not None
    points, normals = plate.points[box][stand], plate.normals[box][stand]
    shapes = plate.studio.shapes
    piece = pieces(points, shapes)
    across, along = np.zeros(len(points), np.float32), np.zeros(len(points), np.float32)
    for k, shape in enumerate(shapes):
        mine = piece == k
        a, b = faces(points[mine], normals[mine], shape)
        across[mine], along[mine] = a + PIECE_SHIFT * k, b
    if material == "wood":
        across, along = along, across
    u, v = np.zeros(stand.shape, np.float32), np.zeros(stand.shape, np.float32)
    scale = SCALE * MATERIAL_SCALE.get(material, 1.0)
    u[stand], v[stand] = across * scale + ORIGIN[0], along * scale * STRETCH + ORIGIN[1]
    return _filled_columns(u, stand), _filled_columns(v, stand)


def _rounded(normals: Array, stand: Array, camera: Camera, distance: float, radius: float) -> Array:
    """A block's normals with its edges rounded by `radius` (world units): turned towards each other where
    two of its faces meet, and outwards near its outline (but for its foot, which stands on the floor), as
    cloth stretched over a block rounds them."""
    pixels = max(radius * camera.focal / max(distance, 1e-3), 1.0)
    weight = ndimage.gaussian_filter(stand.astype(np.float32), pixels / 2)
    blended = np.stack([ndimage.gaussian_filter(normals[..., c] * stand, pixels / 2) for c in range(3)], -1)
    normals = _unit(blended / np.maximum(weight, 1e-6)[..., None])
    inside = ndimage.gaussian_filter(ndimage.distance_transform_edt(np.pad(stand, 1))[1:-1, 1:-1], 1.0)
    down, across = np.gradient(inside)
    norm = np.maximum(np.hypot(down, across), 1e-6)
    outwards = _unit(-(across / norm)[..., None] * camera.right + (down / norm)[..., None] * camera.up)
    turn = np.clip(1 - inside / pixels, 0, 1) ** 2 * smoothstep(0.7, 0.0, down / norm)
    return _unit(normals * (1 - turn[..., None]) + outwards * turn[..., None])


def seen_faces(plate: Plate, material: str = "", radius: float = 0.0) -> Faces:
    """The stand's faces made of `material` as the camera sees them (a plate with a stand), its edges
    rounded by `radius`."""
    assert plate.studio is not None
    camera = plate.studio.camera
    box = _crop(plate.part == STAND)
    stand = plate.part[box] == STAND
    normals = plate.normals[box]
    if radius:
        distance = float(np.median(plate.depth[box][stand]))
        normals = _rounded(normals, stand, camera, distance, radius)
    view = _unit(plate.points[box] - camera.position)
    cos = _dot(view, normals)
    mirrored = _unit(view - (2 * cos)[..., None] * normals)
    luminance = plate.light[box].mean(axis=-1)
    brightest = max(float(luminance[stand].max()), 1e-3)
    lit = smoothstep(KEY_LIT[0], KEY_LIT[1], luminance / brightest)
    u, v = _coordinates(plate, box, stand, material)
    to_key = _unit(plate.studio.key.centre - plate.points[box])
    return Faces(box, stand, u, v, np.clip(-cos, 0, 1), mirrored, to_key, lit)


# --- light on each material ------------------------------------------------------------------------------
def highlight(faces: Faces, roughness: float) -> Array:
    """The key light mirrored in a face (Phong: the mirrored view against the way to the light), as
    broad as the material is rough and as bright as it is polished (the floor's `_finish` weights),
    where the key light reaches."""
    power = 2.0 / max(roughness, 0.05) ** 2
    lobe = np.clip(_dot(faces.mirrored, faces.to_key), 0, 1) ** power
    return (0.04 + 0.3 * (1.0 - roughness) ** 2) * lobe * faces.lit


VELVET_SHEEN = 1.5  # how fast velvet's sheen grows as a face turns away from the eye (a power of 1 - cos)


def _velvet(base: Array, wall: Array, f: Floor, faces: Faces) -> Array:
    """Velvet on a block: dark where a face looks at the eye, its pile glowing where the face turns away
    (a cylinder's silhouette, the top seen at a grazing angle), more in crushed patches, with its nap;
    the floor's `_velvet` with the faces' true angles."""
    nap, crushed = velvet_pile(f)
    grazing = (1.0 - faces.facing) ** VELVET_SHEEN
    sheen = grazing * (0.8 + 1.0 * crushed) * (1.0 + 0.3 * nap)
    glow = mix(base, wall, 0.2) * 0.8 + 0.4  # the pile's sides, catching the light
    body = base * (0.55 + 0.45 * faces.facing + 0.1 * nap)[..., None]
    return body + sheen[..., None] * glow


METAL_REFLECTANCE = 0.9  # a metal mirrors this share of the studio, tinted by its own colour
METAL_TINT = 0.3  # ... its colour this strong (what it mirrors is tinted twice where it is the same hue)
BRUSHED_ACROSS = 60.0  # how tight the key light's reflection is across the brushing (a Phong power)
BRUSHED_ALONG = 1.1  # ... and how far (radians) the brushing spreads it along the grooves, up and down


def _level(v: Array) -> Array:
    """Directions' horizontal parts, as unit 2-vectors (x, z)."""
    flat = v[..., [0, 2]]
    return flat / np.maximum(np.hypot(flat[..., 0], flat[..., 1]), 1e-6)[..., None]


def studio_around(colours: list[Array], faces: Faces) -> Array:
    """What a face mirrors of the studio round the set: its wall at eye level, brighter on the key light's
    side, the lit ceiling above and the floor below."""
    towards_key = (_level(faces.mirrored) * _level(faces.to_key)).sum(-1) * 0.5 + 0.5
    wall = np.asarray(colours[0], np.float32) * (0.7 + 0.3 * towards_key)[..., None]
    up, down = smoothstep(0.1, 0.9, faces.mirrored[..., 1]), smoothstep(-0.1, -0.7, faces.mirrored[..., 1])
    ceiling = np.broadcast_to(mix(colours[0], np.ones(3, np.float32), 0.6), wall.shape)
    return mix(mix(wall, ceiling, up), np.broadcast_to(np.asarray(colours[1], np.float32), wall.shape), down)


def brushed_lobe(faces: Faces) -> Array:
    """The key light mirrored in metal brushed round the block: tight across the brushing (where the
    mirrored view turns towards the light round the block) and spread along its grooves (up and down), as
    a brushed cylinder shows a tall band of light."""
    across = np.clip((_level(faces.mirrored) * _level(faces.to_key)).sum(-1), 0, 1) ** BRUSHED_ACROSS
    rise = np.arcsin(np.clip(faces.mirrored[..., 1], -1, 1)) - np.arcsin(np.clip(faces.to_key[..., 1], -1, 1))
    return across * np.exp(-((rise / BRUSHED_ALONG) ** 2)) * faces.lit


def _metal(base: Array, colours: list[Array], f: Floor, faces: Faces) -> Array:
    """Brushed metal: the studio mirrored (`studio_around`) in the metal's own colour, streaked along the
    brushing, and the key light's highlight (`brushed_lobe`), tinted by the metal."""
    tint = mix(np.ones(3, np.float32), base / max(float(base.max()), 1e-3), METAL_TINT)
    streaks = brushed_streaks(f)
    colour = METAL_REFLECTANCE * tint * studio_around(colours, faces) * streaks[..., None]
    return colour + (brushed_lobe(faces) * streaks)[..., None] * mix(tint, np.ones(3, np.float32), 0.45)


def _polished(colour: Array, wall: Array, faces: Faces, material: str) -> Array:
    """Lacquer or polished stone: the studio mirrored as Fresnel weighs it (strong only at grazing angles:
    a cylinder's silhouette, the top seen edge-on) and a sharp highlight."""
    fresnel = 0.04 + 0.96 * (1.0 - faces.facing) ** 5
    studio = mix(wall, np.ones(3, np.float32), ENVIRONMENT)
    mirrored = mix(colour, np.broadcast_to(studio, colour.shape), (fresnel * 0.6)[..., None])
    return mirrored + highlight(faces, ROUGHNESS[material])[..., None]


POLISHED = {"glossy", "marble", "terrazzo"}


def _floor(scene: Scene, colours: list[Array], faces: Faces, rng: np.random.Generator) -> Floor:
    """The stand's faces as a floor for floors.py's materials: its colours, coordinates, the set's light."""
    accent = colours[2] if len(colours) > 2 else colours[1] * 0.7
    base, accent = stand_colours(scene.stand_surface, colours[1], accent)
    depth = np.ones(faces.u.shape, np.float32)  # the floor's own highlight (near the horizon) falls away
    key = LIGHT_VECTORS.get(scene.light_direction, (0.0, 0.0))[0]
    return Floor(base, accent, colours[0], faces.u, faces.v, depth, depth, rng, None, key)


def painted(scene: Scene, colours: list[Array], plate: Plate, rng: np.random.Generator) -> Array:
    """The plate-sized picture of the stand made of `scene.stand_surface` (its pixels only; the set's light
    multiplies it later, as it does the floor): floors.py's material on its faces, lit as above."""
    material = scene.stand_surface
    faces = seen_faces(plate, material, ROUNDED.get(material, 0.0))
    f = _floor(scene, colours, faces, rng)
    base, wall = np.asarray(f.base, np.float32), np.asarray(colours[0], np.float32)
    if material == "velvet":
        colour = _velvet(base, wall, f, faces)
    elif material == "metal":
        colour = _metal(base, colours, f, faces)
    else:
        colour = FLOORS[FLAT_PATTERN.get(material, material)](f)
        if material in POLISHED:
            colour = _polished(colour, wall, faces, material)
        else:
            colour = colour + highlight(faces, ROUGHNESS[material])[..., None]
    out = np.zeros((*plate.part.shape, 3), np.float32)
    out[faces.box] = np.where(faces.stand[..., None], np.clip(colour, 0, 1), 0)
    return out
