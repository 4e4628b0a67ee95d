"""Props the studio engine sets beside the product when a preset or a custom prompt names them: "on a
marble counter with lemons" gets lemons.

Each prop is modelled here as a few 3D shapes of the studio set (set3d.py: ellipsoids for fruit, eggs,
stones, beans, petals and leaves, boxes for books, ice and cloth, cylinders for candles), sized from the
product's height (it is 1 tall in the set's units, so a lemon stays a lemon beside a bottle or a vase) and
varied by the seed. The set stands them on its floor beside and behind the product (never over it in the
picture) and shoots them with everything else: the same camera and lens, the key light's soft shadows
across the floor and on each other, contact occlusion where they meet the floor. Here their materials are
painted where the plate sees them (a base colour varied a little, a material's detail: a citrus's pores,
an egg's speckles, a stone's grain, a book's pages), lit by the plate's light like the floor, and the key
light's highlight is added on top, as broad as each material is rough.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from workers.render.paint import Array
from workers.render.set3d import (
    Box,
    Cylinder,
    Ellipsoid,
    Plate,
    Prop,
    PropShape,
    Sphere,
    local_point,
    prop,
    waves,
)


@dataclass(frozen=True)
class Look:
    """A prop kind: its colour, its model, how tall it is beside the product, how wide for its height,
    how many stand in a scene, and how rough its surface is (0 polished, 1 matte)."""

    colour: tuple[float, float, float]
    shape: str
    size: float  # height as a share of the product's height (a lying prop's: its width)
    aspect: float  # length ÷ size
    count: int
    roughness: float


LOOKS = {
    "lemon": Look((0.96, 0.8, 0.16), "fruit", 0.26, 1.35, 3, 0.32),
    "orange": Look((0.96, 0.5, 0.08), "fruit", 0.28, 1.0, 3, 0.38),
    "apple": Look((0.72, 0.1, 0.1), "apple", 0.3, 1.1, 2, 0.22),
    "lime": Look((0.38, 0.62, 0.14), "fruit", 0.22, 1.2, 3, 0.3),
    "leaf": Look((0.2, 0.45, 0.16), "leaf", 0.12, 3.0, 3, 0.35),
    "autumn leaf": Look((0.8, 0.36, 0.08), "leaf", 0.12, 2.6, 3, 0.6),
    "flower": Look((0.98, 0.8, 0.86), "flower", 0.22, 1.0, 3, 0.65),
    "stone": Look((0.55, 0.55, 0.53), "stone", 0.18, 1.5, 3, 0.7),
    "shell": Look((0.95, 0.85, 0.76), "shell", 0.2, 1.2, 2, 0.45),
    "book": Look((0.3, 0.35, 0.55), "book", 0.22, 2.6, 1, 0.6),
    "candle": Look((0.96, 0.93, 0.86), "candle", 0.45, 0.42, 2, 0.5),
    "coffee bean": Look((0.3, 0.17, 0.09), "beans", 0.12, 2.4, 2, 0.35),
    "ice": Look((0.82, 0.92, 0.98), "ice", 0.18, 1.0, 3, 0.06),
    "fabric": Look((0.88, 0.85, 0.8), "fabric", 0.14, 3.2, 1, 0.9),
    "pumpkin": Look((0.93, 0.45, 0.06), "pumpkin", 0.3, 1.35, 2, 0.45),
    "egg": Look((0.98, 0.85, 0.9), "egg", 0.16, 0.78, 3, 0.5),
    "heart": Look((0.86, 0.12, 0.25), "heart", 0.16, 1.1, 3, 0.22),
}
EGG_COLOURS = ((0.96, 0.7, 0.78), (0.62, 0.8, 0.96), (0.98, 0.9, 0.55), (0.68, 0.9, 0.7), (0.8, 0.72, 0.95))
BOOK_COLOURS = ((0.3, 0.35, 0.55), (0.55, 0.22, 0.18), (0.25, 0.4, 0.32), (0.62, 0.5, 0.36))
PAGES = np.array([0.93, 0.9, 0.82], np.float32)
WICK = np.array([0.12, 0.1, 0.08], np.float32)
STEM = np.array([0.4, 0.36, 0.2], np.float32)
APPLE_STALK = np.array([0.3, 0.2, 0.1], np.float32)
POLLEN = np.array([0.98, 0.78, 0.22], np.float32)
PROP_SEED = 7  # the props' models vary with the seed, apart from all else it varies
ICE_GLOW = 1.3  # light passing through ice: its shaded faces are as bright as a white's lit ones
NUBBED = 1.3  # fruit this much longer than round (lemons) have a nub at each end


# --- models: each kind as shapes of the set, about the vertical through the origin -----------------
Model = Callable[[Look, np.random.Generator], tuple[PropShape, ...]]


def _around(x: float, z: float, yaw: float) -> tuple[float, float]:
    """(x, z) turned by `yaw` about the vertical, as the set's shapes turn."""
    return x * np.cos(yaw) + z * np.sin(yaw), -x * np.sin(yaw) + z * np.cos(yaw)


def _fruit(look: Look, rng: np.random.Generator) -> tuple[PropShape, ...]:
    """A lemon is longer than it is round (its `aspect`) and has a nub at each end; an orange is round,
    an apple a little squat."""
    radius, yaw = look.size / 2 * rng.uniform(0.9, 1.08), rng.uniform(0, np.pi)
    radii = (radius * look.aspect, radius * rng.uniform(0.95, 1.0), radius * rng.uniform(0.97, 1.03))
    body = Ellipsoid((0.0, 0.0, 0.0), radii, yaw=yaw)
    if look.aspect < NUBBED:
        return (body,)
    nubs = (_around(side * radii[0] * 0.93, 0.0, yaw) for side in (-1, 1))
    nub = (radius * 0.22, radius * 0.16, radius * 0.16)
    return body, *(Ellipsoid((x, 0.0, z), nub, yaw=yaw) for x, z in nubs)


def _apple(look: Look, rng: np.random.Generator) -> tuple[PropShape, ...]:
    """A squat round apple and its stalk."""
    radius = look.size / 2 * rng.uniform(0.9, 1.08)
    body = Ellipsoid((0.0, radius, 0.0), (radius * look.aspect, radius, radius * look.aspect))
    return body, Cylinder(0.0, 0.0, radius * 0.05, radius * 1.8, radius * 2.25)


def _leaf(look: Look, rng: np.random.Generator) -> tuple[PropShape, ...]:
    """A thin leaf lying mostly across the view, curled so that its face turns a little to the camera."""
    length = look.size * look.aspect * rng.uniform(0.85, 1.1)
    radii = (length / 2, look.size * 0.03, look.size * rng.uniform(0.4, 0.55))
    tilt = -rng.uniform(0.25, 0.5)  # its face towards the camera
    return (Ellipsoid((0.0, 0.0, 0.0), radii, rng.uniform(-0.7, 0.7), rng.uniform(-0.1, 0.1), tilt, True),)


def _flower(look: Look, rng: np.random.Generator) -> tuple[PropShape, ...]:
    """Five petals cupped around a yellow heart."""
    petal = look.size * 0.5 * rng.uniform(0.85, 1.1)
    start = rng.uniform(0, 2 * np.pi)
    shapes: list[PropShape] = []
    for number in range(5):
        angle = start + number * 2 * np.pi / 5
        x, z = _around(petal * 0.48, 0.0, angle)
        shapes.append(Ellipsoid((x, petal * 0.2, z), (petal / 2, petal * 0.05, petal * 0.36), angle, 0.4))
    return (*shapes, Ellipsoid((0.0, petal * 0.2, 0.0), (petal * 0.2, petal * 0.14, petal * 0.2)))


def _stone(look: Look, rng: np.random.Generator) -> tuple[PropShape, ...]:
    """A river stone: flattened and oval."""
    length = look.size * look.aspect * rng.uniform(0.75, 1.15)
    radii = (length / 2, look.size * rng.uniform(0.3, 0.42), length / 2 * rng.uniform(0.6, 0.85))
    return (Ellipsoid((0.0, 0.0, 0.0), radii, yaw=rng.uniform(0, np.pi)),)


def _shell(look: Look, rng: np.random.Generator) -> tuple[PropShape, ...]:
    """A cockle lying closed: a flattened oval its ribs run over."""
    width = look.size * look.aspect * rng.uniform(0.85, 1.1)
    radii = (width / 2, look.size * 0.35, width / 2 * 0.85)
    return (Ellipsoid((0.0, 0.0, 0.0), radii, yaw=rng.uniform(0, np.pi)),)


def _book(look: Look, rng: np.random.Generator) -> tuple[PropShape, ...]:
    """A book lying askew, sometimes a smaller one on top of it."""
    width, thick = look.size * look.aspect * rng.uniform(0.85, 1.05), look.size * rng.uniform(0.22, 0.3)
    depth = width * rng.uniform(0.65, 0.75)
    lower = Box((-width / 2, 0.0, -depth / 2), (width / 2, thick, depth / 2), rng.uniform(-0.4, 0.4))
    if rng.random() < 0.5:
        return (lower,)
    small, high = width * 0.85, thick + look.size * rng.uniform(0.15, 0.22)
    upper = Box((-small / 2, thick, -small * 0.35), (small / 2, high, small * 0.35), rng.uniform(-0.4, 0.4))
    return lower, upper


def _candle(look: Look, rng: np.random.Generator) -> tuple[PropShape, ...]:
    """A pillar candle and its wick."""
    height = look.size * rng.uniform(0.6, 1.05)
    radius = look.size * look.aspect / 2
    wick = Cylinder(0.0, 0.0, radius * 0.05, height, height + look.size * 0.06)
    return Cylinder(0.0, 0.0, radius, 0.0, height), wick


def _beans(look: Look, rng: np.random.Generator) -> tuple[PropShape, ...]:
    """A little scatter of coffee beans, each lying on its flat side."""
    spread = look.size * look.aspect / 2
    beans: list[PropShape] = []
    for _ in range(7):
        length = look.size * rng.uniform(0.4, 0.5)
        x, z = _around(spread * np.sqrt(rng.random()), 0.0, rng.uniform(0, 2 * np.pi))
        radii = (length / 2, length * 0.26, length * 0.36)
        beans.append(Ellipsoid((x, radii[1], z), radii, yaw=rng.uniform(0, np.pi)))
    return tuple(beans)


def _ice(look: Look, rng: np.random.Generator) -> tuple[PropShape, ...]:
    side = look.size * rng.uniform(0.8, 1.1)
    return (Box((-side / 2, 0.0, -side / 2), (side / 2, side, side / 2), rng.uniform(0, np.pi / 2)),)


def _fabric(look: Look, rng: np.random.Generator) -> tuple[PropShape, ...]:
    """A folded napkin lying flat."""
    width = look.size * look.aspect * rng.uniform(0.85, 1.05)
    half = (width / 2, look.size * 0.3, width * 0.3)
    return (Box((-half[0], 0.0, -half[2]), (half[0], half[1], half[2]), rng.uniform(-0.5, 0.5)),)


def _pumpkin(look: Look, rng: np.random.Generator) -> tuple[PropShape, ...]:
    """A squat pumpkin (its ribs are its material's relief) and its stalk."""
    height = look.size * rng.uniform(0.85, 1.1)
    width = height * look.aspect
    body = Ellipsoid((0.0, height / 2, 0.0), (width / 2, height / 2, width / 2), yaw=rng.uniform(0, np.pi))
    return body, Cylinder(0.0, 0.0, width * 0.05, height * 0.9, height * 1.12)


def _egg(look: Look, rng: np.random.Generator) -> tuple[PropShape, ...]:
    """An egg standing on its end, or lying on its side."""
    height = look.size * rng.uniform(0.92, 1.05)
    width = height * look.aspect
    if rng.random() < 0.5:
        return (Ellipsoid((0.0, 0.0, 0.0), (width / 2, height / 2, width / 2)),)
    return (Ellipsoid((0.0, 0.0, 0.0), (height / 2, width / 2, width / 2), yaw=rng.uniform(0, np.pi)),)


def _heart(look: Look, rng: np.random.Generator) -> tuple[PropShape, ...]:
    """A puffy heart standing on its point, facing about the camera: two ovals leaning apart whose lower
    ends meet (each a lobe)."""
    scale = look.size * rng.uniform(0.9, 1.1)
    long, lean, yaw = scale * 0.55, 0.75, rng.uniform(-0.5, 0.5)
    offset = long * np.sin(lean) * 0.55  # their lower ends cross: a point
    lobes: list[PropShape] = []
    for side in (-1, 1):
        x, z = _around(side * offset, 0.0, yaw)
        radii = (scale * 0.3, long, scale * 0.2)
        lobes.append(Ellipsoid((x, long * np.cos(lean), z), radii, yaw, side * -lean))
    return tuple(lobes)


MODELS: dict[str, Model] = {
    "fruit": _fruit, "apple": _apple, "leaf": _leaf, "flower": _flower, "stone": _stone, "shell": _shell, "book": _book,
    "candle": _candle, "beans": _beans, "ice": _ice, "fabric": _fabric, "pumpkin": _pumpkin, "egg": _egg,
    "heart": _heart,
}  # fmt: skip
# The shape each model's body is (its first shape), so a test can hold the models to it.
BODIES: dict[str, type[Box | Cylinder | Sphere | Ellipsoid]] = {
    "fruit": Ellipsoid, "apple": Ellipsoid, "leaf": Ellipsoid, "flower": Ellipsoid, "stone": Ellipsoid, "shell": Ellipsoid,
    "book": Box, "candle": Cylinder, "beans": Ellipsoid, "ice": Box, "fabric": Box, "pumpkin": Ellipsoid,
    "egg": Ellipsoid, "heart": Ellipsoid,
}  # fmt: skip
# A material's relief (set3d.bumped): pattern, frequency, depth.
BUMPS = {
    "fruit": ("waves", 120.0, 0.04), "stone": ("waves", 14.0, 0.25), "shell": ("ribs", 22.0, 0.35),
    "pumpkin": ("ribs", 10.0, 0.45), "fabric": ("waves", 20.0, 0.3),
}  # fmt: skip


def modelled(kind: str, rng: np.random.Generator) -> Prop:
    """One prop of `kind`, resting on the floor at the origin."""
    look = LOOKS[kind]
    return prop(kind, MODELS[look.shape](look, rng), look.roughness, BUMPS.get(look.shape, ("", 0.0, 0.0)))


def prop_models(kinds: tuple[str, ...], seed: int) -> tuple[Prop, ...]:
    """The props a scene names, as many of each kind as its look says, kinds taking turns ("lemons and
    leaves": a lemon, a leaf, a lemon…), so that each kind stands on both sides of the product."""
    rng = np.random.default_rng(seed + PROP_SEED)
    most = max((LOOKS[kind].count for kind in kinds), default=0)
    order = [kind for turn in range(most) for kind in kinds if turn < LOOKS[kind].count]
    return tuple(modelled(kind, rng) for kind in order)


# --- materials -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Surface:
    """Where the plate sees a prop: the world points, their normals, which of its shapes each lies on and
    where on it (set3d.local_point: a pattern laid there stays on the shape), the prop's look, its turn in
    the scene (props of a kind take its colours in turn) and a seeded generator for its own variation."""

    points: Array
    normals: Array
    piece: Array
    local: Array
    look: Look
    turn: int
    rng: np.random.Generator


def _tone(colour: tuple[float, float, float] | Array, rng: np.random.Generator, spread: float) -> Array:
    """A colour varied a little, per prop: no two lemons quite the same yellow."""
    return np.clip(np.asarray(colour, np.float32) * rng.uniform(1 - spread, 1 + spread, 3), 0, 1)


def _blend(a: Array, b: Array, t: Array) -> Array:
    """From colour(s) `a` to `b` by `t` per point."""
    return a * (1 - t[:, None]) + b * t[:, None]


def _grain(s: Surface, frequency: float) -> Array:
    """A pattern fixed to the prop's surface, of mean 0 and spread 1."""
    return waves(s.local, frequency)[0]


def _fruit_skin(s: Surface) -> Array:
    """A citrus's peel: a ripe colour, mottled, its pores a shade darker (and dimpling it: BUMPS)."""
    base = _tone(s.look.colour, s.rng, 0.05) * (1 + 0.05 * _grain(s, 3.0))[:, None]
    pores = np.clip(_grain(s, 60.0) - 1.6, 0, 1)
    return base * (1 - 0.15 * pores)[:, None]


def _apple_skin(s: Surface) -> Array:
    """An apple's red, streaked with yellow round its middle, and its brown stalk."""
    base = _tone(s.look.colour, s.rng, 0.05) * (1 + 0.05 * _grain(s, 3.0))[:, None]
    around = np.arctan2(s.local[:, 2], s.local[:, 0]) * 9 + 2 * _grain(s, 2.0)
    streaks = (0.5 + 0.5 * np.sin(around)) * 0.3 * (1 - s.local[:, 1] ** 2)
    skin = _blend(base, np.array([0.85, 0.6, 0.2], np.float32), streaks)
    return np.where((s.piece == 1)[:, None], APPLE_STALK, skin)


def _leaf_blade(s: Surface) -> Array:
    """A leaf: its midrib and side veins paler, its edges darker; an autumn leaf blotched."""
    x, z = s.local[:, 0], s.local[:, 2]
    base = _tone(s.look.colour, s.rng, 0.08)
    blotch = np.clip(_grain(s, 4.0), 0, 1)
    base = _blend(base, base * np.array([0.8, 0.55, 0.45], np.float32), blotch * 0.6)
    veins = np.exp(-((z / 0.05) ** 2)) + 0.5 * np.exp(-(((x - np.abs(z) * 1.2) * 7 % 1 - 0.5) ** 2) / 0.004)
    return np.clip(base * (0.85 + 0.2 * (1 - np.abs(z)))[:, None] + 0.1 * veins[:, None], 0, 1)


def _blossom(s: Surface) -> Array:
    """Petals paler towards their tips and faintly veined; a pollen-yellow heart."""
    x, z = s.local[:, 0], s.local[:, 2]
    petal = _blend(_tone(s.look.colour, s.rng, 0.04), np.ones(3, np.float32), (x + 1) / 2 * 0.6)
    petal = petal * (0.97 + 0.03 * np.cos(z * 18))[:, None]
    heart = POLLEN * (0.85 + 0.15 * _grain(s, 30.0))[:, None]
    return np.where((s.piece == 5)[:, None], heart, petal)


def _stone_face(s: Surface) -> Array:
    """Stone: a tone of its own, mottled, flecked pale and dark."""
    tone = _tone(np.asarray(s.look.colour) * s.rng.uniform(0.8, 1.15), s.rng, 0.06)
    flecks = np.clip(_grain(s, 60.0) - 1.8, 0, 1) - np.clip(-_grain(s, 45.0) - 1.8, 0, 1)
    return np.clip(tone * (1 + 0.1 * _grain(s, 5.0) + 0.25 * flecks)[:, None], 0, 1)


def _shell_face(s: Surface) -> Array:
    """A cockle: cream with darker growth bands round its crown."""
    rings = np.hypot(s.local[:, 0], s.local[:, 2])
    bands = 0.9 + 0.1 * np.sin(rings * 26 + 2 * _grain(s, 4.0))
    return _tone(s.look.colour, s.rng, 0.05) * bands[:, None]


def _book_face(s: Surface) -> Array:
    """A book: cloth covers, and the pages' edges on the three sides away from its spine."""
    cover = _tone(BOOK_COLOURS[s.turn % len(BOOK_COLOURS)], s.rng, 0.06)
    x, y, z = np.abs(s.local[:, 0]), s.local[:, 1], np.abs(s.local[:, 2])
    edge = ((x > 0.98) & (s.local[:, 0] > 0) | (z > 0.98)) & (np.abs(y) < 0.72)
    pages = PAGES * (0.93 + 0.07 * np.sin(y * 90))[:, None]
    return np.where(edge[:, None], pages, cover * (0.96 + 0.04 * _grain(s, 40.0))[:, None])


def _wax(s: Surface) -> Array:
    """Wax, faintly mottled, and a burnt wick."""
    wax = _tone(s.look.colour, s.rng, 0.02) * (0.97 + 0.03 * _grain(s, 6.0))[:, None]
    return np.where((s.piece == 1)[:, None], WICK, wax)


def _bean(s: Surface) -> Array:
    """Roasted beans, each its own brown, with the dark crease along its flat side's middle."""
    crease = (np.abs(s.local[:, 2]) < 0.12) & (s.local[:, 1] > 0.3)
    tone = np.asarray(s.look.colour, np.float32) * (0.85 + 0.3 * np.abs(np.sin(s.piece * 2.7)))[:, None]
    return np.where(crease[:, None], tone * 0.3, tone)


def _ice_block(s: Surface) -> Array:
    """Ice: pale, a little cloudy inside, its edges catching more light; light passes through it, so its
    shaded faces glow (a colour brighter than white, which the plate's light then dims)."""
    ordered = np.sort(np.abs(s.local), axis=1)
    edge = np.clip((ordered[:, 1] - 0.85) * 6, 0, 1)
    cloud = 0.95 + 0.04 * _grain(s, 3.0)
    return np.asarray(s.look.colour) * ICE_GLOW * cloud[:, None] + 0.25 * edge[:, None]


def _cloth(s: Surface) -> Array:
    """Linen: its weave."""
    weave = 0.95 + 0.05 * np.sin(s.local[:, 0] * 260) * np.sin(s.local[:, 2] * 180)
    return _tone(s.look.colour, s.rng, 0.04) * weave[:, None]


def _pumpkin_skin(s: Surface) -> Array:
    """Orange darkening into the creases between its ribs, faint streaks, and a dry green-brown stalk."""
    angle = np.arctan2(s.local[:, 2], s.local[:, 0])
    crease = np.exp(-(1 - np.cos(angle * 10)) * 4)  # where set3d's ribs bend the surface in
    skin = _tone(s.look.colour, s.rng, 0.06) * (1 - 0.35 * crease + 0.05 * _grain(s, 12.0))[:, None]
    return np.where((s.piece == 1)[:, None], STEM * (0.9 + 0.1 * _grain(s, 20.0))[:, None], skin)


def _eggshell(s: Surface) -> Array:
    """A dyed egg, its colour per egg, with faint darker speckles."""
    colour = _tone(EGG_COLOURS[s.turn % len(EGG_COLOURS)], s.rng, 0.03)
    speckles = np.clip(_grain(s, 50.0) - 2.0, 0, 1)
    return colour * (1 - 0.3 * speckles)[:, None]


def _glazed(s: Surface) -> Array:
    """A glazed ceramic heart: one colour."""
    return _tone(s.look.colour, s.rng, 0.04) * (0.98 + 0.02 * _grain(s, 10.0))[:, None]


MATERIALS: dict[str, Callable[[Surface], Array]] = {
    "fruit": _fruit_skin, "apple": _apple_skin, "leaf": _leaf_blade, "flower": _blossom, "stone": _stone_face, "shell": _shell_face,
    "book": _book_face, "candle": _wax, "beans": _bean, "ice": _ice_block, "fabric": _cloth,
    "pumpkin": _pumpkin_skin, "egg": _eggshell, "heart": _glazed,
}  # fmt: skip


def _material(p: Prop, points: Array, normals: Array, piece: Array, turn: int) -> Array:
    """A prop's colour at the points the plate sees it (`turn`: the seed and its number in the scene)."""
    local = np.zeros_like(points)
    for number, shape in enumerate(p.shapes):
        on = piece == number
        local[on] = local_point(points[on], shape)
    look = LOOKS[p.kind]
    rng = np.random.default_rng(turn)
    return MATERIALS[look.shape](Surface(points, normals, piece, local, look, turn, rng))


def paint_props(image: Array, plate: Plate, seed: int) -> Array:
    """The props' materials where the plate sees them (before the plate's light multiplies the picture)."""
    view = plate.props
    if view is None:
        return image
    out = image.copy()
    flat, points, normals = out.reshape(-1, 3), plate.points.reshape(-1, 3), plate.normals.reshape(-1, 3)
    for number, (p, pixel) in enumerate(zip(view.placed, view.pixels, strict=True)):
        if len(pixel):
            piece = view.piece.reshape(-1)[pixel]
            flat[pixel] = _material(p, points[pixel], normals[pixel], piece, seed + number)
    return out


def finish_props(image: Array, plate: Plate) -> Array:
    """The lit picture with the key light's highlight on the props (after the light multiplies it: a
    gloss's reflection is the light's colour, not the material's), and their outlines smoothed: a pixel
    on a prop's edge takes the mean of its neighbours, as a pixel partly covered by it would be."""
    if plate.props is None:
        return image
    out = np.clip(image + plate.props.sheen, 0, 1)
    rows, cols = np.nonzero(_edges(plate.props.index))
    height, width = plate.props.index.shape
    around = [
        out[np.clip(rows + dr, 0, height - 1), np.clip(cols + dc, 0, width - 1)] for dr, dc in NEIGHBOURS
    ]
    out[rows, cols] = np.mean(around, axis=0)
    return out


NEIGHBOURS = [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1)]


def _edges(index: Array) -> Array:
    """Pixels whose prop (or none) differs from a neighbour's: the props' outlines."""
    edge = np.zeros(index.shape, bool)
    across, down = index[:, 1:] != index[:, :-1], index[1:] != index[:-1]
    edge[:, 1:] |= across
    edge[:, :-1] |= across
    edge[1:] |= down
    edge[:-1] |= down
    return edge
