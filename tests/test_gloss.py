"""Gloss and glass on the studio set (workers/render/gloss.py): a glossy floor mirrors the 3D set with
Fresnel's weight, and a glass pedestal bends what lies behind it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

import presets
from tests.drawing import drawn_cutout
from workers.render.compose import placed
from workers.render.gloss import glaze, project
from workers.render.layout import FrameCut
from workers.render.set3d import FLOOR, STAND, WALL, Lighting, Plate, shoot

SIZE = (240, 120)  # small plates: every check here is geometry, not resolution


def _scene(preset: str, **changes: object) -> presets.Scene:
    return replace(presets.load_catalog()[preset].scene, **changes)  # type: ignore[arg-type]


def _plate(scene: presets.Scene) -> Plate:
    """The set of `scene` as shot around the drawn product on a small plate."""
    _, _, shot = placed(drawn_cutout(), FrameCut(), scene, SIZE, 0)
    light = Lighting(scene.light_direction, scene.light_softness, scene.light_intensity, False)
    return shoot(scene.backdrop, light, scene.gobo, scene.stand, SIZE, shot, scene.floor_line, 0)


def _painted(plate: Plate, wall: float, floor: float, stand: float = 0.0) -> np.ndarray:
    """A flat picture of the set: one grey for the wall, one for the floor, one for a stand."""
    grey = np.select([plate.part == WALL, plate.part == FLOOR, plate.part == STAND], [wall, floor, stand])
    return np.repeat(grey[..., None], 3, axis=2).astype(np.float32)


def test_a_glossy_floor_mirrors_more_at_grazing_angles_than_looking_down() -> None:
    scene = _scene("glossy_black_reflective")
    plate = _plate(scene)
    mirrored = glaze(scene, _painted(plate, wall=0.0, floor=0.5), plate)[..., 0]
    floor_rows = np.flatnonzero((plate.part == FLOOR).all(axis=1))
    far, near = (
        0.5 - mirrored[floor_rows[1], 10],
        0.5 - mirrored[floor_rows[-1], 10],
    )  # the black wall's share
    assert far > 2.5 * near > 0, "Fresnel: the far floor, seen at a grazing angle, mirrors most"


def test_a_stand_on_a_glossy_floor_shows_mirrored_below_its_base() -> None:
    scene = _scene("glossy_black_reflective", stand="cube")
    plate = _plate(scene)
    mirrored = glaze(scene, _painted(plate, wall=0.0, floor=0.0, stand=0.8), plate)[..., 0]
    columns = np.flatnonzero((plate.part == STAND).any(axis=0))
    middle = int(columns.mean())
    base = int(np.flatnonzero(plate.part[:, middle] == STAND)[-1])  # the stand's lowest row there
    assert mirrored[base + 2, middle] > 0.05, "the stand's base is mirrored right below it"
    assert mirrored[base + 2, columns[0] - 15] == 0.0, "nothing is mirrored beside it"


def test_a_bright_spot_on_the_wall_is_mirrored_where_the_floor_plane_puts_it() -> None:
    scene = _scene("glossy_black_reflective", backdrop="wall_floor")
    plate = _plate(scene)
    assert plate.studio is not None
    camera, wall_z = plate.studio.camera, plate.studio.wall_z
    spot = np.array([[0.6, 0.4, wall_z]], np.float32)  # a point on the wall, a little above the floor
    col, row, _ = project(camera, spot)
    image = _painted(plate, wall=0.0, floor=0.0)
    image[round(row[0]) - 1 : round(row[0]) + 2, round(col[0]) - 1 : round(col[0]) + 2] = 0.6
    mirrored = glaze(scene, image, plate)[..., 0]
    col_m, row_m, _ = project(camera, spot * np.array([1, -1, 1], np.float32))  # mirrored in y = 0
    column = mirrored[:, round(col_m[0])]
    floor_rows = np.flatnonzero(plate.part[:, round(col_m[0])] == FLOOR)
    brightest = floor_rows[np.argmax(column[floor_rows])]
    assert column[brightest] > 0.05
    assert abs(brightest - row_m[0]) <= 1.5, "the reflection lies where the spot's mirror image projects"


def test_a_glass_pedestal_shows_what_lies_behind_it_bent_through_the_glass() -> None:
    scene = _scene("champagne_glass_pedestal", backdrop="wall_floor")
    plate = _plate(scene)
    glass = plate.part == STAND
    columns = np.flatnonzero(glass.any(axis=0))
    stripe = slice(columns[0] - 7, columns[0] - 4)  # a bright line down the picture, left of the pedestal
    plain = _painted(plate, wall=0.3, floor=0.3)
    striped = plain.copy()
    striped[:, stripe][plate.part[:, stripe] != STAND] = 0.9
    through_plain, through_striped = glaze(scene, plain, plate), glaze(scene, striped, plate)
    rows = np.flatnonzero(glass[:, columns.mean().astype(int)])
    row = rows[len(rows) // 3]  # a third of the way down the glass
    shown = through_striped[row, columns, 0] - through_plain[row, columns, 0]
    assert shown.max() > 0.1, "the stripe shows through the glass"
    peak = columns[np.argmax(shown)]
    assert peak > columns.mean(), (
        "a solid glass cylinder is a lens: the stripe on its left shows on its right"
    )
    assert (through_plain[glass] < 0.3).mean() > 0.5, "glass is a touch darker than what lies behind it"


def test_floors_that_do_not_shine_and_solid_stands_are_left_as_painted() -> None:
    plate = _plate(_scene("white_background", stand="cube"))
    image = _painted(plate, wall=0.5, floor=0.3, stand=0.7)
    for surface in ("wood", "matte", "sand"):
        assert glaze(_scene("white_background", stand="cube", surface=surface), image, plate) is image
    assert glaze(_scene("glossy_black_reflective", reflection=0.0), image, plate) is image
