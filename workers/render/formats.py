"""The ad placements one shoot renders: named formats and custom sizes, validated.

Pure Python (no numpy, no Pillow): the web process imports it to check a request's formats before any
task is queued, and the worker reads the same names back into the sizes it renders.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

NAMED: dict[str, tuple[int, int]] = {
    "landscape_safe": (1674, 628),  # the 1200x628 ad and 237 px more of its scene each side, to crop
    "landscape": (1200, 628),
    "square": (1080, 1080),
    "portrait": (1080, 1350),
    "story": (1080, 1920),
    "banner_300x250": (300, 250),
    "leaderboard_728x90": (728, 90),
    "skyscraper_160x600": (160, 600),
}
MIN_SIDE = 64
MAX_SIDE = 4096
MAX_PIXELS = 4_194_304  # 2048 x 2048: a render's memory and time grow with its pixels
MAX_FORMATS = 8
DEFAULT_FORMAT = "landscape_safe"
NO_MARGIN_FORMAT = "landscape"  # what DisableSafeMargin asks for
SAFE_MARGIN_FORMAT = "landscape_safe"
CUSTOM = re.compile(r"(\d{1,9})x(\d{1,9})")  # bounds are checked after


@dataclass(frozen=True)
class OutputFormat:
    name: str  # a key of NAMED, or "<W>x<H>" for a custom size
    width: int
    height: int

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)

    @property
    def safe_margin(self) -> bool:
        """True only for landscape_safe: the ad is its centre 1200x628, the rest is scene to crop into."""
        return self.name == SAFE_MARGIN_FORMAT


def _named_or_custom(width: int, height: int) -> OutputFormat:
    """A size that a named format has is that format (one size, one layout, one name)."""
    for name, size in NAMED.items():
        if size == (width, height):
            return OutputFormat(name, width, height)
    return OutputFormat(f"{width}x{height}", width, height)


def _check_bounds(width: int, height: int) -> None:
    if min(width, height) < MIN_SIDE:
        raise ValueError(f"{width}x{height} is too small: each side must be at least {MIN_SIDE} pixels.")
    if max(width, height) > MAX_SIDE:
        raise ValueError(f"{width}x{height} is too large: no side may exceed {MAX_SIDE} pixels.")
    if width * height > MAX_PIXELS:
        raise ValueError(
            f"{width}x{height} is too large: at most {MAX_PIXELS:,} pixels (2048x2048) per creative."
        )


def output_format(name: str) -> OutputFormat:
    """The format a request names: one of `NAMED`, or a custom "<W>x<H>" (each side 64 to 4096 pixels,
    at most 4,194,304 pixels in all).

    Names are read leniently: surrounding spaces are dropped and case is ignored ("Square", "1080X1080").
    A custom size that a named format has is that named format ("1080x1080" is "square"), so a request
    cannot ask for one size twice under two names. Raises ValueError with a message for the client.
    """
    if not isinstance(name, str):
        raise ValueError("A format is a name such as 'square' or a size such as '1080x1080'.")
    key = name.strip().lower()
    if key in NAMED:
        return OutputFormat(key, *NAMED[key])
    match = CUSTOM.fullmatch(key)
    if match is None:
        known = ", ".join(NAMED)
        raise ValueError(f"Unknown format {name!r}: use one of {known}, or a size such as '1080x1080'.")
    width, height = int(match[1]), int(match[2])
    _check_bounds(width, height)
    return _named_or_custom(width, height)


def output_formats(names: Sequence[str]) -> tuple[OutputFormat, ...]:
    """The formats a request names, in its order: at least one, at most `MAX_FORMATS`, each size once
    (the same name twice, or a name and its size, "square" and "1080x1080", are refused)."""
    if isinstance(names, str) or not names:
        raise ValueError("Name at least one format, as a list such as ['landscape_safe', 'square'].")
    if len(names) > MAX_FORMATS:
        raise ValueError(f"At most {MAX_FORMATS} formats per request; {len(names)} were named.")
    formats: list[OutputFormat] = []
    for name in names:
        fmt = output_format(name)
        if any(seen.size == fmt.size for seen in formats):
            raise ValueError(f"Format {name!r} is named twice (as {fmt.name}, {fmt.width}x{fmt.height}).")
        formats.append(fmt)
    return tuple(formats)


def default_formats(disable_safe_margin: bool) -> tuple[OutputFormat, ...]:
    """What a request that names no format gets, as before formats existed."""
    return (output_format(NO_MARGIN_FORMAT if disable_safe_margin else DEFAULT_FORMAT),)
