"""Naming rules on top of the classifier: silhouette checks and names taken from a caption."""

from __future__ import annotations

import pytest

from workers.analysis import choose_noun, name_from_caption

WATER_BOTTLE, BEER_BOTTLE, TABLE_LAMP, VASE, TEAPOT = 898, 440, 846, 883, 849
CLOCK = ("alarm clock", "home", "metal")


def test_a_bottle_without_a_neck_is_a_can() -> None:
    guesses = [(WATER_BOTTLE, 0.3), (BEER_BOTTLE, 0.2)]
    assert choose_noun(guesses, neck_ratio=0.95)[0] == "beverage can"
    assert choose_noun(guesses, neck_ratio=0.4)[0] == "water bottle"


def test_a_lamp_with_a_neck_instead_of_a_shade_is_a_vase() -> None:
    guesses = [(TABLE_LAMP, 0.3), (TEAPOT, 0.05)]
    assert choose_noun(guesses, neck_ratio=0.33) == ("vase", "home", "ceramic")
    assert choose_noun(guesses, neck_ratio=1.4) == ("table lamp", "home", "")  # its shade on top


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
    ],
)
def test_a_caption_names_its_subject(caption: str, name: str) -> None:
    named = name_from_caption(caption, CLOCK)
    assert named is not None and named[0] == name


@pytest.mark.parametrize("caption", ["a person standing on a hill", "a product on a white studio", ""])
def test_a_caption_without_a_product_noun_names_nothing(caption: str) -> None:
    assert name_from_caption(caption, CLOCK) is None
