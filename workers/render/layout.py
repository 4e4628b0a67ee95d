"""Where the product goes on the ad canvas.

The 1200x628 composition is the ad. The 1674x628 canvas is the same composition extended by 237 px of the
same scene on each side, so a designer can crop it to place the product left, centre or right
(DisableSafeMargin=true returns exactly the 1200x628 centre).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

AD_SIZE = (1200, 628)
WIDE_SIZE = (1674, 628)
SIDE_EXTENSION = (WIDE_SIZE[0] - AD_SIZE[0]) // 2  # 237
TOP_MARGIN = 0.07  # share of the height kept free above the product
SIDE_MARGIN = 0.12  # share of the ad's width kept free beside the product
STANDS_BELOW_HORIZON = 0.12  # share of the height below the floor line where a product's base stands
LOWEST_BASE = 0.94  # ... and never lower than this share of the height
CUT_SHARE = 0.04  # share of a cut-out's edge row that is opaque when the photo's frame cut the product there
# Layouts a task's seed picks: (where the product stands in the free width of the safe zone, 0 = its left
# edge and 1 = its right, and a scale), so six creatives of one product are not six copies of one framing.
LAYOUTS = ((0.5, 1.0), (0.22, 0.94), (0.78, 0.94), (0.5, 0.86), (0.3, 1.0), (0.7, 1.0))


@dataclass(frozen=True)
class FrameCut:
    """The edges of a cut-out where the photo's frame cut through the product (a body cut off at the
    thighs, a shelf cut at the top): there the product must run off the ad too, or the cut shows."""

    top: bool = False
    bottom: bool = False


def frame_cut(alpha: np.ndarray) -> FrameCut:
    """Read off the cut-out's alpha (0-255): the cut-out keeps a transparent margin around the product,
    except where the photo ended, so opaque pixels along an edge row mean the frame cut the product."""

    def cut(row: np.ndarray) -> bool:
        return bool((row > 127).mean() >= CUT_SHARE)

    return FrameCut(top=cut(alpha[0]), bottom=cut(alpha[-1]))


@dataclass(frozen=True)
class Placement:
    left: int
    top: int
    width: int
    height: int

    @property
    def bottom(self) -> int:
        return self.top + self.height

    @property
    def centre_x(self) -> float:
        return self.left + self.width / 2


def base_line(floor_line: float) -> float:
    """Where a product's base stands, as a share of the canvas height, on a scene with this floor line."""
    return min(LOWEST_BASE, floor_line + STANDS_BELOW_HORIZON)


def canvas_size(disable_safe_margin: bool) -> tuple[int, int]:
    return AD_SIZE if disable_safe_margin else WIDE_SIZE


def place(
    product_size: tuple[int, int],
    canvas: tuple[int, int],
    floor_line: float,
    cut: FrameCut = FrameCut(),
    seed: int | None = None,
) -> Placement:
    """Scale the product to a pleasing share of the ad by its aspect and stand it on the floor line.

    Tall things (bottles) take more of the height, wide things (shoes) are bounded by the width; the
    product is never cut off and never leaves the ad's safe zone, unless the photo already cut it: then
    it runs off the same edge of the ad (see `FrameCut`). A `seed` picks one of `LAYOUTS` (left, centre or
    right, and a scale); without one the product stands in the centre.
    """
    width, height = product_size
    canvas_width, canvas_height = canvas
    aspect = height / width
    target_height = canvas_height * (0.74 if aspect > 1.4 else 0.66 if aspect > 0.8 else 0.52)
    scale = target_height / height
    max_width = AD_SIZE[0] * (1 - 2 * SIDE_MARGIN) * (0.62 if aspect < 0.8 else 0.5)
    scale = min(scale, max_width / width)
    # Standing on the floor: the product's base sits a little below the horizon line.
    floor_y = canvas_height * base_line(floor_line)
    if cut.top or cut.bottom:
        # A cut edge lies on the ad's edge: off the bottom (no floor under it), off the top, or both. The
        # product may then use the ad's whole width; a cut edge left floating would look like a mistake.
        floor_y = canvas_height if cut.bottom else floor_y
        room = floor_y - (0 if cut.top else canvas_height * TOP_MARGIN)
        scale = min(room / height, AD_SIZE[0] / width)
        new_width, new_height = max(1, round(width * scale)), max(1, round(height * scale))
        # Cut at both edges but too wide to span the height inside the ad: the bottom edge keeps its place.
        top = 0 if cut.top and not cut.bottom else round(floor_y - new_height)
        return Placement(round((canvas_width - new_width) / 2), top, new_width, new_height)
    where, factor = LAYOUTS[seed % len(LAYOUTS)] if seed is not None else (0.5, 1.0)
    scale = min(scale * factor, (floor_y - canvas_height * TOP_MARGIN) / height)
    new_width, new_height = max(1, round(width * scale)), max(1, round(height * scale))
    top = round(floor_y - new_height)
    return Placement(_left_in_safe_zone(new_width, canvas_width, where), top, new_width, new_height)


def _left_in_safe_zone(width: int, canvas_width: int, where: float) -> int:
    """The left edge that puts a product `width` wide at `where` (0 left … 1 right) of the ad's safe zone."""
    ad_left = (canvas_width - AD_SIZE[0]) / 2
    safe_left, safe_width = ad_left + AD_SIZE[0] * SIDE_MARGIN, AD_SIZE[0] * (1 - 2 * SIDE_MARGIN)
    free = safe_width - width
    if free <= 0:  # wider than the safe zone (it never is wider than the ad): centred
        return round((canvas_width - width) / 2)
    return round(safe_left + free * where)
