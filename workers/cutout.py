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

import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageChops
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
        np.ascontiguousarray(mask, dtype=np.uint8),
        operation,
        _CROSS,
        iterations=iterations,
        borderType=cv2.BORDER_CONSTANT,
        borderValue=0,
    )
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
    if scale < 1:  # (a box reduction first, reducing_gap=1.0, halves this but flips 3 of 29 names)
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


def _border(height: int, width: int, band: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) of every pixel within `band` of an image's edge, each once."""
    if 2 * band >= min(height, width):  # the bands meet: every pixel is on the border
        every = np.indices((height, width)).reshape(2, -1)
        return every[0], every[1]
    across = np.r_[0:band, height - band : height]  # rows of the top and bottom bands
    rows = np.concatenate([np.repeat(across, width), np.repeat(np.arange(band, height - band), 2 * band)])
    sides = np.r_[0:band, width - band : width]
    columns = np.concatenate([np.tile(np.arange(width), len(across)), np.tile(sides, height - 2 * band)])
    return rows, columns


def backdrop(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(the photo in Lab, the backdrop's Lab colour at every pixel) where the photo's border fits one smooth
    colour field (a studio sweep, lit unevenly or not); None for any other background. Only the border is
    converted until the fit says the backdrop is plain."""
    height, width = rgb.shape[:2]
    rows, columns = _border(height, width, max(2, round(0.02 * max(height, width))))
    edge_terms = _surface(rows, columns, (height, width))
    edge_lab = srgb_to_lab(rgb[rows, columns])
    # Least squares by the normal equations: six terms, well scaled (x and y in [0, 1]).
    fit = np.linalg.solve(edge_terms.T @ edge_terms, edge_terms.T @ edge_lab)
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


def _half_blur(image: np.ndarray, radius: int) -> np.ndarray:
    """A box blur (2 * radius + 1 wide) of a uint8 `image` at half its size."""
    height, width = image.shape[:2]
    half = (max(1, width // 2), max(1, height // 2))
    even = image[: max(2, 2 * half[1]), : max(2, 2 * half[0])]  # OpenCV halves even sides 20x faster
    small = cv2.resize(even, half, interpolation=cv2.INTER_AREA)
    return cv2.blur(small, (2 * radius + 1, 2 * radius + 1), borderType=cv2.BORDER_CONSTANT)


def decontaminate(rgb: np.ndarray, alpha: np.ndarray, radius: int = 3) -> np.ndarray:
    """Replace the colour of see-through edge pixels by the colour bled in from the opaque product.

    Edge pixels mix product and old background; keeping their colour leaves a halo of the old
    background on any new one. `rgb` and `alpha` are uint8; opaque pixels come back unchanged. The
    bleed is a box blur of the premultiplied colours at half resolution (colours change slowly, and
    this runs at the photo's full size, where a full-size blur would cost a tenth of the model's run).
    """
    rgb, alpha = np.ascontiguousarray(rgb), np.ascontiguousarray(alpha)
    out: np.ndarray = rgb.copy()
    edge = cv2.inRange(alpha, 1, 241)  # see-through: 0 < alpha < 0.95
    if not edge.any():
        return out
    solid = cv2.inRange(alpha, 242, 255)
    height, width = alpha.shape
    weights = _half_blur(solid, radius)
    premultiplied = _half_blur(cv2.bitwise_and(rgb, rgb, mask=solid), radius)
    colour = cv2.divide(premultiplied, cv2.merge([weights] * 3), scale=255.0)
    # An opaque pixel within reach: bleed its colour (un-premultiplied); farther out, keep the pixel's own.
    near = cv2.resize(cv2.inRange(weights, 3, 255), (width, height), interpolation=cv2.INTER_NEAREST)
    full = cv2.resize(colour, (width, height), interpolation=cv2.INTER_NEAREST)
    cv2.copyTo(full, cv2.bitwise_and(edge, near), out)
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


def _no_product() -> ImageRejected:
    return ImageRejected(
        "no_object",
        "No product could be found in the photo. Use a photo where the product is clearly visible.",
    )


def _upscaled(mask: Image.Image, size: tuple[int, int]) -> tuple[Image.Image, tuple[int, int]]:
    """The working copy's mask brought to the photo's `size`, only around what it holds (the rest stays 0,
    and a full-size upscale of a large photo costs more than the whole clean-up): that region's mask and
    where its top-left corner sits in the photo."""
    found = mask.getbbox()
    if mask.size == size or found is None:
        return (mask if mask.size == size else Image.new("L", size)), (0, 0)
    scale_x, scale_y = size[0] / mask.width, size[1] / mask.height
    reach = math.ceil(max(scale_x, scale_y)) + 1  # how far a bilinear upscale spreads one pixel
    left, top = max(0, math.floor(found[0] * scale_x) - reach), max(0, math.floor(found[1] * scale_y) - reach)
    right = min(size[0], math.ceil(found[2] * scale_x) + reach)
    bottom = min(size[1], math.ceil(found[3] * scale_y) + reach)
    source = (left / scale_x, top / scale_y, right / scale_x, bottom / scale_y)
    return mask.resize((right - left, bottom - top), Image.Resampling.BILINEAR, box=source), (left, top)


def cut_out(photo: Image.Image, session: Any) -> Cutout:
    """The product of `photo` as a tightly cropped RGBA image with clean edges."""
    alpha_small = product_alpha(photo, session)
    coverage = float(alpha_small.mean())
    if (alpha_small > 0.5).mean() < MIN_OBJECT_SHARE:
        raise _no_product()
    alpha, box = _product_crop(alpha_small, photo)
    crop = photo.crop(box)
    rgb = decontaminate(np.asarray(crop if crop.mode == "RGB" else crop.convert("RGB")), np.asarray(alpha))
    image = Image.fromarray(rgb, "RGB")
    image.putalpha(alpha)
    return Cutout(image, box, coverage)


def _product_crop(
    alpha_small: np.ndarray, photo: Image.Image
) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """The product's alpha at the photo's size, cropped to the product plus a margin, and that crop's box."""
    small = Image.fromarray((alpha_small * 255 + 0.5).astype(np.uint8), "L")
    mask, (left, top) = _upscaled(small, photo.size)
    own_alpha = photo.getchannel("A") if photo.mode == "RGBA" else None
    if own_alpha is not None:  # a photo that already had transparency keeps it
        mask = ImageChops.darker(mask, own_alpha.crop((left, top, left + mask.width, top + mask.height)))
    found = mask.getbbox()
    if found is None:  # the photo's own transparency hid everything the model found
        raise _no_product()
    product = (found[0] + left, found[1] + top, found[2] + left, found[3] + top)
    box = _crop_box(product, photo.size, within=own_alpha is None or not _already_cut_out(own_alpha))
    # Past the region (and the photo's edge, for an upload already cut out), crop() fills in transparency.
    return mask.crop((box[0] - left, box[1] - top, box[2] - left, box[3] - top)), box


def on_background(cutout: Image.Image, colour: tuple[int, int, int]) -> Image.Image:
    """The cut-out composited over a flat colour (what the classifier and previews look at)."""
    canvas = Image.new("RGB", cutout.size, colour)
    canvas.paste(cutout, mask=cutout.getchannel("A"))
    return canvas
