"""The studio floor's materials: every surface the catalog may name is painted, in range, with fine detail
near the camera, the same for one seed; and each has a roughness for the renderer's reflections. Some
materials are checked for what makes them read as photographed: linen's weave, marble's far veins,
velvet's sheen, moss's fuzz, snow's sparkles."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from scipy import ndimage

import presets
from tests.drawing import drawn_cutout
from workers.render.compose import placed
from workers.render.floors import FLOORS, LINEN_PITCH, ROUGHNESS, SCALE, STRETCH, Floor, surface
from workers.render.layout import FrameCut
from workers.render.paint import rgb
from workers.render.props import prop_models
from workers.render.set3d import FLOOR, PROP, Lighting, shoot

SURFACES = [s for s in presets.SURFACES if s != "seamless"]
SIZE = (314, 837)  # an ad's background as the studio paints it (half its resolution)


def paint(name: str, seed: int = 5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A bare plate, the same with the floor painted in `name`, and where the camera sees the floor."""
    scene = replace(presets.load_catalog()["white_marble_countertop"].scene, surface=name)
    palette = [rgb(c) for c in ("#8a8f96", "#9c8f7d", "#5d6b7a")]  # mid tones: room above and below
    _, _, shot = placed(drawn_cutout(), FrameCut(), scene, SIZE[::-1], 0)
    light = Lighting(scene.light_direction, scene.light_softness, scene.light_intensity, False)
    plate = shoot(scene.backdrop, light, "", "", SIZE[::-1], shot, scene.floor_line, 0)
    bare = np.full((*SIZE, 3), 0.5, np.float32)
    painted = surface(scene, palette, bare, np.random.default_rng(seed), plate)
    return bare, painted, plate.part == FLOOR


def test_every_listed_surface_has_a_floor_and_a_roughness() -> None:
    assert not [s for s in SURFACES if s not in FLOORS], "a listed surface would fall back to a plain floor"
    assert set(ROUGHNESS) == set(presets.SURFACES) == {*FLOORS, "seamless"}
    assert all(0.0 <= r <= 1.0 for r in ROUGHNESS.values())
    assert ROUGHNESS["mirror"] < ROUGHNESS["glossy"] < ROUGHNESS["wood"] < ROUGHNESS["velvet"]


@pytest.mark.parametrize("name", SURFACES)
def test_each_surface_paints_in_range_with_fine_detail_near_the_camera(name: str) -> None:
    bare, painted, floor = paint(name)
    assert np.abs(painted[floor] - bare[floor]).mean() > 0.01, f"{name} leaves the floor bare"
    assert painted.min() >= 0.0 and painted.max() <= 1.0
    assert np.array_equal(painted[~floor], bare[~floor]), "the floor stays where the camera sees floor"
    assert floor[-20:].all(), "the camera sees floor in the bottom rows"
    # Fine detail where the product stands and nearer: pixel-to-pixel change in the bottom rows (either
    # way: brushed metal's streaks run across). Polished planes keep only faint marks, yet some.
    luminance = painted[-20:].mean(axis=2)
    fine = np.abs(np.diff(luminance, axis=1)).mean() + np.abs(np.diff(luminance, axis=0)).mean()
    assert fine > 0.0008, f"{name} has no fine detail near the camera"


@pytest.mark.parametrize("name", SURFACES)
def test_each_surface_is_the_same_for_one_seed(name: str) -> None:
    assert np.array_equal(paint(name, seed=9)[1], paint(name, seed=9)[1])
    assert not np.array_equal(paint(name, seed=9)[1], paint(name, seed=10)[1])


BASE, ACCENT, WALL = (rgb(c) for c in ("#9c8f7d", "#5d6b7a", "#8a8f96"))


def flat(name: str, per_pixel: float, facing: float, light: np.ndarray | None = None) -> np.ndarray:
    """The luminance of `name` painted on a patch of floor (160 x 320 pixels, away from anything placed
    near the product), `per_pixel` floor units a pixel across, seen at `facing` (the cosine between the
    view and the floor's normal: a pixel spans 1 / facing as much along the depth)."""
    luminance: np.ndarray = flat_colour(name, per_pixel, facing, light).mean(axis=2)
    return luminance


def flat_colour(
    name: str,
    per_pixel: float,
    facing: float,
    light: np.ndarray | None = None,
    rows: int = 160,
    width: int = 320,
) -> np.ndarray:
    """`name` painted on a patch of floor, as `flat`, in colour."""
    u = 3.0 + np.arange(width, dtype=np.float32)[None, :] * per_pixel * np.ones((rows, 1), np.float32)
    step = per_pixel * STRETCH / facing
    v = 6.0 - np.arange(rows, dtype=np.float32)[:, None] * step * np.ones((1, width), np.float32)
    depth = np.full((rows, width), 0.6, np.float32)
    detail = np.full((rows, width), 0.5, np.float32)
    floor = Floor(BASE, ACCENT, WALL, u, v, depth, detail, np.random.default_rng(5), light)
    return FLOORS[name](floor)


def far(name: str, seed: int) -> np.ndarray:
    """The luminance of `name` painted on a floor running to a far horizon (a camera 1 unit above it):
    rows near the top pack hundreds of times more floor than the bottom ones."""
    rows, width, focal = 160, 837, 534.0
    row = np.arange(rows, dtype=np.float32)[:, None] + 2.5
    z = focal / row * np.ones((1, width), np.float32)
    x = (np.arange(width, dtype=np.float32)[None, :] - width / 2) * z / focal
    depth = (row - row.min()) / (row.max() - row.min()) * np.ones((1, width), np.float32)
    white, grey = rgb("#ecebe8"), rgb("#404040")  # a white marble with dark veins
    u, v = x * SCALE + 0.5, z * SCALE * STRETCH + 1.5
    floor = Floor(
        white, grey, white, u, v, depth, np.full(u.shape, 0.5, np.float32), np.random.default_rng(seed)
    )
    luminance: np.ndarray = FLOORS[name](floor).mean(axis=2)
    return luminance


def test_linen_is_woven_at_its_thread_pitch_without_blotches() -> None:
    linen = flat("linen", LINEN_PITCH / 4, 1.0)  # four pixels a thread
    rows = linen - linen.mean(axis=1, keepdims=True)
    power = (np.abs(np.fft.rfft(rows, axis=1)) ** 2).mean(axis=0)
    periods = 1.0 / np.maximum(np.fft.rfftfreq(rows.shape[1]), 1e-9)
    strongest = periods[np.argmax(np.where(periods < 20, power, 0.0))]
    assert strongest == pytest.approx(4.0, rel=0.1)  # the warp threads, side by side
    # Blocks of four by four threads are all but alike: the weave varies thread by thread, not in patches.
    blocks = linen.reshape(10, 16, 20, 16).mean(axis=(1, 3))
    assert blocks.std() < 0.3 * linen.std()


@pytest.mark.parametrize("seed", [3, 4])
def test_far_marble_veins_fade_into_soft_streaks_not_dashes(seed: int) -> None:
    marble = far("marble", seed)
    along = np.abs(np.diff(marble, axis=1))  # a dashed vein flickers along the row
    far_rows, middle, near = along[:30], along[60:90], along[-30:]
    assert far_rows.mean() < middle.mean() < near.mean()  # contrast falls off smoothly with distance
    assert np.percentile(far_rows, 99.9) < 0.5 * np.percentile(near, 99.9)


def test_velvet_glows_at_grazing_angles() -> None:
    grazing, facing = flat("velvet", 0.001, 0.2), flat("velvet", 0.001, 0.9)
    assert grazing.mean() > 1.2 * facing.mean()


def test_moss_is_finer_than_it_is_lumpy() -> None:
    _, painted, _ = paint("moss")
    near = painted[-80:].mean(axis=2)
    fine = near - ndimage.gaussian_filter(near, 1.5)
    lumps = (ndimage.gaussian_filter(near, 5) - ndimage.gaussian_filter(near, 40))[10:-10, 40:-40]
    assert fine.std() > 1.5 * lumps.std()


def test_snow_sparkles_only_where_the_key_light_reaches() -> None:
    light = np.ones((160, 320, 3), np.float32)
    light[:, :160] = 0.4  # the left half in a shadow: only the ambient light arrives
    snow = flat("snow", 0.001, 0.45, light)
    sparkles = (snow - ndimage.median_filter(snow, 5)) > 0.15
    assert sparkles[:, 170:310].sum() >= 10
    assert sparkles[:, 10:150].sum() == 0


def stones_garden(with_props: bool) -> tuple[np.ndarray, np.ndarray]:
    """The zen garden's raked sand painted on its plate, with its stones on the floor or without them, and
    what each pixel sees."""
    scene = presets.load_catalog()["zen_stone_garden"].scene
    palette = [rgb(c) for c in scene.palette]
    _, _, shot = placed(drawn_cutout(), FrameCut(), scene, SIZE[::-1], 0)
    light = Lighting(scene.light_direction, scene.light_softness, scene.light_intensity, False)
    props = prop_models(scene.props, 0) if with_props else ()
    plate = shoot(scene.backdrop, light, "", "", SIZE[::-1], shot, scene.floor_line, 0, None, props)
    bare = np.full((*SIZE, 3), 0.5, np.float32)
    return surface(scene, palette, bare, np.random.default_rng(5), plate), plate.part


def test_a_prop_does_not_bend_the_floor_pattern_around_it() -> None:
    stones, part = stones_garden(True)
    plain, _ = stones_garden(False)
    prop = part == PROP
    assert prop.any(), "the garden's stones stand in the picture"
    # The rows just above each prop's top (the floor behind it), in the prop's columns.
    above = np.zeros_like(prop)
    for shift in range(1, 7):
        above[:-shift] |= prop[shift:]
    above &= part == FLOOR
    assert above.sum() > 100
    assert np.abs(stones[above] - plain[above]).max() < 1e-4
    assert plain[above].std() > 0.01, "the raked furrows show there"


def test_terrazzo_has_small_chips_apart_in_a_cement_that_covers_most_of_it() -> None:
    # Looked at straight down, the product (1 unit tall: a 20 cm bottle) 200 pixels tall: a chip's size in
    # product heights is its size in pixels over 200.
    product = 200
    painted = flat_colour("terrazzo", SCALE / product, 1.0, rows=320, width=400)
    cement = np.median(painted.reshape(-1, 3), axis=0)
    chips = np.linalg.norm(painted - cement, axis=2) > 0.08
    assert 0.25 < chips.mean() < 0.42, "the cement covers 60-70 % of the floor"
    labels, _ = ndimage.label(chips)
    areas = np.bincount(labels.ravel())[1:]
    sizes = np.sqrt(4.0 * areas[areas >= 3] / np.pi) / product  # each chip's width, in product heights
    assert len(sizes) > 300
    assert 0.02 <= np.median(sizes) <= 0.08
    assert np.mean(sizes < 0.04) > 0.5, "many small chips"
    assert 0.08 < np.percentile(sizes, 99) < 0.15, "a few large ones, no blots"


def fine_peak(band: np.ndarray) -> tuple[float, float]:
    """The strongest single frequency among a band's periods under 32 pixels along its rows: how far its
    power stands above the spectrum round it, and its share of the band's whole power."""
    power = (np.abs(np.fft.rfft(band - band.mean(axis=1, keepdims=True), axis=1)) ** 2).mean(axis=0)[1:]
    local = ndimage.median_filter(power, 9, mode="nearest")
    fine = slice(band.shape[1] // 32, None)
    return float((power / local)[fine].max()), float((power - local)[fine].max() / power.sum())


def test_grass_shows_no_moire_and_its_detail_falls_with_distance() -> None:
    _, painted, floor = paint("grass")
    luminance = painted.mean(axis=2)
    stands_out, share = fine_peak(luminance[-60:, 100:-100])
    assert stands_out < 8.0 and share < 0.05, "no blade pitch beats near the camera"
    far_lawn = far("grass", 4)
    assert all(fine_peak(far_lawn[a:b])[1] < 0.03 for a, b in ((30, 60), (60, 100), (100, 160)))
    detail = luminance - ndimage.gaussian_filter(luminance, 1.5)
    rows = np.flatnonzero(floor.all(axis=1))
    assert detail[rows[:25]].std() < 0.85 * detail[rows[-25:]].std(), "blades crowd and blend far off"
