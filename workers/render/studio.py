"""The `studio` engine: a procedural renderer for the preset scenes, on any CPU, with no weights.

The set around the product is ray cast first (set3d.py: where each pixel looks, what it sees, the light
there, exposed as a camera records it). Then the picture is painted: backdrop (sweep, gradient, wall and
floor, a shadowy room, an out-of-focus room with lights) → floor material in the world's coordinates
(floors.py) → the stand's material (stands.py) → overlay (lens lights, foliage, confetti, snow:
particles.py; tiles, a framed print, palms, dunes, sea, skyline: interiors.py, scenery.py) → 3D props
(props.py) → all of it times the set's light → glossy floors reflect the set and glass refracts it
(gloss.py) → depth of field → vignette → scaled up to the ad's size → film grain; the product and its
reflection go on in compose.py. Everything random comes from one seed, so a task's creative can be remade.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image
from scipy import ndimage

from presets import Scene
from workers.render import interiors, particles, scenery, stands
from workers.render.floors import surface
from workers.render.gloss import glaze
from workers.render.paint import Array, blur, coords, mix, noise, rgb, smoothstep
from workers.render.props import finish_props, paint_props, prop_models
from workers.render.set3d import STAND, WALL, Lighting, Plate, Shot, shoot


# --- backdrops ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Wall:
    """What a backdrop is painted from: the scene, its colours and the canvas coordinates."""

    scene: Scene
    wall: Array
    floor: Array
    accents: list[Array]
    ys: Array
    xs: Array
    rng: np.random.Generator

    @property
    def shape(self) -> tuple[int, int, int]:
        return (*self.ys.shape, 3)


def _sweep(w: Wall) -> Array:
    """A seamless paper sweep: the wall curves into the floor."""
    t = smoothstep(w.scene.floor_line - 0.22, w.scene.floor_line + 0.18, w.ys)
    return mix(np.broadcast_to(w.wall, w.shape), np.broadcast_to(w.floor, w.shape), t)


def _gradient(w: Wall) -> Array:
    stops = [w.wall, w.floor, *w.accents[:1]]
    t = w.ys * (len(stops) - 1)
    index = np.minimum(t.astype(int), len(stops) - 2)
    frac = (t - index)[..., None]
    return (
        np.choose(index[..., None], [s[None, None] for s in stops[:-1]]) * (1 - frac)
        + np.choose(index[..., None], [s[None, None] for s in stops[1:]]) * frac
    )


def _pastel_gradient(w: Wall) -> Array:
    """Soft blobs of each colour melting into one another."""
    height, width = w.ys.shape
    image = np.broadcast_to(w.wall, w.shape).copy()
    small = (height // 8, width // 8)
    for colour in [w.floor, *w.accents]:
        cy, cx = w.rng.uniform(0.1, 0.9), w.rng.uniform(0.05, 0.95)
        sy, sx = coords(*small)
        blob = np.exp(-(((sy - cy) / 0.45) ** 2 + ((sx - cx) / 0.35) ** 2))
        blob_full = np.asarray(Image.fromarray(blob.astype(np.float32), "F").resize((width, height)))
        image = mix(image, np.broadcast_to(colour, image.shape), blob_full * 0.85)
    return image


def _wall_floor(w: Wall) -> Array:
    """A wall meets a floor at the horizon (and, for a window room, sunlight falls across both)."""
    horizon = w.scene.floor_line
    shade = 1.0 - 0.06 * noise(w.ys.shape, 4, w.rng, 2)
    image = np.broadcast_to(w.wall, w.shape) * shade[..., None]
    image = np.where((w.ys > horizon)[..., None], np.broadcast_to(w.floor, w.shape), image)
    # The crease where wall meets floor catches a little shadow.
    crease = np.exp(-(((w.ys - horizon) / 0.012) ** 2)) * 0.25
    image = image * (1 - crease[..., None])
    if w.scene.backdrop == "window_room":
        image = image * 0.8  # a shadowy room: the window's light (the key light's gobo) carries the scene
    return image


BACKDROPS: dict[str, Callable[[Wall], Array]] = {
    "sweep": _sweep,
    "gradient": _gradient,
    "pastel_gradient": _pastel_gradient,
    "bokeh": particles.bokeh_backdrop,
}


def backdrop(scene: Scene, palette: list[Array], size: tuple[int, int], rng: np.random.Generator) -> Array:
    width, height = size
    ys, xs = coords(height, width)
    wall = Wall(scene, palette[0], palette[1], palette[2:] or [palette[1]], ys, xs, rng)
    paint = BACKDROPS.get(scene.backdrop, _wall_floor)  # wall_floor and window_room
    return np.clip(paint(wall).astype(np.float32), 0.0, 1.0)


# --- texture overlays --------------------------------------------------------------------------------
PAPER_TOOTH = 0.025  # how much a seamless paper's fine tooth varies its brightness: felt more than seen


def _paper_grain(image: Array, palette: list[Array], rng: np.random.Generator, horizon: float) -> Array:
    tooth = 1 - PAPER_TOOTH / 2 + PAPER_TOOTH * noise(image.shape[:2], 300, rng, 1)
    return np.clip(image * tooth[..., None], 0, 1)


def _window_shadows(image: Array, palette: list[Array], rng: np.random.Generator, horizon: float) -> Array:
    ys, xs = coords(*image.shape[:2])
    bars = (np.sin((xs * 0.8 + ys * 0.5) * 18 * np.pi) > 0.7).astype(np.float32)
    return image * (1 - 0.22 * blur(bars, 6)[..., None])


def _wall_tiles(image: Array, palette: list[Array], rng: np.random.Generator, horizon: float) -> Array:
    """Subway tiles on the wall above the floor line: 2:1 tiles in running bond, thin grout, each tile a
    touch brighter at its top edge where it catches the light."""
    height, width = image.shape[:2]
    tile_h = max(6, round(height * 0.055))
    tile_w = tile_h * 2
    ys, xs = np.mgrid[0:height, 0:width]
    row = ys // tile_h
    x_in = (xs + (row % 2) * (tile_w // 2)) % tile_w
    y_in = ys % tile_h
    line = max(2, round(tile_h * 0.09))  # wide enough to read through the depth of field's blur
    grout = ((y_in < line) | (x_in < line)).astype(np.float32)
    glaze = 1.0 + 0.04 * np.clip(1 - y_in / (tile_h * 0.4), 0, 1)
    tiled = image * (glaze * (1 - 0.2 * blur(grout, 0.6)))[..., None]
    wall = (ys < horizon * height)[..., None]
    return np.clip(np.where(wall, tiled, image), 0, 1)


# An overlay: (image, palette, rng, horizon: the floor line as a share of the height) → image.
Overlay = Callable[[Array, list[Array], np.random.Generator, float], Array]
TEXTURES: dict[str, Overlay] = {
    "paper_grain": _paper_grain, "leaves_bokeh": particles.leaves, "foliage": particles.foliage,
    "light_bokeh": particles.light_bokeh, "snow": particles.snow, "confetti": particles.confetti,
    "window_shadows": _window_shadows,
    "wall_tiles": _wall_tiles, "sea_horizon": scenery.sea_horizon, "skyline": scenery.skyline,
    "palm_fronds": scenery.palm_fronds, "ferns": scenery.ferns, "dunes": scenery.dunes,
    "wall_art": interiors.wall_art, "headboard": interiors.headboard,
}  # fmt: skip
# Overlays that follow the key light (a shadow away from it, an edge or a leaf lit on its side, the sun's
# glitter below it) take its direction as well.
KEYED: dict[str, Callable[[Array, list[Array], np.random.Generator, float, str], Array]] = {
    "palm_fronds": scenery.palm_fronds, "ferns": scenery.ferns, "dunes": scenery.dunes,
    "sea_horizon": scenery.sea_horizon, "wall_art": interiors.wall_art, "headboard": interiors.headboard,
    "confetti": particles.confetti,
}  # fmt: skip


ON_THE_FLOOR = {"none", "paper_grain", "confetti", "snow"}  # overlays that need no wall or room behind


def texture(scene: Scene, palette: list[Array], image: Array, rng: np.random.Generator) -> Array:
    """The scene's overlay (leaves, lights, snow, confetti, wall tiles…) over backdrop and floor; "none"
    adds nothing."""
    overlay = TEXTURES.get(scene.texture)
    if overlay is None:
        return image
    keyed = KEYED.get(scene.texture)
    if keyed is not None:
        return keyed(image, palette, rng, scene.floor_line, scene.light_direction)
    return overlay(image, palette, rng, scene.floor_line)


# --- depth, light and lens --------------------------------------------------------------------------
ROOMS = {"wall_floor", "window_room"}  # backdrops with a room behind the product
SCENERY = {
    "wall_tiles",
    "sea_horizon",
    "skyline",
    "window_shadows",
    "dunes",
    "wall_art",
    "headboard",
}  # overlays that draw a room or a view
DEPTH_BLUR = 0.02  # circle of confusion at f/2.8 for |1 - focus / depth| = 1, as a share of the width
MAX_BLUR = 0.03  # ... and never wider than this share
BLUR_LEVELS = 4  # the lens blurs by mixing this many blurred copies (each twice the last's radius)
PAINT_SCALE = 2  # an ad-sized scene is painted at 1 / PAINT_SCALE of its resolution, then scaled up
SCALED_FROM_WIDTH = 1000  # ... from this width (previews are painted at their own size)


def depth_of_field(scene: Scene, image: Array, depth: Array, focus: float) -> Array:
    """A lens focused on the product: each pixel blurred by its circle of confusion, from its distance
    against the focus distance and the scene's f-number (a thin lens: |1 - focus / depth|), so the room
    behind falls off softly, the surface is sharp at the product's base and softens towards the camera.
    Sweeps and gradients with no pattern behind the product have nothing to soften and are left as shot."""
    if scene.backdrop not in ROOMS and scene.texture not in SCENERY and not scene.gobo:
        return image
    width = image.shape[1]
    circle = DEPTH_BLUR * width * (2.8 / scene.aperture) * np.abs(1 - focus / np.maximum(depth, 1e-3))
    circle = np.minimum(circle, MAX_BLUR * width)
    levels = [0.0, *(MAX_BLUR * width / 2**k for k in range(BLUR_LEVELS - 1, -1, -1))]
    out = image
    for low, high in itertools.pairwise(levels):
        share = np.clip((circle - low) / (high - low), 0, 1)
        if share.max() > 0:
            out = mix(out, blur(image, high * 0.6), share)
    return out


def vignette(scene: Scene, image: Array) -> Array:
    height, width = image.shape[:2]
    ys, xs = coords(height, width)
    radius = ((xs - 0.5) / 0.75) ** 2 + ((ys - 0.5) / 0.9) ** 2
    return image * (1 - scene.vignette * 0.55 * smoothstep(0.25, 1.2, radius))[..., None]


def grain(scene: Scene, image: Array, rng: np.random.Generator) -> Array:
    """Film grain, at the ad's own resolution (one grain a pixel)."""
    if scene.grain > 0:
        height, width = image.shape[:2]
        image = image + (rng.standard_normal((height, width, 1), dtype=np.float32) * scene.grain * 0.35)
    return np.clip(image, 0, 1)


def _scaled_up(image: Array, size: tuple[int, int]) -> Array:
    if image.shape[1] == size[0] and image.shape[0] == size[1]:
        return image
    return np.stack(
        [
            np.asarray(Image.fromarray(image[..., c], "F").resize(size, Image.Resampling.BICUBIC))
            for c in range(3)
        ],
        axis=-1,
    )


def shot_at(shot: Shot, scale: int) -> Shot:
    """The product's place in the picture, on a plate painted `scale` times smaller."""
    return replace(
        shot, left=shot.left / scale, top=shot.top / scale, width=shot.width / scale,
        height=shot.height / scale, base_row=shot.base_row / scale, alpha=shot.alpha[::scale, ::scale],
    )  # fmt: skip


WARM_WALL = 0.08  # a wall this much redder than blue is lit by warm light
HEADROOM = 0.12  # light above the product's rolls off into at most 12 % more (a film's shoulder)
OPEN_AIR = {"sea_horizon", "dunes", "skyline"}  # overlays whose "wall" is a view far away: sky, sea, city


def exposed(scene: Scene, plate: Plate) -> Plate:
    """The set's light as a camera exposed for the product records it: light up to the product's passes
    unchanged; brighter light (a sweep near the key light) rolls off smoothly instead of burning a coloured
    paper to flat white. An open-air scene's view (sky, sea, skyline) is far away: it shines by its own
    light, and no shadow of the product or the set falls on it."""
    light = plate.light
    over = np.maximum(light - 1.0, 0.0)
    light = light - over + HEADROOM * np.tanh(over / HEADROOM)
    if scene.texture in OPEN_AIR:
        view = ndimage.gaussian_filter((plate.part == WALL).astype(np.float32), 1.5)[..., None]
        light = light * (1 - view) + view
    return replace(plate, light=light.astype(np.float32))


def stand_material(scene: Scene, palette: list[Array], plate: Plate, rng: np.random.Generator) -> Array:
    """What the stand is made of (`scene.stand_surface`): "" a cast block in the floor's second colour, a
    little mottled, as is glass until gloss.py glazes it once the set is lit; else that material laid on
    its faces (stands.py)."""
    if scene.stand_surface not in ("", "glass"):
        return stands.painted(scene, palette, plate, rng)
    colour = palette[1] * 0.85 + 0.1  # a block a shade off the floor, never lost in a black set
    shape = plate.part.shape
    mottle = 0.94 + 0.08 * noise(shape, 40, rng, 2)[..., None]
    return np.broadcast_to(colour, (*shape, 3)) * mottle


def key_light(scene: Scene, colours: list[Array]) -> Lighting:
    """The scene's key light: its own colour where it has one, else white, warmed in a warm room."""
    warm = float(colours[0][0] - colours[0][2]) > WARM_WALL
    own = tuple(float(c) for c in rgb(scene.light_colour)) if scene.light_colour else None
    return Lighting(
        scene.light_direction, scene.light_softness, scene.light_intensity, warm, own, scene.light_height
    )


def render_background(
    scene: Scene, palette: list[str], size: tuple[int, int], seed: int, shot: Shot
) -> tuple[Array, Plate]:
    """The scene around the product (float RGB in [0, 1]) and the set as shot, at `size`; the product
    goes on in compose.py.

    The set (floor, wall, stand) is ray cast for the product's place and camera (set3d.py): its light
    multiplies the materials painted here, which follow the same camera (the floor's material is laid in
    the world's coordinates, the wall meets the floor where the camera sees it). An ad-sized scene is
    painted at half its resolution and scaled up (`PAINT_SCALE`): it lies behind the product, mostly out
    of focus, and painting it costs a quarter as much; its grain is added at full size.
    """
    rng = np.random.default_rng(seed)
    colours = [rgb(c) for c in palette]
    scale = PAINT_SCALE if size[0] >= SCALED_FROM_WIDTH else 1
    painted = (-(-size[0] // scale), -(-size[1] // scale))
    rim = rgb(scene.gel) if scene.gel else None
    light = key_light(scene, colours)
    plate = shoot(
        scene.backdrop,
        light,
        scene.gobo,
        scene.stand,
        painted,
        shot_at(shot, scale),
        scene.floor_line,
        seed,
        rim,
        prop_models(scene.props, seed) if not scene.stand else (),  # on the floor: none beside a stand
    )
    plate = exposed(scene, plate)
    drawn = replace(scene, floor_line=float(np.clip(plate.horizon, 0.0, 0.98)))  # as the camera sees it
    if plate.horizon <= 0 and scene.texture not in ON_THE_FLOOR:  # looking down: no wall, no room behind
        drawn = replace(drawn, texture="none")
    image = backdrop(drawn, colours, painted, rng)
    image = surface(drawn, colours, image, rng, plate)
    stand = plate.part == STAND
    image = np.where(stand[..., None], stand_material(drawn, colours, plate, rng), image)
    image = np.where(
        stand[..., None], image, texture(drawn, colours, image, rng)
    )  # nothing paints on a stand
    image = finish_props(np.clip(paint_props(image, plate, seed) * plate.light, 0, 1), plate)
    focus = float(
        plate.depth[
            min(int(shot.base_row / scale), painted[1] - 1),
            min(int((shot.left + shot.width / 2) / scale), painted[0] - 1),
        ]
    )
    image = depth_of_field(drawn, glaze(drawn, image, plate), plate.depth, focus)
    # Vignette and grain belong to the scene: the product is composited afterwards, its pixels untouched.
    image = _scaled_up(vignette(scene, image).astype(np.float32), size)
    return grain(scene, image, rng), plate
