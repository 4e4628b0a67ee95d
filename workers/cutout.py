"""Background removal for product shots: rembg's mask, then the clean-up a product cut-out needs.

The mask is predicted and cleaned on a working copy (long side <= WORK_SIDE: rembg's u2net models
see 320 px), then scaled once to the photo's full size, so the product's own pixels keep
their full resolution and the clean-up costs little next to the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image, ImageFilter
from scipy import ndimage

from workers.imaging import ImageRejected

WORK_SIDE = 512  # rembg models see 320 px: cleaning the mask any larger only costs time
KEEP_RELATIVE_AREA = (
    0.35  # a second blob at least this share of the largest is part of the product (a pair of shoes)
)
PINHOLE_SHARE = 0.002  # holes smaller than this share of the object are mask errors; larger ones are real
MIN_OBJECT_SHARE = 0.005
EDGE_CONTRAST = 2.0
BRIDGE_SHARE = 0.012
MARGIN_SHARE = 0.02


@dataclass(frozen=True)
class Cutout:
    image: Image.Image  # RGBA, cropped to the product plus a small margin
    box: tuple[int, int, int, int]  # where the crop sits in the photo (left, top, right, bottom)
    coverage: float  # share of the photo the product covers


def _working_copy(photo: Image.Image) -> Image.Image:
    rgb = photo.convert("RGB")
    scale = WORK_SIDE / max(rgb.size)
    if scale < 1:
        rgb = rgb.resize((round(rgb.width * scale), round(rgb.height * scale)), Image.Resampling.BILINEAR)
    return rgb


def predict_mask(photo: Image.Image, session: Any) -> Image.Image:
    """rembg's soft mask ("L") of the working copy."""
    from rembg import remove

    mask = remove(_working_copy(photo), session=session, only_mask=True)
    return mask if isinstance(mask, Image.Image) else Image.fromarray(np.asarray(mask))


def clean_mask(mask: np.ndarray) -> np.ndarray:
    """Soft alpha in [0, 1]: the main object only, pin-holes filled, faint haze and near-opaque noise snapped."""
    # Steeper than rembg's ramp: its masks come up from 320 px and would leave wide, hazy edges.
    alpha = np.clip((mask.astype(np.float32) / 255.0 - 0.5) * EDGE_CONTRAST + 0.5, 0.0, 1.0)
    solid = alpha > 0.5
    # Opening first cuts thin bridges (a leaf touching a stand), so blobs are judged on their own.
    bridge = max(2, round(BRIDGE_SHARE * max(alpha.shape)))
    opened = ndimage.binary_opening(solid, iterations=bridge)
    labels, count = ndimage.label(opened, structure=np.ones((3, 3)))
    if count == 0:
        return np.zeros_like(alpha)
    areas = ndimage.sum(opened, labels, index=np.arange(1, count + 1))
    keep_ids = np.flatnonzero(areas >= KEEP_RELATIVE_AREA * areas.max()) + 1
    kept = solid & ndimage.binary_dilation(np.isin(labels, keep_ids), iterations=bridge + 1)
    # Soft edges belong to the kept blobs only: drop everything further than a few pixels from them.
    alpha *= ndimage.binary_dilation(kept, iterations=4)
    holes, hole_count = ndimage.label(ndimage.binary_fill_holes(kept) & ~kept)
    if hole_count:
        hole_areas = ndimage.sum(np.ones_like(alpha), holes, index=np.arange(1, hole_count + 1))
        small = np.flatnonzero(hole_areas < PINHOLE_SHARE * kept.sum()) + 1
        alpha[np.isin(holes, small)] = 1.0
    alpha[alpha > 0.97] = 1.0
    alpha[alpha < 0.03] = 0.0
    cleaned: np.ndarray = alpha
    return cleaned


def decontaminate(rgb: np.ndarray, alpha: np.ndarray, radius: float = 3.0) -> np.ndarray:
    """Replace the colour of see-through edge pixels by the colour bled in from the opaque product.

    Edge pixels mix product and old background; keeping their colour leaves a halo of the old
    background on any new one. Opaque pixels are returned unchanged. (Pillow's blur: the edge band is
    all that changes, and a float blur of the whole crop would cost more than the model's run.)
    """
    solid = Image.fromarray(np.where(alpha >= 0.95, 255, 0).astype(np.uint8), "L")
    colours = Image.fromarray(np.clip(rgb + 0.5, 0, 255).astype(np.uint8), "RGB")
    premultiplied = Image.composite(colours, Image.new("RGB", colours.size), solid)
    bled = np.asarray(premultiplied.filter(ImageFilter.GaussianBlur(radius)), dtype=np.float32)
    weights = np.asarray(solid.filter(ImageFilter.GaussianBlur(radius)), dtype=np.float32) / 255.0
    edge = (alpha < 0.95) & (weights > 0.01)
    out: np.ndarray = rgb.copy()
    out[edge] = bled[edge] / weights[edge][:, None]
    return out


def _margin(alpha: np.ndarray) -> int:
    rows, cols = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
    return max(4, round(MARGIN_SHARE * int(max(rows[-1] - rows[0], cols[-1] - cols[0]))))


def _crop_box(alpha: np.ndarray) -> tuple[int, int, int, int]:
    """The product's box plus a margin, within the photo: where the photo's frame cut the product, the
    crop ends at the frame and the product touches the cut-out's edge (the renderer reads that)."""
    rows, cols = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
    height, width = alpha.shape
    margin = _margin(alpha)
    return (
        int(max(0, cols[0] - margin)),
        int(max(0, rows[0] - margin)),
        int(min(width, cols[-1] + 1 + margin)),
        int(min(height, rows[-1] + 1 + margin)),
    )


def cut_out(photo: Image.Image, session: Any) -> Cutout:
    """The product of `photo` as a tightly cropped RGBA image with clean edges."""
    alpha_small = clean_mask(np.asarray(predict_mask(photo, session)))
    coverage = float(alpha_small.mean())
    if (alpha_small > 0.5).mean() < MIN_OBJECT_SHARE:
        raise ImageRejected(
            "no_object",
            "No product could be found in the photo. Use a photo where the product is clearly visible.",
        )
    mask_small = Image.fromarray((alpha_small * 255 + 0.5).astype(np.uint8), "L")
    mask = (
        mask_small.resize(photo.size, Image.Resampling.BILINEAR)
        if mask_small.size != photo.size
        else mask_small
    )
    own_alpha = np.asarray(photo.getchannel("A")) if photo.mode == "RGBA" else None
    if own_alpha is not None:  # a photo that already had transparency keeps it
        mask = Image.fromarray(np.minimum(np.asarray(mask), own_alpha))
    alpha = np.asarray(mask).astype(np.float32) / 255.0
    box = _crop_box(alpha > 0)
    left, top, right, bottom = box
    alpha = alpha[top:bottom, left:right]
    rgb = np.asarray(photo.convert("RGB").crop(box)).astype(np.float32)
    rgb = decontaminate(rgb, alpha)
    rgba = np.dstack([np.clip(rgb + 0.5, 0, 255).astype(np.uint8), (alpha * 255 + 0.5).astype(np.uint8)])
    if own_alpha is not None and (own_alpha < 128).any():
        # Already cut out, often cropped tight to the product: its edges are the product's, not a frame's.
        rgba = _pad_margin(rgba, _margin(alpha > 0))
    return Cutout(Image.fromarray(rgba, "RGBA"), box, coverage)


def _pad_margin(rgba: np.ndarray, margin: int) -> np.ndarray:
    """A transparent margin on each side where the product touches the edge of the image."""
    opaque = rgba[..., 3] > 0

    def pad(edge: np.ndarray) -> int:
        return margin if edge.any() else 0

    sides = ((pad(opaque[0]), pad(opaque[-1])), (pad(opaque[:, 0]), pad(opaque[:, -1])))
    padded: np.ndarray = np.pad(rgba, (*sides, (0, 0)))
    return padded


def on_background(cutout: Image.Image, colour: tuple[int, int, int]) -> Image.Image:
    """The cut-out composited over a flat colour (what the classifier and previews look at)."""
    canvas = Image.new("RGB", cutout.size, colour)
    canvas.paste(cutout, mask=cutout.getchannel("A"))
    return canvas
