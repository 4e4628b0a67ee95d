"""Props the studio engine draws beside the product when a custom prompt names them: "on a marble counter
with lemons" gets lemons.

Each prop is a small sprite drawn here with numpy (shaded by the scene's key light, no image files), set on
the floor in depth: one or two in front beside the product, never overlapping it, and smaller, softer ones
behind it, which the product is pasted over. Each casts a soft shadow away from the same light as the
product's. Sizes follow the product's height, so a lemon stays a lemon beside a bottle or a vase.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from workers.render.paint import LIGHT_VECTORS, Array, blur

BEHIND_SCALE = 0.75  # props behind the product are smaller (farther) ...
BEHIND_SOFTNESS = 2.5  # ... and out of focus (blur radius in px at 1674 px wide)


@dataclass(frozen=True)
class Look:
    """A prop kind: its colour, its shape drawer, how tall it is beside the product, and how many."""

    colour: tuple[float, float, float]
    shape: str
    size: float  # height as a share of the product's height
    aspect: float  # width ÷ height
    count: int


LOOKS = {
    "lemon": Look((0.96, 0.83, 0.2), "fruit", 0.26, 1.35, 3),
    "orange": Look((0.95, 0.55, 0.12), "fruit", 0.28, 1.0, 3),
    "apple": Look((0.75, 0.12, 0.13), "fruit", 0.3, 1.1, 2),
    "lime": Look((0.45, 0.7, 0.2), "fruit", 0.22, 1.2, 3),
    "leaf": Look((0.25, 0.55, 0.25), "leaf", 0.12, 3.0, 3),
    "autumn leaf": Look((0.86, 0.42, 0.1), "leaf", 0.12, 2.6, 3),
    "flower": Look((0.98, 0.86, 0.9), "flower", 0.22, 1.0, 3),
    "stone": Look((0.55, 0.55, 0.53), "stone", 0.18, 1.5, 3),
    "shell": Look((0.95, 0.85, 0.76), "shell", 0.2, 1.2, 2),
    "book": Look((0.3, 0.35, 0.55), "book", 0.22, 2.6, 1),
    "candle": Look((0.96, 0.93, 0.86), "candle", 0.45, 0.42, 2),
    "coffee bean": Look((0.36, 0.21, 0.12), "beans", 0.12, 2.4, 2),
    "ice": Look((0.82, 0.92, 0.98), "ice", 0.18, 1.0, 3),
    "fabric": Look((0.88, 0.85, 0.8), "fabric", 0.14, 3.2, 1),
    "pumpkin": Look((0.93, 0.45, 0.08), "pumpkin", 0.3, 1.35, 2),
    "egg": Look((0.98, 0.85, 0.9), "egg", 0.16, 0.78, 3),
    "heart": Look((0.9, 0.2, 0.35), "heart", 0.16, 1.1, 3),
}
EGG_COLOURS = ((0.98, 0.85, 0.9), (0.8, 0.92, 0.98), (0.98, 0.95, 0.75), (0.82, 0.95, 0.84))


# --- sprites -----------------------------------------------------------------------------------------
def _disc(height: int, width: int) -> tuple[Array, Array, Array]:
    """Unit-disc coordinates over a sprite: (x, y in [-1, 1], inside mask as soft alpha)."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    x = (xs + 0.5) / width * 2 - 1
    y = (ys + 0.5) / height * 2 - 1
    return x, y, np.clip((1 - np.hypot(x, y)) * min(height, width) / 2, 0, 1)


def _shade(colour: Array, x: Array, y: Array, light: tuple[float, float]) -> Array:
    """Round-body shading: lit from the key light's side, a highlight, darker at the rim."""
    lit = np.clip(
        0.95 - 0.3 * (x * light[0] + y * min(light[1], -0.3)) - 0.3 * np.hypot(x, y) ** 2, 0.35, 1.1
    )
    highlight = np.exp(-(((x + 0.35 * light[0]) ** 2 + (y + 0.35) ** 2) / 0.04)) * 0.35
    return np.clip(colour[None, None] * lit[..., None] + highlight[..., None], 0, 1)


def _fruit(look: Look, h: int, w: int, light: tuple[float, float], rng: np.random.Generator) -> Array:
    x, y, alpha = _disc(h, w)
    pores = rng.normal(0, 0.025, (h, w)).astype(np.float32)[..., None]
    return np.dstack([np.clip(_shade(np.array(look.colour), x, y, light) + pores, 0, 1), alpha])


def _leaf(look: Look, h: int, w: int, light: tuple[float, float], rng: np.random.Generator) -> Array:
    x, y, _ = _disc(h, w)  # a leaf lying on the floor: pointed at both ends, its vein along its length
    alpha = np.clip((1 - np.abs(y) / np.maximum(np.cos(x * np.pi / 2), 1e-3)) * h / 3, 0, 1)
    vein = np.exp(-(y**2) / 0.004) * 0.25
    body = np.array(look.colour)[None, None] * (0.85 + 0.2 * (y * -light[1]))[..., None] + vein[..., None]
    return np.dstack([np.clip(body, 0, 1), alpha])


def _flower(look: Look, h: int, w: int, light: tuple[float, float], rng: np.random.Generator) -> Array:
    x, y, _ = _disc(h, w)
    radius, angle = np.hypot(x, y), np.arctan2(y, x)
    petals = 0.55 + 0.45 * np.abs(np.cos(angle * 2.5))  # five petals
    alpha = np.clip((petals - radius) * min(h, w) / 3, 0, 1)
    centre = radius < 0.22
    body = np.array(look.colour)[None, None] * (1.0 - 0.25 * radius)[..., None]
    body[centre] = (0.95, 0.75, 0.2)
    return np.dstack([np.clip(body, 0, 1), alpha])


def _stone(look: Look, h: int, w: int, light: tuple[float, float], rng: np.random.Generator) -> Array:
    x, y, _ = _disc(h, w)
    wobble = 1 + 0.08 * np.sin(np.arctan2(y, x) * 3 + rng.uniform(0, 6))
    alpha = np.clip((wobble - np.hypot(x, y)) * min(h, w) / 2, 0, 1)
    tone = np.array(look.colour) * rng.uniform(0.8, 1.15)
    return np.dstack([_shade(tone, x, y, light) * (1 + rng.normal(0, 0.03, (h, w, 1))), alpha])


def _shell(look: Look, h: int, w: int, light: tuple[float, float], rng: np.random.Generator) -> Array:
    x, y, _ = _disc(h, w)
    y1 = (y + 1) / 2  # 0 at the top, 1 at the hinge
    alpha = np.clip((1 - np.hypot(x, (1 - y1) * 1.2)) * min(h, w) / 2, 0, 1) * (y1 < 0.98)
    ridges = 0.88 + 0.12 * np.cos(np.arctan2(x, 1.05 - y1) * 14)
    return np.dstack([np.clip(np.array(look.colour)[None, None] * ridges[..., None], 0, 1), alpha])


def _book(look: Look, h: int, w: int, light: tuple[float, float], rng: np.random.Generator) -> Array:
    body = np.ones((h, w, 3), np.float32) * np.array(look.colour) * rng.uniform(0.8, 1.2)
    body[: max(1, h // 5)] = (0.93, 0.9, 0.82)  # the page edges on top
    body[:, : max(1, w // 40)] *= 0.7  # the spine's fold
    return np.dstack([np.clip(body, 0, 1), np.ones((h, w), np.float32)])


def _candle(look: Look, h: int, w: int, light: tuple[float, float], rng: np.random.Generator) -> Array:
    x, y, _ = _disc(h, w)
    flame_h = h // 4
    body = _shade(np.array(look.colour), x, np.zeros_like(y), light)
    alpha = ((np.abs(x) < 0.85) & (y > -1 + 2 * flame_h / h)).astype(np.float32)
    flame = np.exp(-((x / 0.12) ** 2 + ((y + 1 - flame_h / h) / (flame_h / h)) ** 2))
    body = body * (1 - flame[..., None]) + np.array([1.0, 0.78, 0.3]) * flame[..., None]
    return np.dstack([np.clip(body, 0, 1), np.maximum(alpha, np.clip(flame * 1.5, 0, 1))])


def _beans(look: Look, h: int, w: int, light: tuple[float, float], rng: np.random.Generator) -> Array:
    sprite = np.zeros((h, w, 4), np.float32)
    bean_w, bean_h = max(4, w // 6), max(3, h // 2)
    for _ in range(9):
        left, top = rng.integers(0, max(1, w - bean_w)), rng.integers(0, max(1, h - bean_h))
        x, y, alpha = _disc(bean_h, bean_w)
        crease = 1 - 0.5 * np.exp(-(x**2) / 0.01)
        bean = _shade(np.array(look.colour), x, y, light) * crease[..., None]
        region = sprite[top : top + bean_h, left : left + bean_w]
        region[..., :3] = region[..., :3] * (1 - alpha[..., None]) + bean * alpha[..., None]
        region[..., 3] = np.maximum(region[..., 3], alpha)
    return sprite


def _ice(look: Look, h: int, w: int, light: tuple[float, float], rng: np.random.Generator) -> Array:
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    edge = np.minimum.reduce([xs, ys, w - 1 - xs, h - 1 - ys]) / max(1, min(h, w) * 0.15)
    body = np.array(look.colour)[None, None] * (0.9 + 0.15 * np.clip(1 - edge, 0, 1))[..., None]
    return np.dstack([np.clip(body, 0, 1), 0.55 + 0.35 * np.clip(1 - edge, 0, 1)])


def _fabric(look: Look, h: int, w: int, light: tuple[float, float], rng: np.random.Generator) -> Array:
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    folds = 0.85 + 0.15 * np.sin(xs / max(1, w) * np.pi * rng.uniform(5, 8) + ys / max(1, h) * 2)
    body = np.array(look.colour)[None, None] * folds[..., None]
    return np.dstack([np.clip(body, 0, 1), np.ones((h, w), np.float32)])


def _pumpkin(look: Look, h: int, w: int, light: tuple[float, float], rng: np.random.Generator) -> Array:
    x, y, alpha = _disc(h, w)
    ribs = 0.82 + 0.18 * np.abs(np.cos(np.arcsin(np.clip(x, -1, 1)) * 3))  # the lobes between its ribs
    body = _shade(np.array(look.colour), x, y, light) * ribs[..., None]
    stem = (np.abs(x) < 0.08) & (y < -0.75)
    body[stem] = (0.35, 0.3, 0.12)
    return np.dstack([np.clip(body, 0, 1), np.maximum(alpha, stem.astype(np.float32))])


def _egg(look: Look, h: int, w: int, light: tuple[float, float], rng: np.random.Generator) -> Array:
    x, y, _ = _disc(h, w)
    narrow = x / (1 + 0.18 * y)  # narrower at the top (y is -1 there)
    alpha = np.clip((1 - np.hypot(narrow, y)) * min(h, w) / 2, 0, 1)
    colour = np.array(EGG_COLOURS[int(rng.integers(len(EGG_COLOURS)))])
    return np.dstack([_shade(colour, narrow, y, light), alpha])


def _heart(look: Look, h: int, w: int, light: tuple[float, float], rng: np.random.Generator) -> Array:
    x, y, _ = _disc(h, w)
    u, v = x * 1.25, -y * 1.25 + 0.25  # the classic heart curve, point down
    inside = (u**2 + v**2 - 1) ** 3 - u**2 * v**3
    alpha = np.clip(-inside * 8, 0, 1)
    return np.dstack([_shade(np.array(look.colour), x, y, light), alpha])


DRAWERS: dict[str, Callable[[Look, int, int, tuple[float, float], np.random.Generator], Array]] = {
    "fruit": _fruit, "leaf": _leaf, "flower": _flower, "stone": _stone, "shell": _shell, "book": _book,
    "candle": _candle, "beans": _beans, "ice": _ice, "fabric": _fabric, "pumpkin": _pumpkin, "egg": _egg,
    "heart": _heart,
}  # fmt: skip


# --- setting them in the scene -----------------------------------------------------------------------
@dataclass(frozen=True)
class Spot:
    """Where one prop stands: its box on the canvas, and whether it is behind the product."""

    left: int
    bottom: int
    width: int
    height: int
    behind: bool


def spots(
    kinds: tuple[str, ...],
    product: tuple[int, int, int, int],
    canvas: tuple[int, int],
    rng: np.random.Generator,
) -> list[tuple[str, Spot]]:
    """Spots for the props: in front beside the product (never over it) and behind it, on its floor."""
    left, top, width, height = product
    canvas_w, canvas_h = canvas
    placed: list[tuple[str, Spot]] = []
    sides = [(left, -1), (left + width, 1)]  # leftwards from its left edge, rightwards from its right
    reach = {-1: left, 1: left + width}
    for kind in kinds:
        look = LOOKS[kind]
        for number in range(look.count):
            prop_h, prop_w, behind = _size(look, number, height, rng)
            edge, direction = sides[len(placed) % 2]  # alternate sides, so they frame the product
            x = _beside(edge, reach[direction], direction, prop_w, behind, width)
            if x < 0 or x + prop_w > canvas_w:
                continue
            bottom = min(canvas_h, top + height - (round(height * 0.06) if behind else -round(height * 0.02)))
            placed.append((kind, Spot(x, bottom, prop_w, prop_h, behind)))
            if not behind:
                reach[direction] = x if direction < 0 else x + prop_w
    return placed


def _size(look: Look, number: int, product_h: int, rng: np.random.Generator) -> tuple[int, int, bool]:
    """(height, width, behind) of the `number`th prop of a kind: the last of several stands behind, smaller."""
    prop_h = max(8, round(product_h * look.size * rng.uniform(0.85, 1.1)))
    prop_w = max(8, round(prop_h * look.aspect))
    behind = number == look.count - 1 and look.count > 1
    if behind:
        return round(prop_h * BEHIND_SCALE), round(prop_w * BEHIND_SCALE), True
    return prop_h, prop_w, False


def _beside(edge: int, reach: int, direction: int, prop_w: int, behind: bool, product_w: int) -> int:
    """A prop's left edge: in front, just beyond what stands on that side already (`reach`), clear of the
    product; behind, tucked half under the product's `edge` (the product is pasted over it)."""
    if behind:
        return edge - prop_w // 2
    gap = max(2, product_w // 40)
    return reach - gap - prop_w if direction < 0 else reach + gap


def draw_props(
    canvas: Array, kinds: tuple[str, ...], product: tuple[int, int, int, int], light: str, seed: int
) -> tuple[Array, Array, list[Spot]]:
    """(canvas with the props behind the product, a layer of those in front as RGBA, their spots)."""
    rng = np.random.default_rng(seed + 7)
    vector = LIGHT_VECTORS.get(light, (0.0, -1.0))
    height, width = canvas.shape[:2]
    front = np.zeros((height, width, 4), np.float32)
    placed = spots(kinds, product, (width, height), rng)
    canvas = _prop_shadows(canvas, [spot for _, spot in placed], vector)
    for kind, spot in placed:
        look = LOOKS[kind]
        sprite = DRAWERS[look.shape](look, spot.height, spot.width, vector, rng)
        if spot.behind:
            sprite = np.dstack(
                [blur(sprite[..., :3], BEHIND_SOFTNESS) * 0.92, blur(sprite[..., 3], BEHIND_SOFTNESS)]
            )
        target = canvas if spot.behind else front
        _paste(target, sprite, spot)
    return canvas, front, [spot for _, spot in placed]


def _paste(target: Array, sprite: Array, spot: Spot) -> None:
    top = spot.bottom - spot.height
    region = target[max(0, top) : spot.bottom, spot.left : spot.left + spot.width]
    piece = sprite[max(0, -top) :][: region.shape[0], : region.shape[1]]
    alpha = piece[..., 3:4]
    region[..., :3] = region[..., :3] * (1 - alpha) + piece[..., :3] * alpha
    if target.shape[2] == 4:
        region[..., 3:4] = np.maximum(region[..., 3:4], alpha)


def _prop_shadows(canvas: Array, placed: list[Spot], light: tuple[float, float]) -> Array:
    """A soft contact shadow under each prop, pushed away from the key light."""
    height, width = canvas.shape[:2]
    darkness = np.zeros((height, width), np.float32)
    for spot in placed:
        cx = spot.left + spot.width / 2 - light[0] * spot.width * 0.25
        rx, ry = spot.width * 0.55, max(2.0, spot.height * 0.12)
        top, bottom = int(max(0, spot.bottom - ry * 2)), int(min(height, spot.bottom + ry))
        ys, xs = np.mgrid[top:bottom, 0:width].astype(np.float32)
        ellipse = np.clip(1 - ((xs - cx) / rx) ** 2 - ((ys - spot.bottom + ry * 0.3) / ry) ** 2, 0, 1)
        darkness[top:bottom] += ellipse * (0.3 if spot.behind else 0.45)
    darkness = blur(np.clip(darkness, 0, 0.7), 4)
    return canvas * (1 - darkness)[..., None]
