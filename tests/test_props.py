"""Props named in a custom prompt or a preset: read from the prompt, built as 3D shapes of the studio set,
resting on its floor beside and behind the product (never over it in the picture), shot with its light and
lens, reported in the task's promptText; the product's pixels unchanged and the creative's size exact."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

import presets
from adcreative.creatives.services import resolve_prompt
from tests.drawing import drawn_cutout, product_fidelity
from workers.render.compose import Creative, placed, render_creative
from workers.render.layout import WIDE_SIZE, FrameCut, frame_cut
from workers.render.prompt_props import PROP_WORDS, props_in_prompt
from workers.render.props import BODIES, LOOKS, MATERIALS, MODELS, modelled, prop_models
from workers.render.scenes import preset_for_prompt, scene_from_prompt
from workers.render.set3d import FAR, FLOOR, PROP, Lighting, Plate, Shot, intersect, shoot
from workers.render.studio import render_background, shot_at


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
    assert {look.shape for look in LOOKS.values()} <= set(MODELS) & set(MATERIALS) & set(BODIES)


@pytest.mark.parametrize("kind", list(LOOKS))
def test_each_prop_is_built_of_the_shape_it_declares_at_its_size(kind: str) -> None:
    look = LOOKS[kind]
    prop = modelled(kind, np.random.default_rng(1))
    assert isinstance(prop.shapes[0], BODIES[look.shape])
    extent = max(np.subtract(prop.high, prop.low))  # the product is 1 tall: a lemon stays a lemon
    assert 0.4 * look.size * max(1.0, look.aspect) < extent < 1.6 * look.size * max(1.0, look.aspect)


@pytest.mark.parametrize("kind", list(LOOKS))
def test_each_prop_rests_on_the_floor(kind: str) -> None:
    """Rays skimming the floor across the prop: none meets it just below the floor, some just above."""
    prop = modelled(kind, np.random.default_rng(2))
    height = prop.high[1] - prop.low[1]
    zs = np.arange(prop.low[2], prop.high[2], 0.0005, dtype=np.float32)

    def met_at(y: float) -> bool:
        origins = np.stack([np.full_like(zs, prop.low[0] - 1), np.full_like(zs, y), zs], -1)
        along = np.broadcast_to(np.array([1.0, 0.0, 0.0], np.float32), origins.shape)
        with np.errstate(invalid="ignore"):  # a level ray never meets a cylinder's top
            return any((intersect(origins, along, shape)[0] < FAR).any() for shape in prop.shapes)

    assert prop.low[1] == pytest.approx(0.0, abs=1e-6)
    assert not met_at(-0.002) and met_at(0.03 * height)


def plate_of(scene: presets.Scene, seed: int) -> tuple[Plate, Shot]:
    """The set shot around the drawn product at the plate's resolution (1674x628 painted at half size)."""
    cutout = drawn_cutout()
    _, _, shot = placed(cutout, frame_cut(np.asarray(cutout.getchannel("A"))), scene, WIDE_SIZE, seed)
    return render_background(scene, list(scene.palette), WIDE_SIZE, seed, shot)[1], shot_at(shot, 2)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_props_never_show_over_the_products_pixels(seed: int) -> None:
    scene = replace(presets.load_catalog()["light_grey_background"].scene, props=("orange", "leaf", "book"))
    plate, shot = plate_of(scene, seed)
    assert plate.props is not None and (plate.props.index >= 0).sum() > 2000
    product = np.zeros(plate.part.shape, bool)
    rows, cols = np.nonzero(shot.alpha > 0.02)
    product[rows + round(shot.top), cols + round(shot.left)] = True
    assert not (product & (plate.part == PROP)).any()


def test_a_prop_casts_its_shadow_on_the_floor_away_from_the_key_light() -> None:
    scene = presets.load_catalog()["light_grey_background"].scene  # the key light on the left
    _, _, shot = placed(drawn_cutout(), FrameCut(), scene, (837, 314), 0)
    light = Lighting(scene.light_direction, scene.light_softness, scene.light_intensity, False)
    orange = prop_models(("orange",), 0)[:1]
    bare = shoot(scene.backdrop, light, "", "", (837, 314), shot, scene.floor_line, 0)
    lit = shoot(scene.backdrop, light, "", "", (837, 314), shot, scene.floor_line, 0, props=orange)
    assert lit.props is not None and len(lit.props.placed) == 1
    prop = lit.props.placed[0]
    x, z = lit.points[..., 0] - prop.centre[0], lit.points[..., 2] - prop.centre[2]
    around = (lit.part == FLOOR) & (np.abs(z) < prop.reach) & (np.abs(x) > prop.reach * 1.2)
    ratio = lit.light.mean(-1) / bare.light.mean(-1)
    away, towards = around & (x > 0) & (x < prop.reach * 3), around & (x < 0) & (x > -prop.reach * 3)
    assert ratio[away].min() < ratio[towards].min() - 0.1  # its shadow falls to the right
    assert ratio[towards].min() > 0.85  # only its contact occlusion on the left
    on_it = lit.light.mean(-1)[lit.props.index == 0]
    assert on_it.min() < 0.5 * on_it.max(), "it is shaded on its side away from the light"


def test_props_behind_the_product_are_farther_in_the_depth_buffer() -> None:
    """Props beside the product's base stand at z = 0 (its front edge): those set further back are
    farther from the camera than its base, which the lens focuses on, and those in front nearer."""
    scene = presets.load_catalog()["mid_century_modern_office"].scene
    plate, shot = plate_of(replace(scene, floor_line=0.48, props=("stone",)), 4)
    assert plate.props is not None
    focus = plate.depth[int(shot.base_row), int(shot.left + shot.width / 2)]
    behind = [n for n, p in enumerate(plate.props.placed) if p.low[2] > 0.1]
    in_front = [n for n, p in enumerate(plate.props.placed) if p.high[2] < 0]
    assert behind and in_front
    assert all(plate.depth[plate.props.index == n].min() > focus for n in behind)
    assert all(plate.depth[plate.props.index == n].max() < focus for n in in_front)


def test_the_same_seed_sets_the_same_props_and_another_sets_them_otherwise() -> None:
    scene = replace(presets.load_catalog()["light_grey_background"].scene, props=("lemon",))
    first, again = (render_creative(drawn_cutout(), scene, list(scene.palette), False, 3) for _ in range(2))
    assert np.array_equal(np.asarray(first.image), np.asarray(again.image))
    places = []
    for seed in (3, 4):
        view = plate_of(scene, seed)[0].props
        assert view is not None
        places.append(np.round([p.centre for p in view.placed], 3))  # around the product, in the set
    assert places[0].shape != places[1].shape or not np.array_equal(places[0], places[1])


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
