"""What a product may stand on in a studio scene: a concrete plinth or a clear glass pedestal.

The stand stands on the scene's floor where the product would have; the product stands on the stand's
top, lifted by its height (`LIFT`, a share of the canvas height). The stand is drawn seen from slightly
above, like the floor: a front face shaded by the key light and a thin, lighter top; it casts a soft
contact shadow on the floor. Glass lets the scene show through and catches a highlight on each side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workers.render.paint import LIGHT_VECTORS, Array, blur, noise

LIFT = 0.17  # the stand's height, as a share of the canvas height
TOP_DEPTH = 0.035  # the visible depth of its top face, as a share of the canvas height
WIDER = 1.45  # the stand's width ÷ the product's width


@dataclass(frozen=True)
class Stand:
    left: int
    top: int  # its top face's upper edge: the product stands at `top + depth // 2`
    width: int
    height: int
    depth: int

    @property
    def surface_y(self) -> int:
        return self.top + self.depth // 2


def stand_under(product_left: int, product_width: int, floor_y: int, canvas: tuple[int, int]) -> Stand:
    """A stand centred under the product, on the floor at `floor_y`, within the canvas."""
    width, height = canvas
    stand_w = min(width, max(40, round(product_width * WIDER)))
    left = max(0, min(width - stand_w, round(product_left + product_width / 2 - stand_w / 2)))
    lift, depth = round(height * LIFT), max(4, round(height * TOP_DEPTH))
    return Stand(left, floor_y - lift - depth // 2, stand_w, lift + depth // 2, depth)


def draw_stand(canvas: Array, stand: Stand, kind: str, colour: Array, light: str, seed: int) -> Array:
    """The stand on the canvas (float RGB): its floor shadow, front face and top."""
    rng = np.random.default_rng(seed + 11)
    dx, _ = LIGHT_VECTORS.get(light, (0.0, -1.0))
    canvas = _floor_shadow(canvas, stand)
    top, bottom, left, right = stand.top, stand.top + stand.height, stand.left, stand.left + stand.width
    xs = np.linspace(-1, 1, stand.width, dtype=np.float32)[None, :]
    side_light = 0.92 + 0.12 * xs * dx  # brighter on the side the light comes from
    region = canvas[top + stand.depth : bottom, left:right]
    face_rows = region.shape[0]
    if kind == "pedestal":  # clear glass: the scene shows through, edges catch the light
        edges = np.exp(-(((np.abs(xs) - 0.93) / 0.03) ** 2))
        region[:] = region * 0.82 + colour * 0.12 + edges[..., None] * 0.35
    else:  # concrete: pitted and a little uneven
        grain = noise((face_rows, stand.width), 60, rng, 2)[..., None]
        region[:] = colour * side_light[..., None] * (0.88 + 0.12 * grain)
    return np.clip(_top(canvas, stand, kind, colour), 0, 1)


def _top(canvas: Array, stand: Stand, kind: str, colour: Array) -> Array:
    """The stand's top face and the edges that catch the light."""
    top, bottom, left, right = stand.top, stand.top + stand.height, stand.left, stand.left + stand.width
    top_face = canvas[top : top + stand.depth, left:right]
    front_edge = canvas[top + stand.depth - 1 : top + stand.depth + 1, left:right]
    if kind == "pedestal":  # a lit glass slab: the scene through a bright top, polished edges catching light
        top_face[:] = top_face * 0.35 + colour * 0.45 + 0.22
        front_edge[:] = front_edge * 0.4 + 0.6
        canvas[top : top + 1, left:right] = canvas[top : top + 1, left:right] * 0.6 + 0.4  # its back edge
        canvas[bottom - 1 : bottom, left:right] *= 0.75  # where it meets the floor
    else:
        top_face[:] = colour * 1.12
        front_edge *= 0.85
    return canvas


def _floor_shadow(canvas: Array, stand: Stand) -> Array:
    height, width = canvas.shape[:2]
    bottom = stand.top + stand.height
    darkness = np.zeros((height, width), np.float32)
    rows = slice(max(0, bottom - stand.depth), min(height, bottom + stand.depth))
    darkness[rows, max(0, stand.left - stand.depth) : stand.left + stand.width + stand.depth] = 0.35
    return canvas * (1 - blur(darkness, 6))[..., None]
