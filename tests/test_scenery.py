"""Room and outdoor overlays (workers.render.interiors, workers.render.scenery) as a camera sees them: lit by
the key light, casting shadows away from it, out of focus behind the product, hazier with distance."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest

import presets
from tests.test_studio import background
from workers.render import interiors, scenery
from workers.render.paint import rgb
from workers.render.set3d import FLOOR

SIZE = (314, 837)  # an ad's scene as painted: half of 1674x628


def _flat(horizon: float) -> np.ndarray:
    """A plain grey wall over a darker floor meeting it at `horizon`."""
    image = np.full((*SIZE, 3), 0.55, np.float32)
    image[int(SIZE[0] * horizon) :] = 0.4
    return image


def _palette(preset_id: str) -> list[np.ndarray]:
    return [rgb(c) for c in presets.load_catalog()[preset_id].scene.palette]


def _laplacian(image: np.ndarray) -> np.ndarray:
    """The absolute Laplacian of the image's brightness (one pixel in from every edge): fine detail."""
    lum = image.mean(axis=2)
    edges: np.ndarray = np.abs(
        4 * lum[1:-1, 1:-1] - lum[:-2, 1:-1] - lum[2:, 1:-1] - lum[1:-1, :-2] - lum[1:-1, 2:]
    )
    return edges


def _detail(image: np.ndarray) -> float:
    return float(_laplacian(image).mean())


def test_the_framed_print_casts_its_shadow_away_from_the_key_light() -> None:
    palette, wall = _palette("scandinavian_living_room"), _flat(0.63)
    lit_left = interiors.wall_art(wall, palette, np.random.default_rng(4), 0.63, "left")
    lit_right = interiors.wall_art(wall, palette, np.random.default_rng(4), 0.63, "right")
    rows = slice(30, 50)  # through the print, above the plant
    changed = np.minimum(
        np.abs(lit_left[rows] - wall[rows]).mean(axis=(0, 2)),
        np.abs(lit_right[rows] - wall[rows]).mean(axis=(0, 2)),
    )
    frame = np.flatnonzero(changed > 0.05)  # the print itself: drawn whichever side the light is on
    beyond_right, beyond_left = slice(frame[-1] + 2, frame[-1] + 12), slice(frame[0] - 12, frame[0] - 2)
    assert lit_left[rows, beyond_right].mean() < lit_right[rows, beyond_right].mean() - 0.1
    assert lit_right[rows, beyond_left].mean() < lit_left[rows, beyond_left].mean() - 0.1


def test_a_rooms_wall_art_is_softer_than_the_floor_beside_the_product() -> None:
    scene = replace(presets.load_catalog()["mid_century_modern_office"].scene, grain=0.0)  # detail, not grain
    room, plate = background(scene, (837, 314), seed=3)
    bare, _ = background(replace(scene, texture="none"), (837, 314), seed=3)
    drawn = (np.abs(room - bare).mean(axis=2) > 0.05)[1:-1, 1:-1]  # the print, the plant and their shadows
    drawn[int(314 * plate.horizon) - 1 :] = False  # on the wall
    assert drawn.sum() > 5000, "the print and the plant are drawn"
    floor_rows = np.flatnonzero((plate.part == FLOOR).any(axis=1))
    floor = room[floor_rows[0] + 15 : floor_rows[0] + 45, 300:540]  # the floor at the product's feet
    assert _laplacian(room)[drawn].mean() < 0.2 * _detail(floor)


@pytest.mark.parametrize(("light", "lit_half"), [("top_right", 1), ("top_left", 0)])
def test_palm_fronds_throw_their_shadows_on_the_key_lights_side(light: str, lit_half: int) -> None:
    wall = _flat(0.63)
    out = scenery.palm_fronds(wall, _palette("tropical_palm_leaves"), np.random.default_rng(2), 0.63, light)
    top = out[:190]
    grey = np.abs(top[..., 1] - top[..., 0]) < 0.015  # a shadow darkens; a frond is green
    shadowed = grey & (top.mean(axis=2) < 0.55 - 0.08)
    halves = shadowed[:, : SIZE[1] // 2].sum(), shadowed[:, SIZE[1] // 2 :].sum()
    assert halves[lit_half] > 4 * halves[1 - lit_half] and halves[lit_half] > 2000
    green = top[..., 1] - top[..., 0] > 0.05
    sides = green[:, : SIZE[1] // 2].sum(), green[:, SIZE[1] // 2 :].sum()
    assert sides[1 - lit_half] > 4 * sides[lit_half], "the frond near the lens reaches in at the other side"
    assert top[green][:, 1].std() > 0.03, "its leaflets are not one flat green"


def test_dunes_are_hazier_towards_the_horizon() -> None:
    out = scenery.dunes(_flat(0.6), _palette("desert_sand_dunes"), np.random.default_rng(1), 0.6, "left")
    horizon = int(SIZE[0] * 0.6)
    far = out[horizon - int(0.26 * SIZE[0]) : horizon - int(0.18 * SIZE[0])]
    near = out[horizon - int(0.1 * SIZE[0]) : horizon]
    assert _detail(far) < 0.6 * _detail(near)
    assert np.percentile(far.mean(axis=2), 5) > np.percentile(near.mean(axis=2), 5) + 0.05  # haze lifts shade


def test_the_sun_glitters_on_the_sea_below_the_key_light() -> None:
    palette = _palette("sunny_beach_sand")
    for light, brighter in (("right", 1), ("left", 0)):
        out = scenery.sea_horizon(_flat(0.62), palette, np.random.default_rng(5), 0.62, light)
        water = out[int(314 * 0.55) : int(314 * 0.62)].mean(axis=2)
        halves = water[:, : SIZE[1] // 2].max(axis=0).mean(), water[:, SIZE[1] // 2 :].max(axis=0).mean()
        assert halves[brighter] > halves[1 - brighter] + 0.03
    band = out[int(314 * 0.52) + 1 : int(314 * 0.62)].mean(axis=1)
    blueness = band[:, 2] - band[:, 0]
    assert blueness[0] < 0.5 * blueness[-1], "as grey as the sky where it meets it, blue at the shore"


def test_a_city_on_the_horizon_shows_warm_lights_in_soft_masses() -> None:
    out = scenery.skyline(_flat(0.64), _palette("rooftop_terrace_sunset"), np.random.default_rng(3), 0.64)
    city = out[int(314 * 0.44) : int(314 * 0.64)]
    warm = (city[..., 0] > city[..., 2] + 0.2) & (city.mean(axis=2) > 0.6)
    assert warm.sum() > 200, "lit windows"
    assert (city.mean(axis=2) < 0.4).mean() > 0.2, "building masses darker than the sky"


@pytest.mark.parametrize(
    ("overlay", "preset_id"),
    [
        (interiors.wall_art, "mid_century_modern_office"),
        (interiors.headboard, "warm_sunlit_bedroom"),
        (scenery.palm_fronds, "tropical_palm_leaves"),
        (scenery.ferns, "mossy_stone"),
        (scenery.dunes, "desert_sand_dunes"),
        (scenery.sea_horizon, "lake_dock_sunrise"),
        (scenery.skyline, "rooftop_terrace_sunset"),
    ],
)
def test_the_same_seed_draws_the_same_overlay(overlay: Callable[..., np.ndarray], preset_id: str) -> None:
    palette, horizon = _palette(preset_id), 0.62
    first = overlay(_flat(horizon), palette, np.random.default_rng(7), horizon)
    again = overlay(_flat(horizon), palette, np.random.default_rng(7), horizon)
    other = overlay(_flat(horizon), palette, np.random.default_rng(8), horizon)
    assert first.shape == (*SIZE, 3) and np.array_equal(first, again)
    assert np.abs(first - other).mean() > 0.001


def test_a_rooms_furnishings_keep_the_ads_scale_in_tall_formats() -> None:
    from workers.render.interiors import room_scale

    assert room_scale(628, 1674) == 628 and room_scale(628, 1200) == 628  # the ad sizes, as ever
    assert room_scale(90, 728) == 90  # a strip: its height
    assert room_scale(1920, 1080) == pytest.approx(565.2)  # a story: a 1080-wide ad's, not 0.42 of 1920 px
    assert room_scale(600, 160) == pytest.approx(83.7, abs=0.1)  # a skyscraper's plant stays a plant
