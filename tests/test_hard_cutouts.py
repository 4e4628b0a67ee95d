"""Hard cut-outs on a plain backdrop: a group of products is one cut-out, a white product on white keeps
the shape its outline draws, the backdrop seen inside a handle stays out, and a busy background is left to
the model alone."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from workers import models
from workers.cutout import backdrop, clean_mask, cut_out, restore_outlined

STUDIO = (246, 246, 244)


def studio(size: tuple[int, int] = (800, 600)) -> Image.Image:
    """A studio sweep: light, a little darker towards the floor."""
    width, height = size
    fall = np.linspace(0, 10, height)[:, None, None]
    return Image.fromarray((np.array(STUDIO) - fall * np.ones((height, width, 3))).astype(np.uint8), "RGB")


def lab_and_field(photo: Image.Image) -> tuple[np.ndarray, np.ndarray]:
    plain = backdrop(np.asarray(photo, dtype=np.float64))
    assert plain is not None, "a studio sweep is a plain backdrop"
    return plain


def test_a_group_on_a_plain_backdrop_is_one_cutout_with_its_small_member(u2net_home: str) -> None:
    photo = studio()
    draw = ImageDraw.Draw(photo)
    draw.rounded_rectangle((120, 180, 300, 520), 30, fill=(40, 90, 180), outline=(20, 40, 90), width=3)
    draw.rounded_rectangle((340, 140, 520, 520), 30, fill=(200, 60, 50), outline=(90, 20, 20), width=3)
    draw.rounded_rectangle((580, 420, 660, 520), 14, fill=(230, 180, 40), outline=(120, 90, 10), width=3)
    cutout = cut_out(photo, models.rembg_session("u2netp", u2net_home))
    left, top, right, bottom = cutout.box
    assert left < 125 and right > 655 and top < 145 and bottom > 515  # all three, the small tin too
    alpha = cutout.image.getchannel("A")
    for x, y in ((210, 350), (430, 330), (620, 470)):
        assert alpha.getpixel((x - left, y - top)) == 255


def test_a_busy_background_is_not_a_plain_backdrop() -> None:
    rng = np.random.default_rng(7)
    shelf = rng.integers(0, 255, size=(300, 400, 3)).astype(np.float64)
    assert backdrop(shelf) is None
    assert backdrop(np.asarray(studio((400, 300)), dtype=np.float64)) is not None


def white_boxes() -> tuple[Image.Image, np.ndarray]:
    """Two off-white boxes on white, drawn by their grey outlines, and the mask a model gave of them: only
    their dark print, in pieces, with the white between missed."""
    photo = studio((400, 300))
    draw = ImageDraw.Draw(photo)
    draw.rectangle((60, 60, 180, 240), fill=(236, 236, 234), outline=(170, 170, 170), width=2)  # one box
    draw.rectangle((240, 60, 360, 240), fill=(236, 236, 234), outline=(170, 170, 170), width=2)  # a handle
    draw.rectangle((270, 110, 330, 200), fill=STUDIO, outline=(170, 170, 170), width=2)  # ... its hole
    mask = np.zeros((300, 400))
    mask[62:100, 62:178] = 1.0  # the print at the top of the first box, to its edges
    mask[200:238, 62:178] = 1.0  # ... and at its bottom
    mask[62:238, 242:268] = mask[62:238, 332:358] = mask[62:108, 242:358] = mask[202:238, 242:358] = 1.0
    return photo, mask


def test_a_white_product_on_white_keeps_the_shape_its_outline_draws() -> None:
    photo, mask = white_boxes()
    restored = restore_outlined(mask, *lab_and_field(photo))
    assert restored[110:190, 70:170].min() == 1.0  # the white between the pieces is the product's
    assert restored[120:190, 280:320].max() == 0.0  # the backdrop inside the handle stays backdrop
    assert restored[:50].max() == 0.0 and restored[260:].max() == 0.0  # nothing of the backdrop itself


def test_a_gap_the_backdrop_fills_is_not_put_back() -> None:
    photo, mask = white_boxes()
    middle = (64, 102, 176, 198)
    photo.paste(studio((400, 300)).crop(middle), middle[:2])  # the first box's middle shows the backdrop
    restored = restore_outlined(mask, *lab_and_field(photo))
    assert restored[120:180, 80:160].max() == 0.0


def test_on_a_plain_backdrop_small_blobs_are_members_elsewhere_clutter() -> None:
    mask = np.zeros((200, 200), dtype=np.uint8)
    mask[40:160, 30:120] = 255  # the product
    mask[120:160, 140:170] = 255  # a small second product, 1/9 of its area
    assert clean_mask(mask, plain=True)[140, 155] == 1.0
    assert clean_mask(mask)[140, 155] == 0.0
