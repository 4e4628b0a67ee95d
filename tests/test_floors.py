"""The studio floor's materials: every surface the catalog may name is painted, in range, with fine detail
near the camera, the same for one seed; and each has a roughness for the renderer's reflections."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import presets
from workers.render.floors import FLOORS, ROUGHNESS, surface
from workers.render.paint import rgb

SURFACES = [s for s in presets.SURFACES if s != "seamless"]
SIZE = (314, 837)  # an ad's background as the studio paints it (half its resolution)


def paint(name: str, seed: int = 5) -> tuple[np.ndarray, np.ndarray, int]:
    scene = replace(presets.load_catalog()["white_marble_countertop"].scene, surface=name)
    palette = [rgb(c) for c in ("#8a8f96", "#9c8f7d", "#5d6b7a")]  # mid tones: room above and below
    bare = np.full((*SIZE, 3), 0.5, np.float32)
    painted = surface(scene, palette, bare, np.random.default_rng(seed))
    return bare, painted, int(SIZE[0] * scene.floor_line)


def test_every_listed_surface_has_a_floor_and_a_roughness() -> None:
    assert not [s for s in SURFACES if s not in FLOORS], "a listed surface would fall back to a plain floor"
    assert set(ROUGHNESS) == set(presets.SURFACES)
    assert all(0.0 <= r <= 1.0 for r in ROUGHNESS.values())
    assert ROUGHNESS["mirror"] < ROUGHNESS["glossy"] < ROUGHNESS["wood"] < ROUGHNESS["velvet"]


@pytest.mark.parametrize("name", SURFACES)
def test_each_surface_paints_in_range_with_fine_detail_near_the_camera(name: str) -> None:
    bare, painted, top = paint(name)
    assert np.abs(painted[top + 8 :] - bare[top + 8 :]).mean() > 0.01, f"{name} leaves the floor bare"
    assert painted.min() >= 0.0 and painted.max() <= 1.0
    assert np.array_equal(painted[:top], bare[:top]), "the floor stays below the horizon"
    # Fine detail where the product stands and nearer: pixel-to-pixel change in the bottom rows (either
    # way: brushed metal's streaks run across). Polished planes keep only faint marks, yet some.
    luminance = painted[-20:].mean(axis=2)
    fine = np.abs(np.diff(luminance, axis=1)).mean() + np.abs(np.diff(luminance, axis=0)).mean()
    assert fine > 0.0008, f"{name} has no fine detail near the camera"


@pytest.mark.parametrize("name", SURFACES)
def test_each_surface_is_the_same_for_one_seed(name: str) -> None:
    assert np.array_equal(paint(name, seed=9)[1], paint(name, seed=9)[1])
    assert not np.array_equal(paint(name, seed=9)[1], paint(name, seed=10)[1])
