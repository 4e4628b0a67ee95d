"""The fine-tune's dataset builder: examples with masks from the project's own cut-out, captions from the
product analysis and the .txt beside a photo, bad files reported and skipped, and placement augmentations."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from tests.conftest import SHARED_PHOTOS
from tests.drawing import bottle_photo, encode
from workers.finetune.dataset import (
    Describer,
    Example,
    Segmenter,
    augment,
    build_from_folder,
    pipeline,
    product_mask,
)

MAX_PIXELS = 40_000_000


@pytest.fixture(scope="module")
def own_pipeline(u2net_home: str) -> tuple[Segmenter, Describer]:
    return pipeline(u2net_home=u2net_home)


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / max(1, (a | b).sum()))


def test_it_makes_an_example_of_each_usable_photo_and_reports_the_rest(
    tmp_path: Path, own_pipeline: tuple[Segmenter, Describer]
) -> None:
    (tmp_path / "red").mkdir()
    red = bottle_photo()
    (tmp_path / "red" / "bottle.jpg").write_bytes(encode(red, "JPEG", quality=95))
    (tmp_path / "red" / "bottle.txt").write_text("on a marble counter by a window\n")
    (tmp_path / "blue.png").write_bytes(encode(bottle_photo((480, 600), (40, 60, 200)), "PNG"))
    (tmp_path / "broken.jpg").write_bytes(encode(red, "JPEG")[:600])  # cut off mid-file
    (tmp_path / "notes.md").write_text("not a photo")
    segment, describe = own_pipeline

    dataset = build_from_folder(tmp_path, segment, describe, MAX_PIXELS)

    assert [e.source for e in dataset.examples] == ["blue.png", "red/bottle.jpg"]
    assert [s.source for s in dataset.skipped] == ["broken.jpg"] and dataset.skipped[0].reason
    bottle = dataset.examples[1]
    assert bottle.caption.endswith(", on a marble counter by a window") and len(bottle.caption) > 40
    assert "marble" not in dataset.examples[0].caption
    # The mask is the product as drawn: red where the backdrop is grey.
    pixels = np.asarray(red).astype(int)
    drawn = (pixels[..., 0] - pixels[..., 1]) > 60
    mask = np.asarray(bottle.product_mask) == 255
    assert set(np.unique(np.asarray(bottle.product_mask))) == {0, 255}
    assert iou(mask, drawn) > 0.9
    assert (np.asarray(bottle.scene_mask) == 255).tolist() == (~mask).tolist()
    # The data hash follows the photos and captions, and only them.
    assert build_from_folder(tmp_path, segment, describe, MAX_PIXELS).digest == dataset.digest
    (tmp_path / "red" / "bottle.txt").write_text("on a beach")
    assert build_from_folder(tmp_path, segment, describe, MAX_PIXELS).digest != dataset.digest


def seeded(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - reproducible test data


def drawn_example(photo_size: tuple[int, int], product: tuple[int, int, int, int]) -> Example:
    """A red box with a yellow stripe down its left side (so that a flip shows) on a blue backdrop."""
    photo = Image.new("RGB", photo_size, (120, 160, 200))
    mask = Image.new("L", photo_size, 0)
    ImageDraw.Draw(mask).rectangle(product, fill=255)
    photo.paste((200, 30, 40), mask=mask)
    left, top, right, bottom = product
    ImageDraw.Draw(photo).rectangle((left, top, left + (right - left) // 5, bottom), fill=(230, 220, 30))
    return Example("drawn", photo, mask, "a red box")


@pytest.mark.parametrize(
    ("photo_size", "product"),
    [
        ((800, 600), (300, 200, 420, 380)),
        ((200, 700), (40, 50, 160, 640)),
    ],  # a tall product in a narrow photo
)
def test_augmentations_place_the_whole_product_at_a_random_scale_and_position(
    photo_size: tuple[int, int], product: tuple[int, int, int, int]
) -> None:
    example = drawn_example(photo_size, product)
    shares, lefts, flipped = [], [], 0
    for seed in range(24):
        sample = augment(example, seeded(seed), size=256)
        assert sample.image.size == sample.product_mask.size == (256, 256) and sample.image.mode == "RGB"
        mask = np.asarray(sample.product_mask)
        assert set(np.unique(mask)) == {0, 255}
        assert (np.asarray(sample.scene_mask) == 255 - mask).all()
        left, top, right, bottom = sample.product_mask.getbbox() or (0, 0, 0, 0)
        shares.append(max(right - left, bottom - top) / 256)
        lefts.append(left)
        pixels = np.asarray(sample.image).astype(int)
        product_pixels = (pixels[..., 0] > 150) & (pixels[..., 2] < 80)  # red box, yellow stripe
        assert iou(product_pixels, mask == 255) > 0.8  # its own pixels came along (edges resample softly)
        real = np.asarray(sample.real) == 255
        assert real[mask == 255].all()  # the product is never in a widened margin
        if photo_size[0] >= 600:  # a wide enough photo is never widened
            assert real.all()
        stripe = np.nonzero((pixels[..., 1] > 180) & (pixels[..., 2] < 100))[1]
        flipped += int(stripe.mean() > (left + right) / 2)
    if photo_size[0] >= 600:
        assert min(shares) >= 0.2 and max(shares) <= 0.8 and max(shares) - min(shares) > 0.2
        assert len(set(lefts)) > 5  # the position varies too
    else:  # no smaller than the photo's longer side allows (590 of 700 pixels), and so in one place
        assert min(shares) >= 0.8
    assert 4 <= flipped <= 20  # about half
    if photo_size[0] < 600:
        assert not np.asarray(sample.real).all()  # a narrow photo is widened, and the margin says so
    again = [augment(example, seeded(3), size=256).image.tobytes() for _ in range(2)]
    assert again[0] == again[1]


def test_masks_of_the_sample_photos_match_their_cut_outs(own_pipeline: tuple[Segmenter, Describer]) -> None:
    if not any(SHARED_PHOTOS.glob("*.jpg")):
        pytest.skip(f"{SHARED_PHOTOS} is not here: the sample photos live beside the project")
    segment, describe = own_pipeline
    dataset = build_from_folder(SHARED_PHOTOS, segment, describe, MAX_PIXELS)
    assert not dataset.skipped and len(dataset.examples) >= 6
    for example in dataset.examples:
        cutout = segment(example.image)
        placed = Image.new("L", example.image.size, 0)
        placed.paste(cutout.image.getchannel("A"), cutout.box[:2])
        alpha = np.asarray(placed) >= 128
        assert iou(np.asarray(product_mask(example.image, cutout)) == 255, alpha) == 1.0
        assert iou(np.asarray(example.product_mask) == 255, alpha) > 0.98, example.source
        share = (np.asarray(example.product_mask) == 255).mean()
        assert 0.01 < share < 0.95, example.source
        assert example.caption, example.source
