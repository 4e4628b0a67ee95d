"""Reading the label: the words printed on the product, by OCR, offline (no Django, no Celery).

The reader is RapidOCR on PP-OCRv4's ONNX models, which ship inside the rapidocr-onnxruntime wheel
(Apache-2.0): text detection, a 0/180° direction classifier, recognition. It looks only at the product: the
cut-out, cropped to its box and laid on white (text in the background is not the product's), scaled so its
longest side is at most MAX_SIDE (time grows with pixels; print this small stays legible) and small products
are enlarged to MIN_SIDE. Lines read with less than MIN_CONFIDENCE are dropped. Lines come biggest print
first: a product's name and brand are printed larger than its small print.

A small packshot (a carton 200 px tall) is read twice where its first read found print but no word that names
a product: again enlarged to ENLARGED_SIDE, where strokes a few pixels wide become legible (the water bottle's
"water infused" was read only so, though run together). Only then: that costs a second read (0.6-1.4 s on 2 busy cores) on about one
photo in eight of the tune photos, not on products without print. Print turned 90° or 270° on a bottle or
carton needs no turned read: the reader turns every line box taller than wide itself (a turned read of the
58 tune photos named nothing more, for a second and third read each).

The recogniser's alphabet is Chinese and Latin without diacritics: "Crème fraîche" reads "Crme frache". `tokens` gives
the words in lower case as they were read; matching them against words in other languages is the
vocabulary's business (it compares spellings with the accented letters dropped as well as unaccented).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

from workers.cutout import on_background
from workers.label_words import read_words

MAX_SIDE = 960
MIN_SIDE = 320
ENLARGED_SIDE = 800  # a small product's second read: big print at least ~40 px tall
MIN_CONFIDENCE = 0.6
WORD = re.compile(r"[^\W\d_]{2,}")  # letters only, two or more: not "4x", "100%" or "5biscuits"


@dataclass(frozen=True)
class Line:
    text: str
    confidence: float
    height: float  # how big it is printed (`print_size`), as a share of the product's height


@dataclass(frozen=True)
class Label:
    lines: tuple[Line, ...]  # biggest print first

    @property
    def text(self) -> str:
        return " | ".join(line.text for line in self.lines)

    def tokens(self) -> list[str]:
        """The words read, lower case, biggest print first, each once."""
        found = [word.lower() for line in self.lines for word in WORD.findall(line.text)]
        return list(dict.fromkeys(found))


def label_image(cutout: Image.Image, min_side: int = MIN_SIDE) -> Image.Image:
    """The product alone on white, cropped to its box, its longest side between `min_side` and MAX_SIDE."""
    box = cutout.getchannel("A").getbbox()
    product = on_background(cutout.crop(box) if box else cutout, (255, 255, 255))
    scale = min(MAX_SIDE / max(product.size), max(1.0, min_side / max(product.size)))
    if scale != 1.0:
        size = (max(1, round(product.width * scale)), max(1, round(product.height * scale)))
        product = product.resize(size, Image.Resampling.LANCZOS)
    return product


def read_label(cutout: Image.Image, reader: Any) -> Label:
    """The lines printed on the product in an RGBA cut-out (`reader`: `workers.models.label_reader()`); a
    small product's print that names nothing is read again enlarged, and that read kept if it names it."""
    label = _read(label_image(cutout), reader)
    box = cutout.getchannel("A").getbbox() or (0, 0, *cutout.size)
    if not label.lines or max(box[2] - box[0], box[3] - box[1]) >= ENLARGED_SIDE or _names(label):
        return label
    enlarged = _read(label_image(cutout, ENLARGED_SIDE), reader)
    return enlarged if _names(enlarged) else label


def _names(label: Label) -> bool:
    """Whether the label prints a product noun, a flavour or a plant base (`workers.label_words`)."""
    words = read_words(label)
    return bool(words.noun or words.flavours or words.bases)


def _read(image: Image.Image, reader: Any) -> Label:
    """The lines the reader finds on a label image, biggest print first."""
    found, _ = reader(np.asarray(image)[:, :, ::-1])  # RapidOCR reads OpenCV's BGR order
    lines = []
    for corners, text, confidence in found or []:
        height = print_size(corners) / image.height
        if float(confidence) >= MIN_CONFIDENCE and text.strip():
            lines.append(Line(text.strip(), round(float(confidence), 3), round(height, 4)))
    return Label(tuple(sorted(lines, key=lambda line: -line.height)))


def print_size(corners: Any) -> float:
    """How big a line is printed, in pixels: its box's height, or its width where the box is taller than
    wide. Print turned 90° on a carton's side has a box whose height is the line's length: measured so, a
    side panel's nutrition line outsized the product's name fourfold and hid it as small print."""
    points = np.asarray(corners, dtype=float)
    width, height = points.max(axis=0) - points.min(axis=0)
    return float(min(width, height))
