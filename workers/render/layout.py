"""Where the product goes on the ad canvas.

The 1200x628 composition is the ad. The 1674x628 canvas is the same composition extended by 237 px of the
same scene on each side, so a designer can crop it to place the product left, centre or right
(DisableSafeMargin=true returns exactly the 1200x628 centre). Every other format (formats.py) is laid out
anew for its own shape (`place_format`), never cropped from another.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workers.render.formats import NO_MARGIN_FORMAT, SAFE_MARGIN_FORMAT, OutputFormat

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


@dataclass(frozen=True)
class Design:
    """How a product is framed on a canvas of one shape (shares of the canvas's own width and height)."""

    heights: tuple[float, float, float]  # the height a tall (aspect > 1.4), a squat and a wide product take
    widths: tuple[float, float]  # the most of the safe width a wide product (aspect < 0.8), or another, takes
    side_margin: float  # each side's share of the width kept free
    below_horizon: float  # how far below the floor line the product's base stands (`base_line` for the ad)
    lowest_base: float  # ... and never lower than this
    cut_height: float  # the most of the height a product the frame cut takes (a tall one keeps text room)
    at_an_end: bool = False  # a strip: the product stands at its left or right end, the rest is for text


# Wider than 3:1 (a leaderboard): the product at one end, most of the height, a small share of the width.
# From 7:5 to 3:1: as the 1200x628 ad. From 7:10 to 7:5 (square, portrait, a 300x250 banner): smaller and
# standing lower, so a headline fits above it. Taller than 7:10 (a story, a skyscraper): bounded by the
# width, standing in the lower middle with the upper half free for text.
STRIP = Design((0.86, 0.86, 0.86), (0.3, 0.3), 0.04, 0.2, LOWEST_BASE, 1.0, at_an_end=True)
WIDE = Design((0.74, 0.66, 0.52), (0.62, 0.5), SIDE_MARGIN, STANDS_BELOW_HORIZON, LOWEST_BASE, 1.0)
SQUARE = Design((0.46, 0.4, 0.32), (0.66, 0.58), 0.1, 0.16, 0.92, 0.66)
TALL = Design((0.36, 0.28, 0.22), (0.9, 0.85), 0.06, 0.18, 0.9, 0.55)
LEGACY = (SAFE_MARGIN_FORMAT, NO_MARGIN_FORMAT)  # laid out by `place`, as they always were


def design_for(fmt: OutputFormat) -> Design:
    aspect = fmt.width / fmt.height
    return STRIP if aspect >= 3 else WIDE if aspect >= 1.4 else SQUARE if aspect >= 0.7 else TALL


def place_format(
    product_size: tuple[int, int],
    fmt: OutputFormat,
    floor_line: float,
    cut: FrameCut = FrameCut(),
    seed: int | None = None,
) -> Placement:
    """`place` for any output format: landscape_safe and landscape exactly as ever; any other laid out for
    its own shape by its `Design`: the product scaled by its aspect, standing on the same floor line, the
    seed's `LAYOUTS` moving it across the safe width and varying its size, or putting it at one end of a
    strip. A product the photo's frame cut runs off the same edge (see `place`), centred (or at a strip's
    end), taking at most the design's `cut_height`."""
    if fmt.name in LEGACY:
        return place(product_size, fmt.size, floor_line, cut, seed)
    design = design_for(fmt)
    canvas_width, canvas_height = fmt.size
    through = cut.top or cut.bottom
    where, factor = LAYOUTS[seed % len(LAYOUTS)] if seed is not None else (0.5, 1.0)
    where = (0.0 if where <= 0.5 else 1.0) if design.at_an_end else 0.5 if through else where
    floor_y = canvas_height * min(design.lowest_base, floor_line + design.below_horizon)
    floor_y = canvas_height if cut.bottom else floor_y
    new_width, new_height = _scaled(product_size, fmt.size, design, cut, (floor_y, factor))
    top = 0 if cut.top and not cut.bottom else round(floor_y - new_height)
    free = canvas_width * (1 - 2 * design.side_margin) - new_width
    left = (
        round(canvas_width * design.side_margin + free * where)
        if free > 0
        else (canvas_width - new_width) // 2
    )
    return Placement(left, top, new_width, new_height)


def _scaled(
    product_size: tuple[int, int],
    canvas: tuple[int, int],
    design: Design,
    cut: FrameCut,
    base: tuple[float, float],
) -> tuple[int, int]:
    """The product's size on a canvas of `design`, its base at `base[0]` and scaled by the seed's `base[1]`:
    its aspect's share of the height, at most its share of the safe width, under the top margin (a product
    the frame cut: as much of the height as the design gives it, at most the whole width, or a strip's
    share)."""
    width, height = product_size
    canvas_width, canvas_height = canvas
    floor_y, factor = base
    aspect = height / width
    widest = canvas_width * (1 - 2 * design.side_margin) * design.widths[0 if aspect < 0.8 else 1]
    if cut.top or cut.bottom:
        room = floor_y - (0 if cut.top else canvas_height * TOP_MARGIN)
        widest = widest if design.at_an_end else canvas_width
        scale = min(room / height, canvas_height * design.cut_height / height, widest / width)
    else:
        share = design.heights[0 if aspect > 1.4 else 1 if aspect > 0.8 else 2]
        scale = min(canvas_height * share / height, widest / width) * factor
        scale = min(scale, (floor_y - canvas_height * TOP_MARGIN) / height)
    return max(1, round(width * scale)), max(1, round(height * scale))
