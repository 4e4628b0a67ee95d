"""Out-of-focus light and particles (workers/render/particles.py) as a lens photographs them."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import ndimage

from workers.render import particles
from workers.render.paint import rgb
from workers.render.particles import FAR_SNOW, NEAR_SNOW, Highlight, Lens, Lighting

WHITE = np.ones(3, np.float32)
PALETTE = [rgb(c) for c in ("#1b2340", "#0f1428", "#d4af37", "#f3e3a3")]


def single(lens: Lens, radius: float = 60.0, size: int = 161) -> np.ndarray:
    """One highlight in the middle of a black canvas, as the lens draws it (grey: one channel)."""
    light = Highlight(size / 2, size / 2, radius, WHITE, 1.0)
    return particles.light_layer([light], lens, (size, size), np.random.default_rng(0))[..., 0]


def outline(image: np.ndarray, angles: int = 720) -> np.ndarray:
    """The highlight's radius in each direction: how far from the centre it stays lit."""
    centre = image.shape[0] / 2
    steps = np.arange(0, centre, 0.25)
    theta = np.linspace(0, 2 * math.pi, angles, endpoint=False)
    ys = np.clip((centre + np.sin(theta)[:, None] * steps).astype(int), 0, image.shape[0] - 1)
    xs = np.clip((centre + np.cos(theta)[:, None] * steps).astype(int), 0, image.shape[1] - 1)
    lit = image[ys, xs] > 0.3 * image.max()
    radii: np.ndarray = steps[np.maximum(lit.shape[1] - 1 - np.argmax(lit[:, ::-1], axis=1), 0)]
    return radii


def corners(radii: np.ndarray) -> int:
    """The outline's corners: the runs of directions where it reaches out past its mean radius."""
    smooth = ndimage.uniform_filter1d(radii, 21, mode="wrap")
    out = smooth > smooth.mean()
    return int((out & ~np.roll(out, 1)).sum())


@pytest.mark.parametrize("blades", [5, 7, 9])
def test_a_highlight_is_the_aperture_a_polygon_of_its_blades(blades: int) -> None:
    stopped_down = outline(single(Lens(aperture=11, blades=blades)))
    assert corners(stopped_down) == blades
    wide_open = outline(single(Lens(aperture=1.4, blades=blades)))
    assert np.ptp(wide_open) < np.ptp(stopped_down) / 2  # wide open the blades round into a circle


def test_a_highlight_is_brighter_at_its_rim_than_in_its_centre() -> None:
    image = single(Lens())
    ys, xs = np.mgrid[: image.shape[0], : image.shape[1]]
    distance = np.hypot(ys - image.shape[0] / 2, xs - image.shape[1] / 2) / 60.0
    rim, centre = image[(distance > 0.85) & (distance < 0.93)].mean(), image[distance < 0.3].mean()
    assert rim > centre * 1.15 and centre > 0.4  # brighter rim, and a lit (not hollow) centre


def test_highlights_only_add_light_and_add_up_where_they_overlap() -> None:
    rng = np.random.default_rng(3)
    scene = rng.random((120, 320, 3)).astype(np.float32)
    shot = particles.light_bokeh(scene, PALETTE, np.random.default_rng(4), 0.7)
    assert (shot >= scene - 1e-6).all() and (shot - scene).max() > 0.3
    lens, frame = Lens(), (100, 160)
    left, right = Highlight(65, 50, 30, WHITE, 0.4), Highlight(95, 50, 30, WHITE, 0.4)
    both = particles.light_layer([left, right], lens, frame, np.random.default_rng(0))
    alone = particles.light_layer([left], lens, frame, np.random.default_rng(0))
    assert both[50, 80, 0] > alone[50, 80, 0] * 1.8  # in the overlap the two lights add


def test_near_the_frame_corner_a_highlight_is_clipped_into_a_cats_eye() -> None:
    frame = (300, 800)

    def spans(x: float, y: float) -> tuple[float, float]:
        """The highlight's spread across the line to the frame's centre and along it."""
        light = Highlight(x, y, 30, WHITE, 1.0)
        layer = particles.light_layer([light], Lens(), frame, np.random.default_rng(0))[..., 0]
        ys, xs = np.nonzero(layer > 0.2)
        radial = np.array([400 - x, 150 - y]) / math.hypot(400 - x, 150 - y)
        along = (xs - x) * radial[0] + (ys - y) * radial[1]
        across = (xs - x) * -radial[1] + (ys - y) * radial[0]
        return float(across.std()), float(along.std())

    across, along = spans(50, 45)
    assert along < across * 0.85  # narrowed towards the centre: a cat's eye
    across, along = spans(380, 150)
    assert along == pytest.approx(across, rel=0.05)  # in the middle, the aperture's own shape


def test_lights_farther_behind_are_wider_and_fainter_and_a_wide_aperture_widens_them() -> None:
    colours = [WHITE]
    wide = particles.scatter_lights(np.random.default_rng(5), 40, (300, 800), 0.6, Lens(1.8), colours)
    narrow = particles.scatter_lights(np.random.default_rng(5), 40, (300, 800), 0.6, Lens(4.0), colours)
    assert [w.radius for w in wide] == pytest.approx([n.radius * 4.0 / 1.8 for n in narrow])
    radius, power = np.array([w.radius for w in wide]), np.array([w.power for w in wide])
    small = radius < np.percentile(radius, 25)
    assert power[small].mean() > 2 * power[~small].mean()  # a few small bright ones, many faint wide ones
    assert small.sum() < (~small).sum()


def test_confetti_on_the_floor_lies_below_the_horizon_smaller_towards_it() -> None:
    lighting = Lighting(particles.key_light("top"), PALETTE[2:], 0.5)
    pieces = particles.floor_pieces(np.random.default_rng(2), (314, 837), 0.66, 200, lighting)
    rows = np.array([p.corners[:, 1].mean() for p in pieces])
    widths = np.array([np.ptp(p.corners[:, 0]) for p in pieces])
    x, y = np.stack([p.corners[:, 0] for p in pieces]), np.stack([p.corners[:, 1] for p in pieces])
    areas = 0.5 * np.abs((x * np.roll(y, -1, axis=1) - np.roll(x, -1, axis=1) * y).sum(axis=1))
    assert rows.min() > 314 * 0.66  # on the floor, in front of the wall
    far, near = rows < np.median(rows), rows >= np.median(rows)
    assert widths[far].mean() * 1.15 < widths[near].mean()  # farther (nearer the horizon): smaller
    assert areas[far].mean() * 1.6 < areas[near].mean()  # ... and foreshortened more


def test_snow_near_the_lens_is_larger_and_softer_than_far_snow() -> None:
    frame = (157, 419)

    def flakes(depth: particles.Flakes) -> tuple[float, float]:
        """The median flake's area (pixels over a tenth of its peak) and the width of its soft edge (the
        difference of the radii of its areas over a tenth and over 0.7 of its peak)."""
        layer = particles.flakes(frame, depth, np.random.default_rng(9), Lens())
        labels, _ = ndimage.label(layer > 0.01)
        areas, edges = [], []
        for found in ndimage.find_objects(labels):
            flake = layer[found]
            low, high = (flake > 0.1 * flake.max()).sum(), (flake > 0.7 * flake.max()).sum()
            areas.append(low)
            edges.append(math.sqrt(low / math.pi) - math.sqrt(high / math.pi))
        return float(np.median(areas)), float(np.median(edges))

    (near_area, near_edge), (far_area, far_edge) = flakes(NEAR_SNOW), flakes(FAR_SNOW)
    assert near_area > 20 * far_area
    assert near_edge > 4 * far_edge


@pytest.mark.parametrize("overlay", ["light_bokeh", "leaves", "foliage", "snow", "confetti"])
def test_the_same_seed_draws_the_same_image(overlay: str) -> None:
    draw = getattr(particles, overlay)
    scene = np.full((120, 320, 3), 0.3, np.float32)
    first = draw(scene, PALETTE, np.random.default_rng(7), 0.7)
    again = draw(scene, PALETTE, np.random.default_rng(7), 0.7)
    other = draw(scene, PALETTE, np.random.default_rng(8), 0.7)
    assert np.array_equal(first, again) and not np.array_equal(first, other)
    assert first.shape == scene.shape and first.min() >= 0 and first.max() <= particles.HEADROOM
