"""Where copy goes on a creative: the product's box, the free zones a headline and a call-to-action fit in
(and which text colour reads on each), and for landscape_safe the three 1200x628 crops a designer makes.

The client places its text by these numbers instead of guessing around the product, in every format.
All values are integer pixels of that format's image; the JSON shape is

    {"productBox": {"x", "y", "width", "height"},
     "textZones": [{"x", "y", "width", "height", "text": "light" | "dark"}, ...],
     "cropWindows": [{"x", "y", "width", "height", "placement": "left" | "centre" | "right"}, ...]}

with "cropWindows" only for landscape_safe.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from workers.render.compose import Creative
from workers.render.formats import OutputFormat
from workers.render.layout import AD_SIZE, SIDE_MARGIN

TEXT_GAP = 0.02  # share of the image's shorter side kept between the product and any text zone (≥ 4 px)
MIN_TEXT_HEIGHT = 0.10  # a text zone is at least this share of the image's height tall (≥ 16 px) ...
MIN_TEXT_WIDTH = 0.25  # ... and this share of the ad's width wide (≥ 16 px): a line of headline fits
MIN_TEXT_PIXELS = 16
ACROSS = 1.15  # a band across the image is taken first unless a band beside the product is this much larger
# The relative luminance at which black and white text have the same contrast (WCAG: 1.05 / (L + 0.05) =
# (L + 0.05) / 0.05): above it dark text reads better.
EVEN_CONTRAST = 0.179


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    right: int  # exclusive
    bottom: int  # exclusive

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def area(self) -> int:
        return max(0, self.width) * max(0, self.height)

    def overlaps(self, other: Box) -> bool:
        return (
            self.left < other.right
            and other.left < self.right
            and self.top < other.bottom
            and other.top < self.bottom
        )

    def as_json(self, **extra: str) -> dict[str, Any]:
        return {"x": self.left, "y": self.top, "width": self.width, "height": self.height, **extra}


def product_box(creative: Creative) -> Box:
    """The tight box of the product's opaque pixels (alpha > 127) as pasted, clipped to the image."""
    alpha = np.asarray(creative.product.getchannel("A")) > 127
    rows, cols = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
    spot = creative.placement
    if not len(rows):  # nothing opaque: the placement itself
        rows, cols = np.array([0, spot.height - 1]), np.array([0, spot.width - 1])
    width, height = creative.image.size
    return Box(
        min(max(spot.left + int(cols[0]), 0), width),
        min(max(spot.top + int(rows[0]), 0), height),
        min(max(spot.left + int(cols[-1]) + 1, 0), width),
        min(max(spot.top + int(rows[-1]) + 1, 0), height),
    )


def ad_area(fmt: OutputFormat) -> Box:
    """Where text may go: the whole image, or for landscape_safe the 1200x628 ad in its centre (the sides
    are scene for cropping, and a crop may cut them off)."""
    if not fmt.safe_margin:
        return Box(0, 0, fmt.width, fmt.height)
    left = (fmt.width - AD_SIZE[0]) // 2
    return Box(left, 0, left + AD_SIZE[0], fmt.height)


def _bands(area: Box, keep_out: Box) -> list[Box]:
    """The four largest rectangles of `area` clear of `keep_out`: above, below, left and right of it."""
    return [
        Box(area.left, area.top, area.right, min(area.bottom, keep_out.top)),
        Box(area.left, max(area.top, keep_out.bottom), area.right, area.bottom),
        Box(area.left, area.top, min(area.right, keep_out.left), area.bottom),
        Box(max(area.left, keep_out.right), area.top, area.right, area.bottom),
    ]


def _outside(candidate: Box, taken: Box) -> Box:
    """The largest part of `candidate` that `taken` does not cover (all of it where they do not meet)."""
    if not candidate.overlaps(taken):
        return candidate
    return max(_bands(candidate, taken), key=lambda box: box.area)


def _grown(box: Box, by: int) -> Box:
    return Box(box.left - by, box.top - by, box.right + by, box.bottom + by)


def free_zones(
    area: Box, product: Box, gap: int, least: tuple[int, int], stand: Box | None = None
) -> list[Box]:
    """Zones of `area` clear of the product and of the block it stands on (by `gap`), none overlapping
    another, each at least `least` (width, height). First the largest band around the product (the largest
    part of it off the block), a band across the image (above or below it) preferred unless one beside it
    is `ACROSS` times larger, as a headline is a line across; then, largest first, the largest part of
    each other band that the zones taken leave free."""
    candidates = _bands(area, _grown(product, gap))  # above, below, left, right
    if stand is not None:
        candidates = [_outside(c, _grown(stand, gap)) for c in candidates]
    fits = [(i, c) for i, c in enumerate(candidates) if c.width >= least[0] and c.height >= least[1]]
    if not fits:
        return []
    _, chosen = max(fits, key=lambda item: item[1].area * (ACROSS if item[0] < 2 else 1.0))
    zones = [chosen]
    rest = [c for _, c in fits if c is not chosen]
    while rest:
        rest = [_outside(c, zones[-1]) for c in rest]  # each zone taken is cut out of the bands left
        rest = [c for c in rest if c.width >= least[0] and c.height >= least[1]]
        if rest:
            zones.append(max(rest, key=lambda box: box.area))
            rest.remove(zones[-1])
    return zones


def text_colour(image: np.ndarray, zone: Box) -> str:
    """ "dark" where the zone's mean relative luminance is above `EVEN_CONTRAST` (dark text reads better
    there), else "light"."""
    pixels = image[zone.top : zone.bottom, zone.left : zone.right, :3].astype(np.float32) / 255.0
    linear = np.where(pixels <= 0.04045, pixels / 12.92, ((pixels + 0.055) / 1.055) ** 2.4)
    luminance = float((linear @ np.array([0.2126, 0.7152, 0.0722], np.float32)).mean())
    return "dark" if luminance > EVEN_CONTRAST else "light"


def crop_windows(product: Box, fmt: OutputFormat) -> list[dict[str, Any]]:
    """Three 1200x628 windows of the landscape_safe image that each hold the whole product: at its left
    (the product `SIDE_MARGIN` of the window in from its left edge), centred, and at its right.

    A window never leaves the image (x in 0 … 474), so the product moves at most 237 px each way from
    where it stands in the ad: a placement the image cannot reach is clamped to the nearest window that
    still holds the whole product. A product wider than a window (never, as `place` keeps it in the ad)
    gets the window centred on it, clamped to the image."""
    width, height = AD_SIZE
    margin = round(width * SIDE_MARGIN)
    wanted = {
        "left": product.left - margin,
        "centre": round((product.left + product.right - width) / 2),
        "right": product.right + margin - width,
    }
    lowest, highest = max(0, product.right - width), min(fmt.width - width, product.left)
    if lowest > highest:
        lowest, highest = 0, fmt.width - width
        wanted = dict.fromkeys(wanted, wanted["centre"])
    return [
        Box(x, 0, x + width, height).as_json(placement=placement)
        for placement, x in ((p, min(max(at, lowest), highest)) for p, at in wanted.items())
    ]


def layout_of(creative: Creative, fmt: OutputFormat) -> dict[str, Any]:
    """The creative's layout in the client's JSON shape (see the module's docstring)."""
    product = product_box(creative)
    area = ad_area(fmt)
    gap = max(4, round(TEXT_GAP * min(fmt.width, fmt.height)))
    least = (
        max(MIN_TEXT_PIXELS, round(MIN_TEXT_WIDTH * area.width)),
        max(MIN_TEXT_PIXELS, round(MIN_TEXT_HEIGHT * fmt.height)),
    )
    image = np.asarray(creative.image.convert("RGB"))
    stand = Box(*creative.stand) if creative.stand else None
    zones = sorted(free_zones(area, product, gap, least, stand), key=lambda box: -box.area)
    layout: dict[str, Any] = {
        "productBox": product.as_json(),
        "textZones": [zone.as_json(text=text_colour(image, zone)) for zone in zones],
    }
    if fmt.safe_margin:
        layout["cropWindows"] = crop_windows(product, fmt)
    return layout
