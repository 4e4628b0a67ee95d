"""Props named in a custom prompt: read from the prompt, drawn beside and behind the product (never over
it), reported in the task's promptText; the product's pixels unchanged and the creative's size exact."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import presets
from adcreative.creatives.services import resolve_prompt
from tests.drawing import drawn_cutout, product_fidelity
from workers.render.compose import Creative, render_creative
from workers.render.layout import WIDE_SIZE
from workers.render.prompt_props import PROP_WORDS, props_in_prompt
from workers.render.props import DRAWERS, LOOKS, draw_props
from workers.render.scenes import preset_for_prompt, scene_from_prompt


@pytest.mark.parametrize(
    ("prompt", "props"),
    [
        ("on a marble counter with lemons, morning sunlight", ("lemon",)),
        ("on a wooden table with oranges and basil leaves", ("orange", "leaf")),
        ("on linen with coffee beans and flowers", ("coffee bean", "flower")),  # linen is the surface
        ("on wet black stone", ()),  # a surface, not a prop
        ("against an orange wall", ()),  # a colour
        ("a bowl of apples beside it", ("apple",)),  # plural: props wherever they are said
        ("with a candle, a book, shells and pebbles", ("candle", "book", "shell")),  # three kinds at most
        ("on a rustic table scattered with orange autumn leaves", ("autumn leaf",)),
    ],
)
def test_a_prompt_names_its_props(prompt: str, props: tuple[str, ...]) -> None:
    assert props_in_prompt(prompt) == props


def test_every_prop_a_prompt_or_a_preset_can_name_is_drawn() -> None:
    assert set(PROP_WORDS.values()) <= set(LOOKS)
    assert set(presets.PROPS) == set(LOOKS), "a prop the catalog may name but the engine cannot draw"
    assert {look.shape for look in LOOKS.values()} <= set(DRAWERS)


def studio_creative(prompt: str, seed: int = 7) -> Creative:
    preset = preset_for_prompt(prompt, presets.load_catalog())
    scene = scene_from_prompt(preset.scene, prompt)
    return render_creative(drawn_cutout(), scene, list(preset.scene.palette), False, seed)


def test_props_stand_beside_the_product_and_leave_its_pixels_alone() -> None:
    prompt = "on a marble counter with lemons and leaves, morning sunlight"
    creative = studio_creative(prompt)
    plain = studio_creative("on a marble counter, morning sunlight")
    assert creative.image.size == WIDE_SIZE
    placement = creative.placement
    assert product_fidelity(creative.image, creative.product, placement.left, placement.top) < 1.0
    changed = (
        np.abs(np.asarray(creative.image, dtype=int) - np.asarray(plain.image, dtype=int)).sum(axis=2) > 30
    )
    left, right = placement.left, placement.left + placement.width
    assert changed[:, :left].sum() > 500 and changed[:, right:].sum() > 500  # props on both sides


@pytest.mark.parametrize("kinds", [("lemon",), ("orange", "leaf", "stone"), ("book", "candle", "ice")])
def test_props_in_front_never_cover_the_product(kinds: tuple[str, ...]) -> None:
    canvas = np.full((628, 1674, 3), 0.8, dtype=np.float32)
    product = (700, 150, 260, 400)  # left, top, width, height
    _, front, spots = draw_props(canvas, kinds, product, "top_left", seed=3)
    left, top, width, height = product
    assert front[top : top + height, left : left + width, 3].max() == 0.0
    assert spots and all(
        spot.behind or spot.left + spot.width < left or spot.left > left + width for spot in spots
    )
    assert all(abs(spot.bottom - (top + height)) <= height * 0.1 for spot in spots)  # on the product's floor


def test_the_prompt_text_reports_the_props_the_studio_draws() -> None:
    item = {"tag": "custom", "prompt": "on a marble counter with lemons"}
    spec = resolve_prompt(item, "red vase", "")
    assert spec.prompt_text == "red vase, on a marble counter with lemons (props drawn: lemon)"
    assert resolve_prompt({"tag": "custom", "prompt": "on marble"}, "red vase", "").prompt_text == (
        "red vase, on marble"
    )


def test_a_catalog_scene_may_name_props_but_only_ones_the_engine_draws() -> None:
    text = presets.CATALOG_PATH.read_text(encoding="utf-8")
    first_scene = text.index("reflection = ", text.index("[preset.scene]"))
    named = text[:first_scene] + 'props = ["lemon", "leaf"]\n' + text[first_scene:]
    assert presets.parse_catalog(named)["white_background"].scene.props == ("lemon", "leaf")
    with pytest.raises(presets.CatalogError, match="props must list some of lemon"):
        presets.parse_catalog(text[:first_scene] + 'props = ["unicorn"]\n' + text[first_scene:])


def test_a_product_the_frame_cut_at_the_bottom_still_gets_its_props_on_the_floor() -> None:
    rgba = np.asarray(drawn_cutout()).copy()
    cut_at_bottom = Image.fromarray(rgba[: int(rgba.shape[0] * 0.7)], "RGBA")  # opaque to its bottom row
    preset = preset_for_prompt("on a marble counter", presets.load_catalog())
    with_props = scene_from_prompt(preset.scene, "on a marble counter with lemons")
    lemons = render_creative(cut_at_bottom, with_props, list(preset.scene.palette), False, 5)
    plain = render_creative(cut_at_bottom, preset.scene, list(preset.scene.palette), False, 5)
    changed = (
        np.abs(np.asarray(lemons.image, dtype=int) - np.asarray(plain.image, dtype=int)).sum(axis=2) > 30
    )
    placement = lemons.placement
    assert changed[:, : placement.left].sum() + changed[:, placement.left + placement.width :].sum() > 500
