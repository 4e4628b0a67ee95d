"""The studio floor's materials: every surface the catalog may name is painted, in range, with fine detail
near the camera, the same for one seed; and each has a roughness for the renderer's reflections."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import presets
from tests.drawing import drawn_cutout
from workers.render.compose import placed
from workers.render.floors import FLOORS, ROUGHNESS, surface
from workers.render.layout import FrameCut
from workers.render.paint import rgb
from workers.render.set3d import FLOOR, shoot

SURFACES = [s for s in presets.SURFACES if s != "seamless"]
SIZE = (314, 837)  # an ad's background as the studio paints it (half its resolution)


def paint(name: str, seed: int = 5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A bare plate, the same with the floor painted in `name`, and where the camera sees the floor."""
    scene = replace(presets.load_catalog()["white_marble_countertop"].scene, surface=name)
    palette = [rgb(c) for c in ("#8a8f96", "#9c8f7d", "#5d6b7a")]  # mid tones: room above and below
    _, _, shot = placed(drawn_cutout(), FrameCut(), scene, SIZE[::-1], 0)
    light = (scene.light_direction, scene.light_softness, scene.light_intensity, False)
    plate = shoot(scene.backdrop, light, "", "", SIZE[::-1], shot, scene.floor_line, 0)
    bare = np.full((*SIZE, 3), 0.5, np.float32)
    painted = surface(scene, palette, bare, np.random.default_rng(seed), plate)
    return bare, painted, plate.part == FLOOR


def test_every_listed_surface_has_a_floor_and_a_roughness() -> None:
    assert not [s for s in SURFACES if s not in FLOORS], "a listed surface would fall back to a plain floor"
    assert set(ROUGHNESS) == set(presets.SURFACES)
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
