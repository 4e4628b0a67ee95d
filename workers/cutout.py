"""Background removal for product shots: rembg's mask, then the clean-up a product cut-out needs.

The mask is predicted and cleaned on a working copy (long side <= WORK_SIDE: rembg's u2net models
see 320 px), then scaled once to the photo's full size, so the product's own pixels keep
their full resolution and the clean-up costs little next to the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image, ImageChops, ImageFilter
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
TRANSPARENT_BORDER = 0.1  # share of an upload's border that is see-through when it was already cut out


@dataclass(frozen=True)
class Cutout:
    image: Image.Image  # RGBA, cropped to the product plus a small margin
    # Where the crop sits in the photo (left, top, right, bottom); for an upload already cut out it may
    # reach past the photo's edges, so that the product keeps a transparent margin all round.
    box: tuple[int, int, int, int]
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
    areas = np.bincount(labels.ravel())[1:]
    keep_ids = np.flatnonzero(areas >= KEEP_RELATIVE_AREA * areas.max()) + 1
    kept = solid & ndimage.binary_dilation(np.isin(labels, keep_ids), iterations=bridge + 1)
    # Soft edges belong to the kept blobs only: drop everything further than a few pixels from them.
    alpha *= ndimage.binary_dilation(kept, iterations=4)
    # Holes: pieces of the background that do not reach the border. The small ones are mask errors.
    gaps, gap_count = ndimage.label(~kept)
    if gap_count:
        outside = np.unique(np.concatenate([gaps[0], gaps[-1], gaps[:, 0], gaps[:, -1]]))
        small = np.bincount(gaps.ravel(), minlength=gap_count + 1) < PINHOLE_SHARE * kept.sum()
        small[outside] = False
        small[0] = False
        alpha[small[gaps]] = 1.0
    alpha[alpha > 0.97] = 1.0
    alpha[alpha < 0.03] = 0.0
    cleaned: np.ndarray = alpha
    return cleaned


def decontaminate(rgb: np.ndarray, alpha: np.ndarray, radius: int = 3) -> np.ndarray:
    """Replace the colour of see-through edge pixels by the colour bled in from the opaque product.

    Edge pixels mix product and old background; keeping their colour leaves a halo of the old
    background on any new one. `rgb` and `alpha` are uint8; opaque pixels come back unchanged. The
    bleed is a box blur of the premultiplied colours at half resolution (colours change slowly, and
    this runs at the photo's full size, where a full-size blur would cost a tenth of the model's run).
    """
    solid_mask = alpha >= 242  # 0.95
    edge_y, edge_x = np.nonzero((alpha > 0) & ~solid_mask)
    out: np.ndarray = rgb.copy()
    if len(edge_y) == 0:
        return out
    solid = Image.fromarray(solid_mask.view(np.uint8) * 255, "L")
    premultiplied = Image.composite(Image.fromarray(rgb, "RGB"), Image.new("RGB", solid.size), solid)
    bled = np.asarray(premultiplied.reduce(2).filter(ImageFilter.BoxBlur(radius)))
    weights = np.asarray(solid.reduce(2).filter(ImageFilter.BoxBlur(radius)))
    y = np.minimum(edge_y // 2, weights.shape[0] - 1)
    x = np.minimum(edge_x // 2, weights.shape[1] - 1)
    weight = weights[y, x]
    near = weight > 2  # an opaque pixel within reach: bleed its colour; farther out, keep the pixel's own
    colour = bled[y[near], x[near]].astype(np.float32) * (255.0 / weight[near][:, None])
    out[edge_y[near], edge_x[near]] = np.clip(colour + 0.5, 0, 255).astype(np.uint8)
    return out


def _margin(box: tuple[int, int, int, int]) -> int:
    left, top, right, bottom = box
    return max(4, round(MARGIN_SHARE * max(right - left, bottom - top)))


def _crop_box(
    product: tuple[int, int, int, int], size: tuple[int, int], within: bool = True
) -> tuple[int, int, int, int]:
    """The product's box plus a margin. Within the photo (`within`), the crop ends where the photo's frame
    cut the product, which then touches the cut-out's edge (the renderer reads that); otherwise the box
    may reach past the photo, and the part outside is transparent."""
    left, top, right, bottom = product
    margin = _margin(product)
    if not within:
        return left - margin, top - margin, right + margin, bottom + margin
    return (
        max(0, left - margin),
        max(0, top - margin),
        min(size[0], right + margin),
        min(size[1], bottom + margin),
    )


def _already_cut_out(alpha: Image.Image) -> bool:
    """An upload with a transparent background (a packshot PNG), not one with a rounded corner or two:
    its edges are the product's, never a frame's, however tightly it was cropped."""
    edges = np.asarray(alpha)
    border = np.concatenate([edges[0], edges[-1], edges[:, 0], edges[:, -1]])
    return bool((border < 128).mean() >= TRANSPARENT_BORDER)


def cut_out(photo: Image.Image, session: Any) -> Cutout:
    """The product of `photo` as a tightly cropped RGBA image with clean edges."""
    alpha_small = clean_mask(np.asarray(predict_mask(photo, session)))
    coverage = float(alpha_small.mean())
    if (alpha_small > 0.5).mean() < MIN_OBJECT_SHARE:
        raise ImageRejected(
            "no_object",
            "No product could be found in the photo. Use a photo where the product is clearly visible.",
        )
    mask = Image.fromarray((alpha_small * 255 + 0.5).astype(np.uint8), "L")
    if mask.size != photo.size:
        mask = mask.resize(photo.size, Image.Resampling.BILINEAR)
    own_alpha = photo.getchannel("A") if photo.mode == "RGBA" else None
    if own_alpha is not None:  # a photo that already had transparency keeps it
        mask = ImageChops.darker(mask, own_alpha)
    product = mask.getbbox()
    if product is None:  # the photo's own transparency hid everything the model found
        raise ImageRejected(
            "no_object",
            "No product could be found in the photo. Use a photo where the product is clearly visible.",
        )
    box = _crop_box(product, photo.size, within=own_alpha is None or not _already_cut_out(own_alpha))
    alpha = mask.crop(box)  # past the photo's edge (an upload already cut out), crop() fills in transparency
    rgb = decontaminate(np.asarray(photo.crop(box).convert("RGB")), np.asarray(alpha))
    image = Image.fromarray(rgb, "RGB")
    image.putalpha(alpha)
    return Cutout(image, box, coverage)


def on_background(cutout: Image.Image, colour: tuple[int, int, int]) -> Image.Image:
    """The cut-out composited over a flat colour (what the classifier and previews look at)."""
    canvas = Image.new("RGB", cutout.size, colour)
    canvas.paste(cutout, mask=cutout.getchannel("A"))
    return canvas
