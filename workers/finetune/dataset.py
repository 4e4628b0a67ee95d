"""Training examples for the placement fine-tune, from product-in-scene photos (no Django, no Celery).

An example is a photo, the product's mask from the project's own cut-out pipeline (the pixels the model
must never repaint), the scene mask (its inverse: what the model learns to paint around a product), and a
caption: the product analysis's description, then the text of a `.txt` file beside the photo if there is
one. A photo that cannot be used (not an image, too large, no product found) is reported and skipped; it
never stops a run. `augment` makes the samples a placement model needs: the product at a random scale and
position in a square crop of the training size, flipped half the time.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from PIL import Image, ImageOps, ImageStat

from workers.cutout import Cutout
from workers.finetune.archive import IMAGE_SUFFIXES
from workers.imaging import ImageRejected, open_product_image

MASK_THRESHOLD = 128  # alpha at or above this is product


@dataclass(frozen=True)
class Example:
    source: str
    image: Image.Image  # RGB, upright, sRGB
    product_mask: Image.Image  # L, 255 where the product is
    caption: str

    @property
    def scene_mask(self) -> Image.Image:
        """What the model paints: everything but the product."""
        return ImageOps.invert(self.product_mask)


@dataclass(frozen=True)
class Skipped:
    source: str
    reason: str


@dataclass
class Dataset:
    examples: list[Example] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    digest: str = ""  # sha256 over every example's bytes and caption, in order: the fine-tune's data hash


Segmenter = Callable[[Image.Image], Cutout]
Describer = Callable[[Image.Image], str]


def product_mask(photo: Image.Image, cutout: Cutout) -> Image.Image:
    """The cut-out's alpha, placed where the cut-out sits in the photo, as a hard 0/255 mask."""
    mask = Image.new("L", photo.size, 0)
    mask.paste(cutout.image.getchannel("A"), cutout.box[:2])  # a box past the photo's edges is clipped
    return mask.point(_hard)


def example_from_photo(
    data: bytes, source: str, segment: Segmenter, describe: Describer, max_pixels: int, note: str = ""
) -> Example:
    """One example; ImageRejected (or OSError for a broken file) when the photo cannot be used."""
    photo = open_product_image(data, max_pixels).convert("RGB")
    cutout = segment(photo)
    mask = product_mask(photo, cutout)
    if mask.getbbox() is None:
        raise ImageRejected("no_object", "No product could be found in the photo.")
    caption = describe(cutout.image).strip()
    if note.strip():
        caption = f"{caption.rstrip('.')}, {note.strip()}" if caption else note.strip()
    return Example(source, photo, mask, caption)


def build(
    photos: Iterable[tuple[str, bytes, str]], segment: Segmenter, describe: Describer, max_pixels: int
) -> Dataset:
    """Examples from (source, bytes, note) triples: a folder's files or an application's assets."""
    dataset, digest = Dataset(), hashlib.sha256()
    for source, data, note in photos:
        try:
            example = example_from_photo(data, source, segment, describe, max_pixels, note)
        except ImageRejected as exc:
            dataset.skipped.append(Skipped(source, exc.message))
            continue
        except (OSError, ValueError) as exc:  # a truncated or undecodable file
            dataset.skipped.append(Skipped(source, f"{type(exc).__name__}: {exc}"))
            continue
        dataset.examples.append(example)
        digest.update(hashlib.sha256(data).digest() + example.caption.encode())
    dataset.digest = digest.hexdigest()
    return dataset


def folder_photos(folder: Path) -> Iterator[tuple[str, bytes, str]]:
    """The photos of a folder and its subfolders in name order, each with the text of `<name>.txt` beside it."""
    for path in sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()):
        note_path = path.with_suffix(".txt")
        note = note_path.read_text(errors="replace") if note_path.is_file() else ""
        yield str(path.relative_to(folder)), path.read_bytes(), note


def build_from_folder(folder: Path, segment: Segmenter, describe: Describer, max_pixels: int) -> Dataset:
    return build(folder_photos(folder), segment, describe, max_pixels)


@dataclass(frozen=True)
class Sample:
    image: Image.Image  # RGB, size x size
    product_mask: Image.Image  # L, 0/255
    scene_mask: Image.Image  # L, 0/255: the inverse of product_mask
    caption: str
    # L, 0/255: 255 where the pixels are the photo's; 0 where a photo too narrow for the crop was widened
    # (filled with its mean colour), which the loss leaves out so the model never learns flat filler.
    real: Image.Image


def augment(
    example: Example, rng: random.Random, size: int = 512, product_share: tuple[float, float] = (0.25, 0.75)
) -> Sample:
    """A square crop holding the whole product at a random share of its side (as small as the photo allows)
    and a random position, resized to `size` and flipped half the time."""
    box = example.product_mask.getbbox()
    assert box is not None, "an example always has a product"
    longest = max(box[2] - box[0], box[3] - box[1])
    # No wider than the photo's longer side (a crop of mostly filler teaches nothing), unless the product is.
    window = max(longest, min(math.ceil(longest / rng.uniform(*product_share)), max(example.image.size)))
    image, mask, real, box = _room_for(example.image, example.product_mask, box, window)
    left = rng.randint(max(0, box[2] - window), min(box[0], image.width - window))
    top = rng.randint(max(0, box[3] - window), min(box[1], image.height - window))
    crop = (left, top, left + window, top + window)
    image = image.crop(crop).resize((size, size), Image.Resampling.LANCZOS)
    mask, real = (
        layer.crop(crop).resize((size, size), Image.Resampling.BILINEAR).point(_hard)
        for layer in (mask, real)
    )
    if rng.random() < 0.5:
        image, mask, real = ImageOps.mirror(image), ImageOps.mirror(mask), ImageOps.mirror(real)
    return Sample(image, mask, ImageOps.invert(mask), example.caption, real)


def _hard(value: int) -> int:
    return 255 if value >= MASK_THRESHOLD else 0


def _room_for(
    image: Image.Image, mask: Image.Image, box: tuple[int, int, int, int], window: int
) -> tuple[Image.Image, Image.Image, Image.Image, tuple[int, int, int, int]]:
    """The photo widened with its own mean colour where a window of this side would not fit in it, and
    where its own pixels are."""
    real = Image.new("L", image.size, 255)
    grow_x, grow_y = max(0, window - image.width), max(0, window - image.height)
    if not grow_x and not grow_y:
        return image, mask, real, box
    border = (grow_x // 2, grow_y // 2, grow_x - grow_x // 2, grow_y - grow_y // 2)
    fill = tuple(round(c) for c in ImageStat.Stat(image).mean[:3])
    wider = ImageOps.expand(image, border, fill=fill)
    return (
        wider,
        ImageOps.expand(mask, border, fill=0),
        ImageOps.expand(real, border, fill=0),
        (
            box[0] + border[0],
            box[1] + border[1],
            box[2] + border[0],
            box[3] + border[1],
        ),
    )


def pipeline(
    rembg_model: str = "u2netp", u2net_home: str = "", caption_model: str = ""
) -> tuple[Segmenter, Describer]:
    """The project's own cut-out and product analysis, as the Recommendations worker runs them."""
    from workers import models
    from workers.cutout import cut_out
    from workers.naming import identify

    session, classifier = models.rembg_session(rembg_model, u2net_home), models.classifier()
    captioner = models.captioner(caption_model) if caption_model else None

    def describe(cutout: Image.Image) -> str:
        return identify(cutout, classifier, captioner).description

    return partial(cut_out, session=session), describe
