"""Product analysis: what Recommendations answers for a cut-out: the product (`workers.naming`), 4
prompts and 6 presets.

Simple over easy: name the product → pick prompts for the product's scene family → rank presets by
text similarity, colour harmony and the category's kinds of scene. Every step is deterministic, so
the same photo always gives the same answer.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

from presets import Preset
from workers import colour as colours
from workers.colour import Colour
from workers.label_words import FLAVOUR_PROPS
from workers.naming import Product, ZeroShot, identify
from workers.render.layout import frame_cut
from workers.render.prompt_scene import grounded, resolve
from workers.vocabulary import CATEGORY_WORDS, FAMILY_OF_CATEGORY, PRESET_AFFINITY, SCENES

PROMPT_COUNT = 4
COLOURED_PROMPTS = 2  # of the four, how many set the scene in a colour picked for the product
PRESET_COUNT = 6
TEXT_WEIGHT = 0.45
HARMONY_WEIGHT = 0.25  # the rest goes to the product category's preferred preset categories
DIVERSITY = 0.35


@dataclass(frozen=True)
class Recommendation:
    product: Product
    prompts: list[str]
    preset_ids: list[str]
    frame_cut: tuple[bool, bool] = (False, False)  # the photo's frame cut the product at its top, its bottom


def stable_seed(cutout: Image.Image) -> int:
    thumbnail = cutout.copy()
    thumbnail.thumbnail((64, 64))
    return int.from_bytes(hashlib.sha256(thumbnail.tobytes()).digest()[:8], "big")


def recommend_prompts(
    category: str,
    palette: list[Colour],
    seed: int,
    flavours: tuple[str, ...] = (),
    cut: bool = False,
) -> list[str]:
    """Four scenes of the product's family, two of them in an accent colour chosen for its palette; with
    a flavour printed on the product, one plain scene shows it ("… beside sliced oranges"). For a product
    the photo's frame cut (`cut`), only scenes the studio draws whole for it: none on a stand
    (`prompt_scene.grounded`)."""
    family = FAMILY_OF_CATEGORY.get(category, "home")
    accent = colours.accent_colour(palette)
    rng = random.Random(seed)  # noqa: S311 - variety, not security
    chosen = _pick([t for t in SCENES[family] if _drawn_whole(t, cut)], rng)
    if len(chosen) < PROMPT_COUNT:  # a family whose scenes mostly stand it on something: others fill in
        spare = [t for scenes in SCENES.values() for t in scenes if t not in chosen and _drawn_whole(t, cut)]
        chosen += rng.sample(spare, PROMPT_COUNT - len(chosen))
    props = [FLAVOUR_PROPS[f] for f in flavours if f in FLAVOUR_PROPS]
    if props:
        chosen[-1] = f"{chosen[-1]}, beside {props[0]}"
    rng.shuffle(chosen)
    return [template.format(accent=accent) for template in chosen]


def _pick(templates: list[str], rng: random.Random) -> list[str]:
    """Up to PROMPT_COUNT of `templates`, COLOURED_PROMPTS of them in an accent colour where there are."""
    coloured = [t for t in templates if "{accent}" in t]
    plain = [t for t in templates if "{accent}" not in t]
    chosen = rng.sample(coloured, min(COLOURED_PROMPTS, len(coloured)))
    return chosen + rng.sample(plain, min(PROMPT_COUNT - len(chosen), len(plain)))


def _drawn_whole(template: str, cut: bool) -> bool:
    """Whether the studio draws all of a scene template for a product the frame cut (`cut`) or not."""
    said = resolve(template.format(accent="grey"))
    return grounded(said, cut).left_out == said.left_out


def _preset_text(preset: Preset) -> str:
    return f"{preset.preview_name}{preset.prompt_text}. {' '.join(preset.categories)}"


_preset_vectors: dict[tuple[int, int], tuple[list[str], np.ndarray]] = {}


def _preset_embeddings(catalog: Mapping[str, Preset], encoder: Any) -> tuple[list[str], np.ndarray]:
    key = (id(catalog), id(encoder))
    if key not in _preset_vectors:  # the catalog and encoder are fixed for the life of a process: embed once
        ids = list(catalog)
        vectors = encoder.encode(
            [_preset_text(catalog[i]) for i in ids], normalize_embeddings=True, show_progress_bar=False
        )
        _preset_vectors[key] = (ids, np.asarray(vectors))
    return _preset_vectors[key]


def rank_presets(
    product: Product, catalog: Mapping[str, Preset], encoder: Any, cut: bool = False
) -> list[str]:
    """The best presets for the product: its text near the preset's scene, colours that set it off, and
    the kinds of scene that suit its category; six different looks rather than six variations of one. For a
    product the photo's frame cut (`cut`), none that stands it on a block (the studio builds none for it)."""
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
    score[np.array([cut and bool(catalog[i].scene.stand) for i in ids])] = -np.inf  # no block under a cut one
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
    reader: Any = None,
    zero_shot: ZeroShot | None = None,
) -> Recommendation:
    """Everything the Recommendations endpoint answers, from the product's cut-out (`reader`: the label
    reader, or None to name the product without its printed words; `zero_shot`: a recogniser that names
    it over the shop taxonomy instead of the ImageNet classes, or None)."""
    product = identify(cutout, classifier, captioner, reader, zero_shot)
    cut = frame_cut(np.asarray(cutout.getchannel("A")))
    prompts = recommend_prompts(
        product.category, list(product.colours), stable_seed(cutout), product.flavours, cut.top or cut.bottom
    )
    preset_ids = rank_presets(product, catalog, encoder, cut.top or cut.bottom)
    return Recommendation(product, prompts, preset_ids, (cut.top, cut.bottom))
