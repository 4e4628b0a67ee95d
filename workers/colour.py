"""Colour maths for product analysis: sRGB↔Lab, dominant colours by k-means, names and harmony."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image

from workers.vocabulary import COLOUR_NAMES


@dataclass(frozen=True)
class Colour:
    hex: str
    name: str
    share: float  # of the product's opaque pixels


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """(…, 3) sRGB in 0-255 → CIE Lab (D65)."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    matrix = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = linear @ matrix.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1
    )


_NAMES = list(COLOUR_NAMES)
_NAME_LAB = srgb_to_lab(np.array([COLOUR_NAMES[n] for n in _NAMES]))


def colour_name(rgb: tuple[int, int, int]) -> str:
    lab = srgb_to_lab(np.array(rgb))
    return _NAMES[int(np.argmin(np.linalg.norm(_NAME_LAB - lab, axis=1)))]


def _kmeans(points: np.ndarray, k: int, rounds: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic k-means (farthest-point start): the same photo always gives the same colours."""
    centres = [points[np.argmin(points[:, 0])]]
    for _ in range(1, k):
        distance = np.min([np.sum((points - c) ** 2, axis=1) for c in centres], axis=0)
        centres.append(points[int(np.argmax(distance))])
    centre_array = np.array(centres)
    labels = np.zeros(len(points), dtype=int)
    for _ in range(rounds):
        labels = np.argmin(((points[:, None, :] - centre_array[None]) ** 2).sum(-1), axis=1)
        for i in range(k):
            if np.any(labels == i):
                centre_array[i] = points[labels == i].mean(axis=0)
    return centre_array, labels


def dominant_colours(cutout: Image.Image, k: int = 5, sample: int = 6000) -> list[Colour]:
    """The product's main colours (opaque pixels only), largest share first, similar names merged."""
    small = cutout.copy()
    small.thumbnail((160, 160))
    rgba = np.asarray(small.convert("RGBA")).reshape(-1, 4)
    rgb = rgba[rgba[:, 3] > 230, :3].astype(np.float64)
    if len(rgb) == 0:
        return []
    step = max(1, len(rgb) // sample)
    rgb = rgb[::step]
    lab = srgb_to_lab(rgb)
    centres, labels = _kmeans(lab, min(k, len(lab)))
    by_name: dict[str, tuple[float, np.ndarray]] = {}
    for i in range(len(centres)):
        members = rgb[labels == i]
        if len(members) == 0:
            continue
        mean = members.mean(axis=0)
        name = colour_name((int(mean[0]), int(mean[1]), int(mean[2])))
        share, weighted = by_name.get(name, (0.0, np.zeros(3)))
        by_name[name] = (share + len(members) / len(rgb), weighted + mean * len(members) / len(rgb))
    colours = [
        Colour("#{:02x}{:02x}{:02x}".format(*np.clip(w / s + 0.5, 0, 255).astype(int)), name, round(s, 3))
        for name, (s, w) in by_name.items()
    ]
    return sorted(colours, key=lambda c: -c.share)


def hex_to_rgb(value: str) -> tuple[int, int, int]:
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def _lch(value: str) -> tuple[float, float, float]:
    lightness, a, b = srgb_to_lab(np.array(hex_to_rgb(value)))
    return float(lightness), math.hypot(a, b), math.degrees(math.atan2(b, a)) % 360


def harmony(product: list[Colour], palette: tuple[str, ...]) -> float:
    """0..1: how well a scene palette sets off the product.

    The backdrop must differ in lightness from the product (a white product vanishes on white), and its
    hues should be neutral, analogous or complementary to the product's main hue rather than clash.
    """
    if not product:
        return 0.5
    main_l, main_c, main_h = _lch(product[0].hex)
    back_l, back_c, back_h = _lch(palette[0])
    contrast = min(1.0, abs(main_l - back_l) / 35.0)
    if back_c < 12 or main_c < 12:
        hue = 0.85  # neutrals go with anything
    else:
        difference = abs((main_h - back_h + 180) % 360 - 180)
        hue = 1.0 if difference < 35 or difference > 145 else 0.35
    return 0.55 * contrast + 0.45 * hue


def accent_colour(product: list[Colour]) -> str:
    """A colour word that goes with the product: the complement of a vivid main colour, else a soft neutral."""
    if not product:
        return "soft grey"
    lightness, chroma, hue = _lch(product[0].hex)
    if chroma < 15:
        return "warm beige" if lightness < 50 else "deep charcoal"
    angle = math.radians((hue + 180) % 360)
    complement_lab = np.array([70.0, 35 * math.cos(angle), 35 * math.sin(angle)])
    distances = np.linalg.norm(_NAME_LAB - complement_lab, axis=1)
    return f"soft {_NAMES[int(np.argmin(distances))]}"
