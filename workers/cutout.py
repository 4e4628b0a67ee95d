"""Background removal for product shots: rembg's mask, then the clean-up a product cut-out needs.

The mask is predicted and cleaned on a working copy (long side <= WORK_SIDE: rembg's u2net models
see 320 px), then scaled once to the photo's full size, so the product's own pixels keep
their full resolution and the clean-up costs little next to the model.

On a plain backdrop (a studio shot: the photo's border fits one smooth colour field) two things are known
that the model does not use: every object on it is part of the product (a multi-pack or a desk set is
one group, not a main object and clutter), and the product's outline shows as an edge against it even
where the product is as white as the backdrop. So there, smaller blobs are kept, and parts the model
missed that the product's own outline encloses are put back (not the backdrop seen through a handle).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageChops, ImageFilter
from scipy import ndimage

from workers.colour import srgb_to_lab
from workers.imaging import ImageRejected

WORK_SIDE = 512  # rembg models see 320 px: cleaning the mask any larger only costs time
KEEP_RELATIVE_AREA = (
    0.35  # a second blob at least this share of the largest is part of the product (a pair of shoes)
)
GROUP_RELATIVE_AREA = 0.08  # on a plain backdrop, a blob this share of the largest is part of the group
PLAIN_BORDER = 0.85  # share of the border within PLAIN_DELTA (ΔE) of the fitted backdrop: a studio shot
PLAIN_DELTA = 6.0
OUTLINE_STEP = 3.0  # lightness change per pixel (ΔL, Sobel) that draws an outline
SEE_THROUGH = 2.0  # an enclosed region this close to the backdrop (mean ΔE) is the backdrop seen through
PINHOLE_SHARE = 0.002  # holes smaller than this share of the object are mask errors; larger ones are real
MIN_OBJECT_SHARE = 0.005
EDGE_CONTRAST = 2.0
BRIDGE_SHARE = 0.012
MARGIN_SHARE = 0.02
TRANSPARENT_BORDER = 0.1  # share of an upload's border that is see-through when it was already cut out


_CROSS = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))


def _morph(mask: np.ndarray, operation: int, iterations: int) -> np.ndarray:
    """scipy.ndimage's binary opening, closing or dilation of `mask` (`iterations` times, its 3x3 cross,
    nothing outside the image), done by OpenCV: the same pixels in a tenth of the time."""
    done = cv2.morphologyEx(
        np.ascontiguousarray(mask, dtype=np.uint8), operation, _CROSS, iterations=iterations,
        borderType=cv2.BORDER_CONSTANT, borderValue=0,
    )  # fmt: skip
    return done.astype(bool)


@dataclass(frozen=True)
class Cutout:
    image: Image.Image  # RGBA, cropped to the product plus a small margin
    # Where the crop sits in the photo (left, top, right, bottom); for an upload already cut out it may
    # reach past the photo's edges, so that the product keeps a transparent margin all round.
    box: tuple[int, int, int, int]
    coverage: float  # share of the photo the product covers


def _working_copy(photo: Image.Image) -> Image.Image:
    rgb = photo if photo.mode == "RGB" else photo.convert("RGB")  # convert() would copy even an RGB photo
    scale = WORK_SIDE / max(rgb.size)
    if scale < 1:
        rgb = rgb.resize((round(rgb.width * scale), round(rgb.height * scale)), Image.Resampling.BILINEAR)
    return rgb


def predict_mask(photo: Image.Image, session: Any) -> Image.Image:
    """rembg's soft mask ("L") of the working copy."""
    from rembg import remove

    mask = remove(_working_copy(photo), session=session, only_mask=True)
    return mask if isinstance(mask, Image.Image) else Image.fromarray(np.asarray(mask))


def _surface(ys: np.ndarray, xs: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """The terms of a smooth (quadratic) colour field at pixels (ys, xs) of an image of `shape`."""
    x, y = xs / shape[1], ys / shape[0]
    return np.stack([np.ones_like(x), x, y, x * y, x * x, y * y], axis=-1)


def backdrop(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(the photo in Lab, the backdrop's Lab colour at every pixel) where the photo's border fits one smooth
    colour field (a studio sweep, lit unevenly or not); None for any other background. Only the border is
    converted until the fit says the backdrop is plain."""
    height, width = rgb.shape[:2]
    band = max(2, round(0.02 * max(height, width)))
    border = np.zeros((height, width), dtype=bool)
    border[:band], border[-band:], border[:, :band], border[:, -band:] = True, True, True, True
    rows, columns = np.nonzero(border)
    edge_terms = _surface(rows, columns, (height, width))
    edge_lab = srgb_to_lab(rgb[border])
    fit, *_ = np.linalg.lstsq(edge_terms, edge_lab, rcond=None)
    if (np.linalg.norm(edge_lab - edge_terms @ fit, axis=1) < PLAIN_DELTA).mean() < PLAIN_BORDER:
        return None
    lab = srgb_to_lab(ndimage.uniform_filter(rgb, size=(3, 3, 1)))  # a light blur: JPEG noise draws no edges
    grid_y, grid_x = np.mgrid[0:height, 0:width]
    return lab, _surface(grid_y, grid_x, (height, width)) @ fit


def restore_outlined(alpha: np.ndarray, lab: np.ndarray, field: np.ndarray) -> np.ndarray:
    """Parts of the product the model missed on a plain backdrop, put back where the product's own outline
    (edges joined to what the model kept) encloses them: a white product on white keeps its shape.

    Only a region that joins pieces of the model's mask is put back (the gaps of a product the model saw
    in blobs): one that touches a single piece is the backdrop inside a handle or a strap. Edges that run to
    the photo's border (the horizon of a studio sweep) are the backdrop's; holes the model's mask encloses
    on its own (a mug's handle) stay holes; slivers (a shadow's rim under the product) are dropped, and so
    is any region that is the backdrop seen through (its colour that of the backdrop)."""
    solid = alpha > 0.5
    blobs, _ = ndimage.label(solid, structure=np.ones((3, 3)))
    lightness = lab[..., 0]
    edges = np.hypot(ndimage.sobel(lightness, 0), ndimage.sobel(lightness, 1)) / 8 > OUTLINE_STEP
    pieces, _ = ndimage.label(edges | solid, structure=np.ones((3, 3)))
    border = np.unique(np.concatenate([pieces[0], pieces[-1], pieces[:, 0], pieces[:, -1]]))
    joined = np.setdiff1d(np.unique(pieces[solid]), np.append(border, 0))
    outline = _morph(np.isin(pieces, joined) | solid, cv2.MORPH_CLOSE, 2)
    enclosed = ndimage.binary_fill_holes(outline) & ~ndimage.binary_fill_holes(solid)
    regions, _ = ndimage.label(_morph(enclosed, cv2.MORPH_OPEN, 2))
    return _put_back(alpha, regions, blobs, np.linalg.norm(lab - field, axis=-1))


def _put_back(alpha: np.ndarray, regions: np.ndarray, blobs: np.ndarray, distance: np.ndarray) -> np.ndarray:
    """`alpha` with each enclosed region made opaque that joins two or more blobs and is not the backdrop."""
    restored: np.ndarray = alpha.copy()
    for index, box in enumerate(ndimage.find_objects(regions), start=1):
        where = tuple(slice(max(0, s.start - 4), s.stop + 4) for s in box)  # room to reach its neighbours
        region = regions[where] == index
        touching = np.unique(blobs[where][ndimage.binary_dilation(region, iterations=3)])
        if np.count_nonzero(touching) >= 2 and distance[where][region].mean() >= SEE_THROUGH:
            restored[where][region] = 1.0
    return restored


def clean_mask(mask: np.ndarray, plain: bool = False) -> np.ndarray:
    """Soft alpha in [0, 1]: the main object only (on a `plain` backdrop, the whole group), pin-holes filled,
    faint haze and near-opaque noise snapped."""
    # Steeper than rembg's ramp: its masks come up from 320 px and would leave wide, hazy edges.
    alpha = np.clip((mask.astype(np.float32) / 255.0 - 0.5) * EDGE_CONTRAST + 0.5, 0.0, 1.0)
    solid = alpha > 0.5
    # Opening first cuts thin bridges (a leaf touching a stand), so blobs are judged on their own.
    bridge = max(2, round(BRIDGE_SHARE * max(alpha.shape)))
    opened = _morph(solid, cv2.MORPH_OPEN, bridge)
    labels, count = ndimage.label(opened, structure=np.ones((3, 3)))
    if count == 0:
        return np.zeros_like(alpha)
    areas = np.bincount(labels.ravel())[1:]
    keep_share = GROUP_RELATIVE_AREA if plain else KEEP_RELATIVE_AREA
    keep_ids = np.flatnonzero(areas >= keep_share * areas.max()) + 1
    kept = solid & _morph(np.isin(labels, keep_ids), cv2.MORPH_DILATE, bridge + 1)
    # Soft edges belong to the kept blobs only: drop everything further than a few pixels from them.
    alpha *= _morph(kept, cv2.MORPH_DILATE, 4)
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


def product_alpha(photo: Image.Image, session: Any) -> np.ndarray:
    """The product's soft alpha on the working copy: the model's mask, cleaned, and on a plain backdrop
    the whole group with parts the model missed inside the product's outline put back."""
    small = _working_copy(photo)
    plain = backdrop(np.asarray(small, dtype=np.float64))
    alpha = clean_mask(np.asarray(predict_mask(small, session)), plain=plain is not None)
    return alpha if plain is None else restore_outlined(alpha, *plain)


def cut_out(photo: Image.Image, session: Any) -> Cutout:
    """The product of `photo` as a tightly cropped RGBA image with clean edges."""
    alpha_small = product_alpha(photo, session)
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
    crop = photo.crop(box)
    rgb = decontaminate(np.asarray(crop if crop.mode == "RGB" else crop.convert("RGB")), np.asarray(alpha))
    image = Image.fromarray(rgb, "RGB")
    image.putalpha(alpha)
    return Cutout(image, box, coverage)


def on_background(cutout: Image.Image, colour: tuple[int, int, int]) -> Image.Image:
    """The cut-out composited over a flat colour (what the classifier and previews look at)."""
    canvas = Image.new("RGB", cutout.size, colour)
    canvas.paste(cutout, mask=cutout.getchannel("A"))
    return canvas
