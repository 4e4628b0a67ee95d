"""The studio set's light as a prompt or a preset asks for it: the key light's colour and height (a low
setting sun throws long shadows across the floor), the product's shadow from a light at its side, and a
gelled background light's glow on the wall."""

from __future__ import annotations

import colorsys
from dataclasses import replace

import numpy as np
import pytest

import presets
from tests.drawing import drawn_cutout
from workers.colour import hex_to_rgb
from workers.render.compose import placed
from workers.render.layout import FrameCut
from workers.render.paint import rgb
from workers.render.prompt_scene import resolve
from workers.render.scenes import TIMES, palette_for, preset_for_prompt, scene_from_prompt
from workers.render.set3d import FLOOR, WALL, Lighting, Plate, Shot, shoot

SIZE = (837, 314)


def shot_for(scene: presets.Scene) -> Shot:
    return placed(drawn_cutout(), FrameCut(), scene, SIZE, 0)[2]


def plate(
    scene: presets.Scene, light: Lighting, rim: np.ndarray | None = None, shot: Shot | None = None
) -> Plate:
    shot = shot or shot_for(scene)
    return shoot(scene.backdrop, light, "", "", SIZE, shot, scene.floor_line, 0, rim)


def product_shadow(scene: presets.Scene, light: Lighting) -> int:
    """Floor pixels beside the product (outside its columns) that its shadow darkens to under 70 % of the
    light there without it (the same set, shot with a product that casts nothing)."""
    shot = shot_for(scene)
    lit = plate(scene, light, shot=shot)
    bare = plate(scene, light, shot=replace(shot, alpha=np.zeros_like(shot.alpha)))
    share = lit.light.mean(axis=2) / np.maximum(bare.light.mean(axis=2), 1e-3)
    columns = np.arange(share.shape[1])
    beside = (columns < shot.left - 5) | (columns > shot.left + shot.width + 5)
    return int(((lit.part == FLOOR) & (share < 0.7) & beside[None, :]).sum())


def key_height(scene: presets.Scene, light: Lighting) -> float:
    studio = plate(scene, light).studio
    assert studio is not None
    return float(studio.key.centre[1])


def test_a_low_sun_throws_a_longer_shadow_across_the_floor_than_the_usual_key() -> None:
    scene = presets.load_catalog()["light_grey_background"].scene
    usual, low = Lighting("left", 0.3, 0.7, False), Lighting("left", 0.3, 0.7, False, height=0.3)
    assert key_height(scene, low) < key_height(scene, usual)
    assert product_shadow(scene, low) > 2 * max(product_shadow(scene, usual), 50)


def test_a_product_lit_from_the_side_casts_its_outline_not_a_sliver() -> None:
    scene = presets.load_catalog()["light_grey_background"].scene
    side = plate(scene, Lighting("right", 0.3, 0.7, False)).studio
    assert side is not None and side.card is not None
    card = side.card
    to_light = side.key.centre * np.array([1, 0, 1], np.float32)
    facing = abs(float(np.cross(card.right, card.down) @ to_light)) / float(
        np.linalg.norm(np.cross(card.right, card.down)) * np.linalg.norm(to_light)
    )
    assert facing > 0.99  # the card turns to the light
    assert product_shadow(scene, Lighting("right", 0.3, 0.7, False)) > 200


def test_the_key_light_takes_its_own_colour() -> None:
    scene = presets.load_catalog()["light_grey_background"].scene
    sunset = plate(scene, Lighting("left", 0.3, 0.7, False, colour=tuple(rgb("#ffa75e"))))
    white = plate(scene, Lighting("left", 0.3, 0.7, False))
    floor = sunset.part == FLOOR
    warm, neutral = sunset.light[floor].mean(axis=0), white.light[floor].mean(axis=0)
    assert warm[0] - warm[2] > neutral[0] - neutral[2] + 0.1  # redder than blue


def test_a_gel_throws_a_pool_of_its_colour_on_the_wall_behind_the_product() -> None:
    scene = presets.load_catalog()["light_grey_background"].scene
    gel = rgb("#3cc8c8")
    glowing = plate(scene, Lighting("top_left", 0.8, 0.5, False), rim=gel)
    plain = plate(scene, Lighting("top_left", 0.8, 0.5, False))
    wall = glowing.part == WALL
    added = (glowing.light - plain.light)[wall]
    assert added.mean() > 0.05
    assert np.corrcoef(added.mean(axis=0), gel)[0, 1] > 0.9  # in the gel's colour
    behind = glowing.light.shape[1] // 2
    across = (glowing.light - plain.light).mean(axis=2)[: int(glowing.horizon * SIZE[1]) - 5]
    assert across[:, behind].mean() > across[:, 5].mean()  # a pool behind the product, fading sideways


def test_a_sunset_prompt_hangs_a_low_orange_sun() -> None:
    catalog = presets.load_catalog()
    prompt = "on a weathered wooden deck at sunset with long shadows"
    scene = scene_from_prompt(preset_for_prompt(prompt, catalog).scene, prompt)
    assert (scene.light_colour, scene.light_height) == TIMES["golden"]
    assert scene.light_softness < 0.5 and scene.gel == ""  # a small, hard sun; no coloured glow


@pytest.mark.parametrize(("prompt", "warmer"), [("in warm light", True), ("in cool light", False)])
def test_warm_or_cool_light_colours_the_key_light(prompt: str, warmer: bool) -> None:
    base = presets.load_catalog()["light_grey_background"]
    r, _, b = hex_to_rgb(scene_from_prompt(base.scene, prompt).light_colour)
    assert (r > b) is warmer


def test_a_coloured_glow_lights_a_grey_wall_so_it_reads_in_its_own_colour() -> None:
    catalog = presets.load_catalog()
    prompt = "on a sleek glass surface with reflections and a soft turquoise glow"
    base = preset_for_prompt(prompt, catalog)
    assert resolve(prompt).gel and not resolve(prompt).wall_colour
    wall = palette_for(base, prompt)[0]
    _, lightness, saturation = colorsys.rgb_to_hls(*(c / 255 for c in hex_to_rgb(wall)))
    assert saturation == 0.0
    base_lightness = colorsys.rgb_to_hls(*(c / 255 for c in hex_to_rgb(base.scene.palette[0])))[1]
    assert lightness == pytest.approx(base_lightness, abs=0.01)
    named = palette_for(base, "a turquoise glow on a lavender wall")[
        0
    ]  # a wall colour the prompt names stays
    assert named != wall and colorsys.rgb_to_hls(*(c / 255 for c in hex_to_rgb(named)))[2] > 0


@pytest.mark.parametrize(
    ("key", "value"),
    [("light_colour", "orange"), ("light_colour", "#FFA75E"), ("light_height", 0.1), ("light_height", True)],
)
def test_the_catalog_refuses_a_key_light_it_cannot_hang(key: str, value: object) -> None:
    entry = presets.load_catalog()["light_grey_background"]
    text = presets.CATALOG_PATH.read_text(encoding="utf-8")
    start = text.index(f'id = "{entry.id}"')
    scene_at = text.index("[preset.scene]", start) + len("[preset.scene]")
    literal = f'"{value}"' if isinstance(value, str) else str(value).lower()
    broken = text[:scene_at] + f"\n{key} = {literal}" + text[scene_at:]
    with pytest.raises(presets.CatalogError, match=key):
        presets.parse_catalog(broken)


def test_the_catalog_reads_a_key_lights_colour_and_height() -> None:
    scene = presets.load_catalog()["light_grey_background"].scene
    assert (scene.light_colour, scene.light_height) == ("", 1.0)
    assert replace(scene, light_height=0.3).light_height == 0.3
