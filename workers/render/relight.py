"""Relighting the product into its scene: AdCreative's opt-in `relight` (off by default, the product's own
pixels pasted unchanged).

A cut-out keeps the light of the room it was photographed in; set into a warm kitchen or a blue night it
reads as pasted. With `relight` the product takes the set's light, gently, from the finished background
around it and the scene's key light:

1. a colour cast: its colours pulled a little towards the set's white balance (the background around it,
   its brightest channel kept: a grey room casts nothing, a warm one warms, a night scene cools);
2. key-light shading: a dome raised from the silhouette (the alpha's distance transform: thickest in the
   middle, falling to the edges, as a bottle or a box turns away from the camera), whose slopes give each
   pixel a normal; the side facing the key light (`set3d.LIGHT_PLACES`) brightens, the far side darkens;
3. a rim light along the silhouette where it turns away from the camera, in the gel's colour (or the
   backdrop's brightest), stronger on the side the light comes from and for a light behind the product;
4. bounce light from the floor's colour on the product's lower part, facing down.

More light multiplies a dark colour (it keeps its hue) and lifts a light one less and less, the rim adds
light as a screen (1 - (1 - c)(1 - g), g < 1), and darkening multiplies by factors below 1: a colour under 1
stays under 1, so whites keep their detail instead of clipping flat. The alpha is never
touched: the product's shape, and its edge against the scene, are the cut-out's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy import ndimage

from presets import Scene
from workers.render.paint import rgb
from workers.render.set3d import LIGHT_PLACES

Array = np.ndarray

CAST = 0.22  # how far the colours move towards the set's white balance (1: all the way)
KEY_LIGHT = 0.6  # the lit side takes up to this much more light, in the key's colour (`_lift`)
KEY_SHADE = 0.35  # the far side darkens by up to this share
RIM = 0.45  # the rim light's screen at the very silhouette, for a light behind the product
RIM_WIDTH = 0.025  # the rim's width, as a share of the product's smaller side
RIM_MIN_WIDTH = 2.0  # pixels
RIM_POWER = 1.5  # how closely it hugs the silhouette within that width
BOUNCE = 0.4  # the floor's bounce light at the product's base, in the floor's colour (`_lift`)
BOUNCE_REACH = 0.3  # over this share of the product's height above its base
AROUND = 0.35  # the background read for the set's light: the product's box grown by this share each side
SAMPLE_STEP = 3  # the background is read on every third pixel (its light varies slowly)
BRIGHTEST = 97  # the backdrop's brightest colour: the mean of the pixels above this luminance percentile
SMOOTHING = 0.4  # the dome's turn is smoothed over this share of its radius (no crease along its middle)
UPRIGHT = 0.5  # products stand upright: their top and base turn from the camera less than their sides
DOME_SIDE = 160  # the dome is raised at this longer side (it turns slowly) and scaled to the product
OPAQUE = 0.5  # alpha above this is the product's body


@dataclass(frozen=True)
class SetLight:
    """The set's light as the product would see it."""

    ambient: Array  # the white balance: the background's mean colour, its brightest channel 1
    bright: Array  # the brightest colour of the backdrop (the light sources' colour), brightest channel 1
    rim: Array  # the rim light's colour: the gel's, else the brightest
    floor: Array | None  # the floor's colour just below the product (None: it stands on no floor)
    key: Array  # towards the key light: x right, y up, z towards the camera (unit)


def relight(product: Image.Image, background: Array, at: tuple[int, int], scene: Scene) -> Image.Image:
    """The placed product (RGBA) lit by the set: `background` is the finished canvas without the product
    (H x W x 3, 0-1) and `at` the product's top-left corner on it. Its alpha is returned unchanged."""
    pixels = np.asarray(product.convert("RGBA"))
    alpha = pixels[..., 3].astype(np.float32) / 255.0
    light = set_light(background, at, alpha, scene)
    body = alpha > OPAQUE
    normals = dome_normals(body)
    colour = pixels[..., :3].astype(np.float32) / 255.0
    colour = colour * (1.0 - CAST * (1.0 - light.ambient))
    colour = _shade(colour, normals, light, alpha, scene)
    colour = _bounce(colour, normals, light, alpha)
    colour = _rim(colour, normals, rim_band(body), light, scene)
    lit = (np.clip(colour, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    return Image.fromarray(np.dstack([lit, pixels[..., 3]]), "RGBA")


def _balanced(colour: Array) -> Array:
    """A colour with its brightest channel at 1: its hue and saturation, not its brightness."""
    return np.asarray(colour / max(float(colour.max()), 1e-3), np.float32)


def set_light(background: Array, at: tuple[int, int], alpha: Array, scene: Scene) -> SetLight:
    """What lights the product: read from the background around it, and the scene's key light and gel."""
    around = scene_around(background, at, alpha)
    luminance = around @ np.array([0.2126, 0.7152, 0.0722], np.float32)
    bright = _balanced(around[luminance >= np.percentile(luminance, BRIGHTEST)].mean(axis=0))
    place = np.array(LIGHT_PLACES.get(scene.light_direction, LIGHT_PLACES["top_left"]), np.float32)
    key = place * np.array([1.0, 1.0, -1.0], np.float32)  # the set's z runs away from the camera
    return SetLight(
        ambient=_balanced(around.mean(axis=0)),
        bright=bright,
        rim=rgb(scene.gel) if scene.gel else bright,
        floor=_floor_colour(background, at, alpha),
        key=key / float(np.linalg.norm(key)),
    )


def scene_around(background: Array, at: tuple[int, int], alpha: Array) -> Array:
    """The scene's pixels (N x 3) in the product's box grown by AROUND each side, on every SAMPLE_STEP-th
    row and column, less those the product covers (a background that already holds it reads the same)."""
    left, top = at
    height, width = alpha.shape
    rows = np.arange(top - int(height * AROUND), top + height + int(height * AROUND), SAMPLE_STEP)
    columns = np.arange(left - int(width * AROUND), left + width + int(width * AROUND), SAMPLE_STEP)
    rows = rows[(rows >= 0) & (rows < background.shape[0])]
    columns = columns[(columns >= 0) & (columns < background.shape[1])]
    inside_y, inside_x = rows - top, columns - left
    covered = np.zeros((len(rows), len(columns)), bool)
    ys, xs = (inside_y >= 0) & (inside_y < height), (inside_x >= 0) & (inside_x < width)
    covered[np.ix_(ys, xs)] = alpha[np.ix_(inside_y[ys], inside_x[xs])] > OPAQUE
    pixels = background[np.ix_(rows, columns)][~covered]
    return np.asarray(pixels if len(pixels) else background.reshape(-1, 3), np.float32)


def _floor_colour(background: Array, at: tuple[int, int], alpha: Array) -> Array | None:
    """The mean colour of the floor just below the product's lowest opaque row, beside and under it."""
    rows = np.flatnonzero((alpha > OPAQUE).any(axis=1))
    if not len(rows):
        return None
    left, top = at
    height, width = alpha.shape
    base = top + int(rows[-1]) + 1
    band = background[
        base : base + max(2, int(height * 0.1)), max(0, left - width // 2) : left + width * 3 // 2
    ]
    if not band.size:
        return None  # the product runs off the canvas's bottom: no floor in the ad
    return np.asarray(band.reshape(-1, 3).mean(axis=0), np.float32)


def dome_normals(body: Array) -> Array:
    """Unit normals (x right, y up, z towards the camera) of a dome raised from the silhouette: across a
    circular profile over the distance to its edge (a cylinder as wide as the product's thickest part), it
    faces the camera in the middle and turns fully at the edge. The way it turns (the distance's gradient)
    is smoothed, so that it has no crease along the shape's middle and a thin part (a neck) turns less;
    worked out at a small size and scaled back."""
    if not body.any():
        return np.dstack([np.zeros(body.shape, np.float32)] * 2 + [np.ones(body.shape, np.float32)])
    height, width = body.shape
    scale = min(1.0, DOME_SIDE / max(height, width))
    small = (max(1, round(width * scale)), max(1, round(height * scale)))
    mask = np.asarray(Image.fromarray(body.astype(np.uint8) * 255).resize(small, Image.Resampling.BILINEAR))
    distance = ndimage.distance_transform_edt(mask > 127).astype(np.float32)
    radius = max(float(distance.max()), 1.0)
    inwards_down, inwards_right = _smoothed_inside(np.gradient(distance), distance > 0, SMOOTHING * radius)
    turn = np.clip(1.0 - distance / radius, 0.0, 1.0)  # the sine of the surface's tilt
    sideways = np.dstack([-inwards_right, inwards_down * UPRIGHT]) * turn[..., None]  # outwards, y up
    return _scaled_normals(sideways, (width, height))


def _smoothed_inside(fields: Sequence[Array], inside: Array, sigma: float) -> list[Array]:
    """Each field blurred over the product's own pixels only (a normalised convolution): at its edge, the
    mean of what lies inside, not half of it."""
    weight = np.maximum(ndimage.gaussian_filter(inside.astype(np.float32), sigma), 1e-3)
    return [ndimage.gaussian_filter(np.where(inside, field, 0.0), sigma) / weight for field in fields]


def _scaled_normals(sideways: Array, size: tuple[int, int]) -> Array:
    """Unit normals at `size` from their sideways parts (x, y) worked out smaller."""
    x, y = (
        np.asarray(Image.fromarray(sideways[..., i]).resize(size, Image.Resampling.BILINEAR))
        for i in range(2)
    )
    length = np.maximum(np.sqrt(x * x + y * y), 1.0)  # smoothing leaves them at most 1 long; never past it
    x, y = x / length, y / length
    return np.dstack([x, y, np.sqrt(np.maximum(1.0 - x * x - y * y, 0.0))]).astype(np.float32)


def rim_band(body: Array) -> Array:
    """1 on the silhouette, falling to 0 a few pixels in: where the product's surface turns away from the
    camera (as wide as it is large, at least a pixel or two)."""
    if not body.any():
        return np.zeros(body.shape, np.float32)
    rows, columns = np.flatnonzero(body.any(axis=1)), np.flatnonzero(body.any(axis=0))
    extent = min(rows[-1] - rows[0], columns[-1] - columns[0]) + 1
    width = max(RIM_MIN_WIDTH, RIM_WIDTH * float(extent))
    distance = ndimage.distance_transform_edt(body).astype(np.float32)
    return np.asarray(np.clip(1.0 - (distance - 1.0) / width, 0.0, 1.0) ** RIM_POWER, np.float32)


def _screen(colour: Array, light: Array) -> Array:
    """Light reflected off the surface (a rim): added the way film takes it, never past white (a colour
    under 1 stays under 1)."""
    return 1.0 - (1.0 - colour) * (1.0 - np.clip(light, 0.0, 0.99))


def _lift(colour: Array, gain: Array) -> Array:
    """More light on a diffuse surface: a dark colour grows by about 1 + gain (it keeps its hue), a light
    one less and less, never reaching white (its detail kept)."""
    return np.asarray(1.0 - np.clip(1.0 - colour, 0.0, 1.0) ** (1.0 + gain), np.float32)


def _shade(colour: Array, normals: Array, light: SetLight, alpha: Array, scene: Scene) -> Array:
    """The key light over the dome: brighter than the product's mean where it faces the light, darker where
    it turns away; softer for a soft light, stronger for a strong one."""
    facing = np.clip(normals @ light.key, 0.0, 1.0)
    mean = float((facing * alpha).sum() / max(float(alpha.sum()), 1e-6))
    strength = (0.6 + 0.8 * scene.light_intensity) * (1.0 - 0.45 * scene.light_softness)
    change = (facing - mean)[..., None] * strength
    lit = _lift(colour, np.clip(change, 0.0, None) * KEY_LIGHT * light.bright)
    return lit * (1.0 + np.clip(change, None, 0.0) * KEY_SHADE)


def _bounce(colour: Array, normals: Array, light: SetLight, alpha: Array) -> Array:
    """The floor's colour reflected onto the product's lower part, most where it faces down."""
    rows = np.flatnonzero((alpha > OPAQUE).any(axis=1))
    if light.floor is None or not len(rows):
        return colour
    base, height = float(rows[-1] + 1), float(rows[-1] + 1 - rows[0])
    above = base - np.arange(alpha.shape[0], dtype=np.float32)[:, None]
    near = np.clip(1.0 - above / max(BOUNCE_REACH * height, 1.0), 0.0, 1.0) ** 2
    down = 0.5 + 0.5 * np.clip(-normals[..., 1], 0.0, 1.0)
    return _lift(colour, (BOUNCE * near * down)[..., None] * light.floor)


def _rim(colour: Array, normals: Array, band: Array, light: SetLight, scene: Scene) -> Array:
    """A thin rim where the silhouette turns away from the camera, brighter on the light's side and for a
    light behind the product (or a gel)."""
    outwards = normals[..., :2] / np.maximum(np.linalg.norm(normals[..., :2], axis=-1, keepdims=True), 1e-6)
    across = light.key[:2] / max(float(np.linalg.norm(light.key[:2])), 1e-6)
    side = np.clip(0.35 + 0.65 * (outwards @ across), 0.0, 1.0)
    behind = float(np.clip(-light.key[2], 0.0, 1.0))
    strength = RIM * (0.45 + 0.55 * max(behind, 0.6 if scene.gel else 0.0))
    return _screen(colour, (strength * band * side)[..., None] * light.rim)
