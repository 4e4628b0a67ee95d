"""The words of an analysis: naming rules on top of the classifier (silhouette checks, names taken from
a caption), the description's grammar and the prompts' colours."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PIL import Image, ImageDraw

from workers import naming
from workers.analysis import recommend_prompts
from workers.captions import name_from_caption
from workers.colour import Colour, accent_colour
from workers.label_words import LabelWords, read_words
from workers.naming import (
    choose_noun,
    closer_view,
    confidence,
    describe,
    face_share,
    looked_closer,
    name_with_label,
    step_up,
)
from workers.vocabulary import CATEGORY_WORDS

WATER_BOTTLE, BEER_BOTTLE, TABLE_LAMP, VASE, TEAPOT, SPOTLIGHT = 898, 440, 846, 883, 849, 818
CLOCK = ("alarm clock", "home", "metal")
ANALOG_CLOCK, LETTER_OPENER, SPATULA, SNEAKER = 409, 623, 813, 770
WALL_CLOCK = 892


def test_a_bottle_without_a_neck_is_a_can() -> None:
    guesses = [(WATER_BOTTLE, 0.3), (BEER_BOTTLE, 0.2)]
    assert choose_noun(guesses, neck_ratio=0.95).noun == "beverage can"
    assert choose_noun(guesses, neck_ratio=0.4).noun == "bottle"  # two kinds of bottle: the kind
    assert choose_noun([(WATER_BOTTLE, 0.8)], neck_ratio=0.4).noun == "water bottle"


def test_a_lamp_with_a_neck_instead_of_a_shade_is_a_vase() -> None:
    guesses = [(TABLE_LAMP, 0.3), (TEAPOT, 0.05)]
    vase = choose_noun(guesses, neck_ratio=0.33)
    assert (vase.noun, vase.category, vase.material) == ("vase", "home", "")  # a shape shows no material
    assert choose_noun(guesses, neck_ratio=1.4).noun == "lamp"  # its shade on top
    # A pendant lamp's narrow top is its cord: spotlight and lampshade guesses keep it a lamp.
    assert choose_noun([(SPOTLIGHT, 0.4), (TABLE_LAMP, 0.1)], neck_ratio=0.3).noun == "lamp"


@pytest.mark.parametrize(
    ("caption", "name"),
    [
        ("a red vase with a small teapot on a tray", "vase"),  # the subject, not the props
        ("a woman wearing a pink backpack", "backpack"),  # people are not products
        ("Backpacks on a bench", "backpack"),
        ("an orange glass vase", "vase"),  # colour and material words before the head noun
        ("an orange on a plate", "orange"),
        ("a teddy bear sitting on a rock", "teddy bear"),
        ("a pair of sneakers", "sneakers"),
        ("a yellow clock in a hand", "alarm clock"),  # a bare head word keeps the classifier's noun
        ("a can of beer on a rock", "can"),  # ... and is the name when the classifier saw something else
        ("an orange and white sneaker", "sneakers"),  # "and white" goes on describing the sneaker
        ("a teapot and a cup on a table", "teapot"),  # "and a cup" is another thing
        ("a mortar and pestle on a table", "mortar and pestle"),
        ("a sleeping bag in a tent", "sleeping bag"),  # an -ing word inside a noun is no verb
        ("two wine glasses", "wine glass"),
        ("two gold watches", "watches"),
        ("a pair of boots", "boots"),  # the caption's own word, not a stem
        ("A Teddy Bear, sitting on a rock!", "teddy bear"),
    ],
)
def test_a_caption_names_its_subject(caption: str, name: str) -> None:
    named = name_from_caption(caption, CLOCK)
    assert named is not None and named[0] == name


@pytest.mark.parametrize(
    "caption",
    [
        "a person standing on a hill",
        "a product on a white studio",
        "",
        "a lemon yellow dress",  # a colour that is also a fruit, used as a colour
        "a short woman with long hair",  # "short" is no pair of shorts
    ],
)
def test_a_caption_without_a_product_noun_names_nothing(caption: str) -> None:
    assert name_from_caption(caption, CLOCK) is None


PALETTE = [Colour("#141414", "black", 0.6), Colour("#be9669", "tan", 0.4)]


def test_a_description_reads_as_a_sentence_for_one_thing_or_a_pair() -> None:
    assert describe("teapot", "ceramic", "tall", PALETTE) == "A tall ceramic teapot in black and tan."
    assert describe("alarm clock", "", "", PALETTE) == "An alarm clock in black and tan."
    assert describe("loafers", "leather", "wide", PALETTE) == "Wide leather loafers in black and tan."
    assert describe("abacus", "wood", "wide", PALETTE) == "A wide wood abacus in black and tan."
    assert describe("jewellery", "", "wide", PALETTE) == "Wide jewellery in black and tan."  # a kind of goods
    assert describe("tableware", "", "", PALETTE) == "Tableware in black and tan."


@pytest.mark.parametrize("category", sorted(CATEGORY_WORDS))
def test_four_distinct_prompts_two_of_them_in_a_colour_for_the_product(category: str) -> None:
    for seed in range(20):
        prompts = recommend_prompts(category, PALETTE, seed)
        assert len(set(prompts)) == 4 and all("{" not in p for p in prompts)
        assert sum(accent_colour(PALETTE) in p for p in prompts) == 2  # "warm beige" sets off black
        assert prompts == recommend_prompts(category, PALETTE, seed)  # the same photo, the same answer
        vivid = recommend_prompts(category, [Colour("#c81e23", "red", 1.0)], seed)  # accent "soft <hue>"
        assert all(p.count("soft") <= 1 for p in prompts + vivid), "no 'soft soft turquoise glow'"


def _watch_drawing() -> Image.Image:
    """A clock face on a long strap: the face is the product's most solid part."""
    image = Image.new("RGBA", (300, 900), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 0, 180, 900), fill=(150, 120, 60, 255))
    draw.ellipse((50, 330, 250, 530), fill=(200, 170, 90, 255))
    return image


def test_a_closer_view_is_a_square_around_the_most_solid_part_and_only_a_real_zoom() -> None:
    view = closer_view(_watch_drawing())
    assert view is not None and view.width == view.height and view.width < 0.6 * 900
    alpha = np.asarray(view.getchannel("A")) > 127
    rows, columns = np.nonzero(alpha)
    assert abs(rows.mean() - view.height / 2) < 0.05 * view.height  # centred on the face
    assert abs(columns.mean() - view.width / 2) < 0.05 * view.width
    disc = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(disc).ellipse((20, 20, 380, 380), fill=(200, 0, 0, 255))
    assert closer_view(disc) is None  # the whole product anyway


def test_an_unsure_guess_looks_closer_and_a_clock_face_on_a_strap_is_a_watch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    looks: list[tuple[int, int]] = []

    def classifier_seeing(top: list[tuple[int, float]]) -> None:
        def seen(view: Image.Image, model: object) -> list[tuple[int, float]]:
            looks.append(view.size)
            return top

        monkeypatch.setattr(naming, "classify", seen)

    unsure = [(LETTER_OPENER, 0.14), (SPATULA, 0.1)]
    classifier_seeing([(ANALOG_CLOCK, 0.72)])
    watch = looked_closer(_watch_drawing(), unsure, classifier=None)
    assert watch is not None and (watch.noun, watch.category, watch.material) == ("watch", "jewelry", "")
    assert len(looks) == 1 and looks[0][0] < 900 * 0.6
    looks.clear()
    classifier_seeing([(SNEAKER, 0.8)])  # anything else up close names only its kind
    shoes = looked_closer(_watch_drawing(), unsure, classifier=None)
    assert shoes is not None and (shoes.noun, shoes.category, shoes.material) == ("shoes", "footwear", "")
    classifier_seeing([(SPATULA, 0.2)])  # no surer up close: the whole product's guess stands
    assert looked_closer(_watch_drawing(), unsure, classifier=None) is None
    looks.clear()
    assert looked_closer(_watch_drawing(), [(SPATULA, 0.8)], classifier=None) is None  # sure: no second look
    assert looks == []


def test_a_clock_the_classifier_is_sure_of_is_a_watch_when_its_face_is_only_part_of_the_product() -> None:
    sure_clock = [(ANALOG_CLOCK, 0.74), (WALL_CLOCK, 0.17)]
    watch = looked_closer(_watch_drawing(), sure_clock, classifier=None)  # no second look needed
    assert (
        watch is not None
        and (watch.noun, watch.category) == ("watch", "jewelry")
        and watch.sureness == 0.91
        and face_share(_watch_drawing()) < 0.5
    )
    disc = Image.new("RGBA", (400, 440), (0, 0, 0, 0))  # a clock: its face is the whole product
    ImageDraw.Draw(disc).ellipse((20, 20, 380, 380), fill=(200, 0, 0, 255))
    ImageDraw.Draw(disc).rectangle((60, 370, 100, 440), fill=(20, 20, 20, 255))  # a leg
    assert looked_closer(disc, sure_clock, classifier=None) is None


# --- confidence and stepping up --------------------------------------------------------------------
SPEAKER, HAIR_DRYER, EGGNOG = 632, 589, 969


def _named(top: list[tuple[int, float]], printed: LabelWords | None = None) -> tuple[str, float]:
    """The name and its confidence for fake classifier output and label words (no models)."""
    words = printed or LabelWords()
    guess = choose_noun(top, neck_ratio=0.5)
    sure = confidence(guess, name_with_label(guess, words), words)
    return step_up(name_with_label(guess, words), sure).noun, sure


def test_every_confidence_is_between_0_and_1() -> None:
    tops = [[(HAIR_DRYER, 1.0)], [(SPEAKER, 0.01)], [], [(EGGNOG, 0.9), (TEAPOT, 0.1)]]
    labels = [LabelWords(), LabelWords("teapot", "tableware"), LabelWords("coffee", "beverage")]
    for top in tops:
        for words in labels:
            assert 0.0 <= _named(top, words)[1] <= 1.0


def test_a_strong_single_kind_keeps_its_noun() -> None:
    name, sure = _named([(HAIR_DRYER, 0.85), (SPEAKER, 0.02)])
    assert name == "hair dryer" and sure >= naming.CONFIDENT


def test_a_cycle_whose_mass_spreads_over_imagenets_four_cycle_classes_is_a_bike() -> None:
    tricycle, tandem, unicycle, mountain_bike, teapot = 870, 444, 880, 671, TEAPOT
    name, sure = _named([(tricycle, 0.39), (tandem, 0.22), (unicycle, 0.11), (teapot, 0.03)])
    assert name == "bike" and sure >= naming.CONFIDENT
    assert _named([(mountain_bike, 0.9)])[0] == "mountain bike"  # one class sure of itself keeps its noun
    assert _named([(tricycle, 0.2), (teapot, 0.2), (SPEAKER, 0.2)])[0] == "product"  # not sure of a cycle


def test_mass_split_across_unrelated_kinds_steps_up_to_the_department_or_to_product() -> None:
    # The speaker leads but a teapot and a sneaker are nearly as likely: only its department is sure.
    assert _named([(SPEAKER, 0.32), (TEAPOT, 0.25), (SNEAKER, 0.2)])[0] == "audio device"
    # Even the department is a weak guess: the product is just a product.
    assert _named([(SPEAKER, 0.22), (TEAPOT, 0.18), (SNEAKER, 0.15)])[0] == "product"


def test_a_printed_noun_that_agrees_raises_the_confidence_and_one_that_contradicts_lowers_it() -> None:
    top = [(TEAPOT, 0.65)]
    alone = _named(top)[1]
    agreeing = _named(top, LabelWords("teapot", "tableware"))
    contradicting = _named(top, LabelWords("coffee", "beverage"))
    assert agreeing[1] > alone > contradicting[1]
    assert agreeing[0] == "teapot" and contradicting[0] == "tableware"  # below the line: its department


def test_a_class_a_packshot_seldom_shows_needs_more_support_than_a_product_class() -> None:
    assert _named([(TEAPOT, 0.7)])[0] == "teapot"
    eggnog, sure = _named([(EGGNOG, 0.7)])
    assert eggnog != "eggnog" and sure < _named([(TEAPOT, 0.7)])[1]
    # The classifier alone never names it; with a label that agrees, it does.
    assert _named([(EGGNOG, 0.95)], LabelWords("eggnog", "beverage"))[0] == "eggnog"


def _printed(*lines: tuple[str, float]) -> LabelWords:
    """What a label with these lines (text, print height) says, biggest print first."""
    from workers.label import Label, Line

    return read_words(Label(tuple(Line(text, 0.95, height) for text, height in lines)))


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ((("cookies", 0.2), ("and", 0.18)), "biscuits"),
        ((("TOFU FERME", 0.09), ("Eau, soja", 0.03)), "tofu"),
        ((("MIXED NUTS", 0.12), ("Alesto", 0.1)), "nuts"),
        ((("Kellogg's", 0.2), ("Cereal", 0.15)), "cereal"),
    ],
)
def test_packaged_foods_big_print_names_it_where_the_classifier_is_unsure_of_another_category(
    printed: tuple[tuple[str, float], ...], name: str
) -> None:
    # Unsure guesses of a speaker and a teapot: the food printed big names the product, confidently.
    named, sure = _named([(SPEAKER, 0.3), (TEAPOT, 0.2)], _printed(*printed))
    assert named == name and sure >= naming.CONFIDENT


def test_a_brand_alone_or_a_food_word_in_small_print_names_no_food() -> None:
    top = [(SPEAKER, 0.3), (TEAPOT, 0.2)]
    assert _named(top, _printed(("Hood", 0.15), ("AafGHalf", 0.12)))[0] == _named(top)[0]
    assert _named(top, _printed(("Maryl", 0.5), ("cookies", 0.1)))[0] == _named(top)[0]  # the size rule holds
    # A product the classifier is sure of keeps a contradicting print from naming it: never "biscuits".
    assert _named([(SNEAKER, 0.85)], _printed(("Cookies", 0.2)))[0] != "biscuits"


def test_the_recommendations_body_carries_the_confidence_beside_the_contract_fields() -> None:
    from adcreative.recommendations.models import Recommendation

    record = Recommendation(
        product_name="teapot", product_description="A teapot.", analysis={"confidence": 0.8}, prompts=["a"]
    )
    body = record.body()
    assert list(body) == [
        "productInfo",
        "backgroundRemovedImageAssetId",
        "recommendedPrompts",
        "recommendedPresetIds",
    ]
    assert body["productInfo"] == {
        "productName": "teapot",
        "productDescription": "A teapot.",
        "productNameConfidence": 0.8,
    }
    record.analysis = {}  # recorded before confidences: the contract's fields alone
    assert record.body()["productInfo"] == {"productName": "teapot", "productDescription": "A teapot."}


# --- departments summed over every class they file --------------------------------------------------
SODA_BOTTLE, LOTION, HAIR_SPRAY, CASSETTE_PLAYER = 737, 631, 585, 482


def test_a_bottle_whose_mass_is_split_across_bottle_shaped_classes_is_named_bottle() -> None:
    # Soda and water bottles lead but drinks alone are unsure; lotion and hair spray are bottles too.
    top = [(SODA_BOTTLE, 0.15), (WATER_BOTTLE, 0.1), (LOTION, 0.15), (HAIR_SPRAY, 0.15), (TEAPOT, 0.1)]
    guess = choose_noun(top, neck_ratio=0.5)
    named = step_up(guess, confidence(guess, guess, LabelWords()))
    assert named.noun == "bottle" and named.sureness == pytest.approx(0.55)


def test_a_department_counts_the_classes_of_its_aisle_that_name_no_product() -> None:
    # A speaker alone is unsure, and so is electronics; with a cassette player it is a sure audio device.
    assert (
        _named([(SPEAKER, 0.25), (CASSETTE_PLAYER, 0.1), (TEAPOT, 0.2), (SNEAKER, 0.15)])[0] == "audio device"
    )
    assert _named([(SPEAKER, 0.25), (TEAPOT, 0.2), (SNEAKER, 0.15)])[0] == "product"


def test_a_stepped_up_name_is_as_sure_as_its_department() -> None:
    guess = choose_noun([(SPEAKER, 0.32), (TEAPOT, 0.25), (SNEAKER, 0.2)], neck_ratio=0.5)
    named = step_up(guess, confidence(guess, guess, LabelWords()))
    assert named.noun == "audio device" and named.sureness == pytest.approx(0.32)
    unsure = step_up(replace(guess, departments=(("audio device", 0.2), ("electronic device", 0.25))), 0.2)
    assert unsure.noun == "product" and unsure.sureness == pytest.approx(0.25)
