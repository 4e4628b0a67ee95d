"""Naming from evidence: the label vocabulary in seven languages, the taxonomy's kinds and fallbacks, the
label against the classifier, and descriptions that carry only what was measured."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_label import carton
from workers.analysis import recommend_prompts
from workers.colour import Colour
from workers.label import Label, Line
from workers.label_words import BASES, FLAVOUR_PROPS, FLAVOURS, read_words
from workers.naming import Guess, choose_noun, describe, identify, name_with_label, shape_of
from workers.vocabulary import CATEGORY_NOUNS, COLOUR_NAMES, KIND_OF, PRODUCTS

SANDAL, SLIP_ON, HAIR_DRYER, SOMBRERO, COWBOY_HAT = 774, 630, 589, 808, 515
TEDDY_BEAR, TEAPOT, VELVET, TOY_STORE, PIGGY_BANK = 850, 849, 885, 865, 719


def label(*lines: tuple[str, float]) -> Label:
    """A read label: (text, print height as a share of the product's), biggest first as the reader gives."""
    return Label(tuple(Line(text, 0.98, height) for text, height in lines))


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("GRÄDDFIL", "sour cream"),  # Swedish, as printed
        ("GRADDFIL", "sour cream"),  # ... as read: the reader's alphabet has no diacritics
        ("Grddfil", "sour cream"),  # ... or drops the letter
        ("Saure Sahne", "sour cream"),  # German, a phrase
        ("Crme frache", "crème fraîche"),  # French, accents dropped
        ("Galletas", "biscuits"),  # Spanish plural
        ("Biscotti", "biscuits"),  # Italian
        ("Koekjes", "biscuits"),  # Dutch
        ("Mjlk", "milk"),  # Swedish "Mjölk" as read
        ("Jus d'orange", "orange juice"),  # a flavour on the noun's line
        ("Erdbeer-Joghurt", "strawberry yoghurt"),  # the flavour's compound form, not "beer"
        ("Fraise Yaourt", "strawberry yoghurt"),
        ("Plant-Based Superfood", "supplement"),
        ("Eau de Parfum", "perfume"),  # the phrase, not "water"
        ("Chocolate", "chocolate"),  # a flavour alone is the noun
        ("Chocolate Milk", "chocolate milk"),
        ("Soja Drink", "soy milk"),  # a plant base on a drink
    ],
)
def test_label_words_name_the_product_in_seven_languages(printed: str, name: str) -> None:
    named = read_words(label((printed, 0.1))).name_for(drink_container=False)
    assert named is not None and named[0] == name


@pytest.mark.parametrize(
    ("printed", "container", "name"),
    [
        ("orange", True, "orange juice"),  # a fruit printed big on a drink carton
        ("SOYA", True, "soy milk"),
        ("Vanilj", True, "vanilla drink"),  # a flavour that is no fruit: a drink, not a juice
        ("orange", False, None),  # on something that holds no drink, a fruit word names nothing
        ("THE ORIGINAL", True, None),  # "the" is no French "thé"
        ("", True, None),
    ],
)
def test_a_flavour_without_a_noun_names_a_drink_only_on_a_drink_container(
    printed: str, container: bool, name: str | None
) -> None:
    named = read_words(label((printed, 0.1))).name_for(drink_container=container)
    assert (named[0] if named else None) == name


def test_small_print_names_nothing_and_flavours_nothing() -> None:
    words = read_words(label(("GREEN VIBRANCE", 0.1), ("Superfood", 0.05), ("milk", 0.02), ("peach", 0.02)))
    assert (words.noun, words.flavours) == ("supplement", ())  # ingredients lists are not the product
    assert words.printed == ("GREEN VIBRANCE", "Superfood")
    assert read_words(label(("ARLA", 0.1), ("arla", 0.09))).printed == ("ARLA",)  # each line once


@pytest.mark.parametrize(
    ("guesses", "name"),
    [
        ([(HAIR_DRYER, 0.86)], "hair dryer"),  # sure of the class: its own noun
        ([(SANDAL, 0.51), (SLIP_ON, 0.30)], "shoes"),  # split between a kind's classes: the kind
        ([(SOMBRERO, 0.63), (COWBOY_HAT, 0.29)], "hat"),
        ([(TEDDY_BEAR, 0.6)], "plush toy"),  # ImageNet's only plush class, not sure: the kind
        ([(TEDDY_BEAR, 0.9)], "teddy bear"),
        ([(TEDDY_BEAR, 0.13), (VELVET, 0.4)], "toy"),  # a weak guess: the category's noun
        ([(VELVET, 0.6)], "product"),  # no product class at all
        ([(TOY_STORE, 0.5), (VELVET, 0.3)], "toy"),  # a hint names the category
    ],
)
def test_the_name_is_the_most_specific_the_guesses_support(
    guesses: list[tuple[int, float]], name: str
) -> None:
    assert choose_noun(guesses, neck_ratio=0.5).noun == name


def test_every_kind_and_category_has_a_name() -> None:
    categories = {category for _, category, _ in PRODUCTS.values()}
    assert categories <= set(CATEGORY_NOUNS)
    assert set(KIND_OF) <= {noun for noun, _, _ in PRODUCTS.values()}, "a kind lists a noun no class gives"


def test_the_label_renames_packaged_goods_but_not_what_the_classifier_is_sure_of() -> None:
    coffee = read_words(label(("COFFEE", 0.1)))
    assert name_with_label(Guess("cup", "tableware", "", 0.8), coffee).noun == "cup"  # a printed mug
    assert name_with_label(Guess("cup", "tableware", "", 0.3), coffee).noun == "coffee"
    camera = read_words(label(("Polaroid", 0.1), ("CAMERA", 0.08)))
    assert name_with_label(Guess("instant camera", "tech", "", 0.5), camera).noun == "instant camera"
    carton_of = Guess("tin", "general", "metal", 0.4, container=True)
    assert name_with_label(carton_of, read_words(label(("orange", 0.1)))) == Guess(
        "orange juice", "beverage", "", 0.4, True
    )  # and drops the guessed material


def test_material_comes_only_with_a_class_the_classifier_is_sure_of() -> None:
    assert choose_noun([(TEAPOT, 0.9)], neck_ratio=0.5).material == "ceramic"
    assert choose_noun([(TEAPOT, 0.4)], neck_ratio=0.5).material == ""
    assert choose_noun([(SANDAL, 0.51), (SLIP_ON, 0.3)], neck_ratio=0.5).material == ""


def test_colour_words_are_colours_and_small_patches_are_not_named() -> None:
    assert not {"silver", "gold", "bronze", "copper", "chocolate"} & set(COLOUR_NAMES)  # not metals, not food
    palette = [
        Colour("#c81e23", "red", 0.8),
        Colour("#141414", "black", 0.15),
        Colour("#f096b4", "pink", 0.05),
    ]
    assert describe("mug", "", "compact", palette) == "A compact mug in red and black."
    printed = describe("orange juice", "", "tall", palette[:1], ("orange",), held_in="pack")
    assert printed == "A tall pack of orange juice in red, labelled \u201corange\u201d."


def test_a_drawn_carton_is_named_and_described_from_what_was_measured(classifier: Any, reader: Any) -> None:
    cutout = carton([("Apelsin", 64), ("Juice", 40)], angle=3)
    product = identify(cutout, classifier, reader=reader)
    assert product.name == "orange juice"
    shape, _ = shape_of(cutout)
    allowed = set(f"{shape} pack bottle of in and labelled {product.name}".replace(",", " ").split())
    allowed |= {word for colour in product.colours for word in colour.name.split()}
    allowed |= {word.lower() for text in product.printed for word in text.split()}
    said = product.description.lower().replace(",", " ").replace(".", " ").replace("\u201c", " ")
    said = said.replace("\u201d", " ")
    assert set(said.split()) - {"a", "an"} <= {word.lower() for word in allowed}, product.description


@pytest.fixture(scope="module")
def classifier() -> Any:
    from workers import models

    return models.classifier()


@pytest.fixture(scope="module")
def reader() -> Any:
    from workers import models

    return models.label_reader()


def test_a_printed_flavour_sets_one_scene_with_it() -> None:
    palette = [Colour("#f08c1e", "orange", 1.0)]
    for seed in range(10):
        prompts = recommend_prompts("beverage", palette, seed, ("orange",))
        assert len(set(prompts)) == 4 and sum("beside sliced oranges" in p for p in prompts) == 1
        assert [p.replace(", beside sliced oranges", "") for p in prompts] == recommend_prompts(
            "beverage", palette, seed
        )  # the same scenes, one of them with the fruit
    assert set(FLAVOURS) | set(BASES) <= set(FLAVOUR_PROPS), "every flavour can be shown"
