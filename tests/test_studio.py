"""The studio engine: every preset renders at the exact ad sizes, around the product's own pixels."""

from __future__ import annotations

import colorsys
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

import presets
from tests.drawing import drawn_cutout, product_fidelity
from tests.test_camera import shoe_from_above
from workers.colour import Colour, hex_to_rgb
from workers.render.compose import LIFT, Creative, base_row, camera_of, compose, placed, render_creative
from workers.render.layout import AD_SIZE, SIDE_EXTENSION, WIDE_SIZE, FrameCut, frame_cut, place
from workers.render.scenes import blend_with_product
from workers.render.set3d import FLOOR, STAND, WALL, Lighting, Plate, Shot, _light_samples, build_set
from workers.render.studio import HEADROOM, depth_of_field, exposed, render_background


def background(
    scene: presets.Scene, size: tuple[int, int], seed: int, cutout: Image.Image | None = None
) -> tuple[np.ndarray, Plate]:
    """The scene as it is shot around the drawn product (or `cutout`), without the product."""
    cutout = cutout or drawn_cutout()
    _, _, shot = placed(cutout, frame_cut(np.asarray(cutout.getchannel("A"))), scene, size, seed)
    return render_background(scene, list(scene.palette), size, seed, shot)


@pytest.mark.parametrize("preset_id", list(presets.load_catalog()))
def test_it_renders_every_preset_at_the_wide_size_around_the_product(preset_id: str) -> None:
    preset = presets.load_catalog()[preset_id]
    creative = render_creative(drawn_cutout(), preset.scene, list(preset.scene.palette), False, seed=11)
    assert creative.image.size == WIDE_SIZE and creative.image.mode == "RGB"
    placement = creative.placement
    assert product_fidelity(creative.image, creative.product, placement.left, placement.top) < 2
    # The scene is a scene: not one flat colour.
    assert np.asarray(creative.image).std() > 2


@pytest.mark.parametrize(
    "preset_id", ["white_background", "mid_century_modern_office", "glossy_black_reflective"]
)
def test_it_renders_the_ad_size_without_safe_margins(preset_id: str) -> None:
    preset = presets.load_catalog()[preset_id]
    creative = render_creative(drawn_cutout(), preset.scene, list(preset.scene.palette), True, seed=3)
    assert creative.image.size == AD_SIZE


def test_it_keeps_the_product_inside_the_ad_whatever_its_shape() -> None:
    for size in ((100, 900), (900, 100), (400, 400), (2000, 1500)):
        for canvas in (AD_SIZE, WIDE_SIZE):
            spot = place(size, canvas, floor_line=0.72)
            ad_left = (canvas[0] - AD_SIZE[0]) // 2
            assert spot.top >= 0 and spot.bottom <= canvas[1]
            assert ad_left <= spot.left and spot.left + spot.width <= ad_left + AD_SIZE[0]
            assert abs(spot.width / spot.height - size[0] / size[1]) < 0.05  # never distorted
    assert SIDE_EXTENSION == 237


def cut_by_the_frame(top: bool, bottom: bool) -> Image.Image:
    """The drawn product as a photo's frame would have cut it: opaque up to the cut-out's edge rows."""
    rgba = np.asarray(drawn_cutout()).copy()
    height = rgba.shape[0]
    rows = slice(int(height * 0.3) if top else 0, int(height * 0.7) if bottom else height)
    return Image.fromarray(rgba[rows], "RGBA")


def test_it_reads_where_the_photo_frame_cut_the_product() -> None:
    assert frame_cut(np.asarray(drawn_cutout().getchannel("A"))) == FrameCut()
    for top, bottom in ((True, False), (False, True), (True, True)):
        alpha = np.asarray(cut_by_the_frame(top, bottom).getchannel("A"))
        assert frame_cut(alpha) == FrameCut(top=top, bottom=bottom)


@pytest.mark.parametrize(("top", "bottom"), [(False, True), (True, True), (True, False)])
def test_a_product_cut_by_the_frame_runs_off_the_same_edge_of_the_ad(top: bool, bottom: bool) -> None:
    scene = presets.load_catalog()["white_marble_countertop"].scene
    cutout = cut_by_the_frame(top, bottom)
    creative = render_creative(cutout, scene, list(scene.palette), False, seed=4)
    spot = creative.placement
    assert creative.image.size == WIDE_SIZE
    assert (spot.top == 0) is top and (spot.bottom == WIDE_SIZE[1]) is bottom
    assert abs(spot.width / spot.height - cutout.width / cutout.height) < 0.05
    assert spot.left >= SIDE_EXTENSION and spot.left + spot.width <= SIDE_EXTENSION + AD_SIZE[0]  # in the ad
    assert product_fidelity(creative.image, creative.product, spot.left, spot.top) < 2
    if bottom:  # it stands on no floor: no contact shadow, no reflection, the scene untouched around it
        scene_only = np.clip(background(scene, WIDE_SIZE, 4, cutout)[0] * 255 + 0.5, 0, 255).astype(np.uint8)
        outside = np.ones(WIDE_SIZE[::-1], dtype=bool)
        outside[:, spot.left : spot.left + spot.width] = False
        assert np.abs(np.asarray(creative.image)[outside].astype(int) - scene_only[outside]).max() <= 1


def test_a_wide_product_cut_at_both_edges_keeps_its_bottom_edge_on_the_ads() -> None:
    spot = place((1000, 300), AD_SIZE, 0.6, FrameCut(top=True, bottom=True))
    assert spot.bottom == AD_SIZE[1] and spot.width <= AD_SIZE[0]  # the whole product, anchored at the bottom
    assert abs(spot.width / spot.height - 1000 / 300) < 0.02


def test_it_varies_the_scene_with_the_seed_and_repeats_it_for_the_same_seed() -> None:
    scene = presets.load_catalog()["forest_leaves_bokeh"].scene
    cutout = drawn_cutout()
    first = np.asarray(render_creative(cutout, scene, list(scene.palette), False, seed=1).image)
    again = np.asarray(render_creative(cutout, scene, list(scene.palette), False, seed=1).image)
    other = np.asarray(render_creative(cutout, scene, list(scene.palette), False, seed=2).image)
    assert np.array_equal(first, again)
    assert np.abs(first.astype(int) - other.astype(int)).mean() > 1


def test_it_renders_and_serves_a_preview_for_every_preset(tmp_path, client, db, settings) -> None:
    from django.core.management import call_command

    settings.PRESET_PREVIEW_DIR = tmp_path
    call_command("render_preset_previews", "--only", "white_background", "forest_leaves_bokeh", stdout=None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["forest_leaves_bokeh.webp", "white_background.webp"]
    response = client.get("/assets/ai-product-preset/white_background.webp")
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    image = Image.open(tmp_path / "white_background.webp")
    assert image.format == "WEBP" and image.size == (600, 314)


def test_it_ships_a_preview_for_every_preset_of_the_catalog() -> None:
    from django.conf import settings

    shipped = {p.stem for p in settings.PRESET_PREVIEW_DIR.glob("*.webp")}
    assert shipped == set(presets.load_catalog()), (
        "run manage.py render_preset_previews after editing the catalog"
    )


def test_it_reads_a_custom_prompt_into_the_scene() -> None:
    from workers.render.scenes import palette_for, preset_for_prompt, scene_from_prompt

    catalog = presets.load_catalog()
    prompt = "on wet black stone with dramatic side light"
    scene = scene_from_prompt(catalog["white_background"].scene, prompt)
    assert (scene.surface, scene.light_direction) == ("stone", "left")
    assert scene.light_softness == 0.25 and scene.vignette > catalog["white_background"].scene.vignette
    kitchen = preset_for_prompt("on a white marble kitchen countertop, soft morning light", catalog)
    assert "kitchen" in kitchen.categories
    airy = scene_from_prompt(kitchen.scene, "on a white marble kitchen countertop, soft morning light")
    assert (airy.surface, airy.backdrop, airy.light_softness) == ("marble", "wall_floor", 0.85)
    assert palette_for(kitchen, "against a sage green wall")[0] == "#288c3c"  # "green" names the wall
    # A named backdrop beats a mere place, and a sunny prompt never gets a moody preset.
    sunny = preset_for_prompt("on a marble counter by a sunny window", catalog)
    assert sunny.id == "white_marble_countertop"
    assert scene_from_prompt(sunny.scene, "on a marble counter by a sunny window").backdrop == "window_room"
    assert preset_for_prompt("on a dark slate counter, moody", catalog).id == "dark_slate_kitchen_counter"
    assert preset_for_prompt("moody dark studio", catalog).id == "charcoal_gradient_studio"
    # Plural words meet their table entries, whatever the preset.
    white = catalog["white_background"].scene
    assert scene_from_prompt(white, "with christmas lights").texture == "light_bokeh"
    assert scene_from_prompt(white, "soft shadows from window blinds").gobo == "blinds"  # the key light's
    assert scene_from_prompt(white, "over gentle ripples").surface == "water"
    assert scene_from_prompt(white, "with dramatic side light").texture == "none"  # "light" is no texture
    assert scene_from_prompt(white, "among tropical palm leaves").texture == "palm_fronds"
    assert scene_from_prompt(white, "beside ferns on a mossy stone").texture == "ferns"
    assert scene_from_prompt(white, "on desert sand dunes").texture == "dunes"
    assert scene_from_prompt(white, "on a bed in a sunny bedroom").texture == "headboard"
    assert scene_from_prompt(white, "on a side table in a cozy living room").texture == "wall_art"
    beach = preset_for_prompt("on a beach with palm trees", catalog).id  # "with" is no scene's word
    assert beach in ("sunny_beach_sand", "tropical_palm_leaves")
    creative = render_creative(drawn_cutout(), scene, palette_for(kitchen, prompt), False, seed=1)
    assert creative.image.size == WIDE_SIZE


def test_the_seed_varies_where_the_product_stands_and_its_size_inside_the_safe_zone() -> None:
    for canvas in (AD_SIZE, WIDE_SIZE):
        spots = [place((400, 600), canvas, floor_line=0.72, seed=seed) for seed in range(12)]
        ad_left = (canvas[0] - AD_SIZE[0]) // 2
        for spot in spots:
            assert ad_left + AD_SIZE[0] * 0.12 - 1 <= spot.left
            assert spot.left + spot.width <= ad_left + AD_SIZE[0] * 0.88 + 1
            assert spot.top >= 0 and spot.bottom <= canvas[1]
        centres = {round(spot.centre_x) for spot in spots}
        assert min(centres) < canvas[0] / 2 - 100 and max(centres) > canvas[0] / 2 + 100  # left and right
        assert len({spot.height for spot in spots}) >= 2  # and more than one size
        assert place((400, 600), canvas, 0.72, seed=5) == place((400, 600), canvas, 0.72, seed=5)
    assert place((400, 600), WIDE_SIZE, 0.72, seed=0).centre_x == pytest.approx(WIDE_SIZE[0] / 2, abs=1)


def test_the_contact_shadow_meets_the_products_lowest_row() -> None:
    preset = presets.load_catalog()["white_background"]
    cutout = drawn_cutout()  # its lowest opaque row is 5 % above the cut-out's bottom edge
    creative = render_creative(cutout, preset.scene, list(preset.scene.palette), False, seed=0)
    placement = creative.placement
    base = placement.top + base_row(np.asarray(creative.product.getchannel("A")) / 255.0)
    assert base < placement.bottom - 3  # the margin the product does not touch
    image = np.asarray(creative.image, dtype=float).mean(axis=2)
    column = round(placement.centre_x)
    below, far = image[base + 1, column], image[base + 1, 40]  # just under the product, and far from it
    assert below < far - 25, "no gap between the product and its shadow"
    assert image[placement.bottom + 12, column] > below  # the shadow fades below the base


@pytest.mark.parametrize("preset_id", ["bathroom_tiles", "butcher_block_kitchen"])
def test_a_tiled_wall_shows_its_grout_lines(preset_id: str) -> None:
    scene = presets.load_catalog()[preset_id].scene
    image, plate = background(scene, (1674, 628), seed=1)
    wall_rows = np.flatnonzero((plate.part == FLOOR).any(axis=1))[0] * 2  # the plate is at half size
    wall = image.mean(axis=2)[20 : wall_rows - 20, 300:1300].mean(axis=1)
    dips = np.flatnonzero(
        (wall[1:-1] < wall[:-2]) & (wall[1:-1] < wall[2:]) & (wall[1:-1] < np.median(wall) - 0.015)
    )
    dips = dips[np.r_[True, np.diff(dips) > 8]]  # one dip per grout line (the dark crease may wobble)
    assert len(dips) >= 5, "the rows of tiles"
    spacing = np.diff(dips)
    assert spacing.std() < 3 and 25 < spacing.mean() < 45  # periodic: one tile high apart


def _detail(rows: np.ndarray) -> float:
    """How much fine detail rows of an image hold: the mean size of neighbouring pixels' differences."""
    return float(np.abs(np.diff(rows, axis=1)).mean() + np.abs(np.diff(rows, axis=0)).mean())


def test_a_room_is_softly_out_of_focus_behind_the_product_and_sharp_where_it_stands() -> None:
    room = presets.load_catalog()["bathroom_tiles"].scene
    detailed = np.random.default_rng(3).random((314, 837, 3)).astype(np.float32)
    depth = np.ones((314, 837), np.float32)
    depth[:150], depth[150:200], depth[260:] = 3.0, 1.3, 0.75  # the wall, the floor behind, the near floor
    focused = depth_of_field(room, detailed, depth, focus=1.0)
    assert _detail(focused[20:130]) < 0.2 * _detail(detailed[20:130])  # the wall, far behind
    assert _detail(focused[160:190]) < 0.7 * _detail(detailed[160:190])  # the floor behind the product
    assert np.allclose(focused[210:250], detailed[210:250], atol=0.02)  # in focus where it stands
    assert _detail(focused[270:]) < 0.9 * _detail(detailed[270:])  # nearer than the product: soft
    shallow = depth_of_field(replace(room, aperture=1.4), detailed, depth, focus=1.0)
    assert _detail(shallow[160:190]) < _detail(focused[160:190])  # a wider aperture: softer
    sweep = presets.load_catalog()["white_background"].scene
    assert depth_of_field(sweep, detailed, depth, 1.0) is detailed  # nothing behind a sweep to soften


def test_a_glossy_floor_mirrors_the_lights_behind_the_product() -> None:

    from workers.render.gloss import glaze

    wet = presets.load_catalog()["neon_city_night_bokeh"].scene
    _, _, shot = placed(drawn_cutout(), FrameCut(), wet, (837, 314), 0)
    plate = shoot_at(wet, shot)
    image = np.zeros((314, 837, 3), dtype=np.float32)
    horizon = round(314 * plate.horizon)
    image[horizon - 30 : horizon - 25, 690:700] = 1.0  # a light 25-30 rows above the horizon
    wet_floor = glaze(wet, image, plate).mean(axis=2)
    below = wet_floor[horizon:, 695]
    assert below.max() > 0.05  # its reflection below the horizon
    assert np.argmax(below) < 30  # no further below it than the light is above (the sweep curves up)
    assert wet_floor[horizon + 12, 400] == 0.0  # nothing where no light is mirrored
    assert below.max() < 1.0  # dimmer than the light
    assert glaze(replace(wet, surface="wood"), image, plate) is image  # wood mirrors nothing


@pytest.mark.parametrize("texture", [t for t in presets.TEXTURES if t != "none"])
def test_every_texture_the_catalog_may_name_is_drawn(texture: str) -> None:

    scene = presets.load_catalog()["sunny_beach_sand"].scene
    plain = background(replace(scene, texture="none"), (837, 314), seed=2)[0]
    drawn = background(replace(scene, texture=texture), (837, 314), seed=2)[0]
    assert np.abs(drawn - plain).mean() > 0.004, f"{texture} draws nothing: a silent fallback"


def test_the_sea_lies_blue_along_the_horizon() -> None:
    scene = presets.load_catalog()["sunny_beach_sand"].scene
    image, plate = background(scene, (837, 314), seed=2)
    horizon = int(314 * plate.horizon)
    sea, sand = image[horizon - 12 : horizon - 4].mean(axis=(0, 1)), image[horizon + 30].mean(axis=0)
    assert sea[2] > sea[0] + 0.15 and sand[0] > sand[2]  # blue water over warm sand


@pytest.mark.parametrize("surface", [s for s in presets.SURFACES if s != "seamless"])
def test_every_surface_the_catalog_may_name_is_drawn(surface: str) -> None:

    from workers.render.floors import FLOORS

    assert surface in FLOORS or surface == "matte", f"{surface} falls back to a plain floor"
    scene = replace(presets.load_catalog()["white_marble_countertop"].scene, surface=surface)
    image, plate = background(scene, (837, 314), seed=4)
    floor = image.mean(axis=2)[plate.part == FLOOR]
    assert floor.std() > 0.004, f"{surface} is flat"


@pytest.mark.parametrize("stand", [kind for kind in presets.STANDS if kind])
def test_a_product_on_a_block_of_the_set_stands_on_its_top(stand: str) -> None:
    scene = replace(presets.load_catalog()["light_grey_background"].scene, stand=stand)
    cutout, palette = drawn_cutout(), list(scene.palette)
    raised = render_creative(cutout, scene, palette, False, seed=0)
    floor = render_creative(cutout, replace(scene, stand=""), palette, False, seed=0)

    def base(creative: Creative) -> int:
        return creative.placement.top + base_row(np.asarray(creative.product.getchannel("A")) / 255.0)

    assert base(floor) - base(raised) == pytest.approx(628 * LIFT, abs=3)  # raised onto the block
    placement = raised.placement
    assert product_fidelity(raised.image, raised.product, placement.left, placement.top) < 1.0
    _, plate = background(scene, WIDE_SIZE, 0)
    column = round(placement.centre_x / 2)  # the plate is shot at half size
    assert plate.part[(base(raised) + 2) // 2, column] == STAND, "it stands on the block's top"
    above = plate.part[: placement.top // 2, column]
    assert (above != STAND).all() or stand == "arch", "nothing of the block rises above the product"
    below = np.asarray(raised.image, dtype=float)[base(raised) + 40, round(placement.centre_x)]
    plain = np.asarray(floor.image, dtype=float)[base(raised) + 40, round(placement.centre_x)]
    assert np.abs(below - plain).sum() > 15, "the block is drawn under the product"


def test_each_block_of_the_set_builds_the_shapes_it_names() -> None:
    from workers.render.set3d import Arch, Box, Cylinder, Sphere, stand_shapes

    kinds = {kind: [type(s) for s in stand_shapes(kind, 0.6, 0.4, 0.3)] for kind in presets.STANDS if kind}
    assert kinds == {
        "plinth": [Box], "pedestal": [Cylinder], "podium": [Cylinder], "cube": [Box],
        "sphere": [Cylinder, Sphere], "steps": [Box, Box], "slab": [Box], "arch": [Cylinder, Arch],
    }  # fmt: skip
    for kind in kinds:
        top = max(s.high[1] if isinstance(s, Box) else s.top for s in stand_shapes(kind, 0.6, 0.4, 0.3)
                  if isinstance(s, (Box, Cylinder)))  # fmt: skip
        assert top == pytest.approx(0.3), f"the product stands on the {kind}'s top"


def test_the_floor_meets_the_wall_where_the_photos_camera_sees_it() -> None:
    scene = replace(presets.load_catalog()["scandinavian_living_room"].scene, floor_line=0.5)
    cutout = drawn_cutout()
    horizons = []
    for elevation in (0.0, 12.0, 25.0, 45.0, 70.0):
        _, _, shot = placed(cutout, FrameCut(), scene, (837, 314), 0)
        horizons.append(shoot_at(scene, replace(shot, elevation=elevation)).horizon)
    assert horizons == sorted(horizons, reverse=True)  # higher up: the wall's foot rises in the picture
    assert horizons[1] == pytest.approx(scene.floor_line, abs=0.02)  # the preset's design at its camera
    _, _, shot = placed(cutout, FrameCut(), scene, (837, 314), 0)
    tight = replace(scene, floor_line=0.7)  # a wall that would stand in the product: set back behind it
    assert shoot_at(tight, shot).horizon < 0.7
    assert horizons[-1] < horizons[1] - 0.3  # looking down steeply: mostly floor


def shoot_at(scene: presets.Scene, shot: object) -> Plate:
    from workers.render.set3d import shoot

    light = Lighting(scene.light_direction, scene.light_softness, scene.light_intensity, False)
    return shoot(scene.backdrop, light, scene.gobo, scene.stand, (837, 314), shot, scene.floor_line, 0)  # type: ignore[arg-type]


@pytest.mark.parametrize("gobo", [g for g in presets.GOBOS if g])
def test_a_gobo_throws_its_pattern_in_the_key_light(gobo: str) -> None:
    from workers.render.set3d import FLOOR as floor_part

    scene = presets.load_catalog()["light_grey_background"].scene
    _, _, shot = placed(drawn_cutout(), FrameCut(), scene, (837, 314), 0)
    open_light = shoot_at(scene, shot)
    patterned = shoot_at(replace(scene, gobo=gobo), shot)
    lit = open_light.light.mean(axis=2)[open_light.part == floor_part]
    through = patterned.light.mean(axis=2)[patterned.part == floor_part]
    assert (through <= lit + 1e-4).all()  # a gobo only holds light back
    assert np.std(through / np.maximum(lit, 1e-3)) > 0.05, "its pattern lies across the floor"


def test_light_brighter_than_at_the_product_rolls_off_instead_of_burning_out() -> None:
    scene = presets.load_catalog()["sage_green_sweep"].scene
    light = np.linspace(0.0, 2.5, 51, dtype=np.float32).reshape(1, 51, 1).repeat(3, axis=2)
    part = np.full((1, 51), FLOOR)
    plate = Plate(light, part, np.ones((1, 51)), np.zeros((1, 51, 3)), np.zeros((1, 51, 3)), 0.5)
    out = exposed(scene, plate).light[0, :, 0]
    assert np.array_equal(out[:21], light[0, :21, 0])  # up to the product's light: as shot
    assert np.all(np.diff(out[:31]) > 0) and np.all(np.diff(out) >= 0)  # brighter stays brighter ...
    assert out.max() <= 1 + HEADROOM  # ... and never burns


def test_an_open_air_view_takes_no_shadow_of_the_product() -> None:
    beach = presets.load_catalog()["sunny_beach_sand"].scene
    _, plate = background(beach, (837, 314), seed=2)
    sky = ndimage.binary_erosion(plate.part == WALL, iterations=4)
    assert sky.any() and np.allclose(plate.light[sky], 1.0, atol=1e-3)
    room = replace(beach, texture="none")  # the same set as a studio wall: the product's shadow falls on it
    _, plate = background(room, (837, 314), seed=2)
    assert plate.light[ndimage.binary_erosion(plate.part == WALL, iterations=4)].min() < 0.9


def test_each_pixel_of_a_four_by_four_block_sees_other_points_of_the_key_light() -> None:
    shot = Shot(24.0, 4.0, 16.0, 20.0, 24.0, np.ones((20, 16), np.float32))
    studio = build_set("sweep", Lighting("left", 0.9, 0.5, False), "", "", (64, 32), shot, 0.7)
    points = _light_samples(studio, (4, 4))  # (samples, 4, 4, 3)
    flat = points.reshape(-1, 3)
    assert len(np.unique(flat.round(5), axis=0)) == 16 * 16  # 256 distinct points, none repeated


def test_a_product_on_a_block_mirrors_in_its_top_only_not_down_its_face() -> None:
    scene = replace(presets.load_catalog()["light_grey_background"].scene, stand="cube", reflection=0.9)
    cutout, palette = drawn_cutout(), list(scene.palette)
    shiny = np.asarray(render_creative(cutout, scene, palette, False, seed=0).image, np.float32)
    creative = render_creative(cutout, replace(scene, reflection=0.0), palette, False, seed=0)
    matte = np.asarray(creative.image, np.float32)
    _, plate = background(scene, WIDE_SIZE, 0)
    placement = creative.placement
    column = round(placement.centre_x / 2)  # the plate is shot at half size
    face = (plate.part[:, column] == STAND) & (plate.normals[:, column, 1] < 0.3)  # the block's front
    rows = np.flatnonzero(face) * 2
    assert len(rows) > 10
    middle = slice(placement.left + placement.width // 3, placement.left + 2 * placement.width // 3)
    top = slice(rows[0] - 12, rows[0] - 2)
    assert np.abs(shiny[top, middle] - matte[top, middle]).mean() > 1  # mirrored in the block's top
    assert np.array_equal(shiny[rows[0] + 2 : rows[-1], middle], matte[rows[0] + 2 : rows[-1], middle])


def _lying_shoe() -> Image.Image:
    """A shoe's sole seen from straight above, as a cut-out: the camera reads it as a flat lay."""
    alpha = Image.fromarray(shoe_from_above(30))
    cutout = Image.new("RGBA", alpha.size, (150, 90, 60, 0))
    cutout.putalpha(alpha)
    return cutout


def test_a_flat_lay_lies_on_a_floor_that_fills_the_picture_and_drops_its_shadow_beside_it() -> None:
    shoe = _lying_shoe()
    assert camera_of(shoe)[1], "read as lying flat"
    scene = presets.load_catalog()["mid_century_modern_office"].scene  # a room with wall art
    image, plate = background(scene, (837, 314), seed=1, cutout=shoe)
    assert plate.horizon <= 0 and not (plate.part == WALL).any()  # looking down: no wall in view
    bare, _ = background(replace(scene, texture="none"), (837, 314), seed=1, cutout=shoe)
    assert np.array_equal(image, bare)  # and no wall art floating on the floor
    _, _, shot = placed(shoe, frame_cut(np.asarray(shoe.getchannel("A"))), scene, (837, 314), 1)
    light = plate.light.mean(axis=2)
    rows, cols = np.nonzero(shot.alpha > 0.5)
    outline = np.zeros(light.shape, bool)
    outline[rows + int(shot.top), cols + int(shot.left)] = True

    def ring(inner: float, outer: float) -> np.ndarray:  # the floor this far from the shoe (its heights)
        grown = ndimage.binary_dilation(outline, iterations=int(shot.height * outer))
        inside = ndimage.binary_dilation(outline, iterations=max(1, int(shot.height * inner)))
        return np.asarray(grown & ~inside)

    far = np.percentile(light[ring(0.8, 2.0)], 2)
    assert light[ring(0.0, 0.12)].min() < far - 0.1  # its drop shadow, right beside it ...
    assert np.percentile(light[ring(0.3, 0.7)], 2) > far  # ... and no long shadow of a shoe standing up


@pytest.mark.parametrize(
    ("preset_id", "surface"), [("warm_sunlit_bedroom", "linen"), ("champagne_glass_pedestal", "glass")]
)
def test_a_flat_lays_floor_runs_on_past_the_top_edge(preset_id: str, surface: str) -> None:
    """Seen from above, the floor fills the picture: no strip of wall melts into it along the top edge, and
    a glossy one mirrors no hard edge where its reflected rays stop meeting the wall."""
    scene = replace(
        presets.load_catalog()[preset_id].scene,
        surface=surface, stand="", stand_surface="", vignette=0.0, grain=0.0,
    )  # fmt: skip
    image, plate = background(scene, (837, 314), seed=1, cutout=_lying_shoe())
    assert plate.horizon <= 0
    rows = np.asarray(image).mean(axis=(1, 2))
    assert rows[:6].mean() > 0.93 * rows[10:40].mean()  # before: 0.67 (linen), 0.91 (glass)


def test_a_flat_lay_shows_no_mirror_image_of_itself_on_a_glossy_floor() -> None:
    shoe = _lying_shoe()
    scene = replace(presets.load_catalog()["glossy_black_reflective"].scene, texture="none")
    creative = compose(shoe, scene, (837, 314), seed=2)
    canvas, _ = background(scene, (837, 314), seed=2, cutout=shoe)
    expected = Image.fromarray((np.clip(canvas, 0, 1) * 255 + 0.5).astype(np.uint8), "RGB")
    expected.paste(creative.product, (creative.placement.left, creative.placement.top), creative.product)
    assert np.array_equal(np.asarray(creative.image), np.asarray(expected))  # the set and the shoe, no copy


def test_a_product_the_frame_cuts_gets_no_block_peeking_out_under_it() -> None:
    scene = presets.load_catalog()["black_velvet_luxury"].scene  # a velvet cube under the product
    cutout = cut_by_the_frame(False, True)
    creative = render_creative(cutout, scene, list(scene.palette), False, seed=4)
    without = render_creative(
        cutout, replace(scene, stand="", stand_surface=""), list(scene.palette), False, 4
    )
    assert np.array_equal(np.asarray(creative.image), np.asarray(without.image))


def test_the_same_style_leans_the_scenes_hue_towards_the_product_without_greying_it() -> None:
    blue, lavender = Colour("#3a6fd8", "blue", 0.4), "#b9a5dc"

    def hls(value: str) -> tuple[float, float, float]:
        return colorsys.rgb_to_hls(*(c / 255 for c in hex_to_rgb(value)))

    (leaned,) = blend_with_product([lavender], [blue])
    before, after, towards = hls(lavender), hls(leaned), hls(blue.hex)
    assert after[1] == pytest.approx(before[1], abs=0.01) and after[2] == pytest.approx(before[2], abs=0.02)
    assert 0 < before[0] - after[0] <= 0.15 * (before[0] - towards[0]) + 0.005  # a little bluer, not grey
    green, brown = Colour("#53b868", "green", 0.4), "#8a5a3c"
    assert blend_with_product([lavender, brown], [green]) == [lavender, brown]  # across the wheel: kept
    greys = ["#ffffff", "#000000", "#888888"]
    assert blend_with_product(greys, [blue]) == greys  # no hue to turn
    assert blend_with_product([lavender], [Colour("#302923", "black", 0.4)]) == [lavender]  # a black product
