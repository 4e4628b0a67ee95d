"""The camera's elevation over a product photo, read from the product's cut-out alone.

A photographer sees the camera's height in a packshot from the product's outline: the base of a bottle,
jar, cup or can is a circle on the ground and shows as an ellipse whose minor/major axis ratio is
sin(elevation) (0 at eye level: a straight base line; 1 straight from above: a full circle); a box shows
its top face as a parallelogram whose far edges slope more the higher the camera; a product shot from
straight above (a flat lay, a shoe from the top) has no ground contact at all: its lowest outline is as
rounded as its top one and no side of it is a vertical wall.

Everything here is measured on a working copy of the alpha channel (long side <= WORK_SIDE, block
averaged, so edges stay sub-pixel) and assumes an orthographic view: for the moderate focal lengths of
product photography the error that perspective adds is a few degrees.

The studio's camera (workers/render/set3d.py) is pitched down by this elevation, so the floor and the
backdrop meet where the photo's own camera says they should.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

WORK_SIDE = 256  # long side of the working mask: enough for a base ellipse of a few pixels' sagitta
DEFAULT_ELEVATION = 12.0  # a tabletop packshot from slightly above, when nothing in the outline says more
KEEP_SHARE = 0.15  # a blob this share of the largest is part of the product (a pair of shoes, a set)
MIN_BASE_HALF_WIDTH = 6.0  # px of the working mask: a narrower base's curve is within the edge's noise
MAX_BASE_RATIO = 0.85  # a "base ellipse" rounder than this (about 58 degrees) is a ball, not a base
ELLIPSE_FIT = 0.06  # rms of the base arc fit, as a share of the base's half width, that still reads as an arc
SIDE_FIT = 0.05  # rms of a side wall's straight-line fit, as a share of the base's half width
MIN_ARC_QUALITY = 0.3  # a poorer fit is a blob's round end (a plush toy's belly), not a base
SIDE_SLOPE = 0.6  # a wall leaning more than this (dx/dy) is not a vessel's wall
FLAT_LAY_ELEVATION = 75.0
BOX_FIT = 0.012  # rms of a box's roof or V fit, as a share of the silhouette's width


@dataclass(frozen=True)
class CameraEstimate:
    elevation: float  # degrees above the product's base: 0 level, ~15-25 a packshot, 90 top-down
    confidence: float  # 0-1
    cue: str  # "round base", "top face", "flat lay" or "default"


@dataclass(frozen=True)
class _Mask:
    soft: np.ndarray  # coverage 0-1 of the product (holes filled), working resolution
    solid: np.ndarray  # bool: the product, holes filled
    left: np.ndarray  # per row: the left edge (continuous x, pixel i covers [i, i+1]); nan where empty
    right: np.ndarray
    top: np.ndarray  # per column: the top edge (continuous y); nan where empty
    bottom: np.ndarray


@dataclass(frozen=True)
class _Arc:
    ratio: float  # minor / major of the end ellipse: sin(elevation)
    half_width: float  # px
    quality: float  # 0-1: how well the arc and the straight walls above it fit
    rms: float  # px: the arc fit's residual


def _working_copy(alpha: np.ndarray) -> np.ndarray:
    """Coverage 0-1 on a grid whose long side is at most WORK_SIDE: block means, so that an edge keeps
    its sub-pixel position in the coverage of the pixels it crosses."""
    full = np.asarray(alpha)
    if full.ndim == 3:
        full = full[..., -1]
    factor = math.ceil(max(full.shape) / WORK_SIDE)
    # a very large cut-out is first thinned to every n-th row and column: the block means then need
    # at most 4 x 4 samples each, which keeps edges sub-pixel at a fraction of the cost
    stride = max(1, factor // 4)
    full = full[::stride, ::stride]
    factor = math.ceil(max(full.shape) / WORK_SIDE)
    if factor == 1:
        return full.astype(np.float32) / 255.0
    rows, cols = full.shape[0] // factor * factor, full.shape[1] // factor * factor
    blocks = full[:rows, :cols].reshape(rows // factor, factor, cols // factor, factor)
    return blocks.sum(axis=(1, 3), dtype=np.float32) / (255.0 * factor * factor)


def _edges(soft: np.ndarray, solid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the left and right edge of the product's outermost pixels, at sub-pixel precision: the
    coverage of the three pixels around the outermost one says where in them the edge runs."""
    rows, cols = solid.shape
    any_row = solid.any(axis=1)
    first = np.where(any_row, solid.argmax(axis=1), 0)
    last = np.where(any_row, cols - 1 - solid[:, ::-1].argmax(axis=1), 0)
    padded = np.pad(soft, ((0, 0), (1, 1)))
    index = np.arange(rows)
    # pixel i of `soft` is column i + 1 of `padded`; the window is pixels first-1 .. first+1
    near_left = padded[index, first] + padded[index, first + 1] + padded[index, first + 2]
    near_right = padded[index, last] + padded[index, last + 1] + padded[index, last + 2]
    left = np.where(any_row, first + 2 - near_left, np.nan)
    right = np.where(any_row, last - 1 + near_right, np.nan)
    return left, right


def _mask(alpha: np.ndarray) -> _Mask | None:
    cover = _working_copy(alpha)
    binary = cover > 0.5
    labels, count = ndimage.label(binary)
    if count == 0:
        return None
    areas = np.bincount(labels.ravel())[1:]
    keep = np.flatnonzero(areas >= KEEP_SHARE * areas.max()) + 1
    solid = ndimage.binary_fill_holes(np.isin(labels, keep))
    if solid.sum() < 50:
        return None
    near = ndimage.binary_dilation(solid, iterations=2)
    inner = ndimage.binary_erosion(solid)
    soft = np.where(inner, 1.0, np.where(near, cover, 0.0))
    left, right = _edges(soft, solid)
    top, bottom = _edges(soft.T, solid.T)
    return _Mask(soft, solid, left, right, top, bottom)


def _flipped(mask: _Mask) -> _Mask:
    """The mask upside down: its top end becomes a bottom end, for the same arc fit."""
    rows = mask.solid.shape[0]
    return _Mask(
        mask.soft[::-1],
        mask.solid[::-1],
        mask.left[::-1],
        mask.right[::-1],
        rows - mask.bottom,
        rows - mask.top,
    )


def _line_rms(ys: np.ndarray, xs: np.ndarray) -> tuple[float, float]:
    """Slope dx/dy and rms residual of the least-squares straight line through (ys, xs)."""
    dy, dx = ys - ys.mean(), xs - xs.mean()
    slope = float(np.dot(dy, dx) / max(float(np.dot(dy, dy)), 1e-9))
    return slope, float(np.sqrt(np.mean((dx - slope * dy) ** 2)))


def _end_arc(mask: _Mask) -> _Arc | None:
    """The bottom end of the product read as the near half of a circle's ellipse (a round base): the
    lowest outline dips in the middle by the sagitta s below the row where the walls meet it, and with
    the base's half width a, s / a = sin(elevation). The walls above that row must be straight (a
    vessel's wall, upright or tapered), which tells a base from a ball or a blob."""
    valid_rows = np.flatnonzero(~np.isnan(mask.left))
    if valid_rows.size < 8:
        return None
    best: tuple[float, _Arc] | None = None  # score (lower fits better), arc
    for row in _base_rows(mask, valid_rows):
        candidate = _arc_at(mask, row, int(valid_rows[0]))
        if candidate is not None and (best is None or candidate[0] < best[0]):
            best = candidate
    if best is None or best[1].quality < MIN_ARC_QUALITY:
        return None
    return best[1]


def _base_rows(mask: _Mask, valid_rows: np.ndarray) -> Iterator[int]:
    """The rows, upwards from the lowest, where a round base's walls may meet it: wide enough to tell an
    arc, and stopping where the lowest outline lies deeper below than any base ellipse can dip."""
    rows = mask.solid.shape[0]
    lowest = float(np.nanmax(mask.bottom))
    bottom_row = int(valid_rows[-1])
    top_row = int(valid_rows[0])
    for row in range(bottom_row - 1, max(top_row, bottom_row - rows) - 1, -1):
        left, right = float(mask.left[row]), float(mask.right[row])
        a = (right - left) / 2.0
        if not a >= MIN_BASE_HALF_WIDTH:
            continue
        sagitta_guess = lowest - (row + 0.5)
        if sagitta_guess > 1.1 * a:
            return  # deeper than any base ellipse can be
        yield row


def _arc_at(mask: _Mask, row: int, top_row: int) -> tuple[float, _Arc] | None:
    """The base read with its walls meeting it at `row`: the reading's score (lower fits better) and its
    arc, or None where the end under the row is no arc or the walls above it are no vessel's walls."""
    left, right = float(mask.left[row]), float(mask.right[row])
    a = (right - left) / 2.0
    arc = _arc_fit(mask, row, left, right)
    walls = _wall_band(mask, row, a, top_row)
    if arc is None or walls is None:
        return None
    sagitta, rms = arc
    side = _wall_misfit(walls, left, right, rms)
    if side is None:
        return None
    score = rms / ELLIPSE_FIT + side / SIDE_FIT
    quality = max(0.0, 1.0 - rms / ELLIPSE_FIT) * max(0.0, 1.0 - side / SIDE_FIT)
    return score, _Arc(sagitta / a, a, quality, rms * a)


def _arc_fit(mask: _Mask, row: int, left: float, right: float) -> tuple[float, float] | None:
    """The lowest outline below `row` fitted as the near half of an ellipse spanning left..right: its
    sagitta (px) and the fit's rms as a share of the half width; None where too few columns show it."""
    a = (right - left) / 2.0
    centre = (left + right) / 2.0
    columns = np.arange(mask.bottom.size) + 0.5
    u = (columns - centre) / a
    inside = (np.abs(u) < 0.9) & ~np.isnan(mask.bottom)
    if inside.sum() < 6:
        return None
    g = np.sqrt(1.0 - u[inside] ** 2)
    dip = mask.bottom[inside] - (row + 0.5)
    sagitta = max(float(np.dot(g, dip) / np.dot(g, g)), 0.0)
    rms = float(np.sqrt(np.mean((dip - sagitta * g) ** 2))) / a
    return sagitta, rms


def _wall_band(
    mask: _Mask, row: int, a: float, top_row: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The walls in a band above the base row as tall as 0.8 of the half width (at least 4 px): the
    rows' centres and their left and right edges; None where the band leaves the outline."""
    band_top = int(row - max(0.8 * a, 4.0))
    if band_top < top_row:
        return None
    ys = np.arange(band_top, row + 1) + 0.5
    lefts, rights = mask.left[band_top : row + 1], mask.right[band_top : row + 1]
    if np.isnan(lefts).any():
        return None
    return ys, lefts, rights


def _wall_misfit(
    walls: tuple[np.ndarray, np.ndarray, np.ndarray], left: float, right: float, arc_rms: float
) -> float | None:
    """How far the walls above a base spanning left..right are from straight, as a share of its half
    width: both walls straight, or one straight and the other only bulging outwards (a mug's handle);
    None where they are not a vessel's walls."""
    ys, lefts, rights = walls
    a = (right - left) / 2.0
    slope_l, rms_l = _line_rms(ys, lefts)
    slope_r, rms_r = _line_rms(ys, rights)
    if max(rms_l, rms_r) <= 2 * min(rms_l, rms_r) + 0.01 * a:
        if max(abs(slope_l), abs(slope_r)) > SIDE_SLOPE:
            return None
        return max(rms_l, rms_r) / a
    return _handle_misfit(walls, (slope_l, rms_l), (slope_r, rms_r), left, right, arc_rms)


def _handle_misfit(
    walls: tuple[np.ndarray, np.ndarray, np.ndarray],
    fit_l: tuple[float, float],
    fit_r: tuple[float, float],
    left: float,
    right: float,
    arc_rms: float,
) -> float | None:
    """The misfit of the straighter wall where the other stands out like a handle over a clean base arc
    (one wall is less evidence than two); None where the crooked wall cuts into the base or is a blob's."""
    _, lefts, rights = walls
    a = (right - left) / 2.0
    inward_l = float(np.max(lefts - left))  # how far each wall comes in over the base
    inward_r = float(np.max(right - rights))
    straight_left = fit_l[1] < fit_r[1]
    slope, inward, crooked_inward = (
        (fit_l[0], inward_l, inward_r) if straight_left else (fit_r[0], inward_r, inward_l)
    )
    crooked_outward = float(np.max(rights - right) if straight_left else np.max(left - lefts))
    if abs(slope) > SIDE_SLOPE or crooked_inward > max(inward, 0.0) + 0.1 * a:
        return None  # the crooked wall cuts into the base: a ball, a waist, not a handle
    if crooked_outward < 0.25 * a or arc_rms > 0.4 * ELLIPSE_FIT:
        return None  # nor does it stand out like a handle over a clean base arc: a blob's side
    return 1.5 * min(fit_l[1], fit_r[1]) / a  # one wall is less evidence than two


@dataclass(frozen=True)
class _Shape:
    """Measures of the outline that tell a product standing on the ground from one lying under the
    camera."""

    ground: float  # share of the width whose lowest outline lies within 3% of the height of the lowest
    ceiling: float  # the same at the top
    walls: float  # share of the height where the left and right outlines are upright walls
    bottom_round: float  # mean depth of the lowest outline above its lowest point, share of the height
    top_round: float  # the same for the top outline below its highest point
    elongation: float  # long / short axis of the silhouette
    tilt: float  # degrees between the long axis and the nearest of horizontal / vertical


def _shape(mask: _Mask) -> _Shape:
    """The measures of the outline that tell a standing product from one lying under the camera."""
    rows = np.flatnonzero(~np.isnan(mask.left))
    height = float(rows[-1] - rows[0] + 1)
    ground, ceiling, bottom_round, top_round = _ends(mask, height)
    walls = _walls(mask, rows, height)
    elongation, tilt = _axes(mask)
    return _Shape(ground, ceiling, walls, bottom_round, top_round, elongation, tilt)


def _ends(mask: _Mask, height: float) -> tuple[float, float, float, float]:
    """The outline's ground and ceiling contact and how rounded its bottom and top ends are (the
    `_Shape` measures of those names), on a silhouette `height` rows tall."""
    cols = np.flatnonzero(~np.isnan(mask.bottom))
    bottom, top = mask.bottom[cols], mask.top[cols]
    # the central 80% of the width: the product's own ends, not the slivers at its sides
    span = slice(int(0.1 * cols.size), max(int(0.9 * cols.size), int(0.1 * cols.size) + 1))
    lowest, highest = float(bottom.max()), float(top.min())
    ground = float(np.mean(bottom >= lowest - 0.03 * height))
    ceiling = float(np.mean(top <= highest + 0.03 * height))
    bottom_round = float(np.mean(lowest - bottom[span])) / height
    top_round = float(np.mean(top[span] - highest)) / height
    return ground, ceiling, bottom_round, top_round


def _walls(mask: _Mask, rows: np.ndarray, height: float) -> float:
    """The share of the height (its middle 90%) where the left and right outlines run upright."""
    inner = rows[int(0.05 * rows.size) : max(int(0.95 * rows.size), int(0.05 * rows.size) + 3)]
    step = max(2, int(0.04 * height))
    walls = 0.0
    for edge in (mask.left[inner], mask.right[inner]):
        smooth = ndimage.uniform_filter1d(edge, step)
        slope = np.abs(np.gradient(smooth))
        walls += 0.5 * float(np.mean(slope < 0.12))
    return walls


def _axes(mask: _Mask) -> tuple[float, float]:
    """The silhouette's elongation (long / short axis) and the tilt of its long axis in degrees from the
    nearest of horizontal and vertical."""
    ys, xs = np.nonzero(mask.solid)
    cov = np.cov(np.stack([xs, ys]).astype(np.float64))
    values, vectors = np.linalg.eigh(cov)
    elongation = math.sqrt(max(values[1], 1e-9) / max(values[0], 1e-9))
    angle = math.degrees(math.atan2(abs(vectors[1, 1]), abs(vectors[0, 1])))  # 0 horizontal, 90 vertical
    return elongation, min(angle, 90.0 - angle)


def _flat_lay(shape: _Shape) -> float:
    """0-1: how much the outline reads as a product lying under a camera looking down on it."""
    no_ground = float(np.clip((0.45 - shape.ground) / 0.3, 0.0, 1.0))
    no_walls = float(np.clip((0.5 - shape.walls) / 0.35, 0.0, 1.0))
    # a standing product's base is flatter than its top; a lying one's ends are alike
    rounded_base = float(np.clip((shape.bottom_round - 0.5 * shape.top_round) / 0.08, 0.0, 1.0))
    diagonal = float(np.clip((shape.tilt - 12.0) / 15.0, 0.0, 1.0)) * float(
        np.clip((shape.elongation - 1.4) / 0.8, 0.0, 1.0)
    )
    score = no_ground * no_walls * max(rounded_base, diagonal)
    return max(score, diagonal * no_walls)


def _hinge(profile: np.ndarray) -> tuple[float, float, float, float] | None:
    """The best two straight segments meeting at a corner through a profile (a row per column):
    (slope left of the corner, slope right of it, the corner's share of the width, rms)."""
    cols = np.flatnonzero(~np.isnan(profile))
    if cols.size < 20:
        return None
    cols = cols[2:-2]  # the outermost columns graze the silhouette's side walls
    xs = cols + 0.5
    ys = profile[cols]
    best: tuple[float, float, float, float] | None = None
    for corner in np.linspace(xs[0] + 0.12 * np.ptp(xs), xs[-1] - 0.12 * np.ptp(xs), 48):
        basis = np.stack(
            [np.ones_like(xs), np.minimum(xs - corner, 0.0), np.maximum(xs - corner, 0.0)], axis=1
        )
        coef, *_ = np.linalg.lstsq(basis, ys, rcond=None)
        rms = float(np.sqrt(np.mean((basis @ coef - ys) ** 2)))
        if best is None or rms < best[3]:
            best = (float(coef[1]), float(coef[2]), float((corner - xs[0]) / np.ptp(xs)), rms)
    return best


def _box_ratio(mask: _Mask) -> tuple[float, float, float, float] | None:
    """sin(elevation) from a box's outline, and the fit's quality 0-1. Seen from above at an angle, a
    box's top face shows its two far edges as a roof over the silhouette and its footprint's two near
    edges as a V under it; the footprint is a rectangle squashed by sin(elevation), so whatever the
    box's turn, the two slopes of either pair multiply to sin(elevation) squared, and the pairs are
    parallel crosswise (a centrally symmetric hexagon), which tells a box from a roof or a gable."""
    cols = np.flatnonzero(~np.isnan(mask.top))
    width = float(cols.size)
    top, bottom = _hinge(mask.top), _hinge(mask.bottom)
    if top is None or bottom is None:
        return None
    top_left, top_right = -top[0], top[1]  # rising to the far corner, falling from it
    bottom_left, bottom_right = bottom[0], -bottom[1]  # falling to the near corner, rising from it
    slopes = (top_left, top_right, bottom_left, bottom_right)
    if min(slopes) < 0.03 or max(top[3], bottom[3]) > BOX_FIT * width:
        return None
    # parallel crosswise: the far-left edge with the near-right one, the far-right with the near-left
    for one, other in ((top_left, bottom_right), (top_right, bottom_left)):
        if abs(one - other) > 0.25 * max(one, other) + 0.03:
            return None
    if abs(top[2] - (1.0 - bottom[2])) > 0.15:  # the far and the near corner mirror each other
        return None
    product = 0.5 * (top_left * top_right + bottom_left * bottom_right)
    quality = 1.0 - max(top[3], bottom[3]) / (BOX_FIT * width)
    return math.sqrt(min(product, 1.0)), quality, top[3], bottom[3]


def estimate_elevation(alpha: np.ndarray) -> CameraEstimate:
    """The camera's elevation over the product in a cut-out's alpha channel (H x W uint8, 0-255).

    Cues, in the order they decide: the round base (the lowest outline an ellipse arc under upright
    walls: sin(elevation) = its minor / major axis), the top face (the same arc at the top end: a jar's
    lid, a can's rim), a flat lay (no ground contact, no walls: a shoe or a watch photographed from
    above, 60-90 degrees), else a default tabletop elevation with low confidence.
    """
    mask = _mask(alpha)
    if mask is None:
        return CameraEstimate(DEFAULT_ELEVATION, 0.0, "default")
    base = _end_arc(mask)
    lid = _end_arc(_flipped(mask))
    box = _box_ratio(mask)
    # a box's corners are sharp: its roof and V fit two straight edges better than any ellipse arc
    if box is not None and all(arc is None or fit < arc.rms for arc, fit in ((base, box[3]), (lid, box[2]))):
        elevation = math.degrees(math.asin(box[0]))
        return CameraEstimate(round(elevation, 1), round(0.4 + 0.5 * box[1], 2), "top face")
    for arc, cue in ((base, "round base"), (lid, "top face")):
        if arc is None or arc.ratio > MAX_BASE_RATIO:
            continue
        return _arc_estimate(arc, cue)
    flat = _flat_lay(_shape(mask))
    if flat >= 0.5:
        return CameraEstimate(FLAT_LAY_ELEVATION, round(0.4 + 0.5 * flat, 2), "flat lay")
    return CameraEstimate(DEFAULT_ELEVATION, 0.3, "default")


def _arc_estimate(arc: _Arc, cue: str) -> CameraEstimate:
    """The elevation a round end's arc gives, trusted the more the larger and the rounder it is."""
    elevation = math.degrees(math.asin(min(arc.ratio, 1.0)))
    size = min(1.0, arc.half_width / (3 * MIN_BASE_HALF_WIDTH))
    # a straight base line is what a level camera sees, but also what any camera sees of a box
    # square-on: the flatter the base, the less it says
    flatness = min(1.0, max(0.4, arc.ratio / 0.1))
    confidence = (0.35 + 0.6 * arc.quality * size) * flatness
    if cue == "top face":
        confidence *= 0.85  # a lid or a shoulder can be domed; the base is the surer cue
    return CameraEstimate(round(elevation, 1), round(confidence, 2), cue)
