"""Putting the product into the scene: the set is shot around where it stands (its shadows come from the
set's light, set3d.py), its reflection goes on the surface it stands on, then its own pixels.

The product is resized once to its placement and pasted with its alpha; nothing paints over it, so the
product in the creative is the product in the photo (unless the request asks for `relight`, relight.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
from PIL import Image

from presets import Scene
from workers.render.camera import estimate_elevation
from workers.render.formats import OutputFormat, default_formats
from workers.render.layout import FrameCut, Placement, frame_cut, place, place_format
from workers.render.relight import relight as relit
from workers.render.set3d import REFERENCE_ELEVATION, STAND, Plate, Shot
from workers.render.studio import render_background


@dataclass(frozen=True)
class Creative:
    image: Image.Image  # RGB, exactly the canvas size
    placement: Placement
    product: Image.Image  # the resized cut-out as placed (RGBA), for fidelity checks
    # The box (left, top, right, bottom) of the block the product stands on, if any: no place for copy.
    stand: tuple[int, int, int, int] | None = None


def stand_box(plate: Plate, size: tuple[int, int]) -> tuple[int, int, int, int] | None:
    """Where the set's block (podium, plinth, cube…) shows in the picture, at `size`: no place for copy."""
    stand = plate.part == STAND
    if not stand.any():
        return None
    rows, cols = np.flatnonzero(stand.any(axis=1)), np.flatnonzero(stand.any(axis=0))
    across, down = size[0] / stand.shape[1], size[1] / stand.shape[0]
    return (
        int(cols[0] * across),
        int(rows[0] * down),
        min(size[0], int(np.ceil((cols[-1] + 1) * across))),
        min(size[1], int(np.ceil((rows[-1] + 1) * down))),
    )


def base_row(alpha: np.ndarray) -> int:
    """The row just below the product's lowest opaque pixel, in its own rows: where it touches the floor
    (the cut-out's transparent margin lies below it)."""
    rows = np.flatnonzero((alpha > 0.5).any(axis=1))
    return int(rows[-1]) + 1 if len(rows) else alpha.shape[0]


UPWARD = 0.7  # a surface whose normal points up this much is a top a product can stand on and mirror in


def _reflection(
    canvas: np.ndarray, product: np.ndarray, placement: Placement, strength: float, plate: Plate
) -> np.ndarray:
    """The product mirrored about the row it stands on, fading with distance, on what it stands on only
    (the floor, or its stand's top: not down the stand's face)."""
    height = canvas.shape[0]
    standing = base_row(product[..., 3] / 255.0)
    base = placement.top + standing
    scale = height / plate.part.shape[0]
    x = min(int(placement.centre_x / scale), plate.part.shape[1] - 1)
    column = plate.part[:, x] * 2 + (plate.normals[:, x, 1] > UPWARD)  # which part, and facing up or not
    under = column[min(int(base / scale), len(column) - 1)]
    changes = np.flatnonzero(column[int(base / scale) :] != under)
    below = height if not len(changes) else base + int(changes[0] * scale)
    rows = min(standing, below - base)
    if rows <= 0 or strength <= 0:
        return canvas
    flipped = product[:standing][::-1][:rows].astype(np.float32) / 255.0
    fade = np.linspace(0.45 * strength, 0.0, rows, dtype=np.float32)[:, None] * flipped[..., 3]
    region = canvas[base : base + rows, placement.left : placement.left + placement.width]
    region[:] = region * (1 - fade[..., None]) + flipped[..., :3] * fade[..., None]
    return canvas


LIFT = 0.17  # on a stand, the product stands this share of the height higher, so the stand fits below
# What a creative is composed for: an output format (laid out for its shape), or a bare size (laid out
# as the 1200x628 ad, centred in it: previews and tests of the scene at small sizes).
Canvas = tuple[int, int] | OutputFormat


def pixels(canvas: Canvas) -> tuple[int, int]:
    return canvas.size if isinstance(canvas, OutputFormat) else canvas


def placed(
    cutout: Image.Image, cut: FrameCut, scene: Scene, size: Canvas, seed: int
) -> tuple[Placement, Image.Image, Shot]:
    """The product resized to its placement, and the shot the set is built for: where it stands (on the
    floor, or higher on the scene's stand) and the photo's camera, estimated from its silhouette."""
    on_stand = bool(scene.stand) and not (cut.top or cut.bottom)  # a block of the set: it stands on it
    floor_line = scene.floor_line - LIFT if on_stand else scene.floor_line
    if isinstance(size, OutputFormat):
        placement = place_format(cutout.size, size, floor_line, cut, seed)
    else:
        placement = place(cutout.size, size, floor_line, cut, seed)
    product = cutout.resize((placement.width, placement.height), Image.Resampling.LANCZOS)
    alpha = np.asarray(product.getchannel("A"), dtype=np.float32) / 255.0
    shot = Shot(
        placement.left, placement.top, placement.width, placement.height,
        placement.top + base_row(alpha), alpha if not cut.bottom else np.zeros_like(alpha),
        *camera_of(cutout),
    )  # fmt: skip
    return placement, product, shot


def camera_of(cutout: Image.Image) -> tuple[float, bool]:
    """The height the product was photographed from, in degrees above its base (camera.py), as sure as
    its cue: an unsure estimate leans towards the elevation presets are designed for; and whether it lies
    flat under the camera (a flat lay: a watch, a fork, a folded shirt shot from above)."""
    alpha = cutout.getchannel("A")
    return _camera(alpha.tobytes(), alpha.size)


@lru_cache(maxsize=8)
def _camera(alpha: bytes, size: tuple[int, int]) -> tuple[float, bool]:
    """`camera_of` for an alpha channel, read once per cut-out: a task's creatives share their product."""
    estimate = estimate_elevation(np.frombuffer(alpha, np.uint8).reshape(size[1], size[0]))
    elevation = REFERENCE_ELEVATION + estimate.confidence * (estimate.elevation - REFERENCE_ELEVATION)
    return elevation, estimate.cue == "flat lay"


def compose(
    cutout: Image.Image,
    scene: Scene,
    size: Canvas,
    seed: int = 0,
    palette: list[str] | None = None,
    relight: bool = False,
) -> Creative:
    """The creative: the set rendered around the placed product, then its pixels pasted on top (relit by the
    set with `relight`, opt-in; else exactly the cut-out's). An output format gets the scene laid out for
    its own shape: the same scene code builds the set, camera and props around the product where it stands."""
    cut = frame_cut(np.asarray(cutout.getchannel("A")))
    if cut.top or cut.bottom:  # a product the frame cuts stands on no block: none is built to peek out
        scene = replace(scene, stand="", stand_surface="")  # (prompt_scene.grounded reports the words)
    placement, product, shot = placed(cutout, cut, scene, size, seed)
    canvas, plate = render_background(scene, palette or list(scene.palette), pixels(size), seed, shot)
    shown = relit(product, canvas, (placement.left, placement.top), scene) if relight else product
    product_array = np.asarray(shown)
    # A product that runs off the bottom edge stands on no floor in the ad; one lying flat shows the floor
    # no side of it to mirror.
    if not (cut.bottom or shot.lying):
        canvas = _reflection(canvas, product_array, placement, scene.reflection, plate)
    image = Image.fromarray((np.clip(canvas, 0, 1) * 255 + 0.5).astype(np.uint8), "RGB")
    image.paste(shown, (placement.left, placement.top), shown)
    return Creative(image, placement, product, stand_box(plate, pixels(size)))


def render_creative(
    cutout: Image.Image,
    scene: Scene,
    palette: list[str],
    disable_safe_margin: bool,
    seed: int,
    relight: bool = False,
) -> Creative:
    """One studio creative: exactly 1674x628 (or 1200x628 with DisableSafeMargin)."""
    return render_format(cutout, scene, palette, default_formats(disable_safe_margin)[0], seed, relight)


def render_format(
    cutout: Image.Image,
    scene: Scene,
    palette: list[str],
    fmt: OutputFormat,
    seed: int,
    relight: bool = False,
) -> Creative:
    """One studio creative in an output format, exactly its size: the same seed gives the same scene
    family (palette, props, light) in every format, each composed for its own shape."""
    return compose(cutout, scene, fmt, seed, palette, relight)
