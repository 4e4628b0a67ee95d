"""Putting the product into the scene: contact shadow, cast shadow, reflection, then its own pixels.

The product is resized once to its placement and pasted with its alpha; nothing paints over it, so the
product in the creative is the product in the photo.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from PIL import Image

from presets import Scene
from workers.render.layout import FrameCut, Placement, base_line, canvas_size, frame_cut, place
from workers.render.paint import LIGHT_VECTORS, blur, rgb
from workers.render.props import draw_props
from workers.render.stands import LIFT, Stand, draw_stand, stand_under
from workers.render.studio import render_background


@dataclass(frozen=True)
class Creative:
    image: Image.Image  # RGB, exactly the canvas size
    placement: Placement
    product: Image.Image  # the resized cut-out as placed (RGBA), for fidelity checks


def base_row(alpha: np.ndarray) -> int:
    """The row just below the product's lowest opaque pixel, in its own rows: where it touches the floor
    (the cut-out's transparent margin lies below it)."""
    rows = np.flatnonzero((alpha > 0.5).any(axis=1))
    return int(rows[-1]) + 1 if len(rows) else alpha.shape[0]


def _shadows(
    canvas: np.ndarray, alpha: np.ndarray, placement: Placement, scene: Scene, stand: Stand | None
) -> np.ndarray:
    """The contact shadow under the product and its shadow cast away from the light, on the floor or on
    the top of its `stand` (a shadow does not hang in the air behind a plinth, nor run down its face)."""
    height, width = canvas.shape[:2]
    darkness = np.zeros((height, width), dtype=np.float32)
    base = placement.top + base_row(alpha)
    # Contact shadow: a soft dark ellipse where the product touches the floor, meeting its lowest row.
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    rx, ry = placement.width * 0.48, max(4.0, placement.width * 0.05)
    cy = base - ry * 0.3
    contact = np.clip(1 - ((xs - placement.centre_x) / rx) ** 2 - ((ys - cy) / ry) ** 2, 0, 1)
    darkness += contact * (0.55 - 0.2 * scene.light_softness)
    darkness += _cast(alpha, placement, scene, base, (width, height)) * (0.3 - 0.15 * scene.light_softness)
    darkness = blur(np.clip(darkness, 0, 1), 3 + 12 * scene.light_softness)
    if stand is not None:
        on_top = np.zeros_like(darkness)
        on_top[stand.top : stand.top + stand.depth, stand.left : stand.left + stand.width] = 1.0
        darkness = darkness * on_top
    return canvas * (1 - np.clip(darkness, 0, 0.8))[..., None]


def _cast(
    alpha: np.ndarray, placement: Placement, scene: Scene, base: int, size: tuple[int, int]
) -> np.ndarray:
    """The cast shadow's shape in [0, 1]: the silhouette laid on the floor away from the light, squashed."""
    dx, _ = LIGHT_VECTORS.get(scene.light_direction, (0.0, -1.0))
    squash = max(1, round(placement.height * 0.22))
    silhouette = Image.fromarray((alpha * 255).astype(np.uint8)).resize((placement.width, squash))
    sheared = silhouette.transform(
        (placement.width + squash * 2, squash),
        Image.Transform.AFFINE,
        (1, -dx * 1.6, -squash * (1 + dx * 0.6) if dx < 0 else -squash * (1 - dx * 1.0), 0, 1, 0),
        resample=Image.Resampling.BILINEAR,
    )
    layer = Image.new("L", size)
    layer.paste(sheared, (placement.left - squash, base - squash))
    return np.asarray(layer, dtype=np.float32) / 255.0


def _reflection(
    canvas: np.ndarray, product: np.ndarray, placement: Placement, strength: float, stand: Stand | None
) -> np.ndarray:
    """The product mirrored about the row it stands on, fading with distance: on the floor, or on its
    stand's top only."""
    height = canvas.shape[0]
    standing = base_row(product[..., 3] / 255.0)
    base = placement.top + standing
    below = height if stand is None else stand.top + stand.depth
    rows = min(standing, below - base)
    if rows <= 0 or strength <= 0:
        return canvas
    flipped = product[:standing][::-1][:rows].astype(np.float32) / 255.0
    fade = np.linspace(0.45 * strength, 0.0, rows, dtype=np.float32)[:, None] * flipped[..., 3]
    region = canvas[base : base + rows, placement.left : placement.left + placement.width]
    region[:] = region * (1 - fade[..., None]) + flipped[..., :3] * fade[..., None]
    return canvas


def _on_stand(
    canvas: np.ndarray, placement: Placement, alpha: np.ndarray, scene: Scene, palette: list[str], seed: int
) -> tuple[np.ndarray, Placement, Stand]:
    """The placement (made `LIFT` above the floor) moved onto the scene's stand, the canvas with the
    stand drawn, and the stand; `alpha` is the placed product's, in [0, 1]."""
    height, width = canvas.shape[:2]
    floor_y = placement.bottom + round(height * LIFT)
    stand = stand_under(placement.left, placement.width, floor_y, (width, height))
    lift = stand.surface_y - (placement.top + base_row(alpha))  # the product's base on the stand's top
    colour = rgb(palette[1]) * 0.92
    canvas = draw_stand(canvas, stand, scene.stand, colour, scene.light_direction, seed)
    return canvas, replace(placement, top=placement.top + lift), stand


def _props_box(placement: Placement, cut: FrameCut, scene: Scene, height: int) -> tuple[int, int, int, int]:
    """The box props are set beside: the product's; for a product the photo's frame cut at the bottom (it
    runs off the ad), a product-sized box standing on the scene's floor line, so they stand on the floor."""
    if not cut.bottom:
        return placement.left, placement.top, placement.width, placement.height
    floor_y, reference = round(height * base_line(scene.floor_line)), round(height * 0.45)
    return placement.left, floor_y - reference, placement.width, reference


def _placed(
    canvas: np.ndarray, cutout: Image.Image, cut: FrameCut, scene: Scene, palette: list[str] | None, seed: int
) -> tuple[np.ndarray, Placement, Image.Image, Stand | None]:
    """The product resized to its placement, on the floor or on the scene's stand (drawn on `canvas`, and
    returned; None on the floor)."""
    height, width = canvas.shape[:2]
    on_stand = bool(scene.stand) and not (cut.top or cut.bottom)  # a plinth or pedestal: it stands on it
    floor_line = scene.floor_line - LIFT if on_stand else scene.floor_line
    placement = place(cutout.size, (width, height), floor_line, cut, seed)
    product = cutout.resize((placement.width, placement.height), Image.Resampling.LANCZOS)
    if not on_stand:
        return canvas, placement, product, None
    alpha = np.asarray(product.getchannel("A")) / 255.0
    canvas, placement, stand = _on_stand(
        canvas, placement, alpha, scene, palette or list(scene.palette), seed
    )
    return canvas, placement, product, stand


def compose(
    background: np.ndarray, cutout: Image.Image, scene: Scene, seed: int = 0, palette: list[str] | None = None
) -> Creative:
    height = background.shape[0]
    cut = frame_cut(np.asarray(cutout.getchannel("A")))
    canvas, placement, product, stand = _placed(background.copy(), cutout, cut, scene, palette, seed)
    product_array = np.asarray(product)
    front = None
    if scene.props and not scene.stand:  # props on the product's floor, behind it and beside it
        canvas, front, _ = draw_props(
            canvas, scene.props, _props_box(placement, cut, scene, height), scene.light_direction, seed
        )
    if not cut.bottom:  # a product that runs off the bottom edge stands on no floor in the ad
        canvas = _shadows(canvas, product_array[..., 3] / 255.0, placement, scene, stand)
        canvas = _reflection(canvas, product_array, placement, scene.reflection, stand)
    if front is not None:
        canvas = canvas * (1 - front[..., 3:4]) + front[..., :3] * front[..., 3:4]
    image = Image.fromarray((np.clip(canvas, 0, 1) * 255 + 0.5).astype(np.uint8), "RGB")
    image.paste(product, (placement.left, placement.top), product)
    return Creative(image, placement, product)


def render_creative(
    cutout: Image.Image, scene: Scene, palette: list[str], disable_safe_margin: bool, seed: int
) -> Creative:
    """One studio creative: exactly 1674x628 (or 1200x628 with DisableSafeMargin)."""
    background = render_background(scene, palette, canvas_size(disable_safe_margin), seed)
    return compose(background, cutout, scene, seed, palette)
